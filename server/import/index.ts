import { importBaselineFromCsv, importLinesFromCsv, type BaselineAreaRow } from '../../shared/csv';
import type { ImportedLine } from '../../shared/doc/schema';
import type { RichPackage } from '../../shared/doc/richPackage';
import { readPackageJson } from '../../shared/format/json';
import type { Year } from '../../shared/types';
import { importBaselineFromXlsx, importLinesFromXlsx, type XlsxError } from './xlsx';
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';

export { MAX_XLSX_ROWS, importBaselineFromXlsx, importLinesFromXlsx, readXlsxRows } from './xlsx';


export type ImportFormat = 'csv' | 'xlsx' | 'json';

/** One import problem: where (row/column as the spreadsheet shows them, or a JSON path) and why, in Norwegian. */
export interface ImportError extends XlsxError {
  /** For JSON package files: the path of the bad value. */
  path?: string;
}

export type ImportFileResult<T> = ({ ok: true; format: ImportFormat; sheetNames?: string[]; sheet?: string } & T) | { ok: false; format: ImportFormat | null; error: ImportError; sheetNames?: string[] };

/**
 * Which format an uploaded file is: by content first (zip → xlsx, `{` → json),
 * then by file name; anything else is read as CSV text. Returns null for a
 * binary file that is none of these.
 */
export function detectImportFormat(bytes: Uint8Array, filename = ''): ImportFormat | null {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'xlsx';
  if (bytes[0] === 0xd0 && bytes[1] === 0xcf) return 'xlsx'; // old .xls: the xlsx reader names the problem
  const name = filename.toLowerCase();
  if (name.endsWith('.xlsx') || name.endsWith('.xls')) return 'xlsx';
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/^\uFEFF/, '').trimStart();
  if (name.endsWith('.json') || head.startsWith('{')) return 'json';
  // NUL bytes do not occur in CSV text: this is some other binary file.
  if (bytes.subarray(0, 4096).includes(0)) return null;
  return 'csv';
}

function decodeText(bytes: Uint8Array): { ok: true; text: string } | { ok: false; message: string } {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    return { ok: false, message: `Filen er for stor (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB). Største tillatte størrelse er ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.` };
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, message: 'Filen er ikke UTF-8-tekst. Lagre den som «CSV UTF-8» i Excel og prøv igjen.' };
  }
}

const fail = (format: ImportFormat | null, message: string): { ok: false; format: ImportFormat | null; error: ImportError } => ({
  ok: false,
  format,
  error: { row: 0, column: '', value: '', message },
});

const UNKNOWN_FORMAT = 'Ukjent filformat. Bruk CSV, Excel-arbeidsbok (.xlsx) eller en pakkefil (.json).';

/**
 * Imports amendment lines from an uploaded CSV or XLSX file (format
 * detected; `sheet` chooses an XLSX sheet, default the first). All or
 * nothing: on any problem no line is returned, only the error with its row,
 * column, value and message (and sheet/cell for XLSX). Nothing is written:
 * the caller shows the lines as a preview and applies them with
 * `applyImportToDoc` when the user confirms.
 */
export async function importLinesFromFile(
  bytes: Uint8Array,
  opts: { filename?: string; years: readonly Year[]; sheet?: string | number },
): Promise<ImportFileResult<{ lines: ImportedLine[] }>> {
  const format = detectImportFormat(bytes, opts.filename);
  if (format === 'xlsx') {
    const r = await importLinesFromXlsx(bytes, { years: opts.years, ...(opts.sheet !== undefined ? { sheet: opts.sheet } : {}) });
    return r.ok ? { ok: true, format, lines: r.lines, sheet: r.sheet, sheetNames: r.sheetNames } : { ok: false, format, error: r.error, sheetNames: r.sheetNames };
  }
  if (format === 'csv') {
    const text = decodeText(bytes);
    if (!text.ok) return fail(format, text.message);
    const r = importLinesFromCsv(text.text, { years: opts.years });
    return r.ok ? { ok: true, format, lines: r.lines } : { ok: false, format, error: r.error };
  }
  if (format === 'json') return fail(format, 'Dette er en pakkefil (.json); den importeres som en ny pakke, ikke som linjer.');
  return fail(null, UNKNOWN_FORMAT);
}

/**
 * Imports a baseline budget (service areas × years) from an uploaded CSV or
 * XLSX file; all or nothing. `areaHeader` is the first column's header, which
 * says whether it is the drift or the investment baseline.
 */
export async function importBaselineFromFile(
  bytes: Uint8Array,
  opts: { filename?: string; sheet?: string | number } = {},
): Promise<ImportFileResult<{ areas: BaselineAreaRow[]; years: Year[]; areaHeader: string }>> {
  const format = detectImportFormat(bytes, opts.filename);
  if (format === 'xlsx') {
    const r = await importBaselineFromXlsx(bytes, opts.sheet !== undefined ? { sheet: opts.sheet } : {});
    return r.ok ? { ok: true, format, areas: r.areas, years: r.years, areaHeader: r.areaHeader, sheet: r.sheet, sheetNames: r.sheetNames } : { ok: false, format, error: r.error, sheetNames: r.sheetNames };
  }
  if (format === 'csv') {
    const text = decodeText(bytes);
    if (!text.ok) return fail(format, text.message);
    const r = importBaselineFromCsv(text.text);
    return r.ok ? { ok: true, format, areas: r.areas, years: r.years, areaHeader: r.areaHeader } : { ok: false, format, error: r.error };
  }
  return fail(format, UNKNOWN_FORMAT);
}

/**
 * Reads an uploaded package file (the product's JSON format, docs/formats.md).
 * All or nothing; errors carry the JSON path. Apply the result to a new,
 * empty document with `applyRichPackageToDoc`.
 */
export function importPackageFromFile(bytes: Uint8Array): ImportFileResult<{ pkg: RichPackage }> {
  const text = decodeText(bytes);
  if (!text.ok) return fail('json', text.message);
  const r = readPackageJson(text.text);
  if (r.ok) return { ok: true, format: 'json', pkg: r.pkg };
  const first = r.errors[0] ?? { path: '', message: 'Ukjent feil' };
  const more = r.errors.length > 1 ? ` (og ${r.errors.length - 1} feil til)` : '';
  return { ok: false, format: 'json', error: { row: 0, column: '', value: '', path: first.path, message: `${first.path ? `${first.path}: ` : ''}${first.message}${more}` } };
}
