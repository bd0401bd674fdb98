import { randomBytes } from 'node:crypto';
import type { Context, Hono as HonoType } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createNodeWebSocket } from '@hono/node-ws';
import type * as Y from 'yjs';
import { z } from 'zod';
import { type AuthProvider } from './auth/types';
import { MAX_JSON_BYTES, MAX_MESSAGE_BYTES, MAX_UPLOAD_BYTES, canWrite, type Principal, type Role } from '../shared/protocol';
import { originCheck, securityHeaders } from './auth/security';
import { errorBody, partySchema, payloadTooLarge, readJsonBody } from './auth/validation';
import { computeBalance } from '../shared/balance';
import { parseAmount, toCanonical } from '../shared/money';
import { applyImportToDoc, readMetaFromDoc, readPackageFromDoc, writeMetaToDoc, type PackageMeta } from '../shared/doc/schema';
import type { BalanceReport, Party, PlainPackage } from '../shared/types';
import { ExportQueryError, createPackageExporters } from './export/exporters';
import { importBaselineFromFile, importLinesFromFile, importPackageFromFile } from './import/index';
import { applyRichPackageToDoc } from '../shared/doc/richPackage';
import { writeBaselineToDoc } from '../shared/doc/baseline';
import { previewImport } from '../shared/format/importPreview';
import { computePackageReport } from '../shared/packageReport';
import type { RoomLogger, RoomRegistry } from './sync';
import type { DocStorage } from './storage/types';
import { PACKAGE_ID_RE, registerSyncRoutes } from './ws';

/**
 * Every websocket is pinged this often; one that has not answered the previous ping
 * (a dead peer, a half-open TCP connection) is terminated, so it leaves its room.
 */
export const HEARTBEAT_INTERVAL_MS = 30_000;


/** Content types an uploaded import file may be sent with (the format is detected from the content). */
const IMPORT_CONTENT_TYPE_RE =
  /^(text\/csv|text\/plain|application\/octet-stream|application\/json|application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet|application\/vnd\.ms-excel)\s*(;|$)/i;

/**
 * The bytes of an uploaded CSV or XLSX file (line import, baseline) with its name
 * (`x-filename` header or `?filename=`) and chosen sheet (`?sheet=`), or the 415
 * answer when the request's content type is none such a file is sent with. The body
 * is read only after the check, so a refused upload is never buffered.
 */
async function readUploadedSpreadsheet(c: Context): Promise<{ bytes: Uint8Array; file: { filename: string; sheet?: string } } | Response> {
  if (!IMPORT_CONTENT_TYPE_RE.test(c.req.header('content-type') ?? '')) {
    return c.json(errorBody('Forventet en CSV-fil eller en Excel-arbeidsbok (.xlsx)'), 415);
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const sheet = c.req.query('sheet');
  const filename = c.req.header('x-filename') ?? c.req.query('filename') ?? '';
  return { bytes, file: sheet ? { filename, sheet } : { filename } };
}

/** What an exporter gets: the package as plain data, its balance and the live doc (rich text). */
export interface ExportInput {
  pkg: PlainPackage;
  report: BalanceReport;
  doc: Y.Doc;
  /** The request's query string (`scope`, `version`, `date`, `sealed`). */
  query?: Record<string, string | undefined>;
}

/** An export format plugged into `GET /api/packages/:id/export?format=<name>`. */
export type PackageExporter = (input: ExportInput) => Promise<{ body: Uint8Array | string; contentType: string; filename: string; checksum?: string }>;

/** Where a server-side change came from, recorded as the Yjs transaction origin (audit trail). */
export class HttpOrigin {
  constructor(
    readonly userId: string,
    readonly action: string,
  ) {}
}

export interface AppDeps {
  auth: AuthProvider;
  storage: DocStorage;
  rooms: RoomRegistry;
  publicOrigin: string | undefined;
  log: RoomLogger;
  /** Export formats by name; defaults to every format of server/export (docx, xlsx, csv, md, html, json). */
  exporters?: Record<string, PackageExporter>;
  /** Sub-apps mounted at `/` before the package routes (e.g. the accounts routes). */
  routes?: HonoType[];
}

const yearSchema = z.string().regex(/^\d{4}$/, 'År skrives med fire sifre');

/** Body of `POST /api/packages`. */
export const createPackageBody = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    years: z.array(yearSchema).min(1).max(30),
    planYears: z.array(yearSchema).min(1).max(30),
    parties: z
      .array(
        z.strictObject({
          id: partySchema.optional(),
          name: z.string().trim().min(1).max(100),
          color: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional(),
        }),
      )
      .max(20)
      .default([]),
    fundOpeningBalance: z.string().max(40).optional(),
  })
  .superRefine((b, ctx) => {
    const sorted = [...new Set(b.years)].sort();
    if (sorted.length !== b.years.length || sorted.some((y, i) => y !== b.years[i])) {
      ctx.addIssue({ code: 'custom', path: ['years'], message: 'Årene må være stigende og uten duplikater' });
    }
    if (b.planYears.some((y) => !b.years.includes(y))) {
      ctx.addIssue({ code: 'custom', path: ['planYears'], message: 'Planårene må være blant årene i «years»' });
    }
    if (b.fundOpeningBalance !== undefined) {
      const p = parseAmount(b.fundOpeningBalance);
      if (!p.ok || p.value === null) ctx.addIssue({ code: 'custom', path: ['fundOpeningBalance'], message: 'Ugyldig beløp' });
    }
  });

const PARTY_COLORS = ['#c8102e', '#00843d', '#a6192e', '#f2a900', '#005aa0', '#6a1b9a'];

function partiesOf(input: z.infer<typeof createPackageBody>['parties']): Party[] {
  const seen = new Set<string>();
  const out: Party[] = [];
  input.forEach((p, i) => {
    const id = (p.id ?? p.name).trim();
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, name: p.name, color: p.color ?? PARTY_COLORS[i % PARTY_COLORS.length]! });
  });
  return out;
}

const MSG = {
  unauthenticated: 'Du må logge inn',
  notFound: 'Pakken finnes ikke',
  forbiddenWrite: 'Du har ikke skrivetilgang til denne pakken',
  forbiddenCreate: 'Du har ikke lov til å opprette pakker',
  tooLarge: (max: number) => `Forespørselen er for stor (maks ${Math.round(max / 1024)} KiB)`,
};

/**
 * The collaboration server's Hono app: the package HTTP API and the websocket
 * endpoints, with security headers on every response and the Origin check on every
 * state-changing request. Every package route consults `auth` on every request:
 * no session → 401, not a member (or no such package) → 404, a role that may not
 * write the content → 403. Errors are JSON `{ error: { message } }` (Norwegian),
 * except a refused import, which answers `{ error: { row, column, value, message } }`.
 * Writes (package creation, import) go through the package's room, so connected
 * clients see them live, and answer only after they are stored.
 */
export function createApp(deps: AppDeps): {
  app: HonoType;
  injectWebSocket: ReturnType<typeof createNodeWebSocket>['injectWebSocket'];
  /** Stops the websocket heartbeat. */
  close(): void;
} {
  const app = new Hono();
  const nodeWs = createNodeWebSocket({ app });
  // ws enforces the limit while reading the frame and closes with 1009 on its own.
  nodeWs.wss.options.maxPayload = MAX_MESSAGE_BYTES;
  const alive = new WeakMap<object, boolean>();
  nodeWs.wss.on('connection', (ws) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
  });
  const heartbeat = setInterval(() => {
    for (const ws of nodeWs.wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();
  const { auth, storage, rooms } = deps;
  const exporters: Record<string, PackageExporter> = deps.exporters ?? createPackageExporters();

  app.use('*', securityHeaders(deps.publicOrigin));
  app.use('/api/*', originCheck(deps.publicOrigin));
  app.onError((err, c) => {
    deps.log.error(`HTTP ${c.req.method} ${c.req.path} failed`, err);
    return c.json(errorBody('Noe gikk galt på serveren'), 500);
  });

  app.get('/api/health', (c) => c.json({ ok: true, accepting: rooms.accepting, rooms: rooms.list().length }));

  for (const r of deps.routes ?? []) app.route('/', r);

  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BYTES, onError: (c) => payloadTooLarge(c, MAX_JSON_BYTES) });
  const uploadLimit = bodyLimit({ maxSize: MAX_UPLOAD_BYTES, onError: (c) => payloadTooLarge(c, MAX_UPLOAD_BYTES) });

  /** The caller's principal and role for a package, or the response that refuses them. */
  async function access(c: Context, need: 'read' | 'write'): Promise<{ principal: Principal; role: Role; id: string } | Response> {
    const principal = await auth.authenticate(c.req.raw.headers);
    if (!principal) return c.json(errorBody(MSG.unauthenticated), 401);
    const id = c.req.param('id') ?? '';
    const role = PACKAGE_ID_RE.test(id) ? await auth.roleFor(principal, id) : null;
    if (!role || !(await storage.getPackage(id))) return c.json(errorBody(MSG.notFound), 404);
    if (need === 'write' && !canWrite(role, 'content')) return c.json(errorBody(MSG.forbiddenWrite), 403);
    return { principal, role, id };
  }

  app.post('/api/packages', jsonLimit, async (c) => {
    const principal = await auth.authenticate(c.req.raw.headers);
    if (!principal) return c.json(errorBody(MSG.unauthenticated), 401);
    if (!auth.canCreatePackage(principal)) return c.json(errorBody(MSG.forbiddenCreate), 403);
    const body = await readJsonBody(c, createPackageBody);
    if (!body.ok) return body.response;
    const b = body.data;
    const id = randomBytes(12).toString('base64url');
    const now = new Date().toISOString();
    await storage.createPackage({ id, title: b.title, createdBy: principal.userId, createdAt: now, updatedAt: now });
    const meta: Partial<PackageMeta> = { title: b.title, years: b.years, planYears: b.planYears, parties: partiesOf(b.parties) };
    if (b.fundOpeningBalance !== undefined) {
      const p = parseAmount(b.fundOpeningBalance);
      if (p.ok && p.value !== null) meta.fundOpeningBalance = toCanonical(p.value);
    }
    const origin = new HttpOrigin(principal.userId, 'create');
    await rooms.withRoom(id, 'content', (room) => room.transact((doc) => writeMetaToDoc(doc, meta, origin), origin));
    await auth.afterPackageCreated(principal, id);
    return c.json({ id }, 201);
  });

  app.get('/api/packages', async (c) => {
    const principal = await auth.authenticate(c.req.raw.headers);
    if (!principal) return c.json(errorBody(MSG.unauthenticated), 401);
    const memberships = new Map((await auth.listMemberships(principal)).map((m) => [m.packageId, m]));
    const packages = (await storage.listPackages())
      .filter((p) => memberships.has(p.id))
      .map((p) => {
        const m = memberships.get(p.id)!;
        return { id: p.id, title: p.title, role: m.role, party: m.party ?? null, createdAt: p.createdAt, updatedAt: p.updatedAt };
      });
    return c.json({ packages });
  });

  app.get('/api/packages/:id', async (c) => {
    const a = await access(c, 'read');
    if (a instanceof Response) return a;
    const pkg = await rooms.withRoom(a.id, 'content', (room) => readPackageFromDoc(room.doc, a.id));
    return c.json(pkg);
  });

  app.get('/api/packages/:id/balance', async (c) => {
    const a = await access(c, 'read');
    if (a instanceof Response) return a;
    const report = await rooms.withRoom(a.id, 'content', (room) => computePackageReport(readPackageFromDoc(room.doc, a.id)));
    return c.json(report);
  });

  app.get('/api/packages/:id/audit', async (c) => {
    const a = await access(c, 'read');
    if (a instanceof Response) return a;
    return c.json({ entries: await storage.listAudit(a.id) });
  });

  app.post(
    '/api/packages/:id/import',
    uploadLimit,
    async (c) => {
      const a = await access(c, 'write');
      if (a instanceof Response) return a;
      const upload = await readUploadedSpreadsheet(c);
      if (upload instanceof Response) return upload;
      const preview = c.req.query('preview') === '1';
      const origin = new HttpOrigin(a.principal.userId, 'import');
      const outcome = await rooms.withRoom(a.id, 'content', async (room) => {
        const result = await importLinesFromFile(upload.bytes, { ...upload.file, years: readMetaFromDoc(room.doc).years });
        if (!result.ok) return result;
        // A preview shows the lines, new sections and the balance after the import; nothing is written.
        if (preview) return { ok: true as const, preview: previewImport(readPackageFromDoc(room.doc, a.id), result.lines), sheetNames: result.sheetNames };
        const imported = await room.transact((doc) => applyImportToDoc(doc, result.lines, origin), origin);
        return { ok: true as const, imported };
      });
      if (!outcome.ok) return c.json({ error: outcome.error, ...(outcome.sheetNames ? { sheetNames: outcome.sheetNames } : {}) }, 400);
      if ('preview' in outcome) return c.json({ preview: outcome.preview, ...(outcome.sheetNames ? { sheetNames: outcome.sheetNames } : {}) });
      return c.json({ imported: outcome.imported });
    },
  );

  app.post(
    '/api/packages/:id/baseline',
    uploadLimit,
    async (c) => {
      const a = await access(c, 'write');
      if (a instanceof Response) return a;
      const upload = await readUploadedSpreadsheet(c);
      if (upload instanceof Response) return upload;
      const result = await importBaselineFromFile(upload.bytes, upload.file);
      if (!result.ok) return c.json({ error: result.error }, 400);
      const origin = new HttpOrigin(a.principal.userId, 'baseline');
      await rooms.withRoom(a.id, 'content', (room) => room.transact((doc) => writeBaselineToDoc(doc, result.areas, origin), origin));
      return c.json({ areas: result.areas.length, years: result.years });
    },
  );

  app.post(
    '/api/packages/import',
    uploadLimit,
    async (c) => {
      const principal = await auth.authenticate(c.req.raw.headers);
      if (!principal) return c.json(errorBody(MSG.unauthenticated), 401);
      if (!auth.canCreatePackage(principal)) return c.json(errorBody(MSG.forbiddenCreate), 403);
      const result = importPackageFromFile(new Uint8Array(await c.req.arrayBuffer()));
      if (!result.ok) return c.json({ error: result.error }, 400);
      const id = randomBytes(12).toString('base64url');
      const now = new Date().toISOString();
      await storage.createPackage({ id, title: result.pkg.title, createdBy: principal.userId, createdAt: now, updatedAt: now });
      const origin = new HttpOrigin(principal.userId, 'import');
      await rooms.withRoom(id, 'content', (room) => room.transact((doc) => applyRichPackageToDoc(doc, result.pkg, origin), origin));
      await auth.afterPackageCreated(principal, id);
      return c.json({ id }, 201);
    },
  );

  app.get('/api/packages/:id/export', async (c) => {
    const a = await access(c, 'read');
    if (a instanceof Response) return a;
    const format = c.req.query('format') ?? 'csv';
    const exporter = Object.hasOwn(exporters, format) ? exporters[format] : undefined;
    if (!exporter) return c.json(errorBody(`Ukjent eksportformat «${format.slice(0, 20)}»`), 400);
    let out: Awaited<ReturnType<PackageExporter>>;
    try {
      out = await rooms.withRoom(a.id, 'content', async (room) => {
        const pkg = readPackageFromDoc(room.doc, a.id);
        return exporter({ pkg, report: computeBalance(pkg), doc: room.doc, query: c.req.query() });
      });
    } catch (err) {
      if (err instanceof ExportQueryError) return c.json(errorBody(err.message), 400);
      throw err;
    }
    const body = typeof out.body === 'string' ? out.body : new Uint8Array(out.body);
    return c.body(body, 200, {
      'content-type': out.contentType,
      'content-disposition': `attachment; filename="${out.filename.replace(/[^\w.-]/g, '_')}"`,
      'cache-control': 'no-store',
      ...(out.checksum ? { 'x-package-checksum': out.checksum } : {}),
    });
  });

  const stopSync = registerSyncRoutes(app, nodeWs.upgradeWebSocket, { auth, rooms, storage, publicOrigin: deps.publicOrigin, log: deps.log });

  return {
    app,
    injectWebSocket: nodeWs.injectWebSocket,
    close: () => {
      clearInterval(heartbeat);
      stopSync();
    },
  };
}
