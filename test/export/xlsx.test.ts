import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { computeBalance } from '../../shared/balance';
import { Money, type Decimal } from '../../shared/money';
import { buildExportModel, selectExportedPackage } from '../../shared/export/model';
import { exportPackage } from '../../server/export/index';
import { XLSX_AMOUNT_FORMAT, renderXlsx } from '../../server/export/xlsx';
import { seedPackage } from './fixture';
import { readZipParts } from './ooxml';

const NOT_AGREED = ['Juba Juba', 'Ny Ringve skole', 'Riddervolds gate'];

async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return wb;
}

function label(ws: ExcelJS.Worksheet, text: string): ExcelJS.Row {
  for (let r = 1; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === text) return ws.getRow(r);
  throw new Error(`no row «${text}» in ${ws.name}`);
}

function headerColumns(ws: ExcelJS.Worksheet): Map<string, number> {
  const out = new Map<string, number>();
  ws.getRow(3).eachCell((cell, col) => out.set(String(cell.value), col));
  return out;
}

/**
 * Evaluates the formulas this exporter writes (`SUM(A1:A3,B5)` and plain or
 * sheet-qualified cell references) over the workbook's stored values, exactly
 * in decimals: an independent check that the formulas compute the totals.
 */
function evaluate(wb: ExcelJS.Workbook, ws: ExcelJS.Worksheet, formula: string): Decimal {
  const valueOf = (sheet: ExcelJS.Worksheet, ref: string): Decimal => {
    const v = sheet.getCell(ref).value;
    if (typeof v === 'number') return new Money(String(v));
    if (v && typeof v === 'object' && 'formula' in v) return evaluate(wb, sheet, String(v.formula));
    if (v === null || v === undefined) return new Money(0);
    throw new Error(`non-numeric cell ${ref}: ${JSON.stringify(v)}`);
  };
  const sum = /^SUM\((.*)\)$/.exec(formula);
  if (sum) {
    let total = new Money(0);
    for (const part of (sum[1] ?? '').split(',')) {
      const range = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(part);
      if (range) {
        for (let r = Number(range[2]); r <= Number(range[4]); r++) {
          const c1 = ws.getColumn(range[1] ?? '').number;
          const c2 = ws.getColumn(range[3] ?? '').number;
          for (let c = c1; c <= c2; c++) total = total.plus(valueOf(ws, ws.getCell(r, c).address));
        }
      } else total = total.plus(valueOf(ws, part));
    }
    return total;
  }
  const ref = /^(?:'([^']+)'!)?([A-Z]+\d+)$/.exec(formula);
  if (ref) return valueOf(ref[1] ? (wb.getWorksheet(ref[1]) ?? ws) : ws, ref[2] ?? '');
  throw new Error(`unexpected formula ${formula}`);
}

describe('XLSX export', () => {
  it('has one sheet per ledger and a balance sheet; amounts are numbers with a two-decimal format; totals are SUM formulas whose results equal the engine', async () => {
    const pkg = seedPackage({ notAgreed: NOT_AGREED });
    const result = await exportPackage(pkg, { format: 'xlsx', versionName: 'Endelig', date: '2022-11-01' });
    const wb = await load(result.body as Uint8Array);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Drift', 'Investering', 'Disposisjonsfond', 'Balanse']);
    const report = computeBalance(selectExportedPackage(pkg, 'agreed'));
    const drift = wb.getWorksheet('Drift');
    if (!drift) throw new Error('no Drift sheet');
    const cols = headerColumns(drift);
    expect([...cols.keys()]).toEqual(['Linje', '2023', '2024', '2025', '2026', 'Sum']);

    // A line: real numbers, the amount format, a row-sum formula.
    const klima = label(drift, 'Forsterka innsats for videre klimamål');
    const c2023 = klima.getCell(cols.get('2023') ?? 0);
    expect(c2023.value).toBe(8);
    expect(c2023.numFmt).toBe(XLSX_AMOUNT_FORMAT);
    const klimaSum = klima.getCell(cols.get('Sum') ?? 0).value as ExcelJS.CellFormulaValue;
    expect(klimaSum.formula).toMatch(/^SUM\(/);
    expect(klimaSum.result).toBe(32);

    const check = (ws: ExcelJS.Worksheet, rowLabel: string, expected: Record<string, string>, total: string) => {
      const row = label(ws, rowLabel);
      const c = headerColumns(ws);
      for (const [year, value] of Object.entries(expected)) {
        const cell = row.getCell(c.get(year) ?? 0);
        const v = cell.value as ExcelJS.CellFormulaValue;
        expect(v.formula, `${ws.name} ${rowLabel} ${year}`).toBeTruthy();
        // exceljs's reader drops a cached <v>0</v> (the writer does write it: checked on the raw XML below).
        expect(v.result ?? 0).toBe(Number(value));
        expect(evaluate(wb, ws, v.formula).toFixed(2)).toBe(new Money(value).toFixed(2));
        expect(cell.numFmt).toBe(XLSX_AMOUNT_FORMAT);
      }
      const t = row.getCell(c.get('Sum') ?? 0).value as ExcelJS.CellFormulaValue;
      expect(t.result ?? 0).toBe(Number(total));
      expect(evaluate(wb, ws, t.formula).toFixed(2)).toBe(new Money(total).toFixed(2));
    };
    const years = ['2023', '2024', '2025', '2026'];
    const pick = (ledger: 'drift' | 'investering' | 'fond', key: 'tiltak' | 'inndekning' | 'net', ys = years) =>
      Object.fromEntries(ys.map((y) => [y, report.ledgers[ledger].byYear[y]?.[key] ?? 'x']));
    const d = report.ledgers.drift;
    check(drift, 'Sum tiltak drift', pick('drift', 'tiltak'), d.total.tiltak);
    check(drift, 'Sum inndekning drift', pick('drift', 'inndekning'), d.total.inndekning);
    check(drift, 'Netto drift (skal være 0)', pick('drift', 'net'), d.total.net);
    const inv = wb.getWorksheet('Investering');
    if (!inv) throw new Error('no Investering sheet');
    const i = report.ledgers.investering;
    check(inv, 'Sum investeringstiltak', pick('investering', 'tiltak'), i.total.tiltak);
    check(inv, 'Sum inndekning investering', pick('investering', 'inndekning'), i.total.inndekning);
    check(inv, 'Netto investering (finansieres med lån)', pick('investering', 'net'), i.total.net);
    expect(i.byYear['2023']?.net).toBe('2'); // the left-out items leave borrowing to cover: shown, not hidden
    const fond = wb.getWorksheet('Disposisjonsfond');
    if (!fond) throw new Error('no fond sheet');
    check(fond, 'Samlet bruk av disposisjonsfond', pick('fond', 'tiltak', ['2022', ...years]), report.ledgers.fond.total.tiltak);
    check(fond, 'Samlet tilført disposisjonsfondet', pick('fond', 'inndekning', ['2022', ...years]), report.ledgers.fond.total.inndekning);
    check(fond, 'Netto bruk av disposisjonsfond', pick('fond', 'net', ['2022', ...years]), report.ledgers.fond.total.net);

    // Balance sheet: one row per year, cells refer to the ledger sheets and carry the engine's values.
    const bal = wb.getWorksheet('Balanse');
    if (!bal) throw new Error('no Balanse sheet');
    for (const [k, y] of report.years.entries()) {
      const row = bal.getRow(4 + k);
      expect(row.getCell(1).value).toBe(y);
      const driftNet = row.getCell(2).value;
      const expectedDrift = report.ledgers.drift.byYear[y]?.net ?? 'x';
      if (typeof driftNet === 'object' && driftNet && 'formula' in driftNet) {
        expect(driftNet.result ?? 0).toBe(Number(expectedDrift));
        expect(evaluate(wb, bal, String(driftNet.formula)).toFixed(2)).toBe(new Money(expectedDrift).toFixed(2));
      } else expect(driftNet).toBe(Number(expectedDrift));
      const invNet = row.getCell(4).value as ExcelJS.CellFormulaValue | number;
      const expectedInv = Number(report.ledgers.investering.byYear[y]?.net ?? 'x');
      expect(typeof invNet === 'number' ? invNet : (invNet.result ?? 0)).toBe(expectedInv);
      expect(row.getCell(6).value).toBe(Number(report.ledgers.fond.runningBalance[y] ?? 'x'));
      expect(row.getCell(2).numFmt).toBe(XLSX_AMOUNT_FORMAT);
    }
    // Juba Juba (0,15 a year) is not agreed: without it drift no longer balances, and the sheet says so.
    expect(report.ledgers.drift.unbalancedYears).toEqual(['2023', '2024', '2025', '2026']);
    expect(bal.getRow(4 + report.years.indexOf('2023')).getCell(3).value).toBe('Nei');
    expect(bal.getRow(4 + report.years.indexOf('2022')).getCell(3).value).toBe('Utenfor planperioden');
    expect(bal.getRow(3).getCell(4).value).toBe('Lån: endring i låneopptak');
    // The borrowing point as the decision words it: proposal + the package's change in borrowing.
    const borrowingRow = label(bal, 'Lån til investeringer, inntil');
    expect(borrowingRow.getCell(4).value).toBe(1403 + Number(i.borrowing['2023']));
    // Borrowing is a note, not an error: no «ikke finansiert» anywhere.
    const notes: string[] = [];
    bal.eachRow((r) => notes.push(`${String(r.getCell(1).value)} ${String(r.getCell(2).value)}`));
    expect(notes.some((n) => /^Merknad Investering 2023 finansieres med lån/.test(n))).toBe(true);
    expect(notes.some((n) => /ikke finansiert/.test(n))).toBe(false);
    // The footer's date is dd.mm.åååå like every other date.
    expect(wb.description).toBe('Endelig · 01.11.2022');

    // Every formula carries its cached result, so viewers that do not recalculate show the totals.
    const parts = await readZipParts(result.body as Uint8Array);
    for (const [name, xml] of parts) {
      if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(name)) continue;
      const formulas = xml.match(/<f>[^<]*<\/f>/g) ?? [];
      const withResult = xml.match(/<f>[^<]*<\/f><v>-?\d+(?:\.\d+)?<\/v>/g) ?? [];
      expect(formulas.length, name).toBeGreaterThan(0);
      expect(withResult.length, name).toBe(formulas.length);
    }
  });

  it('neutralises text that a spreadsheet could run as a formula', async () => {
    const pkg = seedPackage();
    const titles = ['=HYPERLINK("http://evil.example","klikk")', '+1+1', '-2+3', '@SUM(A1)', '\tfane', '\rcr', 'Vanlig tittel'];
    pkg.lines.slice(0, titles.length).forEach((l, k) => (l.title = titles[k] ?? ''));
    const wb = await load(await renderXlsx(buildExportModel(pkg, { scope: 'agreed' })));
    const drift = wb.getWorksheet('Drift');
    if (!drift) throw new Error('no Drift sheet');
    const labels: unknown[] = [];
    for (const ws of wb.worksheets) ws.eachRow((row) => labels.push(row.getCell(1).value));
    for (const t of titles.slice(0, -1)) {
      // XML turns a raw CR into LF on reading; what matters is the leading apostrophe.
      expect(labels.some((l) => typeof l === 'string' && l.startsWith("'") && l.slice(2) === t.slice(1))).toBe(true);
      expect(labels).not.toContain(t);
    }
    expect(labels).toContain('Vanlig tittel');
    // Nothing user-written became a formula cell.
    for (const ws of wb.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.value && typeof cell.value === 'object' && 'formula' in cell.value) expect(cell.value.formula).toMatch(/^(SUM\(|'?[A-Za-z]*'?!?[A-Z]+\d+$)/);
        }),
      );
    }
  });

  it('shows a cell whose typed text is not an amount as that text, never as 0', async () => {
    const pkg = seedPackage();
    const line = pkg.lines[0];
    if (!line) throw new Error('fixture');
    delete line.amounts['2024'];
    line.invalid = { '2024': '8 mill?' };
    const wb = await load(await renderXlsx(buildExportModel(pkg, { scope: 'agreed' })));
    const drift = wb.getWorksheet('Drift');
    if (!drift) throw new Error('no Drift sheet');
    expect(label(drift, line.title).getCell(headerColumns(drift).get('2024') ?? 0).value).toBe('8 mill?');
  });
});

describe('XLSX export of a year with an unreadable amount', () => {
  it('writes «?» in the sums of that year (never a partial sum) and says «Ukjent» on the balance sheet', async () => {
    const pkg = seedPackage();
    const line = pkg.lines.find((l) => l.title === 'Fagfornyelsen');
    if (!line) throw new Error('fixture');
    line.invalid = { '2024': '12,,5' };
    const wb = await load(await renderXlsx(buildExportModel(pkg, { scope: 'agreed' })));
    const drift = wb.getWorksheet('Drift');
    const bal = wb.getWorksheet('Balanse');
    if (!drift || !bal) throw new Error('sheets');
    const cols = headerColumns(drift);
    const net = label(drift, 'Netto drift (skal være 0)');
    expect(net.getCell(cols.get('2024') ?? 0).value).toBe('?');
    expect(net.getCell(cols.get('Sum') ?? 0).value).toBe('?');
    expect((net.getCell(cols.get('2023') ?? 0).value as ExcelJS.CellFormulaValue).formula).toMatch(/^SUM\(/);
    const row2024 = bal.getRow(4 + ['2022', '2023', '2024'].indexOf('2024'));
    expect(row2024.getCell(1).value).toBe('2024');
    expect(row2024.getCell(2).value).toBe('?');
    expect(row2024.getCell(3).value).toBe('Ukjent');
  });
});

describe('XLSX export with scope=all', () => {
  it('adds a Status column and every line, and totals over all lines', async () => {
    const pkg = seedPackage({ notAgreed: NOT_AGREED });
    const wb = await load((await exportPackage(pkg, { format: 'xlsx', scope: 'all' })).body as Uint8Array);
    const drift = wb.getWorksheet('Drift');
    if (!drift) throw new Error('no Drift sheet');
    const cols = headerColumns(drift);
    expect([...cols.keys()]).toEqual(['Linje', 'Status', '2023', '2024', '2025', '2026', 'Sum']);
    expect(label(drift, 'Juba Juba').getCell(2).value).toBe('Foreslått');
    const total = label(drift, 'Sum tiltak drift').getCell(cols.get('Sum') ?? 0).value as ExcelJS.CellFormulaValue;
    expect(total.result).toBe(Number(computeBalance(pkg).ledgers.drift.total.tiltak));
    expect(evaluate(wb, drift, total.formula).toFixed(2)).toBe(new Money(computeBalance(pkg).ledgers.drift.total.tiltak).toFixed(2));
  });
});
