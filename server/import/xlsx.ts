import ExcelJS from 'exceljs';
import { importBaselineFromRows, importLinesFromRows, type BaselineAreaRow, type CsvError } from '../../shared/csv';
import type { ImportedLine } from '../../shared/doc/schema';
import type { Year } from '../../shared/types';
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';

/**
 * XLSX import: reads one sheet of a workbook into rows of cell texts and runs
 * the CSV import's checks on them (same columns, same messages, all or
 * nothing). Numbers arrive as numbers and are written as plain decimals;
 * Norwegian-formatted text cells («1 500,5», «−3») go through `parseAmount`
 * like typed input. Row numbers in errors are the sheet's row numbers.
 */

/** More rows than this is not a package or a baseline; refused with a message. */
export const MAX_XLSX_ROWS = 5000;
/** Columns read per row (a package has ~10 fields plus up to a dozen years). */
export const MAX_XLSX_COLUMNS = 60;

/** An import error with the sheet and the cell address (`D7`) added to the CSV error shape. */
export interface XlsxError extends CsvError {
  sheet?: string;
  /** Spreadsheet address of the cell, when the error is tied to one. */
  cell?: string;
}

export type XlsxResult<T> = ({ ok: true; sheet: string; sheetNames: string[] } & T) | { ok: false; error: XlsxError; sheetNames: string[] };

/** Which sheet to read: its name, or its 0-based position; default the first sheet. */
export interface XlsxSheetChoice {
  sheet?: string | number;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

function fileError(message: string, sheetNames: string[] = []): { ok: false; error: XlsxError; sheetNames: string[] } {
  return { ok: false, error: { row: 0, column: '', value: '', message }, sheetNames };
}

/** A spreadsheet number as the decimal a person would read (no float noise: 0.1+0.2 → «0.3»). */
function numberText(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return String(Number(n.toPrecision(15)));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** The text of one cell value as the CSV import expects it. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'SANN' : 'USANN';
  if (value instanceof Date) return `${value.getUTCFullYear()}-${pad2(value.getUTCMonth() + 1)}-${pad2(value.getUTCDate())}`;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('error' in value) return String(value.error);
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return cellText((value as { text: ExcelJS.CellValue }).text);
  }
  return String(value);
}

function columnLetter(index1: number): string {
  let n = index1;
  let s = '';
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/**
 * Reads one sheet as rows of cell texts: row k of the result is sheet row
 * k + 1 (blank rows kept, so numbers match what Excel shows), trailing blank
 * cells trimmed. Refuses files that are too large, not .xlsx (an old .xls is
 * named as such), unreadable, or with too many rows, with Norwegian messages.
 */
export async function readXlsxRows(bytes: Uint8Array, choice: XlsxSheetChoice = {}): Promise<XlsxResult<{ rows: string[][] }>> {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    return fileError(`Filen er for stor (${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB). Største tillatte størrelse er ${MAX_UPLOAD_BYTES / 1024 / 1024} MB.`);
  }
  if (startsWith(bytes, OLE_MAGIC)) return fileError('Filen er i det gamle Excel-formatet (.xls). Lagre den som Excel-arbeidsbok (.xlsx) og prøv igjen.');
  if (!startsWith(bytes, ZIP_MAGIC)) return fileError('Filen er ikke en Excel-arbeidsbok (.xlsx).');
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    return fileError('Filen kunne ikke leses som en Excel-arbeidsbok (.xlsx). Den kan være skadet; lagre den på nytt fra Excel og prøv igjen.');
  }
  const sheets = wb.worksheets;
  const sheetNames = sheets.map((s) => s.name);
  if (sheets.length === 0) return fileError('Arbeidsboken har ingen ark.', sheetNames);
  const ws = typeof choice.sheet === 'number' ? sheets[choice.sheet] : typeof choice.sheet === 'string' ? wb.getWorksheet(choice.sheet) : sheets[0];
  if (!ws) return fileError(`Finner ikke arket «${String(choice.sheet)}». Arkene heter: ${sheetNames.join(', ')}.`, sheetNames);
  if (ws.rowCount > MAX_XLSX_ROWS) {
    return fileError(`Arket «${ws.name}» har ${ws.rowCount} rader; høyst ${MAX_XLSX_ROWS} kan importeres.`, sheetNames);
  }
  const rows: string[][] = [];
  const columns = Math.min(ws.columnCount, MAX_XLSX_COLUMNS);
  for (let r = 1; r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    const cells: string[] = [];
    for (let c = 1; c <= columns; c++) cells.push(cellText(row.getCell(c).value));
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    rows.push(cells);
  }
  if (ws.columnCount > MAX_XLSX_COLUMNS) {
    for (let r = 1; r <= ws.rowCount; r++) {
      const extra = ws.getRow(r).getCell(MAX_XLSX_COLUMNS + 1).value;
      if (extra !== null && extra !== undefined && cellText(extra).trim() !== '') {
        return {
          ok: false,
          error: { row: r, column: columnLetter(MAX_XLSX_COLUMNS + 1), value: cellText(extra), message: `Rad ${r}: arket har flere enn ${MAX_XLSX_COLUMNS} kolonner.`, sheet: ws.name },
          sheetNames,
        };
      }
    }
  }
  return { ok: true, rows, sheet: ws.name, sheetNames };
}

/** Adds the sheet name and the cell address (from the header text) to a CSV-style error. */
function locate(error: CsvError, rows: string[][], sheet: string): XlsxError {
  const out: XlsxError = { ...error, sheet };
  const header = rows[0] ?? [];
  const col = error.column === '' ? -1 : header.findIndex((h) => h === error.column);
  if (col >= 0 && error.row > 0) out.cell = `${columnLetter(col + 1)}${error.row}`;
  return out;
}

/**
 * Imports amendment lines from a sheet of an .xlsx file with the columns of
 * the CSV format (docs/formats.md). All or nothing: the first problem gives
 * `{ row, column, value, message }` plus the sheet and cell address.
 */
export async function importLinesFromXlsx(bytes: Uint8Array, opts: { years: readonly Year[] } & XlsxSheetChoice): Promise<XlsxResult<{ lines: ImportedLine[] }>> {
  const read = await readXlsxRows(bytes, opts);
  if (!read.ok) return read;
  const result = importLinesFromRows(read.rows, { years: opts.years });
  if (!result.ok) return { ok: false, error: locate(result.error, read.rows, read.sheet), sheetNames: read.sheetNames };
  return { ok: true, lines: result.lines, sheet: read.sheet, sheetNames: read.sheetNames };
}

/**
 * Imports a baseline budget (service areas × years, like
 * test/fixtures/baseline-drift-2022-2025.csv) from a sheet of an .xlsx file,
 * with the checks of `importBaselineFromCsv`. Rows are returned as written.
 */
export async function importBaselineFromXlsx(bytes: Uint8Array, opts: XlsxSheetChoice = {}): Promise<XlsxResult<{ areas: BaselineAreaRow[]; years: Year[] }>> {
  const read = await readXlsxRows(bytes, opts);
  if (!read.ok) return read;
  const result = importBaselineFromRows(read.rows);
  if (!result.ok) return { ok: false, error: locate(result.error, read.rows, read.sheet), sheetNames: read.sheetNames };
  return { ok: true, areas: result.areas, years: result.years, sheet: read.sheet, sheetNames: read.sheetNames };
}
