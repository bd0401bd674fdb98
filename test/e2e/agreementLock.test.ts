/**
 * Lock and seal in real Chromium, with a partner's tab open at the same time: the
 * owner tries to lock (refused, the open items listed), locks anyway with a reason;
 * the editor's tab shows the lock banner at once and its grid takes no edits (the
 * server keeps the sealed figure); the owner sees the sealed round's checksum and
 * unlocks with a reason; the editor's tab is writable again and an edit lands.
 * Screenshot: docs/screenshots/agreement-locked.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { closeAll, ADMIN_EMAIL, addMember, cellOf, contextFor, openPackage, screenshotPath, startPackageEnv, type PackageEnv, type Person } from './harness';
import { connectProvider, synced, until, type TestProvider } from '../server/auth/target';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';

let pe: PackageEnv;
let node: TestProvider;
let sv: Person;
const contexts: BrowserContext[] = [];
const TITLE = 'Flere lærere i 1. trinn';

beforeAll(async () => {
  pe = await startPackageEnv('Låsepakke');
  sv = await addMember(pe.env.url, pe.admin, pe.packageId, 'sv@parti.test', 'Forhandler SV', 'editor', 'SV');
  node = connectProvider(pe.env.url, pe.packageId, { cookie: `session=${pe.kari.api.sessionToken()}`, origin: pe.env.url });
  await synced(node);
  createLineInDoc(node.doc, { ledger: 'drift', group: 'tiltak', title: TITLE, amounts: { '2025': '4', '2026': '4' } });
  createLineInDoc(node.doc, { ledger: 'drift', group: 'inndekning', title: 'Redusert konsulentbruk', amounts: { '2025': '-4', '2026': '-4' } });
  await until(() => getLinesMap(node.doc).size === 2, 5000, 'lines written');
}, 180_000);

afterAll(() => closeAll(pe?.env, contexts, [node]));

async function serverAmount(year: string): Promise<string | undefined> {
  const r = await pe.admin.request<{ lines: { title: string; amounts: Record<string, string> }[] }>('GET', `/api/packages/${pe.packageId}`);
  return r.body.lines.find((l) => l.title === TITLE)?.amounts[year];
}

describe('lock and seal in the app', () => {
  it('the owner locks with a reason while an editor has the package open; the editor is locked out at once; unlock gives the grid back', async () => {
    const owner: Person = { email: ADMIN_EMAIL, name: 'Sekretariatet', api: pe.admin };
    const [ownerCtx, svCtx] = await Promise.all([contextFor(pe.env, owner), contextFor(pe.env, sv)]);
    contexts.push(ownerCtx, svCtx);
    const [op, sp] = await Promise.all([ownerCtx.newPage(), svCtx.newPage()]);
    await Promise.all([openPackage(op, pe.env, pe.packageId), openPackage(sp, pe.env, pe.packageId)]);
    await cellOf(sp, TITLE, '2026').waitFor();

    // Nothing is signed: the lock is refused and says what is open.
    await op.getByRole('button', { name: 'Enighet', exact: true }).click();
    await op.getByRole('button', { name: 'Lås og forsegle' }).click();
    const refusal = op.locator('.lock-refusal');
    await expect.poll(() => refusal.textContent()).toContain(TITLE);
    await refusal.getByLabel('Lås likevel, med begrunnelse').fill('Vedtatt i gruppemøtet');
    await refusal.getByRole('button', { name: 'Lås likevel' }).click();
    await expect.poll(() => op.getByRole('status').filter({ hasText: 'Pakken er låst og forseglet.' }).count()).toBe(1);
    await expect.poll(() => op.locator('.seal-card code.checksum').textContent()).toMatch(/^[0-9a-f]{64}$/);

    // The editor's tab is told at once: the banner shows, and the grid takes no edit.
    await sp.getByTestId('lock-banner').waitFor({ timeout: 10_000 });
    const banner = await sp.getByTestId('lock-banner').textContent();
    expect(banner).toContain('Vedtatt i gruppemøtet');
    // Who locked, by name (an editor may not list the members; the lock carries the name).
    expect(banner).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    await cellOf(sp, TITLE, '2026').dblclick();
    await sp.keyboard.type('9');
    await sp.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 500));
    expect(await serverAmount('2026')).toBe('4');
    expect(await cellOf(sp, TITLE, '2026').textContent()).toContain('4');
    await sp.screenshot({ path: screenshotPath('agreement-locked') });

    // The owner unlocks with a reason; the editor's tab is writable again and an edit lands.
    await op.getByLabel('Begrunnelse').fill('Nytt tall fra rådmannen');
    await op.getByRole('button', { name: 'Lås opp pakken' }).click();
    await expect.poll(() => op.getByRole('status').filter({ hasText: 'Pakken er låst opp.' }).count()).toBe(1);
    await expect.poll(() => sp.getByTestId('lock-banner').count(), { timeout: 10_000 }).toBe(0);
    await cellOf(sp, TITLE, '2026').dblclick();
    await sp.keyboard.press('Control+A');
    await sp.keyboard.type('5');
    await sp.keyboard.press('Enter');
    await expect.poll(() => serverAmount('2026'), { timeout: 10_000 }).toBe('5');
    const log = await pe.admin.request<{ log: { action: string; reason?: string }[] }>('GET', `/api/packages/${pe.packageId}/lock`);
    expect(log.body.log.map((e) => [e.action, e.reason])).toEqual([
      ['lock', 'Vedtatt i gruppemøtet'],
      ['unlock', 'Nytt tall fra rådmannen'],
    ]);
  }, 120_000);
});
