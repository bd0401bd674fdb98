/**
 * Import and export through the HTTP API of the real server: XLSX and CSV import
 * with preview, baseline upload, package files, every export format with scope,
 * and prose–figure warnings in the balance report.
 */
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, connectClient, startTestServer, type TestServer } from './serverHarness';
import { readBaselinesFromDoc } from '../../shared/doc/baseline';
import type { BalanceReport, PlainPackage } from '../../shared/types';
import { computeBalance } from '../../shared/balance';
import { formatAmount } from '../../shared/money';
import { paragraphs, readZipParts, tables } from '../export/ooxml';

const fmt2 = (v: string) => formatAmount(v, { decimals: 2 });

const FIXTURE = fs.readFileSync(path.resolve('test/fixtures/okonomirapport-2019.csv'), 'utf8');
const BASELINE = fs.readFileSync(path.resolve('test/fixtures/baseline-drift-2022-2025.csv'));
const INVESTMENT_BASELINE = fs.readFileSync(path.resolve('test/fixtures/baseline-investering-2022-2025.csv'));
const P2019 = { title: 'Økonomirapport 2019', years: ['2019', '2020'], planYears: ['2019'], parties: [{ name: 'Ap' }] };

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

/** POSTs raw bytes as the admin. */
function upload(urlPath: string, body: Uint8Array, contentType: string): Promise<Response> {
  return fetch(ts.url + urlPath, {
    method: 'POST',
    headers: { cookie: ts.auth.cookieFor(ADMIN), origin: ts.url, 'content-type': contentType },
    body: new Blob([body as Uint8Array<ArrayBuffer>]),
  });
}

async function xlsxOf(rows: Array<Array<string | number>>): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Endringer');
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('import over HTTP', () => {
  it('previews an XLSX import without writing, then imports it', async () => {
    const id = await ts.createPackage(P2019);
    const bytes = await xlsxOf([
      ['seksjon', 'type', 'gruppe', 'tittel', '2019'],
      ['Helse', 'drift', 'tiltak', 'Hjemmetjenester', 12.5],
      ['Helse', 'drift', 'inndekning', 'Økte inntekter', '−12,5'],
    ]);
    const preview = await upload(`/api/packages/${id}/import?preview=1`, bytes, XLSX_TYPE);
    expect(preview.status).toBe(200);
    const p = (await preview.json()) as { preview: { lines: unknown[]; newSections: string[]; report: BalanceReport } };
    expect(p.preview.lines).toHaveLength(2);
    expect(p.preview.newSections).toEqual(['Helse']);
    expect(p.preview.report.ledgers.drift.byYear['2019']).toEqual({ tiltak: '12.5', inndekning: '-12.5', net: '0' });
    const before = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    expect(before.lines).toHaveLength(0);

    const res = await upload(`/api/packages/${id}/import`, bytes, XLSX_TYPE);
    expect(await res.json()).toEqual({ imported: 2 });
    const after = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    expect(after.lines.map((l) => [l.title, l.amounts['2019']])).toEqual([
      ['Hjemmetjenester', '12.5'],
      ['Økte inntekter', '-12.5'],
    ]);
  });

  it('refuses a bad XLSX cell naming row, column and value, and writes nothing', async () => {
    const id = await ts.createPackage(P2019);
    const bytes = await xlsxOf([
      ['seksjon', 'type', 'gruppe', 'tittel', '2019'],
      ['Helse', 'drift', 'tiltak', 'God linje', 1],
      ['Helse', 'drift', 'tiltak', 'Dårlig linje', 'abc'],
    ]);
    const res = await upload(`/api/packages/${id}/import`, bytes, XLSX_TYPE);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({ row: 3, column: '2019', value: 'abc' });
    const pkg = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    expect(pkg.lines).toHaveLength(0);
  });

  it('stores an uploaded baseline in the document', async () => {
    const id = await ts.createPackage({ title: 'HØP', years: ['2022', '2023', '2024', '2025'], planYears: ['2022', '2023', '2024', '2025'] });
    const res = await upload(`/api/packages/${id}/baseline`, new Uint8Array(BASELINE), 'text/csv');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ areas: 23, years: ["2021", "2022", "2023", "2024", "2025"] });
    const bad = await upload(`/api/packages/${id}/baseline`, new TextEncoder().encode('tjenesteområde;2022\nSkole;mye\n'), 'text/csv');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: unknown }).error).toMatchObject({ row: 2, value: 'mye' });
  });

  it('keeps one baseline per ledger: the investment baseline does not replace the drift frames', async () => {
    const id = await ts.createPackage({ title: 'HØP', years: ['2022', '2023', '2024', '2025'], planYears: ['2023', '2024', '2025'] });
    const drift = await upload(`/api/packages/${id}/baseline`, new Uint8Array(BASELINE), 'text/csv');
    expect(await drift.json()).toMatchObject({ areas: 23, ledger: 'drift' });
    // «investeringsområde» in the first header says which baseline the file is.
    const inv = await upload(`/api/packages/${id}/baseline`, new Uint8Array(INVESTMENT_BASELINE), 'text/csv');
    expect(await inv.json()).toMatchObject({ areas: 22, ledger: 'investering' });
    const client = connectClient(ts, id, ADMIN);
    try {
      await client.synced();
      const both = readBaselinesFromDoc(client.doc);
      expect(both.drift).toHaveLength(23);
      expect(both.drift.find((a) => a.name === 'Skole')?.amounts['2023']).toBe('2026');
      expect(both.investering).toHaveLength(22);
      expect(both.investering.find((a) => a.name === 'Skole')?.amounts['2023']).toBe('361');
    } finally {
      client.destroy();
    }
    // An explicit ledger wins over the header; an unknown one is refused and changes nothing.
    const asDrift = await upload(`/api/packages/${id}/baseline?ledger=investering`, new TextEncoder().encode('område;2023\nVeg;37\n'), 'text/csv');
    expect(await asDrift.json()).toMatchObject({ areas: 1, ledger: 'investering' });
    const refused = await upload(`/api/packages/${id}/baseline?ledger=fond`, new Uint8Array(BASELINE), 'text/csv');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain('ledger');
  });

  it('creates a new package from an exported package file (JSON), losslessly', async () => {
    const id = await ts.createPackage(P2019);
    await ts.http('POST', `/api/packages/${id}/import`, { body: FIXTURE });
    const json = await (await ts.http('GET', `/api/packages/${id}/export?format=json&scope=all`)).text();
    const res = await upload('/api/packages/import', new TextEncoder().encode(json), 'application/json');
    expect(res.status).toBe(201);
    const { id: id2 } = (await res.json()) as { id: string };
    const a = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    const b = (await (await ts.http('GET', `/api/packages/${id2}`)).json()) as PlainPackage;
    expect({ ...b, id: a.id }).toEqual(a);
    const broken = await upload('/api/packages/import', new TextEncoder().encode('{"format":"nope"}'), 'application/json');
    expect(broken.status).toBe(400);
  });
});

describe('export over HTTP', () => {
  it('exports only agreed lines by default and everything with scope=all', async () => {
    const id = await ts.createPackage(P2019);
    await ts.http('POST', `/api/packages/${id}/import`, { body: FIXTURE.replace(';Økte inntekter;', ';Økte inntekter;').trim() + '\n' });
    const agreedOnly = await (await ts.http('GET', `/api/packages/${id}/export?format=csv`)).text();
    const all = await (await ts.http('GET', `/api/packages/${id}/export?format=csv&scope=all`)).text();
    // Imported lines are drafts: none is agreed yet.
    expect(agreedOnly.trim().split(/\r?\n/)).toHaveLength(1);
    expect(all.trim().split(/\r?\n/)).toHaveLength(7);
  });

  it('serves DOCX and XLSX whose totals are the engine totals', async () => {
    const id = await ts.createPackage({ ...P2019, planYears: ['2019', '2020'], fundOpeningBalance: '40' });
    expect((await ts.http('POST', `/api/packages/${id}/import`, { body: FIXTURE })).status).toBe(200);
    // A second year and the other two ledgers, so every table has totals that differ per year.
    const more = [
      'seksjon;type;gruppe;tittel;2019;2020',
      'Skole;drift;tiltak;Flere lærere;2,5;4,75',
      'Skole;drift;inndekning;Økt eiendomsskatt;−1;−4,75',
      'Skole;investering;tiltak;Ny skole;12;30',
      'Skole;investering;inndekning;Salg av tomt;−8;',
      'Skole;fond;tiltak;Bruk av disposisjonsfond;1,5;2',
      'Skole;fond;inndekning;Avsetning til disposisjonsfond;;−0,25',
    ].join('\n');
    expect((await ts.http('POST', `/api/packages/${id}/import`, { body: more + '\n' })).status).toBe(200);
    const pkg = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    expect(pkg.lines).toHaveLength(12);
    const engine = computeBalance(pkg);
    const served = (await (await ts.http('GET', `/api/packages/${id}/balance`)).json()) as BalanceReport;
    expect(served.ledgers).toEqual(engine.ledgers);

    /** Every total row the exports print, with the engine's value for a year (or the whole period). */
    const TOTALS: Record<string, (year: string | null) => string | undefined> = {
      'Sum tiltak drift': (y) => (y ? engine.ledgers.drift.byYear[y]?.tiltak : engine.ledgers.drift.total.tiltak),
      'Sum inndekning drift': (y) => (y ? engine.ledgers.drift.byYear[y]?.inndekning : engine.ledgers.drift.total.inndekning),
      'Netto drift (skal være 0)': (y) => (y ? engine.ledgers.drift.byYear[y]?.net : engine.ledgers.drift.total.net),
      'Sum investeringstiltak': (y) => (y ? engine.ledgers.investering.byYear[y]?.tiltak : engine.ledgers.investering.total.tiltak),
      'Sum inndekning investering': (y) => (y ? engine.ledgers.investering.byYear[y]?.inndekning : engine.ledgers.investering.total.inndekning),
      'Netto investering (finansieres med lån)': (y) => (y ? engine.ledgers.investering.byYear[y]?.net : engine.ledgers.investering.total.net),
      'Samlet bruk av disposisjonsfond': (y) => (y ? engine.ledgers.fond.byYear[y]?.tiltak : engine.ledgers.fond.total.tiltak),
      'Samlet tilført disposisjonsfondet': (y) => (y ? engine.ledgers.fond.byYear[y]?.inndekning : engine.ledgers.fond.total.inndekning),
      'Netto bruk av disposisjonsfond': (y) => (y ? engine.ledgers.fond.byYear[y]?.net : engine.ledgers.fond.total.net),
    };

    // `sealed=1` exports the round the lock sealed: nothing is agreed here, so the owner locks with an override.
    expect((await ts.http('GET', `/api/packages/${id}/export?format=docx&sealed=1`)).status).toBe(409);
    const locked = (await (await ts.http('POST', `/api/packages/${id}/lock`, { json: { override: 'Test av eksport' } })).json()) as { seal: { checksum: string } };
    const docx = await ts.http('GET', `/api/packages/${id}/export?format=docx&scope=all&sealed=1`);
    expect(docx.status).toBe(200);
    expect(docx.headers.get('content-type')).toMatch(/wordprocessingml/);
    const checksum = locked.seal.checksum;
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    const parts = await readZipParts(new Uint8Array(await docx.arrayBuffer()));
    const documentXml = parts.get('word/document.xml') ?? '';
    expect(paragraphs(documentXml)).toContain('Bo- og aktivitetstilbud');
    const footers = [...parts].filter(([name]) => /^word\/footer\d*\.xml$/.test(name)).map(([, xml]) => xml);
    expect(footers.join(' ')).toContain(checksum!);
    const seenInDocx = new Set<string>();
    for (const table of tables(documentXml)) {
      const header = (table[0] ?? []).map((c) => c.text);
      for (const row of table.slice(1)) {
        const label = row[0]?.text ?? '';
        const expected = TOTALS[label];
        if (!expected) continue;
        seenInDocx.add(label);
        header.forEach((h, k) => {
          if (/^\d{4}$/.test(h)) expect(row[k]?.text, `DOCX ${label} ${h}`).toBe(fmt2(expected(h) ?? 'x'));
          else if (h === 'Sum') expect(row[k]?.text, `DOCX ${label} Sum`).toBe(fmt2(expected(null) ?? 'x'));
        });
      }
    }
    expect([...seenInDocx].sort()).toEqual(Object.keys(TOTALS).sort());

    const xlsx = await ts.http('GET', `/api/packages/${id}/export?format=xlsx&scope=all`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    // exceljs's reader drops a cached result of 0, so a formula cell without one reads as 0.
    const numberIn = (cell: ExcelJS.Cell): unknown => {
      const v = cell.value;
      if (v && typeof v === 'object' && 'formula' in v) return v.result ?? 0;
      return v;
    };
    const seenInXlsx = new Set<string>();
    for (const ws of wb.worksheets) {
      const header = new Map<number, string>();
      ws.getRow(3).eachCell((cell, col) => header.set(col, String(cell.value)));
      ws.eachRow((row) => {
        const label = String(row.getCell(1).value);
        const expected = TOTALS[label];
        if (!expected) return;
        seenInXlsx.add(label);
        for (const [col, h] of header) {
          if (/^\d{4}$/.test(h)) expect(numberIn(row.getCell(col)), `XLSX ${ws.name} ${label} ${h}`).toBe(Number(expected(h) ?? 'x'));
          else if (h === 'Sum') expect(numberIn(row.getCell(col)), `XLSX ${ws.name} ${label} Sum`).toBe(Number(expected(null) ?? 'x'));
        }
      });
    }
    expect([...seenInXlsx].sort()).toEqual(Object.keys(TOTALS).sort());
    // The balance sheet: per year the drift net, the change in borrowing and the fund balance.
    const bal = wb.getWorksheet('Balanse')!;
    for (const [k, y] of engine.years.entries()) {
      const row = bal.getRow(4 + k);
      expect(row.getCell(1).value).toBe(y);
      expect(numberIn(row.getCell(2)), `Balanse drift ${y}`).toBe(Number(engine.ledgers.drift.byYear[y]?.net ?? 'x'));
      expect(numberIn(row.getCell(4)), `Balanse investering ${y}`).toBe(Number(engine.ledgers.investering.byYear[y]?.net ?? 'x'));
      expect(numberIn(row.getCell(6)), `Balanse fond ${y}`).toBe(Number(engine.ledgers.fond.runningBalance[y] ?? 'x'));
    }
  });

  it('answers a download: content type, attachment file name, checksum of the content, no caching', async () => {
    const id = await ts.createPackage(P2019);
    await ts.http('POST', `/api/packages/${id}/import`, { body: FIXTURE });
    const html = await ts.http('GET', `/api/packages/${id}/export?format=html&scope=all&version=V1`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-disposition')).toBe('attachment; filename="okonomirapport-2019-alle-punkter-v1.html"');
    expect(html.headers.get('cache-control')).toBe('no-store');
    const checksum = html.headers.get('x-package-checksum');
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    // The checksum identifies the exported content, whatever the format it is rendered in.
    const md = await ts.http('GET', `/api/packages/${id}/export?format=md&scope=all`);
    expect(md.headers.get('x-package-checksum')).toBe(checksum);
    const agreed = await ts.http('GET', `/api/packages/${id}/export?format=md`);
    expect(agreed.headers.get('x-package-checksum')).not.toBe(checksum);
  });

  it('refuses an unknown format or scope with 400', async () => {
    const id = await ts.createPackage(P2019);
    expect((await ts.http('GET', `/api/packages/${id}/export?format=pdf`)).status).toBe(400);
    expect((await ts.http('GET', `/api/packages/${id}/export?format=docx&scope=some`)).status).toBe(400);
    expect((await ts.http('GET', `/api/packages/${id}/export?format=constructor`)).status).toBe(400);
  });
});

describe('prose–figure warnings in the balance report', () => {
  it('flags a rationale figure that matches none of the line amounts', async () => {
    const id = await ts.createPackage(P2019);
    const csv = 'seksjon;type;gruppe;tittel;2019;beskrivelse\nKultur;drift;tiltak;Juba Juba;0,15;Festivalen får 250 000 kroner\nKultur;drift;tiltak;Bibliotek;0,3;Biblioteket får 300 000 kroner\n';
    expect((await ts.http('POST', `/api/packages/${id}/import`, { body: csv })).status).toBe(200);
    const pkg = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    const report = (await (await ts.http('GET', `/api/packages/${id}/balance`)).json()) as BalanceReport;
    const prose = report.warnings.filter((w) => w.code === 'prose-figure-mismatch');
    expect(prose.map((w) => w.lineId)).toEqual([pkg.lines.find((l) => l.title === 'Juba Juba')!.id]);
  });
});
