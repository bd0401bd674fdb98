/**
 * The first keystrokes after an action that creates or selects a field land in
 * that field (issue 12, point 5), in real Chromium, typing at once without
 * waiting for anything: "+ Ny linje" and Insert followed by a title, and `−3`
 * (U+2212 first, which Chromium delivers without a key press) into a selected cell.
 * "At once" is literal: the keys are sent right behind the click or the Insert,
 * without waiting for the browser to answer it, as a fast typist's keys arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { cellOf, contextFor, openPackage, startPackageEnv, type PackageEnv } from './harness';

let p: PackageEnv;
let page: Page;

const driftSection = () => page.locator('section.ledger-section').filter({ has: page.locator('h2#ledger-drift') });
const serverLines = async () => (await p.admin.request<{ lines: Array<{ title: string; amounts: Record<string, string> }> }>('GET', `/api/packages/${p.packageId}`)).body.lines;

beforeAll(async () => {
  p = await startPackageEnv('Første tastetrykk');
  const ctx = await contextFor(p.env, p.kari);
  page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  await openPackage(page, p.env, p.packageId);
}, 120_000);

afterAll(async () => {
  await p?.env.close();
});

describe('the first keystrokes after creating or selecting a field', { timeout: 60_000 }, () => {
  it('"+ Ny linje" and typing at once: the whole title lands in the new line', async () => {
    const box = (await driftSection().getByRole('button', { name: /Ny linje i Drift, Tiltak/ }).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await Promise.all([page.mouse.up(), page.keyboard.type('Testlinje').then(() => page.keyboard.press('Enter'))]);
    await expect.poll(() => cellOf(page, 'Testlinje', '2025').count()).toBe(1);
    await expect.poll(async () => (await serverLines()).map((l) => l.title)).toContain('Testlinje');
  });

  it('Insert and typing at once: the whole title lands in the new line', async () => {
    await cellOf(page, 'Testlinje', '2025').click();
    await Promise.all([page.keyboard.press('Insert'), page.keyboard.type('InsertTest').then(() => page.keyboard.press('Enter'))]);
    await expect.poll(() => cellOf(page, 'InsertTest', '2025').count()).toBe(1);
    // Nothing leaked into the line the focus came from.
    expect(await cellOf(page, 'Testlinje', '2025').textContent()).toBe('');
    await expect.poll(async () => (await serverLines()).map((l) => l.title).sort()).toEqual(['InsertTest', 'Testlinje']);
  });

  it('typing −3 (U+2212 first) into a selected cell stores −3', async () => {
    await cellOf(page, 'Testlinje', '2026').click();
    await page.keyboard.type('\u22123');
    await page.keyboard.press('Enter');
    await expect.poll(() => cellOf(page, 'Testlinje', '2026').textContent()).toBe('−3');
    await expect.poll(async () => (await serverLines()).find((l) => l.title === 'Testlinje')?.amounts['2026']).toBe('-3');
  });

  it('a selected cell ignores what would change its own text (a drop, a cut), and still types', async () => {
    await cellOf(page, 'InsertTest', '2027').click();
    const cancelled = await page.evaluate(() => {
      const cell = document.activeElement as HTMLElement;
      const ev = new InputEvent('beforeinput', { inputType: 'deleteByCut', bubbles: true, cancelable: true });
      cell.dispatchEvent(ev);
      return ev.defaultPrevented;
    });
    expect(cancelled).toBe(true);
    await page.keyboard.type('4,5');
    await page.keyboard.press('Enter');
    await expect.poll(() => cellOf(page, 'InsertTest', '2027').textContent()).toBe('4,5');
  });
});
