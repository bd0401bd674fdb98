/**
 * Two negotiators, a viewer and the balance, in real Chromium against the real
 * server and the built client: live amounts, the red flag with year and
 * amount in both browsers, a 3×4 paste as one undo step, a read-only viewer,
 * offline edits that converge, and an axe check. Screenshots of the main
 * states go to docs/screenshots/.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { entryForCode } from '../../shared/glossary';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, addMember, contextFor, createPackage, openPackage, screenshotPath, seriousAxeViolations, startEnv, cellOf, flagOf, type Person, type TestEnv } from './harness';

let env: TestEnv;
let packageId: string;
let admin: ApiClient;
let kari: Person;
let ola: Person;
let viewer: Person;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let pageA: Page;
let pageB: Page;

const cell = cellOf;
const flag = flagOf;

/** Adds a line in the drift ledger's group and gives it a title by typing, as a person would. */
async function addLine(page: Page, group: 'tiltak' | 'inndekning', title: string): Promise<void> {
  const section = page.locator('section.ledger-section').filter({ has: page.locator('h2#ledger-drift') });
  const groupName = group === 'tiltak' ? 'Tiltak' : 'Inndekning';
  await section.getByRole('button', { name: new RegExp(`Ny linje i Drift, ${groupName}`) }).click();
  // The new line's title cell has the focus: typing edits it.
  await page.waitForFunction(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.dataset.col === 'title' && el.dataset.lineTitle === '';
  });
  // Enter opens the cell (Playwright types "Ø" without a keydown, so type-to-edit is tested with digits below).
  await page.keyboard.press('Enter');
  await page.keyboard.type(title);
  await page.keyboard.press('Enter');
  await cell(page, title, '2025').waitFor();
}

async function typeAmount(page: Page, title: string, year: string, text: string): Promise<void> {
  await cell(page, title, year).click();
  // Type-to-edit starts on a key press; a character without a key (−) needs Enter first.
  if (!/^[\x20-\x7e]/.test(text)) {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+a');
  }
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

beforeAll(async () => {
  env = await startEnv();
  admin = new ApiClient(env.url);
  await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  packageId = await createPackage(admin);
  kari = await addMember(env.url, admin, packageId, 'kari@ap.test', 'Kari Nordmann', 'editor', 'Ap');
  ola = await addMember(env.url, admin, packageId, 'ola@sv.test', 'Ola Hansen', 'editor', 'SV');
  viewer = await addMember(env.url, admin, packageId, 'lise@sp.test', 'Lise Berg', 'viewer', null);
  ctxA = await contextFor(env, kari);
  ctxB = await contextFor(env, ola);
  pageA = await ctxA.newPage();
  pageB = await ctxB.newPage();
  for (const p of [pageA, pageB]) p.on('pageerror', (e) => console.error('[pageerror]', e.message));
  await openPackage(pageA, env, packageId);
  await openPackage(pageB, env, packageId);
  fs.mkdirSync('docs/screenshots', { recursive: true });
});

afterAll(async () => {
  await env?.close();
});

describe('two negotiators on one package', () => {
  it('explains the ledger and group headings with the glossary (tooltips)', async () => {
    const drift = pageA.locator('section.ledger-section').filter({ has: pageA.locator('h2#ledger-drift') });
    expect(await pageA.locator('h2#ledger-drift').getAttribute('title')).toBe(entryForCode('Ledger', 'drift')!.explanationNb);
    const groupTitles = await drift.locator('tr.block-head th span[title]').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('title')]));
    expect(groupTitles).toEqual([
      ['Tiltak', entryForCode('Group', 'tiltak')!.explanationNb],
      ['Inndekning', entryForCode('Group', 'inndekning')!.explanationNb],
    ]);
    // An empty ledger is one line with its heading: explained too.
    expect(await pageA.locator('h2#ledger-investering').getAttribute('title')).toBe(entryForCode('Ledger', 'investering')!.explanationNb);
  });

  it('A types an amount; B sees it and the balance bar turn red with year and amount, in both browsers', async () => {
    await pageA.screenshot({ path: screenshotPath('package-empty') });
    await expect(flag(pageB, 'drift', '2025').getAttribute('data-state')).resolves.toBe('ok');
    await addLine(pageA, 'tiltak', 'Flere lærere i skolen');
    await typeAmount(pageA, 'Flere lærere i skolen', '2025', '1,2');
    await expect.poll(() => cell(pageB, 'Flere lærere i skolen', '2025').textContent()).toBe('1,2');
    for (const p of [pageA, pageB]) {
      await expect.poll(() => flag(p, 'drift', '2025').textContent()).toContain('2025: +1,20');
      expect(await flag(p, 'drift', '2025').getAttribute('data-state')).toBe('off');
      expect(await flag(p, 'drift', '2026').getAttribute('data-state')).toBe('ok');
    }
  });

  it('B covers it; the flag turns green for both', async () => {
    await addLine(pageB, 'inndekning', 'Økt eiendomsskatt');
    await typeAmount(pageB, 'Økt eiendomsskatt', '2025', '−1,2');
    for (const p of [pageA, pageB]) await expect.poll(() => flag(p, 'drift', '2025').getAttribute('data-state')).toBe('ok');
  });

  it('a bad entry keeps its text, is marked and explained, and never counts as 0', async () => {
    await typeAmount(pageA, 'Flere lærere i skolen', '2026', 'tolv');
    const bad = cell(pageA, 'Flere lærere i skolen', '2026');
    await expect.poll(() => bad.getAttribute('aria-invalid')).toBe('true');
    expect(await bad.textContent()).toContain('tolv');
    const describedBy = await bad.getAttribute('aria-describedby');
    expect(await pageA.locator(`[id="${describedBy}"]`).textContent()).toMatch(/Ugyldig beløp «tolv»/);
    await expect.poll(() => cell(pageB, 'Flere lærere i skolen', '2026').getAttribute('aria-invalid')).toBe('true');
    await pageB.getByRole('button', { name: /Varsler/ }).click();
    await expect.poll(() => pageB.locator('.warning-list').textContent()).toMatch(/tolv|ugyldig|Ugyldig/);
    await pageB.getByRole('button', { name: /Varsler/ }).click();
  });

  it('A pastes a 3×4 block from Excel as one undoable change', async () => {
    const inndekning = pageA.locator('section.ledger-section').first().locator('tbody').nth(1).locator('tr.line-row');
    await cell(pageA, 'Økt eiendomsskatt', '2025').click();
    await pageA.evaluate(() => {
      const dt = new DataTransfer();
      dt.setData('text/plain', '1,5\t2\t2,5\t3\r\n0,5\t0,5\t0,5\t0,5\r\n10\t1 000\t−2\t0,25\r\n');
      document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
    });
    // The first row lands on the focused line, the rest become new lines in the same group.
    await expect.poll(() => cell(pageA, 'Økt eiendomsskatt', '2028').textContent()).toBe('3');
    await expect.poll(() => inndekning.count()).toBe(3);
    const texts = await inndekning.allTextContents();
    expect(texts[2]).toContain('1\u00a0000');
    expect(texts[2]).toContain('−2');
    await expect.poll(() => cell(pageB, 'Økt eiendomsskatt', '2027').textContent()).toBe('2,5');
    await pageA.screenshot({ path: screenshotPath('grid-after-paste') });
    // One Ctrl+Z takes the whole block back (the focus is in the grid, not in a text).
    await pageA.keyboard.press('Control+z');
    await expect.poll(() => cell(pageA, 'Økt eiendomsskatt', '2028').textContent()).toBe('');
    expect(await cell(pageA, 'Økt eiendomsskatt', '2025').textContent()).toBe('−1,2');
    expect(await inndekning.count()).toBe(1);
    await expect.poll(() => cell(pageB, 'Økt eiendomsskatt', '2027').textContent()).toBe('');
    await pageA.keyboard.press('Control+Shift+z');
    await expect.poll(() => cell(pageA, 'Økt eiendomsskatt', '2028').textContent()).toBe('3');
    await expect.poll(() => inndekning.count()).toBe(3);
  });

  it('shows the red flag state with the flag panel open (screenshot) and leads from a warning to its line', async () => {
    await flag(pageA, 'drift', '2025').waitFor();
    await expect.poll(() => flag(pageA, 'drift', '2025').getAttribute('data-state')).toBe('off');
    await flag(pageA, 'drift', '2025').click();
    await pageA.locator('.flag-panel').waitFor();
    await pageA.screenshot({ path: screenshotPath('package-full-red-flag') });
    await pageA.locator('.flag-panel').getByRole('button', { name: 'Flere lærere i skolen' }).click();
    await expect.poll(() => pageA.evaluate(() => `${(document.activeElement as HTMLElement).dataset.lineTitle}|${(document.activeElement as HTMLElement).dataset.col}`)).toBe('Flere lærere i skolen|2025');
    // The panel lies over the grid; going to a line closes it (its ✕ and Escape: test/e2e/layout.test.ts).
    await expect.poll(() => pageA.locator('.flag-panel').count()).toBe(0);
  });

  it('a cell someone else is editing shows who', async () => {
    await cell(pageA, 'Økt eiendomsskatt', '2027').click();
    await pageA.keyboard.type('4');
    await expect.poll(() => cell(pageB, 'Økt eiendomsskatt', '2027').locator('.peer-tag').textContent()).toBe('Kari Nordmann');
    await pageB.screenshot({ path: screenshotPath('grid-editing-remote') });
    await pageA.keyboard.press('Escape');
    await expect.poll(() => cell(pageB, 'Økt eiendomsskatt', '2027').locator('.peer-tag').count()).toBe(0);
  });

  it('a line inserted above by someone else does not move my edit to another line', async () => {
    await cell(pageB, 'Økt eiendomsskatt', '2027').click();
    await pageB.keyboard.type('7');
    await addLine(pageA, 'tiltak', 'Leksehjelp');
    await cell(pageB, 'Leksehjelp', '2025').waitFor();
    await pageB.keyboard.type('5');
    await pageB.keyboard.press('Enter');
    await expect.poll(() => cell(pageA, 'Økt eiendomsskatt', '2027').textContent()).toBe('75');
    expect(await cell(pageA, 'Leksehjelp', '2027').textContent()).toBe('');
    expect(await cell(pageA, 'Flere lærere i skolen', '2027').textContent()).toBe('');
    // Leave the package as the later tests expect it.
    await cell(pageB, 'Økt eiendomsskatt', '2027').click();
    await pageB.keyboard.type('2,5');
    await pageB.keyboard.press('Enter');
    await pageA.locator('[data-line-title="Leksehjelp"][data-col="title"]').click();
    pageA.once('dialog', (d) => void d.accept());
    await pageA.locator('aside.details').getByRole('button', { name: 'Slett' }).click();
    await expect.poll(() => cell(pageB, 'Leksehjelp', '2025').count()).toBe(0);
  });

  it('copies a selected range out as TSV; Escape cancels an edit; Delete clears', async () => {
    await cell(pageA, 'Økt eiendomsskatt', '2025').click();
    await pageA.keyboard.press('Shift+ArrowRight');
    await pageA.keyboard.press('Shift+ArrowDown');
    const tsv = await pageA.evaluate(() => {
      const dt = new DataTransfer();
      document.activeElement!.dispatchEvent(new ClipboardEvent('copy', { clipboardData: dt, bubbles: true, cancelable: true }));
      return dt.getData('text/plain');
    });
    expect(tsv).toBe('1,5\t2\r\n0,5\t0,5\r\n');
    await cell(pageA, 'Økt eiendomsskatt', '2026').click();
    await pageA.keyboard.type('77');
    await pageA.keyboard.press('Escape');
    expect(await cell(pageA, 'Økt eiendomsskatt', '2026').textContent()).toBe('2');
    await pageA.keyboard.press('Delete');
    await expect.poll(() => cell(pageB, 'Økt eiendomsskatt', '2026').textContent()).toBe('');
    await pageA.keyboard.press('Control+z');
    await expect.poll(() => cell(pageB, 'Økt eiendomsskatt', '2026').textContent()).toBe('2');
  });

  it('Ctrl+Z in the grid undoes my last change across text and grid, never B\'s', async () => {
    await typeAmount(pageA, 'Flere lærere i skolen', '2028', '9');
    await pageA.waitForTimeout(600);
    const editor = pageA.locator('aside.details [contenteditable="true"]').first();
    await editor.click();
    await pageA.keyboard.type('Flere voksne i skolen.');
    await pageA.waitForTimeout(600);
    await typeAmount(pageB, 'Økt eiendomsskatt', '2028', '−9');
    await expect.poll(() => pageB.locator('aside.details').count()).toBe(1);
    await cell(pageA, 'Flere lærere i skolen', '2027').click();
    await pageA.keyboard.press('Control+z');
    await expect.poll(() => editor.textContent()).not.toContain('Flere voksne');
    expect(await cell(pageA, 'Flere lærere i skolen', '2028').textContent()).toBe('9');
    await pageA.keyboard.press('Control+z');
    await expect.poll(() => cell(pageA, 'Flere lærere i skolen', '2028').textContent()).toBe('');
    // B's edit is B's: A's undo never touches it.
    expect(await cell(pageA, 'Økt eiendomsskatt', '2028').textContent()).toBe('−9');
    await typeAmount(pageB, 'Økt eiendomsskatt', '2028', '3');
  });

  it('moves a line with Alt+Shift+arrows and adds one with Insert', async () => {
    const titles = () => pageB.locator('section.ledger-section').first().locator('tbody').nth(1).locator('[data-col="title"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.lineTitle));
    expect((await titles())[0]).toBe('Økt eiendomsskatt');
    await cell(pageA, 'Økt eiendomsskatt', '2025').click();
    await pageA.keyboard.press('Alt+Shift+ArrowDown');
    await expect.poll(async () => (await titles())[1]).toBe('Økt eiendomsskatt');
    // The focus followed the line.
    expect(await pageA.evaluate(() => (document.activeElement as HTMLElement).dataset.lineTitle)).toBe('Økt eiendomsskatt');
    await pageA.keyboard.press('Alt+Shift+ArrowUp');
    await expect.poll(async () => (await titles())[0]).toBe('Økt eiendomsskatt');
    const before = (await titles()).length;
    await pageA.keyboard.press('Insert');
    await expect.poll(async () => (await titles()).length).toBe(before + 1);
    await pageA.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.lineTitle === '');
    await pageA.keyboard.press('Control+z');
    await expect.poll(async () => (await titles()).length).toBe(before);
  });

  it('a comment on a line shows as a badge on that line in the other browser', async () => {
    await cell(pageB, 'Flere lærere i skolen', 'title').click();
    const details = pageB.locator('aside.details');
    await details.getByRole('button', { name: /^Kommentarer/ }).click();
    await details.getByLabel('Ny kommentar').fill('Kan vi fase dette inn over to år?');
    await details.getByRole('button', { name: 'Legg til kommentar' }).click();
    const badge = pageA.locator('[data-line-title="Flere lærere i skolen"][data-col="title"] .comment-badge');
    await expect.poll(() => badge.textContent()).toContain('1');
    expect(await badge.getAttribute('title')).toBe('1 åpen kommentar');
  });

  it('a viewer can look and move around but cannot type', async () => {
    const ctxV = await contextFor(env, viewer);
    const pageV = await ctxV.newPage();
    await openPackage(pageV, env, packageId);
    const c = cell(pageV, 'Flere lærere i skolen', '2027');
    expect(await pageV.getByRole('grid').first().getAttribute('aria-readonly')).toBe('true');
    await c.click();
    await pageV.keyboard.type('99');
    await pageV.keyboard.press('Enter');
    await pageV.keyboard.press('Delete');
    expect(await pageV.locator('.cell-input').count()).toBe(0);
    expect(await c.textContent()).toBe('');
    expect(await pageV.getByRole('button', { name: /Ny linje/ }).count()).toBe(0);
    // The server agrees: nothing changed.
    const pkg = await admin.request<{ lines: Array<{ title: string; amounts: Record<string, string> }> }>('GET', `/api/packages/${packageId}`);
    expect(pkg.body.lines.find((l) => l.title === 'Flere lærere i skolen')!.amounts['2027']).toBeUndefined();
    await ctxV.close();
  });

  it('a tab goes offline, edits, comes back, and both converge', async () => {
    await ctxA.setOffline(true);
    await expect.poll(() => pageA.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toMatch(/^frakoblet/);
    const flagBefore = await flag(pageA, 'drift', '2027').textContent();
    await typeAmount(pageA, 'Flere lærere i skolen', '2027', '-0,75');
    // The balance worker follows offline edits too (the tab feeds it its own document).
    await expect.poll(() => flag(pageA, 'drift', '2027').textContent()).not.toBe(flagBefore);
    await expect.poll(() => pageA.getByTestId('connection-status').textContent()).toBe('frakoblet — 1 endring ikke sendt');
    await typeAmount(pageB, 'Flere lærere i skolen', '2028', '-3');
    await pageB.waitForTimeout(300);
    // Only the amounts: a cell may also carry the name of someone editing it.
    expect(await cell(pageB, 'Flere lærere i skolen', '2027').locator('.amount').textContent()).toBe('');
    expect(await cell(pageA, 'Flere lærere i skolen', '2028').locator('.amount').textContent()).toBe('');
    await ctxA.setOffline(false);
    await expect.poll(() => cell(pageB, 'Flere lærere i skolen', '2027').textContent(), { timeout: 20_000 }).toBe('−0,75');
    await expect.poll(() => cell(pageA, 'Flere lærere i skolen', '2028').textContent(), { timeout: 20_000 }).toBe('−3');
    await expect.poll(() => pageA.getByTestId('connection-status').textContent(), { timeout: 20_000 }).toBe('synkronisert');
  });

  it('has no serious or critical axe violations on the package view', async () => {
    const serious = await seriousAxeViolations(pageB);
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  });
});
