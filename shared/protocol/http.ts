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

/**
 * A deleted line as `GET /api/packages/:id/deleted-lines` lists it for owners: the
 * newest deletion of each line that is not in the package now, newest first. The
 * server keeps the whole line (amounts, invalid cells, rich rationale);
 * `POST /api/packages/:id/deleted-lines/:lineId/restore` brings it back.
 */
export interface DeletedLineView {
  lineId: string;
  title: string;
  ledger: 'drift' | 'investering' | 'fond';
  group: 'tiltak' | 'inndekning';
  /** Year → amount as a canonical decimal string (million NOK). */
  amounts: Record<string, string>;
  /** ISO 8601 timestamp of the deletion. */
  deletedAt: string;
  /** Who deleted it (user id; null for the server itself). */
  deletedBy: string | null;
}
