/**
 * Rounds in real Chromium: an editor saves a round, another editor changes an
 * amount, and the first compares the round with now — the changed cell reads
 * old → new, the balance change per ledger and year shows, and putting the old
 * value back is an ordinary edit that everyone sees. Screenshot: docs/screenshots/agreement-rounds.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { addMember, cellOf, contextFor, openPackage, screenshotPath, startPackageEnv, type PackageEnv, type Person } from './harness';
import { connectProvider, synced, until, type TestProvider } from '../server/auth/target';
import { createLineInDoc, getLinesMap, setLineAmount } from '../../shared/doc/schema';

let pe: PackageEnv;
let sv: Person;
let node: TestProvider;
const contexts: BrowserContext[] = [];
const TITLE = 'Flere lærere i ungdomsskolen';
let lineId = '';

beforeAll(async () => {
  pe = await startPackageEnv('Pakke med runder');
  sv = await addMember(pe.env.url, pe.admin, pe.packageId, 'siv@sv.test', 'Siv Sosialist', 'editor', 'SV');
  node = connectProvider(pe.env.url, pe.packageId, { cookie: `session=${sv.api.sessionToken()}`, origin: pe.env.url });
  await synced(node);
  lineId = createLineInDoc(node.doc, { ledger: 'drift', group: 'tiltak', title: TITLE, amounts: { '2025': '4', '2026': '8' }, party: 'SV' });
  await until(() => getLinesMap(node.doc).size === 1, 5000, 'line written');
}, 180_000);

afterAll(async () => {
  node?.destroy();
  for (const c of contexts) await c.close();
  await pe?.env.close();
});

describe('rounds in the app', () => {
  it('save a round, change an amount, compare with now, put the old value back', async () => {
    const ctx = await contextFor(pe.env, pe.kari);
    contexts.push(ctx);
    const kari = await ctx.newPage();
    await openPackage(kari, pe.env, pe.packageId);
    await kari.getByRole('button', { name: 'Runder' }).click();
    await kari.getByLabel('Navn på runden').fill('Tilbud 2 til SV');
    await kari.getByRole('button', { name: 'Lagre runde' }).click();
    await expect.poll(() => kari.getByRole('status').filter({ hasText: 'er lagret' }).count()).toBe(1);
    await kari.locator('.rounds-list li').filter({ hasText: 'Tilbud 2 til SV' }).waitFor();

    // SV changes the 2026 amount meanwhile.
    setLineAmount(node.doc, lineId, '2026', '10,5');
    await until(() => getLinesMap(node.doc).get(lineId) !== undefined, 1000, 'line');
    await expect.poll(async () => {
      await kari.getByRole('button', { name: 'Sammenlign' }).click();
      return kari.locator('[data-diff-line] .diff-cell-changed[data-col="2026"]').count();
    }, { timeout: 15_000 }).toBe(1);
    const cell = kari.locator(`[data-diff-line="${TITLE}"] .diff-cell-changed[data-col="2026"]`);
    expect((await cell.textContent())?.replace('↺', '').trim()).toBe('8 → 10,5');
    expect(await kari.locator('.diff-net tr[data-ledger="drift"] td[data-year="2026"]').textContent()).toBe('8 → 10,5(+2,5)');
    await kari.locator('.rounds-panel').screenshot({ path: screenshotPath('agreement-rounds') });

    // Put the old value back: an ordinary edit, seen in the document and in the grid.
    await cell.getByRole('button').click();
    await until(() => (getLinesMap(node.doc).get(lineId)?.get('amounts') as { get(k: string): unknown } | undefined)?.get('2026') === '8', 10_000, 'old value back at the Node client');
    await kari.getByRole('button', { name: 'Tabeller' }).click();
    await expect.poll(() => cellOf(kari, TITLE, '2026').textContent()).toBe('8');
  }, 120_000);
});
