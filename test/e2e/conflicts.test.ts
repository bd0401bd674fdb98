/**
 * A number someone else changed is never overwritten silently (issue 12, point 3),
 * in two Chromium contexts against the real server:
 * (b) B, offline, sets a cell; A, online and later, sets it too; when B reconnects
 *     both get a notice naming the cell, both values, who and when, the package's
 *     «Konflikter» list shows it, and one click puts the other value back (an
 *     ordinary, attributed, undoable edit) and resolves it for both;
 * (a) B is typing into a cell when A commits a value to it: B's input says who
 *     changed it to what; Escape takes theirs, Enter keeps B's.
 * Screenshots of both notices, the list and the editing note go to docs/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { HttpOrigin } from '../../server/packages/origin';
import { createLineInDoc } from '../../shared/doc/schema';
import { addMember, cellOf, contextFor, openPackage, screenshotPath, startPackageEnv, type PackageEnv, type Person } from './harness';

let p: PackageEnv;
let ola: Person;
let ctxA: BrowserContext;
let ctxB: BrowserContext;
let pageA: Page;
let pageB: Page;

async function seedLine(title: string, amount: string): Promise<string> {
  const origin = new HttpOrigin('e2e');
  return p.env.server.rooms.withRoom(p.packageId, 'content', (room) =>
    room.transact((doc) => createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title, amounts: { '2025': amount } }), origin),
  );
}

async function typeInto(page: Page, title: string, text: string): Promise<void> {
  await cellOf(page, title, '2025').click();
  await page.keyboard.type(text);
}

const notice = (page: Page) => page.locator('.conflict-notices .conflict-card');
const amountOf = (page: Page, title: string) => cellOf(page, title, '2025').locator('.amount').textContent();

beforeAll(async () => {
  p = await startPackageEnv('Konflikter i tall');
  ola = await addMember(p.env.url, p.admin, p.packageId, 'ola@sv.test', 'Ola Hansen', 'editor', 'SV');
  await seedLine('Emosjonell HMS', '1');
  await seedLine('Brygga', '2');
  ctxA = await contextFor(p.env, p.kari, { width: 1280, height: 860 });
  ctxB = await contextFor(p.env, ola, { width: 1280, height: 860 });
  pageA = await ctxA.newPage();
  pageB = await ctxB.newPage();
  for (const page of [pageA, pageB]) page.on('pageerror', (e) => console.error('[pageerror]', e.message));
  await openPackage(pageA, p.env, p.packageId);
  await openPackage(pageB, p.env, p.packageId);
}, 120_000);

afterAll(async () => {
  await p?.env.close();
});

describe('a number someone else changed is never overwritten silently', { timeout: 90_000 }, () => {
  it('(b) B offline sets 1,1, A sets 0,95 later: on reconnect both are told who wrote what when', async () => {
    await ctxB.setOffline(true);
    await expect.poll(() => pageB.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toMatch(/^frakoblet/);
    await typeInto(pageB, 'Emosjonell HMS', '1,1');
    await pageB.keyboard.press('Enter');
    await typeInto(pageA, 'Emosjonell HMS', '0,95');
    await pageA.keyboard.press('Enter');
    await expect.poll(() => amountOf(pageA, 'Emosjonell HMS')).toBe('0,95');
    // Nobody has been told anything yet: there is nothing to tell.
    expect(await notice(pageA).count()).toBe(0);
    expect(await amountOf(pageB, 'Emosjonell HMS')).toBe('1,1');
    await ctxB.setOffline(false);
    for (const page of [pageA, pageB]) {
      await expect.poll(() => notice(page).count(), { timeout: 20_000 }).toBe(1);
      const text = await notice(page).innerText();
      expect(text).toContain('Konflikt: «Emosjonell HMS», 2025');
      expect(text).toMatch(/Kari Nordmann skrev 0,95 kl\. \d\d[:.]\d\d\./);
      expect(text).toMatch(/Ola Hansen skrev 1,1 kl\. \d\d[:.]\d\d uten å ha sett det\./);
    }
    // Both browsers show the same value, and the notice says which one that is.
    const shown = await amountOf(pageA, 'Emosjonell HMS');
    await expect.poll(() => amountOf(pageB, 'Emosjonell HMS')).toBe(shown);
    expect(await notice(pageB).innerText()).toContain(`Cellen viser nå ${shown}.`);
    await pageA.screenshot({ path: screenshotPath('conflict-notice-a') });
    await pageB.screenshot({ path: screenshotPath('conflict-notice-b') });
  });

  it('the «Konflikter» list holds it for every member until it is resolved', async () => {
    await pageA.getByRole('button', { name: 'Konflikter (1)' }).click();
    const list = pageA.locator('.conflicts-panel .conflict-card');
    await expect.poll(() => list.count()).toBe(1);
    expect(await list.innerText()).toContain('Emosjonell HMS');
    await pageA.screenshot({ path: screenshotPath('conflicts-list') });
  });

  it('one click puts the other value back, as B’s own undoable edit, and resolves it for both', async () => {
    const shown = (await amountOf(pageB, 'Emosjonell HMS'))!;
    const other = shown === '1,1' ? '0,95' : '1,1';
    await notice(pageB).getByRole('button', { name: `Sett tilbake ${other}` }).click();
    // Resolved for both: the notices go, and the shared list A is looking at empties.
    for (const page of [pageA, pageB]) await expect.poll(() => notice(page).count()).toBe(0);
    await expect.poll(() => pageA.locator('.conflicts-panel .conflict-card').count()).toBe(0);
    expect(await pageA.getByRole('button', { name: 'Konflikter', exact: true }).count()).toBe(1);
    await pageA.getByRole('button', { name: 'Tabeller' }).click();
    for (const page of [pageA, pageB]) await expect.poll(() => amountOf(page, 'Emosjonell HMS')).toBe(other);
    // The server attributes it to B, like any edit.
    const audit = await p.admin.request<{ entries: Array<{ field: string; year: string | null; newValue: string | null; userId: string | null }> }>('GET', `/api/packages/${p.packageId}/audit`);
    const last = audit.body.entries.filter((e) => e.field === 'amount' && e.year === '2025').at(-1)!;
    const me = await ola.api.request<{ user: { userId: string } }>('GET', '/api/auth/me');
    expect(last).toMatchObject({ newValue: other.replace(',', '.'), userId: me.body.user.userId });
    // And B can undo it like any edit of theirs.
    await cellOf(pageB, 'Brygga', '2026').click();
    await pageB.keyboard.press('Control+z');
    for (const page of [pageA, pageB]) await expect.poll(() => amountOf(page, 'Emosjonell HMS')).toBe(shown);
  });

  it('(a) B is typing when A commits: B’s input says who changed it to what; Escape takes theirs', async () => {
    await typeInto(pageB, 'Brygga', '2,4');
    await typeInto(pageA, 'Brygga', '2,6');
    await pageA.keyboard.press('Enter');
    const note = cellOf(pageB, 'Brygga', '2025').locator('.cell-conflict');
    await expect.poll(() => note.textContent(), { timeout: 10_000 }).toBe('Kari Nordmann endret cellen til 2,6. Enter beholder din, Esc tar deres.');
    // B's draft is still there, untouched.
    expect(await pageB.locator('.cell-input').inputValue()).toBe('2,4');
    await pageB.screenshot({ path: screenshotPath('conflict-while-editing') });
    await pageB.keyboard.press('Escape');
    for (const page of [pageA, pageB]) await expect.poll(() => amountOf(page, 'Brygga')).toBe('2,6');
  });

  it('(a) … and Enter keeps B’s, knowingly: an ordinary edit, no conflict', async () => {
    await typeInto(pageB, 'Brygga', '2,4');
    await typeInto(pageA, 'Brygga', '2,8');
    await pageA.keyboard.press('Enter');
    const note = cellOf(pageB, 'Brygga', '2025').locator('.cell-conflict');
    await expect.poll(() => note.textContent(), { timeout: 10_000 }).toContain('endret cellen til 2,8');
    await pageB.keyboard.press('Enter');
    for (const page of [pageA, pageB]) await expect.poll(() => amountOf(page, 'Brygga')).toBe('2,4');
    const list = await p.admin.request<{ conflicts: unknown[] }>('GET', `/api/packages/${p.packageId}/conflicts`);
    expect(list.body.conflicts).toEqual([]);
  });
});
