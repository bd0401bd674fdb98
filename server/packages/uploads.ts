import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';
import { errorBody, payloadTooLarge } from '../auth/validation';
import { applyImportToDoc, readMetaFromDoc, readPackageFromDoc } from '../../shared/doc/schema';
import { applyRichPackageToDoc } from '../../shared/doc/richPackage';
import { BASELINE_LEDGERS, baselineLedgerOfHeader, writeBaselineToDoc, type BaselineLedger } from '../../shared/doc/baseline';
import { previewImport } from '../../shared/format/importPreview';
import { importBaselineFromFile, importLinesFromFile, importPackageFromFile } from '../import/index';
import { refuseWhenLocked } from './agreement';
import type { PackageRouteDeps } from './deps';
import { authorizeCreate, createPackage } from './create';
import { HttpOrigin } from './origin';

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

/**
 * The upload routes, each refusing bodies over `MAX_UPLOAD_BYTES` (413):
 * `POST /api/packages/:id/import` (CSV/XLSX lines; `?preview=1` answers what would be
 * imported and the balance after it, writing nothing), `POST /api/packages/:id/baseline`
 * (the baseline of one ledger: `?ledger=drift|investering`, or told by the file's
 * first header, `investeringsområde` → investering; the other ledger's baseline is
 * kept) — both for roles that write the content — and
 * `POST /api/packages/import` (a package file becomes a new package, for those who
 * may create packages). Every import is all or nothing: a refused file answers 400
 * `{ error: { row, column, value, message } }` and writes nothing. Writes go through
 * the package's room, attributed to the caller, and answer once stored.
 */
export function uploadRoutes(deps: PackageRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms } = deps;
  const uploadLimit = bodyLimit({ maxSize: MAX_UPLOAD_BYTES, onError: (c) => payloadTooLarge(c, MAX_UPLOAD_BYTES) });

  app.post('/api/packages/:id/import', uploadLimit, async (c) => {
    const a = await access.forRoute(c, 'write');
    if (a instanceof Response) return a;
    const locked = await refuseWhenLocked(c, deps.storage, a.id);
    if (locked) return locked;
    const upload = await readUploadedSpreadsheet(c);
    if (upload instanceof Response) return upload;
    const preview = c.req.query('preview') === '1';
    const origin = new HttpOrigin(a.principal.userId);
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
  });

  app.post('/api/packages/:id/baseline', uploadLimit, async (c) => {
    const a = await access.forRoute(c, 'write');
    if (a instanceof Response) return a;
    const locked = await refuseWhenLocked(c, deps.storage, a.id);
    if (locked) return locked;
    const upload = await readUploadedSpreadsheet(c);
    if (upload instanceof Response) return upload;
    const asked = c.req.query('ledger');
    if (asked !== undefined && !(BASELINE_LEDGERS as readonly string[]).includes(asked)) {
      return c.json(errorBody(`Ugyldig parameter ledger: «${asked}» (tillatt: ${BASELINE_LEDGERS.join(', ')})`, 'ledger'), 400);
    }
    const result = await importBaselineFromFile(upload.bytes, upload.file);
    if (!result.ok) return c.json({ error: result.error }, 400);
    const ledger: BaselineLedger = (asked as BaselineLedger | undefined) ?? baselineLedgerOfHeader(result.areaHeader);
    const origin = new HttpOrigin(a.principal.userId);
    await rooms.withRoom(a.id, 'content', (room) => room.transact((doc) => writeBaselineToDoc(doc, result.areas, origin, ledger), origin));
    return c.json({ areas: result.areas.length, years: result.years, ledger });
  });

  app.post('/api/packages/import', uploadLimit, async (c) => {
    const principal = await authorizeCreate(c, deps);
    if (principal instanceof Response) return principal;
    const result = importPackageFromFile(new Uint8Array(await c.req.arrayBuffer()));
    if (!result.ok) return c.json({ error: result.error }, 400);
    const id = await createPackage(deps, principal, result.pkg.title, (doc, origin) => applyRichPackageToDoc(doc, result.pkg, origin));
    return c.json({ id }, 201);
  });

  return app;
}
