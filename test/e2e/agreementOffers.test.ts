/**
 * A counter-offer in real Chromium: Siv (SV) proposes 2,6 for a cell without
 * changing it; Kari (Ap) sees «forslag 2,6 — SV» in the cell and accepts it in
 * the line's details; the cell becomes 2,6 for both, the offer is gone, and the
 * server records it as accepted. Screenshot: docs/screenshots/agreement-offer.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { ProposalList } from '../../shared/protocol/agreement';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { connectProvider, synced, until, type TestProvider } from '../server/auth/target';
import { addMember, cellOf, contextFor, flagOf, openPackage, screenshotPath, startPackageEnv, type PackageEnv, type Person } from './harness';

let pe: PackageEnv;
let sv: Person;
let node: TestProvider;
const contexts: BrowserContext[] = [];
const TITLE = 'Kulturskole for alle';

beforeAll(async () => {
  pe = await startPackageEnv('Pakke med motforslag');
  sv = await addMember(pe.env.url, pe.admin, pe.packageId, 'siv@sv.test', 'Siv Sosialist', 'editor', 'SV');
  node = connectProvider(pe.env.url, pe.packageId, { cookie: `session=${pe.kari.api.sessionToken()}`, origin: pe.env.url });
  await synced(node);
  createLineInDoc(node.doc, { ledger: 'drift', group: 'tiltak', title: TITLE, amounts: { '2025': '2', '2026': '2' }, party: 'Ap' });
  await until(() => getLinesMap(node.doc).size === 1, 5000, 'line written');
}, 180_000);

afterAll(async () => {
  node?.destroy();
  for (const c of contexts) await c.close();
  await pe?.env.close();
});

async function openAs(person: Person): Promise<Page> {
  const ctx = await contextFor(pe.env, person);
  contexts.push(ctx);
  const page = await ctx.newPage();
  await openPackage(page, pe.env, pe.packageId);
  await cellOf(page, TITLE, '2026').waitFor();
  return page;
}

describe('counter-offers in the app', () => {
  it('SV proposes 2,6; Ap accepts; the cell becomes 2,6 for both', async () => {
    const siv = await openAs(sv);
    const kari = await openAs(pe.kari);
    await cellOf(siv, TITLE, '2026').click();
    const box = siv.locator('.proposals-box');
    await box.getByLabel('År').selectOption('2026');
    await box.getByLabel('Foreslått beløp for 2026').fill('2,6');
    await box.getByRole('button', { name: 'Foreslå' }).click();
    // The cell keeps its amount and shows the pending offer, for both.
    for (const page of [siv, kari]) {
      await expect.poll(() => cellOf(page, TITLE, '2026').locator('.cell-proposal').textContent(), { timeout: 15_000 }).toBe('forslag 2,6 — SV');
      expect(await cellOf(page, TITLE, '2026').locator('.amount').textContent()).toBe('2');
    }
    // The proposer cannot accept their own offer.
    expect(await box.getByRole('button', { name: 'Godta forslaget' }).count()).toBe(0);

    // «med forslag»: the balance as if the offer were accepted, only while asked for.
    expect(await flagOf(kari, 'drift', '2026').textContent()).toContain('+2,00');
    await kari.getByRole('checkbox', { name: /med forslag/ }).check();
    await expect.poll(() => flagOf(kari, 'drift', '2026').textContent()).toContain('+2,60');
    await kari.getByRole('checkbox', { name: /med forslag/ }).uncheck();
    await expect.poll(() => flagOf(kari, 'drift', '2026').textContent()).toContain('+2,00');

    await cellOf(kari, TITLE, '2026').click();
    await kari.locator('.ledger-section').first().screenshot({ path: screenshotPath('agreement-offer') });
    await kari.locator('.proposals-box').getByRole('button', { name: 'Godta forslaget' }).click();
    for (const page of [siv, kari]) {
      await expect.poll(() => cellOf(page, TITLE, '2026').locator('.amount').textContent(), { timeout: 15_000 }).toBe('2,6');
      await expect.poll(() => cellOf(page, TITLE, '2026').locator('.cell-proposal').count(), { timeout: 15_000 }).toBe(0);
    }
    const all = await pe.kari.api.request<ProposalList>('GET', `/api/packages/${pe.packageId}/proposals`);
    expect(all.body.proposals.map((p) => p.state)).toEqual(['accepted']);
  }, 120_000);
});
