import ExcelJS from 'exceljs';
import { STATUS_LABELS, formatDateNorwegian, type ExportModel, type ExportRow, type ExportTable } from '../../shared/export/model';
import { isFormulaLike, stripControlChars } from './text';

/**
 * Two decimals, locale thousands separator (a space in Norwegian Excel), and
 * the typographic minus `−` for negatives, as in the printed tables.
 */
export const XLSX_AMOUNT_FORMAT = '#,##0.00;"−"#,##0.00;0.00';

/** Sheet names as they appear in the workbook (Norwegian, ≤ 31 characters). */
export const XLSX_SHEETS = { drift: 'Drift', investering: 'Investering', fond: 'Disposisjonsfond', balance: 'Balanse' } as const;

/** Every font names its face: a font without a name makes LibreOffice fall back to a serif. */
function font(opts: Partial<ExcelJS.Font> = {}): Partial<ExcelJS.Font> {
  return { name: 'Calibri', size: 11, ...opts };
}

/** First row of table content: row 1 title, row 2 unit note, row 3 column headings. */
const HEADER_ROW = 3;

/** What a sum cell holds for a year whose figures are unknown (an unreadable amount): text, never a partial sum. */
const UNKNOWN_MARK = '?';
const RED: Partial<ExcelJS.Font> = { color: { argb: 'FFB71C1C' } };

/**
 * A text cell's value, neutralised: exceljs cannot set Excel's quotePrefix
 * style, so text a spreadsheet could run as a formula when the cell is edited
 * (`=`, `+`, `-`, `@`, tab, CR first) gets a leading apostrophe (OWASP).
 */
export function safeCellText(text: string): string {
  const clean = stripControlChars(text);
  return isFormulaLike(clean) ? `'${clean}` : clean;
}

/** Turns the decimal string into the number a spreadsheet stores (the file format has only doubles). */
function num(value: string): number {
  return Number(value);
}

function colLetter(index1: number): string {
  let n = index1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** `SUM(C5:C9,C12)` over the given (sorted) row numbers of one column; contiguous runs become ranges. */
function sumFormula(col: string, rowNumbers: number[]): string {
  const sorted = [...rowNumbers].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    const a = sorted[i] as number;
    const b = sorted[j] as number;
    parts.push(a === b ? `${col}${a}` : `${col}${a}:${col}${b}`);
    i = j + 1;
  }
  return `SUM(${parts.join(',')})`;
}

type RowPlace = { sheet: string; row: number; yearCols: Map<string, string>; sumCol: string };

interface SheetLayout {
  labelCol: number;
  statusCol: number | null;
  yearCol: Map<string, number>;
  sumCol: number;
}

function layoutFor(years: string[], withStatus: boolean): SheetLayout {
  let c = 1;
  const labelCol = c++;
  const statusCol = withStatus ? c++ : null;
  const yearCol = new Map<string, number>();
  for (const y of years) yearCol.set(y, c++);
  return { labelCol, statusCol, yearCol, sumCol: c };
}

/**
 * Writes one or more tables of the model into `ws` (one after the other, a
 * blank row between) and records where each row went, so sum rows and the
 * balance sheet can refer to cells. Every amount is a number with
 * `XLSX_AMOUNT_FORMAT`; every total is a SUM formula with the engine's total
 * as its cached result.
 */
function writeTables(ws: ExcelJS.Worksheet, title: string, tables: ExportTable[], model: ExportModel, places: Map<string, RowPlace>): void {
  const years = tables[0]?.years ?? model.years;
  const layout = layoutFor(years, model.scope === 'all');
  const lastCol = layout.sumCol;
  ws.getCell(1, 1).value = safeCellText(title);
  ws.getCell(1, 1).font = font({ bold: true, size: 14 });
  ws.getCell(2, 1).value = 'Beløp i millioner kroner';
  ws.getCell(2, 1).font = font({ italic: true, color: { argb: 'FF555555' } });
  const header = ws.getRow(HEADER_ROW);
  header.getCell(layout.labelCol).value = 'Linje';
  if (layout.statusCol) header.getCell(layout.statusCol).value = 'Status';
  for (const [y, c] of layout.yearCol) header.getCell(c).value = y;
  header.getCell(layout.sumCol).value = 'Sum';
  header.font = font({ bold: true });
  for (let c = 1; c <= lastCol; c++) {
    header.getCell(c).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
    header.getCell(c).border = { bottom: { style: 'thin' } };
    if (c >= (layout.yearCol.values().next().value ?? lastCol)) header.getCell(c).alignment = { horizontal: 'right' };
  }
  ws.views = [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 1 }];
  ws.getColumn(layout.labelCol).width = 52;
  if (layout.statusCol) ws.getColumn(layout.statusCol).width = 12;
  for (const c of layout.yearCol.values()) ws.getColumn(c).width = 13;
  ws.getColumn(layout.sumCol).width = 14;

  let r = HEADER_ROW + 1;
  const sumL = colLetter(layout.sumCol);
  const yearLetters = new Map([...layout.yearCol].map(([y, c]) => [y, colLetter(c)]));
  const firstYearL = yearLetters.get(years[0] ?? '') ?? sumL;
  const lastYearL = yearLetters.get(years[years.length - 1] ?? '') ?? sumL;

  for (const table of tables) {
    if (tables.length > 1) {
      ws.getCell(r, 1).value = safeCellText(table.title);
      ws.getCell(r, 1).font = font({ bold: true });
      r++;
    }
    const rowNumbers: number[] = [];
    const unknown = new Set(table.unknownYears);
    table.rows.forEach((row: ExportRow, i) => {
      rowNumbers[i] = r;
      const xr = ws.getRow(r);
      xr.getCell(layout.labelCol).value = safeCellText(row.label);
      places.set(`${table.id}:${i}`, { sheet: ws.name, row: r, yearCols: yearLetters, sumCol: sumL });
      if (row.kind === 'heading') {
        xr.getCell(layout.labelCol).font = font({ italic: true });
      } else if (row.kind === 'line') {
        if (layout.statusCol) xr.getCell(layout.statusCol).value = STATUS_LABELS[row.status];
        for (const [y, c] of layout.yearCol) {
          const cell = xr.getCell(c);
          const bad = row.invalid[y];
          const v = row.values[y];
          if (bad !== undefined) {
            cell.value = safeCellText(bad);
            cell.font = font({ color: { argb: 'FFB71C1C' } });
            cell.alignment = { horizontal: 'right' };
          } else if (v !== null && v !== undefined) {
            cell.value = num(v);
            cell.numFmt = XLSX_AMOUNT_FORMAT;
          }
        }
        const total = xr.getCell(layout.sumCol);
        total.value = { formula: `SUM(${firstYearL}${r}:${lastYearL}${r})`, result: num(row.total) };
        total.numFmt = XLSX_AMOUNT_FORMAT;
      } else {
        // sum and info rows
        const refPlace = row.kind === 'info' && row.ref ? places.get(`${row.ref.table}:${row.ref.row}`) : undefined;
        for (const [y, c] of layout.yearCol) {
          const cell = xr.getCell(c);
          const v = row.values[y];
          const L = yearLetters.get(y) ?? sumL;
          if (unknown.has(y)) {
            cell.value = UNKNOWN_MARK;
            cell.font = font({ bold: row.kind === 'sum', ...RED });
            cell.alignment = { horizontal: 'right' };
            continue;
          }
          if (row.kind === 'sum') {
            const of = row.of.map((k) => rowNumbers[k]).filter((n): n is number => n !== undefined);
            cell.value = of.length > 0 ? { formula: sumFormula(L, of), result: num(v ?? '0') } : num(v ?? '0');
          } else if (refPlace && v !== null && v !== undefined) {
            const sheetRef = refPlace.sheet === ws.name ? '' : `'${refPlace.sheet}'!`;
            cell.value = { formula: `${sheetRef}${refPlace.yearCols.get(y) ?? L}${refPlace.row}`, result: num(v) };
          } else if (v !== null && v !== undefined) {
            cell.value = num(v);
          }
          cell.numFmt = XLSX_AMOUNT_FORMAT;
        }
        const total = xr.getCell(layout.sumCol);
        if (row.total !== null && unknown.size > 0) {
          total.value = UNKNOWN_MARK;
          total.alignment = { horizontal: 'right' };
        } else if (row.total !== null) {
          total.value = { formula: `SUM(${firstYearL}${r}:${lastYearL}${r})`, result: num(row.total) };
          total.numFmt = XLSX_AMOUNT_FORMAT;
        }
        if (row.kind === 'sum') {
          xr.font = font({ bold: true });
          for (let c = 1; c <= lastCol; c++) xr.getCell(c).border = { top: { style: row.emphasis === 'total' ? 'medium' : 'thin' } };
        } else xr.font = font({ italic: true });
      }
      r++;
    });
    r++;
  }
  ws.pageSetup = { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}` };
}

/** The row index (within its table) of the first sum row with this label prefix. */
function findRow(table: ExportTable | undefined, kind: 'sum', label: RegExp): number {
  return table ? table.rows.findIndex((row) => row.kind === kind && label.test(row.label)) : -1;
}

function writeBalanceSheet(ws: ExcelJS.Worksheet, model: ExportModel, places: Map<string, RowPlace>): void {
  const report = model.report;
  ws.getCell(1, 1).value = 'Balanse per år';
  ws.getCell(1, 1).font = font({ bold: true, size: 14 });
  ws.getCell(2, 1).value = 'Beløp i millioner kroner. Drift skal være 0 hvert år i planperioden; investeringenes netto er endringen i låneopptaket (lån). «?»: året har uleselige beløp, så tallet er ukjent.';
  ws.getCell(2, 1).font = font({ italic: true, color: { argb: 'FF555555' } });
  const headers = ['År', 'Drift netto', 'Drift i balanse', 'Lån: endring i låneopptak', 'Netto bruk av disposisjonsfond', 'Saldo disposisjonsfond'];
  const header = ws.getRow(HEADER_ROW);
  headers.forEach((h, i) => {
    header.getCell(i + 1).value = h;
    header.getCell(i + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
    header.getCell(i + 1).border = { bottom: { style: 'thin' } };
  });
  header.font = font({ bold: true });
  ws.getColumn(1).width = 8;
  for (let c = 2; c <= headers.length; c++) ws.getColumn(c).width = 22;

  const byId = new Map(model.tables.map((t) => [t.id, t]));
  const driftNet = places.get(`drift:${findRow(byId.get('drift'), 'sum', /^Netto drift/)}`);
  const invNet = places.get(`investering:${findRow(byId.get('investering'), 'sum', /^Netto investering/)}`);
  const fondNet = places.get(`fond:${findRow(byId.get('fond'), 'sum', /^Netto bruk/)}`);
  const ref = (place: RowPlace | undefined, year: string, value: string): ExcelJS.CellValue => {
    const col = place?.yearCols.get(year);
    return place && col ? { formula: `'${place.sheet}'!${col}${place.row}`, result: num(value) } : num(value);
  };
  const unknownText = (cell: ExcelJS.Cell) => {
    cell.value = UNKNOWN_MARK;
    cell.font = font(RED);
    cell.alignment = { horizontal: 'right' };
  };
  const planYears = new Set(report.planYears);
  const { drift, investering, fond } = report.ledgers;
  // The fund has a running balance (a readable opening balance) exactly when its table has the balance row.
  const hasSaldo = byId.get('fond')?.rows.some((row) => row.kind === 'info') ?? false;
  let r = HEADER_ROW + 1;
  for (const y of report.years) {
    const row = ws.getRow(r);
    row.getCell(1).value = y;
    if (drift.unknownYears.includes(y)) unknownText(row.getCell(2));
    else row.getCell(2).value = ref(driftNet, y, drift.byYear[y]?.net ?? '0');
    row.getCell(3).value = drift.unknownYears.includes(y) ? 'Ukjent' : planYears.has(y) ? (drift.unbalancedYears.includes(y) ? 'Nei' : 'Ja') : 'Utenfor planperioden';
    const borrowing = investering.borrowing[y];
    if (borrowing === undefined) unknownText(row.getCell(4));
    else row.getCell(4).value = ref(invNet, y, borrowing);
    if (fond.unknownYears.includes(y)) unknownText(row.getCell(5));
    else row.getCell(5).value = ref(fondNet, y, fond.byYear[y]?.net ?? '0');
    const saldo = fond.runningBalance[y];
    if (saldo !== undefined) row.getCell(6).value = num(saldo);
    else if (hasSaldo && fond.unknownYears.includes(y)) unknownText(row.getCell(6));
    for (const c of [2, 4, 5, 6]) row.getCell(c).numFmt = XLSX_AMOUNT_FORMAT;
    r++;
  }
  if (model.borrowing) {
    const b = model.borrowing;
    r++;
    ws.getCell(r, 1).value = `Låneopptak ${b.year}`;
    ws.getCell(r, 1).font = font({ bold: true });
    r++;
    for (const [label, value] of [
      ['Kommunedirektørens forslag', b.proposed],
      ['Endring i låneopptak (pakken)', b.change],
      ['Lån til investeringer, inntil', b.total],
    ] as const) {
      ws.getCell(r, 1).value = label;
      ws.getCell(r, 4).value = num(value);
      ws.getCell(r, 4).numFmt = XLSX_AMOUNT_FORMAT;
      r++;
    }
  }
  r++;
  ws.getCell(r, 1).value = 'Merknader';
  ws.getCell(r, 1).font = font({ bold: true });
  r++;
  if (report.warnings.length === 0) ws.getCell(r, 1).value = 'Ingen merknader fra balansekontrollen.';
  for (const w of report.warnings) {
    ws.getCell(r, 1).value = w.severity === 'error' ? 'Feil' : w.severity === 'warning' ? 'Advarsel' : 'Merknad';
    ws.getCell(r, 2).value = safeCellText(w.message);
    r++;
  }
  headers.forEach((_, i) => {
    header.getCell(i + 1).alignment = { wrapText: true, vertical: 'bottom', horizontal: i === 0 || i === 2 ? 'left' : 'right' };
  });
  ws.getRow(HEADER_ROW).height = 32;
  ws.views = [{ state: 'frozen', ySplit: HEADER_ROW }];
  ws.pageSetup = { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 };
}

/**
 * Renders the export model as an .xlsx workbook: one sheet per ledger (Drift
 * with tiltak and inndekning, Investering with its financing,
 * Disposisjonsfond) holding real numbers in a two-decimal format, totals as
 * SUM formulas whose cached results are the engine's totals (so viewers that
 * do not recalculate show the right figures), and a Balanse sheet per year.
 * Text is neutralised against formula injection.
 */
export async function renderXlsx(model: ExportModel): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Budsjettverksted';
  wb.title = stripControlChars(model.title);
  const versionNote = [model.footer.versionName, model.footer.date ? formatDateNorwegian(model.footer.date) : undefined, model.footer.checksum ? `SHA-256 ${model.footer.checksum}` : undefined, ...(model.footer.acceptances ?? [])].filter(Boolean).join(' · ');
  if (versionNote) wb.description = versionNote;
  const byId = new Map(model.tables.map((t) => [t.id, t]));
  const pick = (...ids: ExportTable['id'][]) => ids.map((id) => byId.get(id)).filter((t): t is ExportTable => t !== undefined);
  const places = new Map<string, RowPlace>();
  writeTables(wb.addWorksheet(XLSX_SHEETS.drift), `${model.title} – drift`, pick('drift'), model, places);
  writeTables(wb.addWorksheet(XLSX_SHEETS.investering), `${model.title} – investering`, pick('investering'), model, places);
  writeTables(wb.addWorksheet(XLSX_SHEETS.fond), `${model.title} – disposisjonsfond`, pick('fond'), model, places);
  writeBalanceSheet(wb.addWorksheet(XLSX_SHEETS.balance), model, places);
  if (versionNote) {
    for (const ws of wb.worksheets) ws.headerFooter = { oddFooter: `&L${safeCellText(versionNote).replace(/&/g, '&&')}&RSide &P av &N` };
  }
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}
