/**
 * The header's sync badge during a storage outage (real Chromium, the built app,
 * the real server on SQLite that refuses appends for a while): two members have
 * the package open; while the server retries, both see «Lagring forsinket —
 * endringene venter på databasen», then briefly «Lagret», then «synkronisert».
 * Screenshots: docs/screenshots/storage-delayed.png, storage-saved.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { SwitchableSqlite } from '../helpers/switchableStorage';
import { addMember, addUser, contextAs, createPackage, launchChromium, seedLine, startE2EServer, watchErrors, type E2EServer, type E2EUser } from './text/harness';

const SHOTS = 'docs/screenshots';

let e: E2EServer;
let browser: Browser;
let storage: SwitchableSqlite;
let anne: E2EUser;
let bjorn: E2EUser;
let pkg: string;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  e = await startE2EServer({
    storage: (file) => (storage = new SwitchableSqlite(file)),
    storageRetry: (attempt) => (attempt <= 300 ? 100 : null),
  });
  anne = await addUser(e, 'Anne Aasen', true);
  bjorn = await addUser(e, 'Bjørn Berg');
  pkg = await createPackage(e, anne, { title: 'Rødgrønt budsjett 2024', years: ['2024', '2025'], planYears: ['2024', '2025'], parties: [{ name: 'Ap', color: '#c8102e' }, { name: 'SV', color: '#2e8b57' }] });
  await addMember(e, pkg, bjorn, 'editor', 'SV');
  await seedLine(e, pkg, { id: 'skolemat', ledger: 'drift', group: 'tiltak', title: 'Skolemat', amounts: { '2024': '-93.65' } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  if (storage) storage.refusing = false;
  await browser?.close();
  await e?.close();
});

async function open(user: E2EUser): Promise<{ page: Page; errors: string[] }> {
  const ctx = await contextAs(browser, e, user);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${e.url}/packages/${pkg}`);
  await expect.poll(() => page.locator('.sync-badge').innerText(), { timeout: 15_000 }).toBe('synkronisert');
  return { page, errors };
}

describe('saving delayed (storage outage)', () => {
  it('both members see «Lagring forsinket» while the server retries, then «Lagret», then «synkronisert»', async () => {
    const a = await open(anne);
    const b = await open(bjorn);
    storage.refusing = true;
    // A change arrives (as an import would write it): its append fails and is retried.
    const written = seedLine(e, pkg, { id: 'leirskole', ledger: 'drift', group: 'tiltak', title: 'Leirskole', amounts: { '2024': '2401' } });
    for (const { page } of [a, b]) {
      await expect.poll(() => page.locator('.sync-badge').innerText(), { timeout: 10_000 }).toBe('Lagring forsinket — endringene venter på databasen');
    }
    expect(await a.page.getByText('Leirskole').count(), 'an unstored change is not shown to anyone').toBe(0);
    await a.page.locator('.pkg-header').screenshot({ path: `${SHOTS}/storage-delayed.png` });
    storage.refusing = false;
    await written;
    for (const { page } of [a, b]) {
      await expect.poll(() => page.locator('.sync-badge').innerText(), { timeout: 10_000 }).toBe('Lagret');
    }
    await a.page.locator('.pkg-header').screenshot({ path: `${SHOTS}/storage-saved.png` });
    await expect.poll(() => b.page.getByText('Leirskole').count()).toBeGreaterThan(0);
    // Briefly: then back to normal.
    for (const { page } of [a, b]) {
      await expect.poll(() => page.locator('.sync-badge').innerText(), { timeout: 15_000 }).toBe('synkronisert');
    }
    expect([...a.errors, ...b.errors].filter((m) => !/WebSocket|Unable to compute message/.test(m))).toEqual([]);
  });
});
