import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { importBaselineFromCsv, importLinesFromCsv, parseCsv } from '../../shared/csv';
import { exportPackage } from '../../server/export/index';
import { importBaselineFromFile, importLinesFromFile, importPackageFromFile } from '../../server/import/index';
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';
import { importLinesFromXlsx, readXlsxRows } from '../../server/import/xlsx';
import { seedPackage } from './fixture';
import { previewImport, previewLineId } from '../../shared/format/importPreview';

const YEARS = ['2022', '2023', '2024', '2025', '2026'];

async function workbook(sheets: Record<string, ExcelJS.CellValue[][]>): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    rows.forEach((r, i) => r.forEach((v, c) => (ws.getRow(i + 1).getCell(c + 1).value = v)));
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const HEADER = ['seksjon', 'type', 'gruppe', 'tittel', 2023, '2024', 'status', 'beskrivelse'];

describe('XLSX import', () => {
  it('reads the CSV columns from the first sheet: numbers, Norwegian-formatted text, formula results', async () => {
    const bytes = await workbook({
      Linjer: [
        HEADER,
        ['Arbeid og sosial', 'drift', 'tiltak', 'Matsentralen', 0.3, '0,3', 'enig', 'Økes med 300 000 kroner per år.'],
        ['Oppvekst', 'drift', 'tiltak', 'PP-tjenesten', { formula: '1+1', result: 2 }, '8 mill.', 'foreslått', ''],
        [],
        ['Inndekning', 'drift', 'inndekning', 'Kompensasjon for koronautgifter', -100, '−1 040,5', '', ''],
        ['Inndekning', 'fond', 'inndekning', 'Avrundingsstøy', 0.1 + 0.2, null, '', ''],
      ],
      Annet: [['ikke', 'dette']],
    });
    const r = await importLinesFromXlsx(bytes, { years: YEARS });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.sheet).toBe('Linjer');
    expect(r.sheetNames).toEqual(['Linjer', 'Annet']);
    expect(r.lines).toEqual([
      { section: 'Arbeid og sosial', ledger: 'drift', group: 'tiltak', title: 'Matsentralen', amounts: { '2023': '0.3', '2024': '0.3' }, status: 'agreed', description: 'Økes med 300 000 kroner per år.' },
      { section: 'Oppvekst', ledger: 'drift', group: 'tiltak', title: 'PP-tjenesten', amounts: { '2023': '2', '2024': '8' }, status: 'proposed' },
      { section: 'Inndekning', ledger: 'drift', group: 'inndekning', title: 'Kompensasjon for koronautgifter', amounts: { '2023': '-100', '2024': '-1040.5' } },
      { section: 'Inndekning', ledger: 'fond', group: 'inndekning', title: 'Avrundingsstøy', amounts: { '2023': '0.3' } },
    ]);
  });

  it('reads a chosen sheet by name or position, and names a missing one', async () => {
    const bytes = await workbook({ Forside: [['Budsjett 2023']], Linjer: [HEADER, ['Bolig', 'drift', 'tiltak', 'Bostøtte', 5.25, 10.5]] });
    const byName = await importLinesFromFile(bytes, { years: YEARS, sheet: 'Linjer', filename: 'pakke.xlsx' });
    expect(byName.ok && byName.lines.map((l) => l.amounts)).toEqual([{ '2023': '5.25', '2024': '10.5' }]);
    const byIndex = await importLinesFromXlsx(bytes, { years: YEARS, sheet: 1 });
    expect(byIndex.ok).toBe(true);
    const missing = await importLinesFromXlsx(bytes, { years: YEARS, sheet: 'Ark3' });
    expect(missing).toMatchObject({ ok: false, error: { message: 'Finner ikke arket «Ark3». Arkene heter: Forside, Linjer.' } });
    // The first sheet is not a line table: the header error names it.
    const first = await importLinesFromXlsx(bytes, { years: YEARS });
    expect(first).toMatchObject({ ok: false, error: { row: 1, sheet: 'Forside', cell: 'A1', value: 'Budsjett 2023' } });
  });

  it('rejects the whole file at the first bad cell with row, column, value, message and cell address', async () => {
    const bytes = await workbook({
      Ark1: [HEADER, ['Bolig', 'drift', 'tiltak', 'Bostøtte', 5.25, 10.5], ['Bolig', 'drift', 'tiltak', 'Prosjekt', 1, 'to millioner']],
    });
    const r = await importLinesFromFile(bytes, { years: YEARS });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ row: 3, column: '2024', value: 'to millioner', cell: 'F3', sheet: 'Ark1' });
    expect(r.error.message).toMatch(/\S/);
    const badType = await importLinesFromXlsx(await workbook({ A: [HEADER, ['Bolig', 'drifft', 'tiltak', 'X', 1]] }), { years: YEARS });
    expect(badType).toMatchObject({ ok: false, error: { row: 2, column: 'type', cell: 'B2', value: 'drifft' } });
  });

  it('refuses files that are not workbooks, too large, or the old .xls format, with clear messages', async () => {
    expect(await readXlsxRows(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 1, 2, 3]))).toMatchObject({ ok: false, error: { message: expect.stringContaining('.xls') } });
    expect(await readXlsxRows(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 9, 9]))).toMatchObject({ ok: false, error: { message: expect.stringContaining('kunne ikke leses') } });
    expect(await readXlsxRows(new Uint8Array(MAX_UPLOAD_BYTES + 1))).toMatchObject({ ok: false, error: { message: expect.stringContaining('for stor') } });
    expect(await importLinesFromFile(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), { years: YEARS, filename: 'bilde.png' })).toMatchObject({ ok: false, format: null });
    expect(await importLinesFromFile(new Uint8Array([0x66, 0x6f, 0xff, 0xfe, 0x3b]), { years: YEARS, filename: 'x.csv' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('UTF-8') } });
  });

  it('round-trips: XLSX built from the CSV export imports to the same lines as the CSV', async () => {
    const pkg = seedPackage();
    const csv = (await exportPackage(pkg, { format: 'csv', scope: 'all' })).body as string;
    const fromCsv = importLinesFromCsv(csv, { years: pkg.years });
    if (!fromCsv.ok) throw new Error(fromCsv.error.message);
    const parsed = parseCsv(csv);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const rows = parsed.rows;
    const asNumbers = rows.map((r, i) => (i === 0 ? r : r.map((c) => (/^-?\d+(,\d+)?$/.test(c) ? Number(c.replace(',', '.')) : c))));
    const fromXlsx = await importLinesFromFile(await workbook({ Ark1: asNumbers }), { years: pkg.years });
    expect(fromXlsx.ok && fromXlsx.lines).toEqual(fromCsv.lines);
  });
});

describe('Baseline import', () => {
  it('reads the fixture baseline from CSV and from the same table as XLSX to the same areas', async () => {
    const text = fs.readFileSync(new URL('../fixtures/baseline-drift-2022-2025.csv', import.meta.url), 'utf8');
    const fromCsv = await importBaselineFromFile(new TextEncoder().encode(text), { filename: 'baseline.csv' });
    if (!fromCsv.ok) throw new Error(fromCsv.error.message);
    expect(fromCsv.years).toEqual(['2021', '2022', '2023', '2024', '2025']);
    expect(fromCsv.areas.find((a) => a.name === 'Samferdsel')?.amounts['2023']).toBe('-84');
    const direct = importBaselineFromCsv(text);
    expect(direct.ok && direct.areas).toEqual(fromCsv.areas);
    const rows: ExcelJS.CellValue[][] = text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l, i) => l.split(';').map((c, k) => (i === 0 ? (k === 0 ? c : Number(c)) : k === 0 ? c : c)));
    const fromXlsx = await importBaselineFromFile(await workbook({ Drift: rows }));
    expect(fromXlsx.ok && fromXlsx.areas).toEqual(fromCsv.areas);
  });
});

describe('Package file import', () => {
  it('reads the JSON package export and names the path of a bad value', async () => {
    const pkg = seedPackage();
    const json = (await exportPackage(pkg, { format: 'json', scope: 'all' })).body as string;
    const ok = importPackageFromFile(new TextEncoder().encode(json));
    expect(ok.ok && ok.pkg).toEqual(pkg);
    const bad = importPackageFromFile(new TextEncoder().encode(json.replace('"8"', '"åtte"')));
    expect(bad).toMatchObject({ ok: false, error: { path: expect.stringMatching(/^package\.lines\.0\.amounts\.20\d\d$/) } });
  });
});

describe('Import preview', () => {
  it('shows new sections, the balance after the import and prose mismatches, without changing the package', async () => {
    const pkg = seedPackage();
    const before = JSON.stringify(pkg);
    const bytes = await workbook({
      Ark1: [
        HEADER,
        ['Oppvekst', 'drift', 'tiltak', 'Skolemat', 0.5, null, 'enig', 'Forsøket forlenges med 500 000 kroner i 2023.'],
        ['Finans og organisasjon', 'drift', 'tiltak', 'HMS', 0.9, 0.9, '', 'Ett årsverk til 1,2 millioner.'],
      ],
    });
    const r = await importLinesFromFile(bytes, { years: pkg.years });
    if (!r.ok) throw new Error(r.error.message);
    const preview = previewImport(pkg, r.lines);
    expect(preview.newSections).toEqual(['Finans og organisasjon']);
    expect(preview.report.ledgers.drift.byYear['2023']?.net).toBe('1.4');
    expect(preview.report.ledgers.drift.unbalancedYears).toEqual(['2023', '2024']);
    expect(preview.proseWarnings.map((w) => w.lineId)).toEqual([previewLineId(1)]);
    expect(JSON.stringify(pkg)).toBe(before);
  });
});
