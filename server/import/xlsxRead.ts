import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { CsvError } from '../../shared/csv';
import { MAX_TEXT_CHARS } from '../../shared/doc/limits';

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

/** A refusal of the whole file (no row or column). */
export function fileError(message: string, sheetNames: string[] = []): { ok: false; error: XlsxError; sheetNames: string[] } {
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

/** `1` → `A`, `27` → `AA`. */
export function columnLetter(index1: number): string {
  let n = index1;
  let s = '';
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

interface SheetReader extends AsyncIterable<ExcelJS.Row> {
  name?: string;
}

/**
 * Reads one sheet of an .xlsx file as rows of cell texts by streaming it: row k of
 * the result is sheet row k + 1 (blank rows kept, so numbers match what Excel
 * shows), trailing blank cells trimmed. Stops at the first problem: more than
 * `MAX_XLSX_ROWS` rows, a cell beyond `MAX_XLSX_COLUMNS`, or a cell longer than
 * any field may be (so neither a huge sheet nor a huge cell is held in memory).
 * Meant to run on a budgeted worker thread (xlsxRead.worker.ts).
 */
export async function readSheetRowsStreaming(bytes: Uint8Array, choice: XlsxSheetChoice = {}): Promise<XlsxResult<{ rows: string[][] }>> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const seen: string[] = [];
  const namesFromModel = (): string[] => {
    const sheets = (reader as unknown as { model?: { sheets?: Array<{ name: string }> } }).model?.sheets;
    return sheets && sheets.length >= seen.length ? sheets.map((s) => s.name) : seen;
  };
  let found: { name: string; rows: string[][] } | null = null;
  try {
    let position = 0;
    for await (const item of reader as unknown as AsyncIterable<SheetReader>) {
      const name = item.name ?? `Ark ${position + 1}`;
      seen.push(name);
      const chosen =
        found === null && (typeof choice.sheet === 'number' ? choice.sheet === position : typeof choice.sheet === 'string' ? choice.sheet === name : position === 0);
      position++;
      if (!chosen) {
        // Not the sheet asked for: let the parser pass over it without keeping rows.
        for await (const _row of item) void _row;
        continue;
      }
      const rows: string[][] = [];
      for await (const row of item) {
        if (row.number > MAX_XLSX_ROWS) return fileError(`Arket «${name}» har flere enn ${MAX_XLSX_ROWS} rader; høyst ${MAX_XLSX_ROWS} kan importeres.`, namesFromModel());
        while (rows.length < row.number - 1) rows.push([]);
        const values = row.values as ExcelJS.CellValue[];
        const cells: string[] = [];
        for (let c = 1; c < values.length; c++) {
          const text = cellText(values[c] ?? null);
          if (text.length > MAX_TEXT_CHARS) {
            const address = `${columnLetter(c)}${row.number}`;
            return {
              ok: false,
              error: { row: row.number, column: columnLetter(c), value: `${text.slice(0, 40)}…`, message: `Rad ${row.number}: cellen ${address} har ${text.length.toLocaleString('nb-NO')} tegn; høyst ${MAX_TEXT_CHARS.toLocaleString('nb-NO')} er tillatt.`, sheet: name, cell: address },
              sheetNames: namesFromModel(),
            };
          }
          if (c > MAX_XLSX_COLUMNS) {
            if (text.trim() === '') continue;
            return {
              ok: false,
              error: { row: row.number, column: columnLetter(c), value: text, message: `Rad ${row.number}: arket har flere enn ${MAX_XLSX_COLUMNS} kolonner.`, sheet: name },
              sheetNames: namesFromModel(),
            };
          }
          cells.push(text);
        }
        while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
        rows.push(cells);
      }
      found = { name, rows };
    }
  } catch {
    return fileError('Filen kunne ikke leses som en Excel-arbeidsbok (.xlsx). Den kan være skadet; lagre den på nytt fra Excel og prøv igjen.', namesFromModel());
  }
  const sheetNames = namesFromModel();
  if (seen.length === 0) return fileError('Arbeidsboken har ingen ark.', sheetNames);
  if (!found) return fileError(`Finner ikke arket «${String(choice.sheet)}». Arkene heter: ${sheetNames.join(', ')}.`, sheetNames);
  return { ok: true, rows: found.rows, sheet: found.name, sheetNames };
}
