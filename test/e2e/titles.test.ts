/**
 * Two people type into the same line title at once, in two Chromium contexts
 * (150–250 ms a key, interleaved): both runs survive, each in one piece, in both
 * browsers and on the server — the title is a Y.Text bound to its input. Also a
 * grid title cell committed after a partner typed keeps the partner's typing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { addMember, addUser, contextAs, createPackage, launchChromium, seedLine, startE2EServer, watchErrors, type E2EServer, type E2EUser } from './text/harness';
import { getLinesMap } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import { mulberry32 } from '../helpers/random';

let e: E2EServer;
let browser: Browser;
let anne: E2EUser;
let bjorn: E2EUser;
let pkg: string;

beforeAll(async () => {
  e = await startE2EServer();
  anne = await addUser(e, 'Anne Aasen', true);
  bjorn = await addUser(e, 'Bjørn Berg');
  pkg = await createPackage(e, anne, {
    title: 'Samtidige titler',
    years: ['2024'],
    planYears: ['2024'],
    parties: [
      { name: 'Ap', color: '#c8102e' },
      { name: 'SV', color: '#2e8b57' },
    ],
  });
  await addMember(e, pkg, bjorn, 'editor', 'SV');
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await e?.close();
});

async function serverTitle(lineId: string): Promise<string> {
  return e.server.rooms.withRoom(pkg, 'content', (room) => readTitle(getLinesMap(room.doc).get(lineId)!));
}

async function open(user: E2EUser, title: string): Promise<{ page: Page; input: Locator; errors: string[] }> {
  const ctx = await contextAs(browser, e, user);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${e.url}/packages/${pkg}`);
  await page.locator(`[data-line-title="${title}"][data-col="title"]`).click();
  const input = page.locator('aside.details').getByLabel('Tittel', { exact: true });
  await expect.poll(() => input.inputValue()).toBe(title);
  return { page, input, errors };
}

async function typeSlowly(page: Page, text: string, seed: number): Promise<void> {
  const random = mulberry32(seed);
  for (const ch of text) {
    await page.keyboard.type(ch);
    await page.waitForTimeout(150 + Math.floor(random() * 100));
  }
}

describe('two people typing into one line title', { timeout: 90_000 }, () => {
  it('keeps both runs (`… og kjøkken` and `… i kantiner`) in both browsers and on the server', async () => {
    const start = 'Sunn skolemat';
    const lineId = await seedLine(e, pkg, { ledger: 'drift', group: 'tiltak', title: start, amounts: { '2024': '1' } });
    const a = await open(anne, start);
    const b = await open(bjorn, start);
    for (const p of [a, b]) {
      await p.input.click();
      await p.page.keyboard.press('End');
    }
    const sa = ' og kjøkken';
    const sb = ' i kantiner';
    await Promise.all([typeSlowly(a.page, sa, 5), typeSlowly(b.page, sb, 9)]);
    const both = [start + sa + sb, start + sb + sa];
    await expect.poll(() => serverTitle(lineId), { timeout: 10_000 }).toSatisfy((t: string) => both.includes(t));
    const final = await serverTitle(lineId);
    await expect.poll(() => a.input.inputValue()).toBe(final);
    await expect.poll(() => b.input.inputValue()).toBe(final);
    // The grid and the details heading follow the title too.
    await expect.poll(() => a.page.locator(`[data-line-title="${final}"][data-col="title"]`).count()).toBe(1);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });

  it('a title cell edited in the grid keeps what a partner typed into the title meanwhile', async () => {
    const start = 'Brygga';
    const lineId = await seedLine(e, pkg, { ledger: 'drift', group: 'tiltak', title: start, amounts: { '2024': '2' } });
    const a = await open(anne, start);
    const b = await open(bjorn, start);
    // Anne opens the grid's title cell and types at its end, not yet committing.
    await a.page.locator(`[data-line-title="${start}"][data-col="title"]`).click();
    await a.page.keyboard.press('F2');
    await a.page.keyboard.type(' og kaia');
    // Bjørn types into the title meanwhile (a word in front).
    await b.input.click();
    await b.page.keyboard.press('Home');
    await b.page.keyboard.type('Nye ');
    await expect.poll(() => serverTitle(lineId)).toBe('Nye Brygga');
    await a.page.keyboard.press('Enter');
    await expect.poll(() => serverTitle(lineId)).toBe('Nye Brygga og kaia');
    await expect.poll(() => b.input.inputValue()).toBe('Nye Brygga og kaia');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });
});
