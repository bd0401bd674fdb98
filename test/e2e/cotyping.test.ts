/**
 * Two people typing at the same place at an ordinary pace (150–250 ms a key) in
 * two Chromium contexts: the end of one rationale, then the end of one verbal
 * instruction. Each person's run of characters must stay together — in both
 * editors and on the server — in either order. And a caret whose paragraph a
 * collaborator deletes goes to the nearest surviving place, not the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import type * as Y from 'yjs';
import { addMember, addUser, contextAs, createPackage, launchChromium, seedLine, seedVerbal, startE2EServer, watchErrors, type E2EServer, type E2EUser } from './text/harness';
import { getLinesMap, getVerbalMap } from '../../shared/doc/schema';
import { plainTextFromRichText, readRichTextFromXml } from '../../shared/doc/richtext';
import { mulberry32 } from '../helpers/random';

let e: E2EServer;
let browser: Browser;
let anne: E2EUser;
let bjorn: E2EUser;
let pkg: string;
let lineId: string;
let verbalId: string;
let fourId: string;
const FOUR = ['Første avsnitt.', 'Andre avsnitt.', 'Tredje avsnitt.', 'Fjerde avsnitt.'];

beforeAll(async () => {
  e = await startE2EServer();
  anne = await addUser(e, 'Anne Aasen', true);
  bjorn = await addUser(e, 'Bjørn Berg');
  pkg = await createPackage(e, anne, {
    title: 'Samtidig skriving',
    years: ['2024'],
    planYears: ['2024'],
    parties: [
      { name: 'Ap', color: '#c8102e' },
      { name: 'SV', color: '#2e8b57' },
    ],
  });
  addMember(e, pkg, bjorn, 'editor', 'SV');
  lineId = await seedLine(e, pkg, {
    ledger: 'drift',
    group: 'tiltak',
    title: 'Kantiner',
    amounts: { '2024': '1' },
    rationale: [{ type: 'paragraph', runs: [{ text: 'Sunn mat i kantinene.' }] }],
  });
  verbalId = await seedVerbal(e, pkg, { title: 'Kantinedrift', text: [{ type: 'paragraph', runs: [{ text: 'Kommunedirektøren bes utrede.' }] }] });
  fourId = await seedLine(e, pkg, {
    ledger: 'drift',
    group: 'tiltak',
    title: 'Fire avsnitt',
    amounts: { '2024': '1' },
    rationale: FOUR.map((text) => ({ type: 'paragraph' as const, runs: [{ text }] })),
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await e?.close();
});

async function open(user: E2EUser, kind: 'line' | 'verbal'): Promise<{ page: Page; editor: Locator; errors: string[] }> {
  const ctx = await contextAs(browser, e, user);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${e.url}/packages/${pkg}`);
  if (kind === 'line') await page.getByText('Kantiner', { exact: true }).first().click();
  else await page.getByRole('button', { name: 'Seksjoner' }).click();
  const editor = page.locator(`.rt-content[data-text-id="${kind}:${kind === 'line' ? lineId : verbalId}"]`);
  await editor.waitFor();
  return { page, editor, errors };
}

async function serverText(kind: 'line' | 'verbal'): Promise<string> {
  return e.server.rooms.withRoom(pkg, 'content', (room) => {
    const item = kind === 'line' ? getLinesMap(room.doc).get(lineId)! : getVerbalMap(room.doc).get(verbalId)!;
    return plainTextFromRichText(readRichTextFromXml(item.get(kind === 'line' ? 'rationale' : 'text') as Y.XmlText));
  });
}

/** Types `text` one key at a time, 150–250 ms apart (seeded, so a failure replays). */
async function typeSlowly(page: Page, text: string, seed: number): Promise<void> {
  const random = mulberry32(seed);
  for (const ch of text) {
    await page.keyboard.type(ch);
    await page.waitForTimeout(150 + Math.floor(random() * 100));
  }
}

/** Both type at the end of the same text at once; each run must stay together. */
async function typeTogether(kind: 'line' | 'verbal', start: string): Promise<void> {
  const a = await open(anne, kind);
  const b = await open(bjorn, kind);
  await expect.poll(() => a.editor.innerText()).toContain(start);
  await expect.poll(() => b.editor.innerText()).toContain(start);
  for (const p of [a, b]) {
    await p.editor.click();
    await p.page.keyboard.press('Control+End');
  }
  const sa = ' Ap vil ha mer frukt.';
  const sb = ' SV vil ha lavere priser.';
  await Promise.all([typeSlowly(a.page, sa, 11), typeSlowly(b.page, sb, 23)]);
  const both = [start + sa + sb, start + sb + sa];
  await expect.poll(() => serverText(kind), { timeout: 10_000 }).toSatisfy((t: string) => both.includes(t));
  const final = await serverText(kind);
  await expect.poll(() => a.editor.innerText(), { timeout: 5000 }).toBe(final);
  await expect.poll(() => b.editor.innerText(), { timeout: 5000 }).toBe(final);
  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
  await a.page.context().close();
  await b.page.context().close();
}

async function openRationale(user: E2EUser, title: string, id: string): Promise<{ page: Page; editor: Locator; errors: string[] }> {
  const ctx = await contextAs(browser, e, user);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${e.url}/packages/${pkg}`);
  await page.getByText(title, { exact: true }).first().click();
  const editor = page.locator(`.rt-content[data-text-id="line:${id}"]`);
  await editor.waitFor();
  await expect.poll(() => editor.innerText()).toContain(FOUR[3]);
  return { page, editor, errors };
}

/** Selects [start, end) of the text node holding `text` inside `editor`, as a user would with the mouse. */
async function selectIn(editor: Locator, text: string, start: number, end: number): Promise<void> {
  await editor.evaluate(
    (root, [t, s, en]) => {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.textContent !== t) continue;
        const range = document.createRange();
        range.setStart(n, s as number);
        range.setEnd(n, en as number);
        const sel = window.getSelection()!;
        sel.removeAllRanges();
        sel.addRange(range);
        return;
      }
      throw new Error(`"${t}" not found in the editor`);
    },
    [text, start, end] as const,
  );
  // Lexical reads the selection on the (asynchronous) selectionchange event.
  await editor.page().waitForTimeout(150);
}

async function serverParagraphs(id: string): Promise<string[]> {
  return e.server.rooms.withRoom(pkg, 'content', (room) =>
    readRichTextFromXml(getLinesMap(room.doc).get(id)!.get('rationale') as Y.XmlText).map((b) => (b.type === 'list' ? '' : b.runs.map((r) => r.text).join(''))),
  );
}

describe('a caret whose paragraph a collaborator deletes', { timeout: 90_000 }, () => {
  it('goes to the nearest surviving place (end of the paragraph before or start of the one after), not the end', async () => {
    const a = await openRationale(anne, 'Fire avsnitt', fourId);
    const b = await openRationale(bjorn, 'Fire avsnitt', fourId);
    // A's caret in the middle of paragraph 2.
    await a.editor.click();
    await selectIn(a.editor, FOUR[1]!, 5, 5);
    // B deletes paragraph 2: its text, then the empty paragraph.
    await b.editor.click();
    await selectIn(b.editor, FOUR[1]!, 0, FOUR[1]!.length);
    await b.page.keyboard.press('Backspace');
    await b.page.keyboard.press('Backspace');
    await expect.poll(() => serverParagraphs(fourId)).toEqual([FOUR[0], FOUR[2], FOUR[3]]);
    await expect.poll(() => a.editor.innerText()).not.toContain(FOUR[1]);
    await a.page.keyboard.type('X');
    await expect.poll(() => serverParagraphs(fourId)).not.toEqual([FOUR[0], FOUR[2], FOUR[3]]);
    expect([
      [`${FOUR[0]}X`, FOUR[2], FOUR[3]],
      [FOUR[0], `X${FOUR[2]}`, FOUR[3]],
    ]).toContainEqual(await serverParagraphs(fourId));
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await a.page.context().close();
    await b.page.context().close();
  });
});

describe('two people typing at the same place', { timeout: 90_000 }, () => {
  it('keeps each person’s run together at the end of a rationale', async () => {
    await typeTogether('line', 'Sunn mat i kantinene.');
  });

  it('keeps each person’s run together at the end of a verbal instruction', async () => {
    await typeTogether('verbal', 'Kommunedirektøren bes utrede.');
  });
});
