/**
 * Import and export in the browser, against the real server and built client
 * in Chromium: an XLSX (built here with exceljs) is previewed with the balance
 * after the import and then imported; a bad XLSX names row, column and value
 * and imports nothing; the pre-export check finds a line whose rationale names
 * a figure its amounts do not have; the Word button downloads a real .docx.
 * Screenshots: docs/screenshots/import-preview.png, export-check.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, contextFor, openPackage, screenshotPath, seriousAxeViolations, startPackageEnv, type ApiClient, type Person, type TestEnv } from './harness';
import type { PlainPackage } from '../../shared/types';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FILE_LABEL = 'Fil (.csv eller .xlsx)';

let env: TestEnv;
let admin: ApiClient;
let packageId: string;
let kari: Person;

beforeAll(async () => {
  ({ env, admin, packageId, kari } = await startPackageEnv('Budsjettforslag 2025 — import og eksport'));
});

afterAll(async () => {
  await env?.close();
});

async function workbook(sheets: Record<string, Array<Array<string | number>>>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function lineTitles(): Promise<string[]> {
  const r = await admin.request<PlainPackage>('GET', `/api/packages/${packageId}`);
  return r.body.lines.map((l) => l.title);
}

async function openImportTab(page: Page): Promise<void> {
  await openPackage(page, env, packageId);
  await page.getByRole('button', { name: 'Import og eksport' }).click();
}

describe('import and export in the browser', () => {
  it('previews an XLSX with the balance after the import, then imports it into the grid', async () => {
    const ctx = await contextFor(env, kari, { width: 1280, height: 900 });
    const page = await ctx.newPage();
    await openImportTab(page);
    const bytes = await workbook({
      Endringer: [
        ['seksjon', 'type', 'gruppe', 'tittel', '2025', '2026'],
        ['Oppvekst', 'drift', 'tiltak', 'Flere lærere i 1.–4. trinn', 4.5, 9],
        ['Oppvekst', 'drift', 'tiltak', 'Gratis SFO for 1. trinn', '2,5', '5'],
        ['Inndekning', 'drift', 'inndekning', 'Redusert konsulentbruk', -7, '−13'],
      ],
      Notater: [['Dette arket er bare notater']],
    });
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'endringer.xlsx', mimeType: XLSX_TYPE, buffer: bytes });
    const preview = page.getByRole('region', { name: 'Forhåndsvisning' });
    await preview.waitFor();
    // The lines as they will be added, amounts the Norwegian way, and the new sections.
    const rows = preview.locator('.preview-table tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await rows.nth(0).textContent()).toContain('Flere lærere i 1.–4. trinn');
    expect(await rows.nth(0).textContent()).toContain('4,5');
    expect(await rows.nth(2).textContent()).toContain('−13');
    expect(await preview.textContent()).toContain('Nye seksjoner: Oppvekst, Inndekning');
    // The balance after: 2025 balances, 2026 is one million short (red).
    const drift = preview.locator('.balance-after tr[data-ledger="drift"]');
    expect(await drift.locator('td').nth(0).getAttribute('data-state')).toBe('ok');
    expect(await drift.locator('td').nth(1).getAttribute('data-state')).toBe('off');
    expect(await drift.locator('td').nth(1).textContent()).toContain('+1,00');
    // Two sheets: a chooser, on the first one.
    expect(await page.getByLabel('Ark').inputValue()).toBe('Endringer');
    await page.screenshot({ path: screenshotPath('import-preview'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Nothing is written by the preview.
    expect(await lineTitles()).toEqual([]);
    // The other sheet has no such columns: the error names it, the chooser stays; back to the first.
    await page.getByLabel('Ark').selectOption('Notater');
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/Importen ble avvist/);
    expect(await preview.count()).toBe(0);
    await page.getByLabel('Ark').selectOption('Endringer');
    await preview.waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);

    await page.getByRole('button', { name: 'Importer 3 linjer' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Importerte' }).textContent()).toContain('Importerte 3 linjer');
    expect(await preview.count()).toBe(0);
    await page.getByRole('button', { name: 'Tabeller' }).click();
    await page.locator('[data-line-title="Gratis SFO for 1. trinn"][data-col="2026"]').waitFor();
    expect(await page.locator('[data-line-title="Redusert konsulentbruk"][data-col="2026"]').textContent()).toContain('−13');
    await ctx.close();
  });

  it('a bad XLSX names row, column and value next to the file, and nothing is imported', async () => {
    const ctx = await contextFor(env, kari);
    const page = await ctx.newPage();
    await openImportTab(page);
    const before = await lineTitles();
    const bytes = await workbook({
      Endringer: [
        ['seksjon', 'type', 'gruppe', 'tittel', '2025'],
        ['Helse', 'drift', 'tiltak', 'God linje', 1],
        ['Helse', 'drift', 'tiltak', 'Dårlig linje', 'abc'],
      ],
    });
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'feil.xlsx', mimeType: XLSX_TYPE, buffer: bytes });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/Importen ble avvist/);
    const text = (await alert.textContent()) ?? '';
    expect(text).toMatch(/Rad3/);
    expect(text).toMatch(/Kolonne2025/);
    expect(text).toMatch(/Verdiabc/);
    expect(await page.getByRole('region', { name: 'Forhåndsvisning' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Importer \d+ linjer$/ }).count()).toBe(0);
    expect(await lineTitles()).toEqual(before);
    // A file over the limit is refused in the browser before any upload.
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'stor.csv', mimeType: 'text/csv', buffer: Buffer.alloc(5 * 1024 * 1024 + 1, 'a') });
    await expect.poll(() => alert.textContent()).toMatch(/Filen er for stor \(5,0 MB\)\. Største tillatte størrelse er 5,0 MB\./);
    await ctx.close();
  });

  it('the pre-export check finds prose that contradicts the figures; Word export downloads a .docx', async () => {
    const ctx = await contextFor(env, kari, { width: 1280, height: 1000 });
    const page = await ctx.newPage();
    await openImportTab(page);
    const csv = ['seksjon;type;gruppe;tittel;2025;beskrivelse', 'Oppvekst;drift;tiltak;Leirskole for 7. trinn;0,15;Leirskolen koster 250 000 kroner i året.', 'Inndekning;drift;inndekning;Lavere strømutgifter;−0,15;', ''].join('\n');
    await page.getByLabel(FILE_LABEL).setInputFiles({ name: 'leirskole.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const preview = page.getByRole('region', { name: 'Forhåndsvisning' });
    // The preview already warns about the prose.
    await expect.poll(() => preview.textContent()).toContain('Tekst og tall stemmer ikke');
    await page.getByRole('button', { name: 'Importer 2 linjer' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Importerte' }).textContent()).toContain('Importerte 2 linjer');

    const check = page.getByRole('region', { name: 'Sjekk før eksport' });
    const prose = check.locator('[data-check="prose"]');
    // Everything imported is a draft: with the default scope (agreed only) it is left out, and the check says so.
    await expect.poll(() => check.locator('[data-check="agreed"]').textContent()).toMatch(/\d+ linjer har ikke status «Enighet» og blir ikke med/);
    expect(await prose.textContent()).toContain('Beløpene i teksten stemmer med tallene');
    // With everything exported, the leirskole line's text contradicts its amount.
    await page.getByRole('radio', { name: /Alt, med status/ }).check();
    await expect.poll(() => prose.textContent()).toContain('Leirskole for 7. trinn');
    expect(await prose.textContent()).toMatch(/250 000 kroner/);
    await page.getByLabel('Versjonsnavn (bunntekst)').fill('Endelig forslag');
    // Sealing is locking (the Enighet tab): until then the sealed export is not offered.
    await expect.poll(() => page.getByLabel(/Den forseglede runden/).isDisabled()).toBe(true);
    expect(await page.locator('#export-sealed-hint').textContent()).toContain('krever at pakken er låst');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Word (.docx)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const bytes = fs.readFileSync((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await expect.poll(() => page.locator('.export-result').textContent()).toMatch(/Lastet ned .*\.docx/);
    await page.screenshot({ path: screenshotPath('export-check'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The warning leads to its line, where the details name the mismatch too.
    await prose.getByRole('button', { name: 'Leirskole for 7. trinn' }).click();
    const details = page.locator('aside.details');
    await expect.poll(() => details.locator('h2').textContent()).toBe('Leirskole for 7. trinn');
    await expect.poll(() => details.locator('.prose-warnings').textContent()).toContain('Tekst og tall stemmer ikke');
    expect(await page.locator('[data-line-title="Leirskole for 7. trinn"] .prose-badge').count()).toBeGreaterThan(0);
    // The worker rechecks the line when it changes: with 0,25 the text agrees, and the marks go.
    await page.locator('[data-line-title="Leirskole for 7. trinn"][data-col="2025"]').click();
    await page.keyboard.type('0,25');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-line-title="Leirskole for 7. trinn"] .prose-badge').count()).toBe(0);
    expect(await page.locator('[data-line-title="Leirskole for 7. trinn"][data-col="2025"]').textContent()).toContain('0,25');
    expect(await details.locator('.prose-warnings').count()).toBe(0);
    await ctx.close();
  });

  it('an admin imports a package file (.json) from the package list and lands in the new package', async () => {
    const exported = await admin.request<unknown>('GET', `/api/packages/${packageId}/export?format=json&scope=all`);
    expect(exported.status).toBe(200);
    const ctx = await contextFor(env, { email: ADMIN_EMAIL, name: 'Sekretariatet', api: admin });
    const page = await ctx.newPage();
    await page.goto(env.url + '/');
    const input = page.getByLabel('Velg fil');
    await input.setInputFiles({ name: 'tull.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"nope"}') });
    await expect.poll(() => page.getByRole('alert').textContent()).toBeTruthy();
    expect(page.url()).toBe(env.url + '/');
    await input.setInputFiles({ name: 'pakke.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported.body)) });
    await page.waitForURL(/\/packages\/[A-Za-z0-9_-]+$/);
    expect(page.url()).not.toContain(packageId);
    await page.locator('[data-testid="connection-status"][data-state="synced"]').waitFor();
    expect(await page.locator('h1.pkg-title').textContent()).toBe('Budsjettforslag 2025 — import og eksport');
    await page.locator('[data-line-title="Leirskole for 7. trinn"][data-col="2025"]').waitFor();
    await ctx.close();
  });

  it('the baseline comes from an XLSX through the server; a bad one names row and value', async () => {
    const ctx = await contextFor(env, kari);
    const page = await ctx.newPage();
    await openPackage(page, env, packageId);
    await page.getByRole('button', { name: 'Rammer' }).click();
    const input = page.getByLabel('Eller velg fil (.csv eller .xlsx)');
    const bad = await workbook({ Rammer: [['tjenesteområde', '2025', '2026'], ['Grunnskole', 'mye', 2100]] });
    await input.setInputFiles({ name: 'rammer-feil.xlsx', mimeType: XLSX_TYPE, buffer: bad });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/Importen ble avvist/);
    expect(await alert.textContent()).toMatch(/Rad2/);
    expect(await alert.textContent()).toMatch(/Verdimye/);
    const good = await workbook({ Rammer: [['tjenesteområde', '2025', '2026'], ['Grunnskole', 2050.5, 2100], ['Barnehage', '1 773', '1 794']] });
    await input.setInputFiles({ name: 'rammer.xlsx', mimeType: XLSX_TYPE, buffer: good });
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'tjenesteområder' }).textContent()).toContain('Importerte 2 tjenesteområder');
    await page.locator('table.list-table tr', { hasText: 'Grunnskole' }).waitFor();
    expect(await page.locator('table.list-table tr', { hasText: 'Barnehage' }).textContent()).toMatch(/1\s773/);
    await ctx.close();
  });
});
