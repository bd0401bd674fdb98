import { importBaselineFromRows, importLinesFromRows, type BaselineAreaRow, type CsvError } from '../../shared/csv';
import type { ImportedLine } from '../../shared/doc/schema';
import type { Year } from '../../shared/types';
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';
import { BudgetExceededError, runBudgeted, type WorkerBudget } from '../workers/budgeted';
import { columnLetter, fileError, type XlsxError, type XlsxResult, type XlsxSheetChoice } from './xlsxRead';
import { readZipDirectory } from './zipDirectory';

export { MAX_XLSX_COLUMNS, MAX_XLSX_ROWS, cellText, type XlsxError, type XlsxResult, type XlsxSheetChoice } from './xlsxRead';

/**
 * XLSX import: reads one sheet of a workbook into rows of cell texts and runs
 * the CSV import's checks on them (same columns, same messages, all or
 * nothing). Numbers arrive as numbers and are written as plain decimals;
 * Norwegian-formatted text cells («1 500,5», «−3») go through `parseAmount`
 * like typed input. Row numbers in errors are the sheet's row numbers.
 */

/** Uncompressed size one part of a workbook may declare (a sheet, the shared strings). */
export const MAX_XLSX_PART_BYTES = 16 * 1024 * 1024;
/** Uncompressed size all parts of a workbook may declare together. */
export const MAX_XLSX_TOTAL_BYTES = 40 * 1024 * 1024;
/** Budget of one workbook parse on its worker thread. */
export const XLSX_PARSE_BUDGET: WorkerBudget = { timeoutMs: 15_000, maxHeapMb: 256 };

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0];
const WORKER_ENTRY = new URL('./xlsxRead.worker.ts', import.meta.url);
const MIB = 1024 * 1024;

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Refuses a workbook whose parts would unpack to far more than any budget sheet needs (a ZIP bomb). */
function checkDeclaredSizes(bytes: Uint8Array): string | null {
  const entries = readZipDirectory(bytes);
  if (entries === null) return 'Filen kunne ikke leses som en Excel-arbeidsbok (.xlsx). Den kan være skadet; lagre den på nytt fra Excel og prøv igjen.';
  let total = 0;
  for (const e of entries) {
    total += e.uncompressedBytes;
    if (e.uncompressedBytes > MAX_XLSX_PART_BYTES) {
      return `Arbeidsboken er for stor når den pakkes ut (${(e.uncompressedBytes / MIB).toFixed(0)} MB i «${e.name}»; høyst ${MAX_XLSX_PART_BYTES / MIB} MB per del). Lagre bare arket med linjene og prøv igjen.`;
    }
  }
  if (total > MAX_XLSX_TOTAL_BYTES) return `Arbeidsboken er for stor når den pakkes ut (${(total / MIB).toFixed(0)} MB; høyst ${MAX_XLSX_TOTAL_BYTES / MIB} MB).`;
  return null;
}

/**
 * Reads one sheet as rows of cell texts: row k of the result is sheet row k + 1
 * (blank rows kept, so numbers match what Excel shows), trailing blank cells
 * trimmed. Refuses, with Norwegian messages, files that are too large, not .xlsx
 * (an old .xls is named as such), unreadable, declare parts that unpack to more
 * than `MAX_XLSX_PART_BYTES`/`MAX_XLSX_TOTAL_BYTES`, or hold too many rows or too
 * long a cell. The parse streams on a worker thread within `XLSX_PARSE_BUDGET`
 * (time and heap), so a hostile workbook costs other users nothing.
 */
export async function readXlsxRows(bytes: Uint8Array, choice: XlsxSheetChoice = {}): Promise<XlsxResult<{ rows: string[][] }>> {
  if (bytes.byteLength > MAX_UPLOAD_BYTES) {
    return fileError(`Filen er for stor (${(bytes.byteLength / MIB).toFixed(1)} MB). Største tillatte størrelse er ${MAX_UPLOAD_BYTES / MIB} MB.`);
  }
  if (startsWith(bytes, OLE_MAGIC)) return fileError('Filen er i det gamle Excel-formatet (.xls). Lagre den som Excel-arbeidsbok (.xlsx) og prøv igjen.');
  if (!startsWith(bytes, ZIP_MAGIC)) return fileError('Filen er ikke en Excel-arbeidsbok (.xlsx).');
  const sizeProblem = checkDeclaredSizes(bytes);
  if (sizeProblem) return fileError(sizeProblem);
  try {
    return await runBudgeted<XlsxResult<{ rows: string[][] }>>(WORKER_ENTRY, { bytes, choice }, XLSX_PARSE_BUDGET);
  } catch (err) {
    if (err instanceof BudgetExceededError && err.reason !== 'crash') {
      return fileError('Arbeidsboken er for stor eller for kompleks til å leses. Lagre bare arket med linjene som en ny arbeidsbok og prøv igjen.');
    }
    return fileError('Filen kunne ikke leses som en Excel-arbeidsbok (.xlsx). Den kan være skadet; lagre den på nytt fra Excel og prøv igjen.');
  }
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
export async function importBaselineFromXlsx(bytes: Uint8Array, opts: XlsxSheetChoice = {}): Promise<XlsxResult<{ areas: BaselineAreaRow[]; years: Year[]; areaHeader: string }>> {
  const read = await readXlsxRows(bytes, opts);
  if (!read.ok) return read;
  const result = importBaselineFromRows(read.rows);
  if (!result.ok) return { ok: false, error: locate(result.error, read.rows, read.sheet), sheetNames: read.sheetNames };
  return { ok: true, areas: result.areas, years: result.years, areaHeader: result.areaHeader, sheet: read.sheet, sheetNames: read.sheetNames };
}
