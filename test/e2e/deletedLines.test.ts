/**
 * Deleting a line loses nothing for good, in real Chromium: an editor deletes a line
 * with amounts, an invalid cell and a rich rationale in the app; the owner finds it
 * under Innstillinger → Slettede linjer and restores it; everyone has the same line
 * back. The editor has no such list. Screenshot: docs/screenshots/deleted-lines.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { readRichPackageFromDoc } from '../../shared/doc/richPackage';
import { getLinesMap } from '../../shared/doc/schema';
import { createFullLine } from '../helpers/richLine';
import { connectProvider, synced, until, type TestProvider } from '../server/auth/target';
import { cellOf, contextFor, openPackage, screenshotPath, startPackageEnv, type PackageEnv } from './harness';

let pe: PackageEnv;
let node: TestProvider;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  pe = await startPackageEnv('Pakke med slettede linjer');
  // Kari's own provider in Node writes the line, so the test controls every detail of it.
  node = connectProvider(pe.env.url, pe.packageId, { cookie: `session=${pe.kari.api.sessionToken()}`, origin: pe.env.url });
  await synced(node);
}, 120_000);

afterAll(async () => {
  node?.destroy();
  for (const c of contexts) await c.close();
  await pe?.env.close();
});

describe('deleted lines in the app', () => {
  it('an editor deletes a line; the owner restores it from the settings tab and it is the same line again', async () => {
    const title = 'Ny skole på Nordbyen';
    const id = createFullLine(node.doc, { title, party: 'SV' });
    const original = readRichPackageFromDoc(node.doc, pe.packageId).lines.find((l) => l.id === id)!;

    const kariCtx = await contextFor(pe.env, pe.kari);
    contexts.push(kariCtx);
    const kari = await kariCtx.newPage();
    await openPackage(kari, pe.env, pe.packageId);
    await cellOf(kari, title, '2026').waitFor();
    // Editors see the settings, but the deleted lines are for owners.
    await kari.getByRole('button', { name: 'Innstillinger' }).click();
    await kari.locator('#settings-h').waitFor();
    expect(await kari.locator('#deleted-lines-h').count()).toBe(0);
    await kari.getByRole('button', { name: 'Tabeller' }).click();
    await kari.locator(`[data-line-title="${title}"][data-col="title"]`).click();
    kari.once('dialog', (d) => void d.accept());
    await kari.locator('aside.details').getByRole('button', { name: 'Slett' }).click();
    await until(() => !getLinesMap(node.doc).has(id), 10_000, 'the deletion at the Node client');

    const ownerCtx = await contextFor(pe.env, { email: 'sekretariat', name: 'Sekretariatet', api: pe.admin });
    contexts.push(ownerCtx);
    const owner = await ownerCtx.newPage();
    await openPackage(owner, pe.env, pe.packageId);
    expect(await cellOf(owner, title, '2026').count()).toBe(0);
    await owner.getByRole('button', { name: 'Innstillinger' }).click();
    const list = owner.getByRole('list', { name: 'Slettede linjer' });
    const item = list.locator(`li[data-line-id="${id}"]`);
    await expect.poll(() => item.textContent()).toContain(title);
    expect(await item.textContent()).toMatch(/2026: 12,5.*2027: −3/);
    expect(await item.textContent()).toContain('slettet av Kari Nordmann');
    await owner.locator('section[aria-labelledby="deleted-lines-h"]').screenshot({ path: screenshotPath('deleted-lines') });

    await item.getByRole('button', { name: `Gjenopprett «${title}»` }).click();
    await expect.poll(() => owner.getByRole('status').filter({ hasText: 'gjenopprettet' }).count()).toBe(1);
    await expect.poll(() => item.count()).toBe(0);

    // Back for everyone: the owner's and the editor's tables, and the same line in the document.
    await owner.getByRole('button', { name: 'Tabeller' }).click();
    await expect.poll(() => cellOf(owner, title, '2026').textContent()).toBe('12,5');
    await expect.poll(() => cellOf(kari, title, '2027').textContent()).toBe('−3');
    await until(() => getLinesMap(node.doc).has(id), 10_000, 'the restored line at the Node client');
    expect(readRichPackageFromDoc(node.doc, pe.packageId).lines.find((l) => l.id === id)).toEqual(original);
  });
});
