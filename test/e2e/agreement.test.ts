/**
 * Reaching agreement in real Chromium: four party members (four browser contexts)
 * each choose a line and accept it for their party through the bulk bar; the line
 * reads «Enighet» for all four. One of them changes its amount: every mark goes
 * stale and «endret etter signering» shows for everyone, and the line is no longer
 * «Enighet». Screenshots: docs/screenshots/agreement-signoffs.png, agreement-overview.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { closeAll, ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, addMember, cellOf, contextFor, openPackage, screenshotPath, startEnv, type Person, type TestEnv } from './harness';
import { connectProvider, synced, until, type TestProvider } from '../server/auth/target';
import { createLineInDoc, createVerbalInDoc, getLinesMap, getVerbalMap } from '../../shared/doc/schema';

let env: TestEnv;
let packageId: string;
let node: TestProvider;
const contexts: BrowserContext[] = [];
const PARTIES = [
  { id: 'Ap', name: 'Ap', color: '#c8102e' },
  { id: 'SV', name: 'SV', color: '#b5317c' },
  { id: 'Sp', name: 'Sp', color: '#14773d' },
  { id: 'MDG', name: 'MDG', color: '#3d8b37' },
];
const TITLE = 'Gratis SFO for 1. trinn';
let people: Person[] = [];

beforeAll(async () => {
  env = await startEnv();
  const admin = new ApiClient(env.url);
  await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const r = await admin.request<{ id: string }>('POST', '/api/packages', { title: 'Enighetspakke', years: ['2025', '2026', '2027', '2028'], planYears: ['2025', '2026', '2027', '2028'], parties: PARTIES });
  if (r.status !== 201) throw new Error(`create: ${r.status}`);
  packageId = r.body.id;
  people = [];
  for (const p of PARTIES) people.push(await addMember(env.url, admin, packageId, `${p.id.toLowerCase()}@parti.test`, `Forhandler ${p.name}`, 'editor', p.id));
  node = connectProvider(env.url, packageId, { cookie: `session=${people[0]!.api.sessionToken()}`, origin: env.url });
  await synced(node);
  createLineInDoc(node.doc, { ledger: 'drift', group: 'tiltak', title: TITLE, amounts: { '2025': '12.5', '2026': '12.5' }, party: 'SV' });
  createLineInDoc(node.doc, { ledger: 'drift', group: 'inndekning', title: 'Økt eiendomsskatt', amounts: { '2025': '-12.5', '2026': '-12.5' } });
  await until(() => getLinesMap(node.doc).size === 2, 5000, 'lines written');
}, 180_000);

afterAll(() => closeAll(env, contexts, [node]));

const titleCell = (page: Page) => page.locator(`[data-line-title="${TITLE}"][data-col="title"]`);

describe('sign-off per party in the app', () => {
  it('four parties accept a line → Enighet for all; a changed amount resets the sign-offs for all', async () => {
    const pages: Page[] = [];
    for (const person of people) {
      const ctx = await contextFor(env, person);
      contexts.push(ctx);
      const page = await ctx.newPage();
      await openPackage(page, env, packageId);
      await cellOf(page, TITLE, '2026').waitFor();
      pages.push(page);
    }
    // Each member chooses the line with its checkbox and accepts it for their party, all at once.
    await Promise.all(
      pages.map(async (page, i) => {
        await page.getByRole('checkbox', { name: `Velg «${TITLE}»` }).click();
        await page.getByRole('button', { name: `Godta for ${PARTIES[i]!.name}` }).click();
        await expect.poll(() => page.getByRole('status').filter({ hasText: 'oppdatert' }).count()).toBe(1);
      }),
    );
    for (const page of pages) {
      await expect.poll(() => titleCell(page).locator('.status-badge').textContent(), { timeout: 15_000 }).toBe('Enighet');
      expect(await titleCell(page).locator('.signoff-mark[data-state="accepted"]').count()).toBe(4);
    }
    await pages[1]!.locator('.ledger-section').first().screenshot({ path: screenshotPath('agreement-signoffs') });

    // SV changes the amount: every mark is stale, for everyone, and the line is open again.
    const sv = pages[1]!;
    await cellOf(sv, TITLE, '2026').dblclick();
    await sv.keyboard.press('Control+A');
    await sv.keyboard.type('13');
    await sv.keyboard.press('Enter');
    for (const page of pages) {
      await expect.poll(() => titleCell(page).locator('.signoff-changed').textContent(), { timeout: 15_000 }).toBe('endret etter signering');
      expect(await titleCell(page).locator('.status-badge').count()).toBe(0);
      expect(await titleCell(page).locator('.signoff-mark.stale').count()).toBe(4);
    }
    // The overview says so too.
    await pages[0]!.getByRole('button', { name: 'Enighet', exact: true }).click();
    await expect.poll(() => pages[0]!.getByTestId('agreement-counts').textContent()).toContain('0 av 2 er enighet');
    // The balance of the agreed items follows (the server's report, fetched again after the change): nothing is agreed.
    await expect.poll(() => pages[0]!.locator('.agreement-panel').textContent(), { timeout: 15_000 }).not.toContain('+12,50');
    await pages[0]!.locator('.agreement-panel').screenshot({ path: screenshotPath('agreement-overview') });
  }, 120_000);

  it('a member accepts a verbal instruction for their party in the sections view; the others see the mark', async () => {
    createVerbalInDoc(node.doc, { title: 'Utrede gratis kollektivtransport', text: [{ type: 'paragraph', runs: [{ text: 'Kommunedirektøren bes utrede gratis buss for elever.' }] }] });
    await until(() => getVerbalMap(node.doc).size === 1, 5000, 'verbal written');
    const [ap, sv] = [people[0]!, people[1]!];
    const pages: Page[] = [];
    for (const person of [ap, sv]) {
      const ctx = await contextFor(env, person);
      contexts.push(ctx);
      const page = await ctx.newPage();
      await openPackage(page, env, packageId);
      await page.getByRole('button', { name: 'Seksjoner' }).click();
      pages.push(page);
    }
    const group = (page: Page) => page.getByRole('group', { name: 'Signering: Utrede gratis kollektivtransport' });
    await group(pages[0]!).getByRole('button', { name: 'Godta for Ap' }).click();
    for (const page of pages) await expect.poll(() => group(page).locator('.signoff-mark[data-party="Ap"]').getAttribute('data-state'), { timeout: 15_000 }).toBe('accepted');
  }, 60_000);
});
