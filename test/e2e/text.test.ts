/**
 * Browser tests of the rich texts (real Chromium, the built app, the real
 * server with real accounts): co-editing a rationale with visible cursors, a
 * group leader (commenter) who can comment but not type, and formatting that
 * survives a reload. Screenshots go to docs/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Locator, Page } from 'playwright-core';
import type * as Y from 'yjs';
import { addMember, addUser, contextAs, createPackage, launchChromium, seedLine, startE2EServer, watchErrors, type E2EServer, type E2EUser } from './text/harness';
import { getLinesMap } from '../../shared/doc/schema';
import { readRichTextFromXml, type RichBlock } from '../../shared/doc/richtext';
import { addCommentToDoc, addReplyToDoc, readCommentsFromDoc, setCommentResolvedInDoc } from '../../shared/doc/comments';

const SHOTS = 'docs/screenshots';

let e: E2EServer;
let browser: Browser;
let anne: E2EUser;
let bjorn: E2EUser;
let gunn: E2EUser;
let cecilie: E2EUser;
let viggo: E2EUser;
let pkg: string;
let lineId: string;

async function openLine(user: E2EUser): Promise<{ page: Page; editor: Locator; errors: string[] }> {
  const ctx = await contextAs(browser, e, user);
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(`${e.url}/packages/${pkg}`);
  await page.getByText('Skolemat', { exact: true }).first().click();
  const editor = page.locator(`.rt-content[data-text-id="line:${lineId}"]`);
  await editor.waitFor();
  await expect.poll(() => editor.innerText()).toContain('Gratis skolemat');
  return { page, editor, errors };
}

/** Selects the first occurrence of `word` inside `editor` as a user would by dragging. */
async function selectWord(editor: Locator, word: string): Promise<void> {
  await editor.evaluate((root, w) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const i = (n.textContent ?? '').indexOf(w);
      if (i < 0) continue;
      const range = document.createRange();
      range.setStart(n, i);
      range.setEnd(n, i + w.length);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
      return;
    }
    throw new Error(`"${w}" not found in the editor`);
  }, word);
  // Lexical reads the selection on the (asynchronous) selectionchange event.
  await editor.page().waitForTimeout(150);
}

async function serverRationale(): Promise<RichBlock[]> {
  return e.server.rooms.withRoom(pkg, 'content', (room) => readRichTextFromXml(getLinesMap(room.doc).get(lineId)!.get('rationale') as Y.XmlText));
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  e = await startE2EServer();
  anne = await addUser(e, 'Anne Aasen', true);
  bjorn = await addUser(e, 'Bjørn Berg');
  gunn = await addUser(e, 'Gunn Gran');
  cecilie = await addUser(e, 'Cecilie Dahl');
  viggo = await addUser(e, 'Viggo Vik');
  pkg = await createPackage(e, anne, {
    title: 'Rødgrønt budsjett 2024',
    years: ['2024', '2025'],
    planYears: ['2024', '2025'],
    parties: [
      { name: 'Ap', color: '#c8102e' },
      { name: 'SV', color: '#2e8b57' },
    ],
  });
  await addMember(e, pkg, bjorn, 'editor', 'SV');
  await addMember(e, pkg, gunn, 'commenter', 'Ap');
  await addMember(e, pkg, cecilie, 'editor', 'Ap');
  await addMember(e, pkg, viggo, 'viewer', null);
  lineId = await seedLine(e, pkg, {
    ledger: 'drift',
    group: 'tiltak',
    title: 'Skolemat',
    amounts: { '2024': '2' },
    rationale: [{ type: 'paragraph', runs: [{ text: 'Gratis skolemat i ' }, { text: 'alle', bold: true }, { text: ' grunnskoler.' }] }],
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await e?.close();
});

describe('rich text in the workspace', { timeout: 60_000 }, () => {
  it('B edits a rationale and A sees the text, B’s cursor and name; Ctrl+Z undoes only my own typing', async () => {
    const a = await openLine(anne);
    const b = await openLine(bjorn);
    const c = await openLine(cecilie);

    await a.editor.click();
    await a.page.keyboard.press('Control+Home');
    await b.editor.click();
    await b.page.keyboard.press('Control+End');
    await b.page.keyboard.type(' Ordningen starter høsten 2024.');

    await expect.poll(() => a.editor.innerText(), { timeout: 5000 }).toContain('grunnskoler. Ordningen starter høsten 2024.');
    const cursorsIn = (page: Page) => page.locator(`.rt-field[data-text-id="line:${lineId}"] .rt-cursors`);
    await expect.poll(() => cursorsIn(a.page).innerText(), { timeout: 5000 }).toContain('Bjørn Berg');
    await expect.poll(() => cursorsIn(b.page).innerText(), { timeout: 5000 }).toContain('Anne Aasen');
    // B's caret is drawn in B's party colour (SV green).
    const caretColor = await cursorsIn(a.page).locator('span', { hasText: 'Bjørn Berg' }).last().evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(caretColor).toBe('rgb(46, 139, 87)');
    await expect.poll(async () => (await serverRationale()).map((bl) => ('runs' in bl ? bl.runs.map((r) => r.text).join('') : '')).join('')).toBe(
      'Gratis skolemat i alle grunnskoler. Ordningen starter høsten 2024.',
    );

    // A third writer: C sees both A's and B's carets, each with a name.
    await c.editor.click();
    await expect.poll(() => cursorsIn(c.page).innerText(), { timeout: 5000 }).toMatch(/Anne Aasen[\s\S]*Bjørn Berg|Bjørn Berg[\s\S]*Anne Aasen/);
    await a.page.keyboard.press('Control+Home');
    await a.page.keyboard.type('Forslag: ');
    await expect.poll(() => c.editor.innerText(), { timeout: 5000 }).toContain('Forslag: Gratis skolemat');
    await c.page.waitForTimeout(300);
    await c.page.locator(`.rt-field[data-text-id="line:${lineId}"]`).screenshot({ path: `${SHOTS}/text-two-cursors.png` });

    // A's Ctrl+Z removes A's typing, not B's sentence.
    await a.page.waitForTimeout(600);
    await a.page.keyboard.press('Control+z');
    await expect.poll(() => b.editor.innerText(), { timeout: 5000 }).toBe('Gratis skolemat i alle grunnskoler. Ordningen starter høsten 2024.');
    await a.page.keyboard.press('Control+Shift+z');
    await expect.poll(() => b.editor.innerText(), { timeout: 5000 }).toContain('Forslag: Gratis');
    await a.page.keyboard.press('Control+z');
    await expect.poll(async () => JSON.stringify(await serverRationale())).not.toContain('Forslag');

    for (const p of [a, b, c]) {
      expect(p.errors).toEqual([]);
      await p.page.context().close();
    }
  });

  it('a commenter (group leader) cannot type in the editor', async () => {
    const g = await openLine(gunn);
    const before = await g.editor.innerText();
    expect(await g.editor.getAttribute('contenteditable')).toBe('false');
    expect(await g.page.locator(`.rt-field[data-text-id="line:${lineId}"] [role="toolbar"][aria-label="Formatering"]`).count()).toBe(0);
    await g.editor.click();
    await g.page.keyboard.type('Dette skal ikke komme med');
    await g.page.keyboard.press('Enter');
    await g.page.keyboard.press('Control+b');
    await g.page.waitForTimeout(500);
    expect(await g.editor.innerText()).toBe(before);
    expect(JSON.stringify(await serverRationale())).not.toContain('Dette skal ikke');
    expect(g.errors.filter((x) => !/read-only|skrivetilgang/i.test(x))).toEqual([]);
    await g.page.context().close();
  });

  it('a commenter adds comments on a line and on a passage; others see, reply and highlight', async () => {
    const a = await openLine(anne);
    const g = await openLine(gunn);

    // A comment on the line.
    const panelOf = (page: Page) => page.locator(`.cm-commentable[data-text-id="line:${lineId}"]`);
    await panelOf(g.page).getByRole('button', { name: /^Kommentarer/ }).click();
    await panelOf(g.page).getByLabel('Ny kommentar').fill('Hvordan er 2 mill. beregnet?');
    await panelOf(g.page).getByRole('button', { name: 'Legg til kommentar' }).click();

    // A comment on a passage selected in the read-only text.
    await selectWord(g.editor, 'grunnskoler');
    await panelOf(g.page).getByRole('button', { name: 'Kommenter' }).click();
    await expect.poll(() => panelOf(g.page).locator('.cm-new .cm-quote').innerText()).toContain('grunnskoler');
    await panelOf(g.page).getByLabel('Kommentar til markert tekst').fill('Gjelder dette også private skoler?');
    await panelOf(g.page).getByRole('button', { name: 'Legg til kommentar' }).click();

    // A sees both, the passage quoted and highlighted in A's editor.
    await panelOf(a.page).getByRole('button', { name: /^Kommentarer/ }).click();
    const threads = panelOf(a.page).locator('.cm-thread');
    await expect.poll(() => threads.count(), { timeout: 5000 }).toBe(2);
    await expect.poll(() => panelOf(a.page).innerText()).toContain('«grunnskoler»');
    expect(await panelOf(a.page).innerText()).toContain('Gunn Gran');
    const highlighted = await a.page.evaluate(() => {
      const h = (CSS as unknown as { highlights: Map<string, Iterable<Range>> }).highlights.get('rt-comment-passage');
      return h ? [...h].map((r) => r.toString()) : [];
    });
    expect(highlighted).toEqual(['grunnskoler']);
    await a.page.locator('aside').first().screenshot({ path: `${SHOTS}/comment-passage-highlight.png` });

    // A replies; the commenter resolves.
    await threads.first().getByRole('button', { name: 'Svar' }).click();
    await threads.first().getByRole('textbox').fill('Se saksfremlegget, side 4.');
    await threads.first().getByRole('button', { name: 'Send svar' }).click();
    await expect.poll(() => panelOf(g.page).innerText(), { timeout: 5000 }).toContain('Se saksfremlegget, side 4.');
    // The commenter resolves the passage comment; A sees it leave the open list.
    await panelOf(g.page).locator('.cm-thread').nth(1).getByRole('button', { name: 'Marker som løst' }).click();
    await expect.poll(() => threads.count(), { timeout: 5000 }).toBe(1);
    await expect.poll(() => panelOf(a.page).getByRole('button', { name: 'Vis løste (1)' }).count()).toBe(1);
    await expect
      .poll(() => a.page.evaluate(() => (CSS as unknown as { highlights: Map<string, unknown> }).highlights.has('rt-comment-passage')))
      .toBe(false);
    await panelOf(g.page).getByRole('button', { name: 'Vis løste (1)' }).click();
    await g.page.waitForTimeout(300);
    await panelOf(g.page).locator('.cm-panel').first().screenshot({ path: `${SHOTS}/comment-thread.png` });

    // Comments live in the comments doc; the content doc stayed untouched by the commenter.
    const stored = await e.server.rooms.withRoom(pkg, 'comments', (room) => readCommentsFromDoc(room.doc, { kind: 'line', id: lineId }));
    expect(stored.map((c) => [c.authorName, c.text, c.quote ?? null])).toEqual([
      ['Gunn Gran', 'Hvordan er 2 mill. beregnet?', null],
      ['Gunn Gran', 'Gjelder dette også private skoler?', 'grunnskoler'],
    ]);
    expect(stored[0]!.replies.map((r) => r.text)).toEqual(['Se saksfremlegget, side 4.']);
    expect(stored.map((c) => c.resolved)).toEqual([false, true]);
    expect(g.errors.filter((x) => !/read-only|skrivetilgang/i.test(x))).toEqual([]);
    await a.page.context().close();
    await g.page.context().close();
  });

  it('an edit made offline survives closing the tab and merges on reconnect', async () => {
    const b = await openLine(bjorn);
    const a = await openLine(anne);
    const ctx = a.page.context();
    await ctx.setOffline(true);
    // The header's sync badge is what tells the user the edit below is not sent yet.
    const badge = a.page.locator('.sync-badge');
    expect(await badge.count(), 'the sync badge in the header').toBe(1);
    await expect.poll(() => badge.innerText(), { timeout: 5000 }).toBe('frakoblet');
    await a.editor.click();
    await a.page.keyboard.press('Control+End');
    await a.page.waitForTimeout(150);
    await a.page.keyboard.type(' Skrevet uten nett.');
    await expect.poll(() => badge.innerText()).toBe('frakoblet — 1 endring ikke sendt');
    await a.page.locator('header').first().screenshot({ path: `${SHOTS}/offline-badge.png` });
    // y-indexeddb writes asynchronously; give it a moment before the tab goes away.
    await a.page.waitForTimeout(500);
    await a.page.close();
    expect(JSON.stringify(await serverRationale())).not.toContain('Skrevet uten nett');
    // Meanwhile B, online, edits the same text.
    await b.editor.click();
    await b.page.keyboard.press('Control+Home');
    await b.page.waitForTimeout(150);
    await b.page.keyboard.type('Merk: ');

    await ctx.setOffline(false);
    const page = await ctx.newPage();
    await page.goto(`${e.url}/packages/${pkg}`);
    await expect.poll(async () => JSON.stringify(await serverRationale()), { timeout: 10_000 }).toContain('Skrevet uten nett.');
    await expect.poll(() => b.editor.innerText(), { timeout: 5000 }).toMatch(/^Merk: .*Skrevet uten nett\.$/s);
    expect(await page.locator('.sync-badge').count(), 'the sync badge after reopening').toBe(1);
    await expect.poll(() => page.locator('.sync-badge').innerText()).toBe('synkronisert');
    expect(b.errors).toEqual([]);
    await ctx.close();
    await b.page.context().close();
  });

  it('a viewer reads text and comments but can write neither', async () => {
    const v = await openLine(viggo);
    expect(await v.editor.getAttribute('contenteditable')).toBe('false');
    const panel = v.page.locator(`.cm-commentable[data-text-id="line:${lineId}"]`);
    expect(await panel.getByRole('button', { name: 'Kommenter' }).count()).toBe(0);
    await panel.getByRole('button', { name: /^Kommentarer/ }).click();
    await expect.poll(() => panel.innerText()).toContain('Du kan lese kommentarene, men ikke skrive.');
    expect(await panel.locator('textarea').count()).toBe(0);
    expect(await panel.getByRole('button', { name: /Svar|Marker som løst|Legg til kommentar/ }).count()).toBe(0);
    await v.page.context().close();
  });

  it('Ctrl+Z in a text walks back one history across grid and text: my text edit, then my cell edit', async () => {
    const a = await openLine(anne);
    const amount = async () => e.server.rooms.withRoom(pkg, 'content', (room) => (getLinesMap(room.doc).get(lineId)!.get('amounts') as Y.Map<string>).get('2025') ?? null);
    await a.page.locator(`tr[data-line-id="${lineId}"] [data-col="2025"]`).click();
    await a.page.keyboard.type('3,5');
    await a.page.keyboard.press('Enter');
    await expect.poll(amount).toBe('3.5');
    await a.page.waitForTimeout(600);
    await a.editor.click();
    await a.page.keyboard.press('Control+End');
    await a.page.waitForTimeout(150);
    await a.page.keyboard.type(' Kostnad 3,5 mill. i 2025.');
    await expect.poll(async () => JSON.stringify(await serverRationale())).toContain('Kostnad 3,5 mill.');
    await a.page.waitForTimeout(600);

    await a.page.keyboard.press('Control+z');
    await expect.poll(async () => JSON.stringify(await serverRationale())).not.toContain('Kostnad');
    expect(await amount()).toBe('3.5');
    await a.page.keyboard.press('Control+z');
    await expect.poll(amount).toBeNull();
    await a.page.keyboard.press('Control+Shift+z');
    await expect.poll(amount).toBe('3.5');
    expect(a.errors).toEqual([]);
    await a.page.context().close();
  });

  it('has no serious or critical axe violations in the editor, its toolbar and the comments', async () => {
    const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const found: string[] = [];
    // Two threads, one resolved, whatever the tests before left.
    await e.server.rooms.withRoom(pkg, 'comments', (room) =>
      room.transact((doc) => {
        const author = { id: gunn.id, name: gunn.name, party: 'Ap' };
        const first = addCommentToDoc(doc, { author, text: 'Åpen kommentar for axe', target: { kind: 'line', id: lineId } });
        const second = addCommentToDoc(doc, { author, text: 'Løst kommentar for axe', target: { kind: 'line', id: lineId }, quote: 'skolemat' });
        if (first.ok) addReplyToDoc(doc, first.id, { author: { id: anne.id, name: anne.name }, text: 'Svar for axe' });
        if (second.ok) setCommentResolvedInDoc(doc, second.id, true, author);
      }, 'e2e-seed'),
    );
    for (const user of [anne, gunn]) {
      const p = await openLine(user);
      const panel = p.page.locator(`.cm-commentable[data-text-id="line:${lineId}"]`);
      await panel.getByRole('button', { name: /^Kommentarer/ }).click();
      await panel.getByRole('button', { name: /Vis løste/ }).click();
      await panel.locator('.cm-thread:not(.cm-resolved)').first().getByRole('button', { name: 'Svar' }).click();
      if (user === anne) {
        // The link form, open with an error showing.
        await selectWord(p.editor, 'skolemat');
        await p.page.getByRole('button', { name: 'Lenke' }).click();
        await p.page.getByLabel('Adresse (https:// eller e-post)').fill('javascript:alert(1)');
        await p.page.getByRole('button', { name: 'Legg til', exact: true }).click();
        await expect.poll(() => p.page.getByRole('alert').first().innerText()).toContain('Ugyldig adresse');
      }
      await p.page.evaluate(axeSource);
      const violations = await p.page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
        const r = await axe.run({ include: [['.cm-commentable']] }, { resultTypes: ['violations'] });
        return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      });
      found.push(...violations.map((v) => `${user.name}: ${v}`));
      await p.page.context().close();
    }
    expect(found, found.join('\n')).toEqual([]);
  });

  it('formatting survives a reload', async () => {
    const a = await openLine(anne);
    await a.editor.click();
    await selectWord(a.editor, 'skolemat');
    await a.page.getByRole('button', { name: 'Kursiv' }).click();
    await a.editor.click();
    await a.page.keyboard.press('Control+End');
    // Lexical takes the caret from the (asynchronous) selectionchange that follows.
    await a.page.waitForTimeout(150);
    await a.page.keyboard.press('Enter');
    await a.page.getByRole('button', { name: 'Punktliste' }).click();
    await a.page.keyboard.type('første punkt');
    await expect.poll(async () => JSON.stringify(await serverRationale())).toContain('første punkt');

    await a.page.reload();
    await a.page.getByText('Skolemat', { exact: true }).first().click();
    await a.editor.waitFor();
    await expect.poll(() => a.editor.locator('.rt-italic').allInnerTexts()).toEqual(['skolemat']);
    expect(await a.editor.locator('.rt-bold').allInnerTexts()).toEqual(['alle']);
    expect(await a.editor.locator('ul li').allInnerTexts()).toEqual(['første punkt']);
    const blocks = await serverRationale();
    expect(blocks[0]).toMatchObject({ type: 'paragraph' });
    expect(blocks.at(-1)).toEqual({ type: 'list', ordered: false, items: [[{ text: 'første punkt' }]] });
    expect(a.errors).toEqual([]);
    await a.page.context().close();
  });
});
