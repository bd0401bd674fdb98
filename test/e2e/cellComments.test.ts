/**
 * A comment on one figure, with a mention, in real Chromium, two people at once: a
 * group leader (commenter, SV) opens the comments of one amount cell with Shift+F2,
 * mentions the finance spokesperson (editor, Ap) through the `@` picker and posts;
 * the spokesperson sees the cell's marker appear live and the thread in «Til meg»,
 * opens it from there and replies, mentioning the leader, who sees the reply live.
 * Screenshots: docs/screenshots/cell-comment-mention-picker.png, cell-comment-marker-panel.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { closeAll, ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, addMember, cellOf, contextFor, createPackage, openPackage, screenshotPath, startEnv, type Person, type TestEnv } from './harness';
import { connectProvider, synced, until, type TestProvider } from '../server/auth/target';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import type { MentionList } from '../../shared/protocol/agreement';

let env: TestEnv;
let packageId: string;
let node: TestProvider;
let leader: Person;
let finance: Person;
const contexts: BrowserContext[] = [];
const TITLE = 'Flere lærere i 1.–4. trinn';

beforeAll(async () => {
  env = await startEnv();
  const admin = new ApiClient(env.url);
  await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  packageId = await createPackage(admin, 'Budsjettforslag med kommentarer');
  finance = await addMember(env.url, admin, packageId, 'kari@ap.test', 'Kari Finans', 'editor', 'Ap');
  leader = await addMember(env.url, admin, packageId, 'ola@sv.test', 'Ola Gruppeleder', 'commenter', 'SV');
  node = connectProvider(env.url, packageId, { cookie: `session=${finance.api.sessionToken()}`, origin: env.url });
  await synced(node);
  createLineInDoc(node.doc, { ledger: 'drift', group: 'tiltak', title: TITLE, amounts: { '2025': '4', '2026': '9.5', '2027': '9.5' }, party: 'SV' });
  createLineInDoc(node.doc, { ledger: 'drift', group: 'inndekning', title: 'Redusert konsulentbruk', amounts: { '2025': '-4', '2026': '-9.5', '2027': '-9.5' } });
  await until(() => getLinesMap(node.doc).size === 2, 5000, 'lines written');
}, 180_000);

afterAll(() => closeAll(env, contexts, [node]));

async function pageFor(person: Person): Promise<Page> {
  const ctx = await contextFor(env, person, { width: 1440, height: 900 });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await openPackage(page, env, packageId);
  await cellOf(page, TITLE, '2026').waitFor();
  return page;
}

const mentionsOf = async (person: Person) => (await person.api.request<MentionList>('GET', '/api/mentions')).body.threads;
const cellPanel = (page: Page) => page.locator('.cell-comments');

describe('comments on one amount cell, with mentions', () => {
  it('a group leader comments on a cell mentioning the finance spokesperson through the picker; she sees the marker live, finds the thread in «Til meg» and replies', async () => {
    const [lead, fin] = await Promise.all([pageFor(leader), pageFor(finance)]);
    const finCell = cellOf(fin, TITLE, '2026');
    expect(await finCell.locator('.cell-comment-mark').count()).toBe(0);

    // The leader's grid is read-only, yet the focused amount cell opens its comments from the keyboard.
    await cellOf(lead, TITLE, '2026').click();
    await expect.poll(() => cellOf(lead, TITLE, '2026').getByRole('button', { name: 'Kommenter beløpet (Shift+F2)' }).count()).toBe(1);
    await lead.keyboard.press('Shift+F2');
    await expect.poll(() => cellPanel(lead).getByRole('heading').textContent()).toBe(`Kommentarer til «${TITLE}», 2026`);
    // The focus is in the new comment's box: typing goes there. `@Ka` offers Kari only.
    await lead.keyboard.type('Hvorfor øker beløpet fra 2026? @ka');
    const picker = cellPanel(lead).getByRole('listbox', { name: 'Nevn et medlem' });
    await expect.poll(() => picker.getByRole('option').allTextContents()).toEqual(['@Kari Finans Ap']);
    await lead.locator('.details').screenshot({ path: screenshotPath('cell-comment-mention-picker') });
    await lead.keyboard.press('Enter');
    await expect.poll(() => picker.count()).toBe(0);
    await lead.keyboard.type('kan du svare?');
    expect(await cellPanel(lead).locator('.cm-new textarea').inputValue()).toBe('Hvorfor øker beløpet fra 2026? @Kari Finans kan du svare?');
    await cellPanel(lead).getByRole('button', { name: 'Legg til kommentar' }).click();
    await expect.poll(() => cellPanel(lead).locator('.cm-thread mark.cm-mention').allTextContents()).toEqual(['@Kari Finans']);

    // The spokesperson, meanwhile in the grid: the cell's marker appears live, on that cell only.
    await expect.poll(() => finCell.locator('.cell-comment-mark').count(), { timeout: 15_000 }).toBe(1);
    expect(await fin.locator('.cell-comment-mark').count()).toBe(1);
    // The comment stored the mention: in her «Til meg», not in the leader's own.
    await expect.poll(async () => (await mentionsOf(finance)).map((t) => t.target)).toEqual([{ kind: 'cell', id: expect.any(String), year: '2026' }]);
    expect(await mentionsOf(leader)).toEqual([]);

    // She finds the thread in «Til meg» and opens it: the cell's comments beside the grid.
    await fin.getByRole('button', { name: 'Til meg', exact: true }).click();
    const item = fin.locator('.to-me-list li').filter({ hasText: 'Hvorfor øker beløpet fra 2026?' });
    await item.getByRole('button', { name: 'Gå til (2026)' }).click();
    await expect.poll(() => cellPanel(fin).getByRole('heading').textContent()).toBe(`Kommentarer til «${TITLE}», 2026 (1)`);
    await expect.poll(() => finCell.evaluate((el) => el.classList.contains('focused'))).toBe(true);
    await fin.screenshot({ path: screenshotPath('cell-comment-marker-panel') });

    // She replies, mentioning the leader by clicking the picker's option.
    const thread = cellPanel(fin).locator('.cm-thread');
    await thread.getByRole('button', { name: 'Svar' }).click();
    const reply = thread.getByLabel('Svar til Ola Gruppeleder');
    await reply.pressSequentially('@ol');
    await thread.getByRole('option', { name: '@Ola Gruppeleder SV' }).click();
    await reply.pressSequentially('lønnsveksten er lagt inn fra høsten 2026.');
    await thread.getByRole('button', { name: 'Send svar' }).click();

    // The leader sees the reply live, with the mention highlighted, and has it in «Til meg».
    const leadReply = cellPanel(lead).locator('.cm-reply');
    await expect.poll(() => leadReply.locator('.cm-text').textContent(), { timeout: 15_000 }).toBe('@Ola Gruppeleder lønnsveksten er lagt inn fra høsten 2026.');
    expect(await leadReply.locator('mark.cm-mention').textContent()).toBe('@Ola Gruppeleder');
    await expect.poll(async () => (await mentionsOf(leader)).map((t) => t.inReplies.length)).toEqual([1]);
    // Esc in the empty comment box closes the cell's comments and puts the leader back on the cell.
    await cellPanel(lead).locator('.cm-new textarea').focus();
    await lead.keyboard.press('Escape');
    await expect.poll(() => cellPanel(lead).count()).toBe(0);
    await expect.poll(() => cellOf(lead, TITLE, '2026').evaluate((el) => el === document.activeElement)).toBe(true);
  }, 120_000);
});
