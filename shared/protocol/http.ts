/**
 * Facts of the HTTP API that client and server must agree on: body limits and the
 * export formats. The request and answer shapes are in docs/schema.md.
 */

/** Largest JSON body of the package routes (bytes). */
export const MAX_JSON_BYTES = 64 * 1024;
/** Largest file the import routes accept (line import, baseline, package file), in bytes. */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** The formats of `GET /api/packages/:id/export?format=…`. */
export const EXPORT_FORMATS = ['docx', 'xlsx', 'csv', 'md', 'html', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Whether a string names an export format. */
export function isExportFormat(value: unknown): value is ExportFormat {
  return typeof value === 'string' && (EXPORT_FORMATS as readonly string[]).includes(value);
}
