import { Hono } from 'hono';
import type * as Y from 'yjs';
import { errorBody } from '../auth/validation';
import { readPackageFromDoc } from '../../shared/doc/schema';
import type { PlainPackage } from '../../shared/types';
import { ExportQueryError } from '../export/exporters';
import type { RichPackage } from '../../shared/doc/richPackage';
import { formatDateNorwegian } from '../../shared/export/model';
import type { SealRecord } from '../../shared/protocol';
import type { VersionRecord } from '../storage/types';
import { liveAgreement, versionPackage, type AgreementRouteDeps } from './agreement';

/** What an exporter gets: the package as plain data and the live doc (rich text); it computes the report of what it exports. */
export interface ExportInput {
  pkg: PlainPackage;
  doc: Y.Doc;
  /** The request's query string (`scope`, `version`, `date`, `sealed`). */
  query?: Record<string, string | undefined>;
  /** The package to export (statuses derived from the sign-offs, or a stored round); exporters read the doc without it. */
  rich?: RichPackage;
  /** A stored round's footer: name, date, and for a sealed round the checksum and the acceptances. */
  round?: { versionName: string; date: string; checksum?: string; acceptances?: string[] };
}

/** An export format plugged into `GET /api/packages/:id/export?format=<name>`. */
export type PackageExporter = (input: ExportInput) => Promise<{ body: Uint8Array | string; contentType: string; filename: string; checksum?: string }>;

/**
 * `GET /api/packages/:id/export?format=<name>` (default `csv`) for any member: the
 * exporter of that name runs on the live document and its result is sent as a
 * download — its content type, `Content-Disposition: attachment` with the file name
 * reduced to `[A-Za-z0-9_.-]`, `X-Package-Checksum` when the exporter gives one, and
 * `Cache-Control: no-store` (an export is a snapshot of a live document). An unknown
 * format, or a query value the exporter refuses (`ExportQueryError`), answers 400.
 */
export function exportRoutes(deps: AgreementRouteDeps & { exporters: Record<string, PackageExporter> }): Hono {
  const app = new Hono();
  const { access, rooms, exporters, storage } = deps;

  app.get('/api/packages/:id/export', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const format = c.req.query('format') ?? 'csv';
    // Own properties only: `format=constructor` must not find Object.prototype's.
    const exporter = Object.hasOwn(exporters, format) ? exporters[format] : undefined;
    if (!exporter) return c.json(errorBody(`Ukjent eksportformat «${format.slice(0, 20)}»`), 400);
    const query = c.req.query();
    // `version=<vid>` exports a stored round; `sealed=1` the round the package's lock sealed.
    let round: VersionRecord | null = null;
    if (query.version) round = await storage.getVersion(a.id, query.version);
    if (!round && (query.sealed === '1' || query.sealed === 'true')) {
      const lock = await storage.getLock(a.id);
      if (!lock.locked || !lock.versionId) return c.json(errorBody('Pakken er ikke låst, så det finnes ingen forseglet versjon å eksportere'), 409);
      round = await storage.getVersion(a.id, lock.versionId);
    }
    const { version: _v, sealed: _s, ...rest } = query;
    let rich: RichPackage | null;
    let footer: ExportInput['round'];
    if (round) {
      rich = versionPackage(round);
      if (!rich) return c.json(errorBody('Runden kan ikke leses'), 500);
      const seal = round.seal ? (JSON.parse(round.seal) as SealRecord) : null;
      footer = { versionName: round.name, date: round.createdAt.slice(0, 10), ...(seal ? { checksum: seal.checksum, acceptances: acceptancesOf(seal) } : {}) };
    } else {
      rich = (await liveAgreement(deps, a.id)).rich;
    }
    const exportQuery = round ? rest : query;
    let out: Awaited<ReturnType<PackageExporter>>;
    try {
      out = await rooms.withRoom(a.id, 'content', async (room) => {
        const pkg = readPackageFromDoc(room.doc, a.id);
        return exporter({ pkg, doc: room.doc, query: exportQuery, rich: rich!, ...(footer ? { round: footer } : {}) });
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

  return app;
}

/** One line per party of a sealed round: «Ap: godtatt 12 punkter (Kari Nordmann, 01.12.2026)». */
export function acceptancesOf(seal: SealRecord): string[] {
  return seal.parties.map((p) => {
    let last: { byName?: string; by: string; at: string } | null = null;
    for (const item of Object.values(seal.signoffs)) {
      const s = item[p.id];
      if (s && s.state === 'accepted' && !s.stale && (!last || s.at > last.at)) last = s;
    }
    const who = last ? ` (sist ${last.byName ?? last.by}, ${formatDateNorwegian(last.at.slice(0, 10))})` : '';
    return `${p.name}: godtatt ${p.accepted} ${p.accepted === 1 ? 'punkt' : 'punkter'}${who}`;
  });
}
