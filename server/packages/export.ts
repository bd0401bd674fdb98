import { Hono } from 'hono';
import type * as Y from 'yjs';
import { errorBody } from '../auth/validation';
import { readPackageFromDoc } from '../../shared/doc/schema';
import type { PlainPackage } from '../../shared/types';
import { ExportQueryError } from '../export/exporters';
import type { PackageRouteDeps } from './deps';

/** What an exporter gets: the package as plain data and the live doc (rich text); it computes the report of what it exports. */
export interface ExportInput {
  pkg: PlainPackage;
  doc: Y.Doc;
  /** The request's query string (`scope`, `version`, `date`, `sealed`). */
  query?: Record<string, string | undefined>;
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
export function exportRoutes(deps: PackageRouteDeps & { exporters: Record<string, PackageExporter> }): Hono {
  const app = new Hono();
  const { access, rooms, exporters } = deps;

  app.get('/api/packages/:id/export', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const format = c.req.query('format') ?? 'csv';
    // Own properties only: `format=constructor` must not find Object.prototype's.
    const exporter = Object.hasOwn(exporters, format) ? exporters[format] : undefined;
    if (!exporter) return c.json(errorBody(`Ukjent eksportformat «${format.slice(0, 20)}»`), 400);
    let out: Awaited<ReturnType<PackageExporter>>;
    try {
      out = await rooms.withRoom(a.id, 'content', async (room) => {
        const pkg = readPackageFromDoc(room.doc, a.id);
        return exporter({ pkg, doc: room.doc, query: c.req.query() });
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
