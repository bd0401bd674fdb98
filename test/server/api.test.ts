/**
 * The package HTTP API against the real server (port 0, test auth, memory storage).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, startTestServer, waitFor, type TestServer } from './serverHarness';
import * as Y from 'yjs';
import { createLineInDoc, getLinesMap, readPackageFromDoc, setLineAmount } from '../../shared/doc/schema';
import type { BalanceReport, PlainPackage } from '../../shared/types';

const FIXTURE = fs.readFileSync(path.resolve('test/fixtures/okonomirapport-2019.csv'), 'utf8');
const YEARS_2019 = { title: 'Økonomirapport 2019', years: ['2019', '2020'], planYears: ['2019'], parties: [{ name: 'Ap' }] };

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

describe('package HTTP API', () => {
  it('answers health without a session', async () => {
    const res = await ts.http('GET', '/api/health', { user: null });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
  });

  it('creates a package (201 { id }) and serves it as plain data to its owner', async () => {
    const res = await ts.http('POST', '/api/packages', { json: { title: 'Budsjett 2027', years: ['2026', '2027', '2028'], planYears: ['2027', '2028'], parties: [{ name: 'Ap', color: '#ff0000' }, { id: 'SV', name: 'Sosialistisk Venstreparti' }] } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    const pkg = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    expect(pkg).toMatchObject({ id, title: 'Budsjett 2027', years: ['2026', '2027', '2028'], planYears: ['2027', '2028'], lines: [], sections: [], verbal: [] });
    expect(pkg.parties).toEqual([
      { id: 'Ap', name: 'Ap', color: '#ff0000' },
      { id: 'SV', name: 'Sosialistisk Venstreparti', color: expect.stringMatching(/^#/) },
    ]);
    const list = (await (await ts.http('GET', '/api/packages')).json()) as { packages: Array<{ id: string; role: string; title: string }> };
    expect(list.packages).toContainEqual(expect.objectContaining({ id, role: 'owner', title: 'Budsjett 2027' }));
  });

  it('accepts years as numbers and parties as names, the same as strings and objects', async () => {
    const res = await ts.http('POST', '/api/packages', { json: { title: 'Budsjett 2024', years: [2023, 2024], planYears: [2024], parties: ['Ap', 'SV', { name: 'Sp', color: '#14773d' }] } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const pkg = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    expect(pkg.years).toEqual(['2023', '2024']);
    expect(pkg.planYears).toEqual(['2024']);
    expect(pkg.parties.map((p) => [p.id, p.name])).toEqual([
      ['Ap', 'Ap'],
      ['SV', 'SV'],
      ['Sp', 'Sp'],
    ]);
    expect(pkg.parties[2]?.color).toBe('#14773d');
  });

  it.each([
    ['missing title', { years: ['2024'], planYears: ['2024'] }, 'title', /^Mangler feltet «title»$/],
    ['bad year', { title: 'x', years: ['24'], planYears: ['24'] }, 'years.0', /«years\.0».*fire sifre/],
    ['a year of the wrong type', { title: 'x', years: [true], planYears: ['2024'] }, 'years.0', /^Feil type i feltet «years\.0»: forventet et årstall, f\.eks\. 2024, fikk sann\/usann$/],
    ['years not a list', { title: 'x', years: '2024', planYears: ['2024'] }, 'years', /^Feil type i feltet «years»: forventet liste, fikk tekst$/],
    ['a party of the wrong type', { title: 'x', years: ['2024'], planYears: ['2024'], parties: [7] }, 'parties.0', /^Feil type i feltet «parties\.0»: forventet et partinavn.*fikk tall$/],
    ['an empty party name', { title: 'x', years: ['2024'], planYears: ['2024'], parties: [''] }, 'parties.0.name', /^Tom tekst i feltet «parties\.0\.name»$/],
    ['an opening balance as a number', { title: 'x', years: ['2024'], planYears: ['2024'], fundOpeningBalance: 507 }, 'fundOpeningBalance', /forventet beløpet som tekst.*fikk tall$/],
    ['plan year outside years', { title: 'x', years: ['2024'], planYears: ['2025'] }, 'planYears', /Planårene må være blant årene/],
    ['unsorted years', { title: 'x', years: ['2025', '2024'], planYears: ['2025'] }, 'years', /stigende/],
    ['too many parties', { title: 'x', years: ['2024'], planYears: ['2024'], parties: Array.from({ length: 21 }, (_, i) => `P${i}`) }, 'parties', /^For mange elementer i feltet «parties» \(maks 20\)$/],
    ['unknown field', { title: 'x', years: ['2024'], planYears: ['2024'], evil: 1 }, 'evil', /^Ukjent felt: «evil»$/],
    ['SQL-shaped party id', { title: 'x', years: ['2024'], planYears: ['2024'], parties: [{ id: "'; DROP TABLE packages;--", name: 'x' }] }, 'parties.0.id', /«parties\.0\.id»/],
  ])('refuses an invalid create body (%s) with 400 naming the field and saying what is wrong', async (_n, json, field, message) => {
    const res = await ts.http('POST', '/api/packages', { json });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; field?: string } };
    expect(body.error.message).toMatch(message);
    expect(body.error.message).not.toMatch(/Invalid|expected|received/);
    expect(body.error.field).toBe(field);
  });

  it('refuses oversized JSON with 413', async () => {
    const res = await ts.http('POST', '/api/packages', { json: { title: 'x'.repeat(100_000), years: ['2024'], planYears: ['2024'] } });
    expect(res.status).toBe(413);
  });

  it('enforces auth on every package route: 401 without session, 404 for non-members, 403 for a viewer writing', async () => {
    const id = await ts.createPackage(undefined, { vera: 'viewer' });
    ts.user('outsider');
    for (const p of [`/api/packages/${id}`, `/api/packages/${id}/balance`, `/api/packages/${id}/export?format=csv`, '/api/packages']) {
      expect((await ts.http('GET', p, { user: null })).status, p).toBe(401);
    }
    for (const p of [`/api/packages/${id}`, `/api/packages/${id}/balance`, `/api/packages/${id}/export?format=csv`, `/api/packages/${id}/audit`]) {
      expect((await ts.http('GET', p, { user: 'outsider' })).status, p).toBe(404);
      expect((await ts.http('GET', p, { user: 'vera' })).status, p).toBe(200);
    }
    expect((await ts.http('GET', `/api/packages/does-not-exist`)).status).toBe(404);
    expect((await ts.http('GET', `/api/packages/${encodeURIComponent('../../etc')}`)).status).toBe(404);
    expect((await ts.http('POST', `/api/packages/${id}/import`, { user: 'outsider', body: FIXTURE })).status).toBe(404);
    expect((await ts.http('POST', `/api/packages/${id}/import`, { user: 'vera', body: FIXTURE })).status).toBe(403);
    expect((await ts.http('POST', '/api/packages', { user: 'vera', json: { title: 'x', years: ['2024'], planYears: ['2024'] } })).status).toBe(403);
    expect((await ts.http('POST', '/api/packages', { user: null, json: { title: 'x', years: ['2024'], planYears: ['2024'] } })).status).toBe(401);
    const list = (await (await ts.http('GET', '/api/packages', { user: 'outsider' })).json()) as { packages: unknown[] };
    expect(list.packages).toEqual([]);
  });

  it('refuses a state-changing request from a foreign Origin', async () => {
    const res = await ts.http('POST', '/api/packages', { origin: 'https://evil.example', json: { title: 'x', years: ['2024'], planYears: ['2024'] } });
    expect(res.status).toBe(403);
  });

  it('imports the 2019 fixture (balanced 90 / −90), exports it back, and records the audit trail', async () => {
    const id = await ts.createPackage(YEARS_2019, { ed: 'editor' });
    const res = await ts.http('POST', `/api/packages/${id}/import`, { user: 'ed', body: FIXTURE });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: 6 });
    const report = (await (await ts.http('GET', `/api/packages/${id}/balance`)).json()) as BalanceReport;
    expect(report.ledgers.drift.byYear['2019']).toEqual({ tiltak: '90', inndekning: '-90', net: '0' });
    expect(report.ledgers.drift.balanced).toBe(true);
    expect(Object.keys(report.ledgers.drift.byYear)).toEqual(['2019', '2020']);
    const csvRes = await ts.http('GET', `/api/packages/${id}/export?format=csv&scope=all`);
    expect(csvRes.headers.get('content-type')).toMatch(/text\/csv/);
    const csv = await csvRes.text();
    // Export ∘ import round-trips: importing the export into a new package gives the same lines.
    const id2 = await ts.createPackage(YEARS_2019);
    expect((await ts.http('POST', `/api/packages/${id2}/import`, { body: csv })).status).toBe(200);
    const strip = (p: PlainPackage) => p.lines.map(({ ledger, group, title, amounts }) => ({ ledger, group, title, amounts }));
    const a = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    const b = (await (await ts.http('GET', `/api/packages/${id2}`)).json()) as PlainPackage;
    expect(strip(b)).toEqual(strip(a));
    const audit = (await (await ts.http('GET', `/api/packages/${id}/audit`)).json()) as { entries: Array<{ field: string; userId: string }> };
    expect(audit.entries.filter((e) => e.field === 'created')).toHaveLength(6);
    expect(audit.entries.every((e) => e.userId === 'ed')).toBe(true);
    expect((await ts.http('GET', `/api/packages/${id}/export?format=pdf`)).status).toBe(400);
  });

  it('refuses a bad import file as a whole with row, column and value', async () => {
    const id = await ts.createPackage({ title: 'x', years: ['2023', '2024'], planYears: ['2024'] });
    const rows = ['seksjon;type;gruppe;tittel;2023;2024'];
    for (let i = 0; i < 5; i++) rows.push(`Oppvekst;drift;tiltak;Linje ${i};1;2`);
    rows.push('Oppvekst;drift;tiltak;Dårlig;1;abc');
    const res = await ts.http('POST', `/api/packages/${id}/import`, { body: rows.join('\n') });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { row: number; column: string; value: string; message: string } };
    expect(body.error).toMatchObject({ row: 7, column: '2024', value: 'abc' });
    expect(body.error.message).toBeTruthy();
    const pkg = (await (await ts.http('GET', `/api/packages/${id}`)).json()) as PlainPackage;
    expect(pkg.lines).toEqual([]);
  });

  it('an import is seen live by a connected client', async () => {
    const id = await ts.createPackage(YEARS_2019, { ed: 'editor', vic: 'viewer' });
    const c = connectClient(ts, id, 'vic');
    try {
      await c.synced();
      expect(getLinesMap(c.doc).size).toBe(0);
      expect((await ts.http('POST', `/api/packages/${id}/import`, { user: 'ed', body: FIXTURE })).status).toBe(200);
      await waitFor(() => getLinesMap(c.doc).size === 6, 5000, 'imported lines on the client');
      expect(readPackageFromDoc(c.doc, id).lines.map((l) => l.title)).toContain('Økte inntekter');
    } finally {
      c.destroy();
    }
  });

  it('an amount changed through the helpers, a raw Yjs client or the import gives the same balance', async () => {
    const body = { title: 'Likhet', years: ['2024', '2025'], planYears: ['2024', '2025'] };
    const viaImport = await ts.createPackage(body);
    const viaHelpers = await ts.createPackage(body, { ed: 'editor' });
    const viaRaw = await ts.createPackage(body, { ed: 'editor' });
    const csv = ['seksjon;type;gruppe;tittel;2024;2025', 'Oppvekst;drift;tiltak;Skole;1,5;2', 'Finans;drift;inndekning;Kutt;−1,15;', 'Kultur;investering;tiltak;Hall;10;'].join('\n');
    expect((await ts.http('POST', `/api/packages/${viaImport}/import`, { body: csv })).status).toBe(200);

    const h = connectClient(ts, viaHelpers, 'ed');
    const r = connectClient(ts, viaRaw, 'ed');
    try {
      await Promise.all([h.synced(), r.synced()]);
      const a = createLineInDoc(h.doc, { ledger: 'drift', group: 'tiltak', title: 'Skole' });
      setLineAmount(h.doc, a, '2024', '1,5');
      setLineAmount(h.doc, a, '2025', '2');
      const b = createLineInDoc(h.doc, { ledger: 'drift', group: 'inndekning', title: 'Kutt' });
      setLineAmount(h.doc, b, '2024', '−1,15');
      const c = createLineInDoc(h.doc, { ledger: 'investering', group: 'tiltak', title: 'Hall' });
      setLineAmount(h.doc, c, '2024', '10');

      // A raw Yjs client that knows only the documented schema (docs/schema.md).
      r.doc.transact(() => {
        const lines = r.doc.getMap<Y.Map<unknown>>('lines');
        const rows: Array<[string, string, string, Record<string, string>]> = [
          ['drift', 'tiltak', 'Skole', { '2024': '1.5', '2025': '2' }],
          ['drift', 'inndekning', 'Kutt', { '2024': '-1.15' }],
          ['investering', 'tiltak', 'Hall', { '2024': '10' }],
        ];
        rows.forEach(([ledger, group, title, amounts], i) => {
          const m = new Y.Map<unknown>();
          lines.set(`raw-${i}`, m);
          m.set('ledger', ledger);
          m.set('group', group);
          m.set('title', title);
          m.set('order', i + 1);
          const am = new Y.Map<string>();
          m.set('amounts', am);
          for (const [y, v] of Object.entries(amounts)) am.set(y, v);
        });
      });
      const balance = async (id: string) => (await (await ts.http('GET', `/api/packages/${id}/balance`)).json()) as BalanceReport;
      const expected = await balance(viaImport);
      expect(expected.ledgers.drift.byYear['2024']).toEqual({ tiltak: '1.5', inndekning: '-1.15', net: '0.35' });
      const ledgersOf = (rep: BalanceReport) => JSON.stringify(rep.ledgers);
      // Poll until the clients' edits have reached the server, then compare exactly.
      for (const id of [viaHelpers, viaRaw]) {
        const deadline = Date.now() + 5000;
        while (ledgersOf(await balance(id)) !== ledgersOf(expected) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      }
      expect(JSON.parse(ledgersOf(await balance(viaHelpers)))).toEqual(expected.ledgers);
      expect(JSON.parse(ledgersOf(await balance(viaRaw)))).toEqual(expected.ledgers);
    } finally {
      h.destroy();
      r.destroy();
    }
  });
});
