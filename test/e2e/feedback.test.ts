/**
 * The small things a user trips on (issue 14, point 5), in real Chromium
 * against the real server and the built client: a group leader typing into a
 * cell is told why nothing happens; a used invitation link says so before any
 * form; the package list says "Ikke i balanse"; "+ Ny verbal føring" puts the
 * cursor in the new instruction's title, which says what to write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLineInDoc, createSectionInDoc, getLinesMap, getVerbalMap } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import { ADMIN_EMAIL, ApiClient, USER_PASSWORD, addMember, cellOf, contextFor, createPackage, openPackage, startPackageEnv, type Person, type TestEnv } from './harness';

let env: TestEnv;
let admin: ApiClient;
let packageId: string;
let kari: Person;
let gunn: Person;

beforeAll(async () => {
  ({ env, admin, packageId, kari } = await startPackageEnv('Budsjettforslag 2025 — småting'));
  gunn = await addMember(env.url, admin, packageId, 'gunn@ap.test', 'Gunn Gran', 'commenter', 'Ap');
  await env.server.rooms.withRoom(packageId, 'content', (room) =>
    room.transact((doc) => {
      const section = createSectionInDoc(doc, 'Oppvekst');
      createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Flere lærere', amounts: { '2025': '10' }, section });
      createLineInDoc(doc, { ledger: 'drift', group: 'inndekning', title: 'Mindre konsulentbruk', amounts: { '2025': '-10' }, section });
    }, 'test'),
  );
});

afterAll(async () => {
  await env?.close();
});

const amountOnServer = () =>
  env.server.rooms.withRoom(packageId, 'content', (room) => {
    const m = [...getLinesMap(room.doc).values()].find((l) => readTitle(l) === 'Flere lærere')!;
    return (m.get('amounts') as { get(y: string): unknown }).get('2025');
  });

describe('feedback', () => {
  it('a group leader typing into a cell is told «Du kan kommentere, ikke endre», and nothing changes', async () => {
    const before = await amountOnServer();
    const ctx = await contextFor(env, gunn);
    const page = await ctx.newPage();
    await openPackage(page, env, packageId);
    const cell = cellOf(page, 'Flere lærere', '2025');
    await cell.click();
    expect(await page.locator('.toast').count()).toBe(0);
    await page.keyboard.type('5');
    const toast = page.getByRole('status').filter({ has: page.locator('.toast') });
    await expect.poll(() => toast.textContent()).toBe('Du kan kommentere, ikke endre');
    expect(await page.locator('.cell-input').count()).toBe(0);
    expect(await cell.textContent()).toBe('10');
    // A double click and Delete say the same.
    await page.locator('.toast').waitFor({ state: 'detached', timeout: 6000 });
    await cellOf(page, 'Mindre konsulentbruk', '2025').dblclick();
    await expect.poll(() => page.locator('.toast').textContent()).toBe('Du kan kommentere, ikke endre');
    expect(await amountOnServer()).toEqual(before);
    await ctx.close();
  });

  it('an invitation link that was used says so at once, before any form', async () => {
    const r = await admin.request<{ token: string }>('POST', `/api/packages/${packageId}/members`, { email: 'per@sv.test', name: 'Per Olsen', role: 'viewer', party: 'SV' });
    expect(r.status).toBe(201);
    const accepted = await new ApiClient(env.url).request('POST', `/api/auth/invitations/${r.body.token}/accept`, { password: USER_PASSWORD });
    expect(accepted.status).toBe(200);
    const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    await page.goto(`${env.url}/invite#${r.body.token}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Invitasjonen er ugyldig, allerede brukt eller utløpt');
    expect(await page.getByLabel('Passord', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Aktiver og logg inn' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Gå til innlogging' }).count()).toBe(1);
    await ctx.close();
  });

  it('the package list says «Ikke i balanse» for a package whose drift does not balance', async () => {
    const unbalanced = await createPackage(admin, 'Budsjettforslag 2025 — ikke ferdig');
    await env.server.rooms.withRoom(unbalanced, 'content', (room) =>
      room.transact((doc) => {
        createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Gratis skolemat', amounts: { '2025': '12.5' } });
      }, 'test'),
    );
    const ctx = await contextFor(env, { email: ADMIN_EMAIL, name: 'Sekretariatet', api: admin });
    const page = await ctx.newPage();
    await page.goto(`${env.url}/`);
    const pill = page.locator('tr', { hasText: 'Budsjettforslag 2025 — ikke ferdig' }).locator('.pill');
    await expect.poll(() => pill.getAttribute('data-balance')).toBe('off');
    // The words a person reads (the sign before them is decoration, hidden from screen readers).
    const words = await pill.evaluate((el) =>
      [...el.childNodes]
        .filter((n) => !(n instanceof Element && n.getAttribute('aria-hidden') === 'true'))
        .map((n) => n.textContent)
        .join(''),
    );
    expect(words).toBe('Ikke i balanse');
    await ctx.close();
  });

  it('«+ Ny verbal føring» puts the cursor in the new title field, which has a placeholder', async () => {
    const ctx = await contextFor(env, kari);
    const page = await ctx.newPage();
    await openPackage(page, env, packageId);
    await page.getByRole('button', { name: 'Seksjoner' }).click();
    await page.getByRole('button', { name: '+ Ny verbal føring' }).click();
    await expect.poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.getAttribute('aria-label'))).toBe('Tittel på føring');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement;
      return { value: el.value, placeholder: el.placeholder };
    });
    expect(focused.value).toBe('');
    expect(focused.placeholder.length).toBeGreaterThan(5);
    await page.keyboard.type('Leksehjelp i alle skoler');
    await expect
      .poll(() => env.server.rooms.withRoom(packageId, 'content', (room) => [...getVerbalMap(room.doc).values()].map((v) => readTitle(v))))
      .toContain('Leksehjelp i alle skoler');
    await ctx.close();
  });
});
