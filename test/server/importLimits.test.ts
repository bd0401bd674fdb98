/**
 * Hostile spreadsheets (hardening, docs/SECURITY.md rows I1–I5): a workbook that
 * unpacks to far more than it weighs, a sheet of 100,001 rows, a cell holding
 * megabytes, a title longer than a title may be. Each is refused with a message that
 * names what is wrong, nothing is written, and the server keeps answering other
 * requests while it reads the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsxRows } from '../../server/import/xlsx';
import { BudgetExceededError, runBudgeted } from '../../server/workers/budgeted';
import { MAX_TEXT_CHARS, MAX_TITLE_CHARS } from '../../shared/doc/limits';
import { HEADER, rawXlsx, rowXml } from './fixtures/rawXlsx';
import { ADMIN, startTestServer, type TestServer } from './serverHarness';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

function upload(urlPath: string, body: Uint8Array): Promise<Response> {
  return fetch(ts.url + urlPath, {
    method: 'POST',
    headers: { cookie: ts.auth.cookieFor(ADMIN), origin: ts.url, 'content-type': XLSX_TYPE },
    body: new Blob([body as Uint8Array<ArrayBuffer>]),
  });
}

async function lineCount(id: string): Promise<number> {
  return Object.keys(((await (await ts.http('GET', `/api/packages/${id}`)).json()) as { lines: unknown[] }).lines).length;
}

describe('hostile workbooks', () => {
  it('I1 a small file with a 20 MB shared string is refused before it is parsed', async () => {
    const bytes = await rawXlsx(rowXml(1, HEADER), ['A'.repeat(20 * 1024 * 1024)]);
    expect(bytes.byteLength).toBeLessThan(200 * 1024);
    const r = await readXlsxRows(bytes);
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('for stor når den pakkes ut') } });
    expect(r.ok ? '' : r.error.message).toContain('sharedStrings.xml');
  });

  it('I2 a sheet of 100,001 rows is refused at the row limit, and the server answers others meanwhile', async () => {
    const id = await ts.createPackage({ title: 'Stor', years: ['2024'], planYears: ['2024'] });
    let rows = rowXml(1, HEADER);
    for (let n = 2; n <= 100_001; n++) rows += rowXml(n, [n]);
    const bytes = await rawXlsx(rows);
    const order: string[] = [];
    const importing = upload(`/api/packages/${id}/import?preview=1`, bytes).then(async (res) => {
      order.push('import');
      return res;
    });
    // Asked after the import started, answered before it: the parse is not on the event loop.
    await new Promise((r) => setTimeout(r, 20));
    const health = await fetch(`${ts.url}/api/health`);
    order.push('health');
    expect(health.status).toBe(200);
    const res = await importing;
    expect(order).toEqual(['health', 'import']);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/flere enn 5000 rader/);
    expect(await lineCount(id)).toBe(0);
  });

  it('I3 a cell of more than the longest text a field may hold is refused naming its cell', async () => {
    const bytes = await rawXlsx(rowXml(1, HEADER) + rowXml(2, ['Oppvekst', 'drift', 'tiltak', 'x'.repeat(MAX_TEXT_CHARS + 1), 1]));
    const r = await readXlsxRows(bytes);
    expect(r).toMatchObject({ ok: false, error: { row: 2, cell: 'D2', message: expect.stringContaining('cellen D2') } });
  });

  it('I4 a title longer than a title may be is refused naming row and column, and nothing is imported', async () => {
    const id = await ts.createPackage({ title: 'Lang tittel', years: ['2024'], planYears: ['2024'] });
    const long = 'Skole'.repeat(Math.ceil((MAX_TITLE_CHARS + 1) / 5));
    const bytes = await rawXlsx(rowXml(1, HEADER) + rowXml(2, ['Oppvekst', 'drift', 'tiltak', 'Kort', 1]) + rowXml(3, ['Oppvekst', 'drift', 'inndekning', long, -1]));
    const res = await upload(`/api/packages/${id}/import`, bytes);
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { row: number; column: string; cell?: string; message: string } };
    expect(error).toMatchObject({ row: 3, column: 'tittel', cell: 'D3' });
    expect(error.message).toMatch(/høyst 500 tegn/);
    expect(await lineCount(id)).toBe(0);
  });
});

describe('budgeted worker threads', () => {
  it('I5 a job past its heap or time budget is stopped and reported, the server process carries on', async () => {
    const hog = new URL('./fixtures/hogWorker.ts', import.meta.url);
    await expect(runBudgeted(hog, { mode: 'memory' }, { timeoutMs: 20_000, maxHeapMb: 32 })).rejects.toMatchObject({ reason: 'memory' });
    await expect(runBudgeted(hog, { mode: 'spin' }, { timeoutMs: 300, maxHeapMb: 64 })).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(runBudgeted(hog, { mode: 'answer' }, { timeoutMs: 20_000, maxHeapMb: 64 })).resolves.toEqual({ answer: 42 });
  });
});
