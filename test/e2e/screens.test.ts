/**
 * The screens around the grid, in real Chromium against the real server and
 * built client: log-in with a deep link back to the package, the package list,
 * creating a package, members and an invitation accepted in the browser,
 * sections with verbal instructions, the baseline with frames before → after,
 * CSV import errors, export links and the English toggle. Screenshots go to
 * docs/screenshots/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import type { ApiClient} from './harness';
import { ADMIN_EMAIL, USER_PASSWORD, contextFor, openPackage, screenshotPath, seriousAxeViolations, startPackageEnv, cellOf, type Person, type TestEnv } from './harness';

let env: TestEnv;
let admin: ApiClient;
let packageId: string;
let kari: Person;

beforeAll(async () => {
  ({ env, admin, packageId, kari } = await startPackageEnv('Budsjettforslag 2025 — rødgrønne partier'));
});

afterAll(async () => {
  await env?.close();
});

const cell = cellOf;

describe('screens', () => {
  it('a package address opens the package right after log-in', async () => {
    const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    await page.goto(`${env.url}/packages/${packageId}`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('E-post').fill(kari.email);
    await page.getByLabel('Passord', { exact: true }).fill('feil-passord-123');
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Feil e-post eller passord.');
    await page.getByLabel('Passord', { exact: true }).fill(USER_PASSWORD);
    await page.screenshot({ path: screenshotPath('login') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Logg inn' }).click();
    await page.waitForURL(`${env.url}/packages/${packageId}`);
    await page.locator('[data-testid="connection-status"][data-state="synced"]').waitFor();
    expect(await page.locator('h1.pkg-title').textContent()).toBe('Budsjettforslag 2025 — rødgrønne partier');
    await ctx.close();
  });

  it('lists my packages with role, party and balance; an admin creates a package', async () => {
    const adminPerson: Person = { email: ADMIN_EMAIL, name: 'Sekretariatet', api: admin };
    const ctx = await contextFor(env, adminPerson);
    const page = await ctx.newPage();
    await page.goto(env.url + '/');
    const row = page.locator('tr', { hasText: 'Budsjettforslag 2025 — rødgrønne partier' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Eier');
    await expect.poll(() => row.locator('.pill').textContent()).toContain('I balanse');
    await page.getByLabel('Tittel').fill('Revidert budsjett 2026');
    await page.screenshot({ path: screenshotPath('package-list'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Opprett pakke' }).click();
    await page.waitForURL(/\/packages\/[A-Za-z0-9_-]+$/);
    await page.locator('[data-testid="connection-status"][data-state="synced"]').waitFor();
    expect(await page.locator('h1.pkg-title').textContent()).toBe('Revidert budsjett 2026');
    await ctx.close();
  });

  it('an owner invites a member; the invitee sets a password in the browser and lands in the package', async () => {
    const adminPerson: Person = { email: ADMIN_EMAIL, name: 'Sekretariatet', api: admin };
    const ctx = await contextFor(env, adminPerson);
    const page = await ctx.newPage();
    await page.goto(`${env.url}/packages/${packageId}/members`);
    await page.getByRole('heading', { name: 'Medlemmer og invitasjoner' }).waitFor();
    const form = page.locator('form').first();
    await form.getByLabel('E-post').fill('per@sv.test');
    await form.getByLabel('Navn').fill('Per Olsen');
    await form.getByLabel('Rolle').selectOption('commenter');
    await form.getByLabel('Parti').selectOption('SV');
    await form.getByRole('button', { name: 'Inviter' }).click();
    const link = page.locator('.invite-link input');
    await link.waitFor();
    const url = await link.inputValue();
    expect(url).toMatch(/\/invite#[A-Za-z0-9_-]{43}$/);
    await expect.poll(() => page.locator('tr', { hasText: 'per@sv.test' }).textContent()).toContain('Invitert');
    await page.screenshot({ path: screenshotPath('members'), fullPage: true });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await ctx.close();

    const ctx2 = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx2.setDefaultTimeout(10_000);
    const p2 = await ctx2.newPage();
    await p2.goto(url.replace(/^https?:\/\/[^/]+/, env.url));
    await p2.getByLabel('Passord', { exact: true }).fill('per-sitt-passord-1');
    await p2.getByRole('button', { name: 'Aktiver og logg inn' }).click();
    await p2.waitForURL(`${env.url}/packages/${packageId}`);
    await p2.locator('[data-testid="connection-status"][data-state="synced"]').waitFor();
    // A commenter (group leader) sees the package read-only.
    expect(await p2.locator('.pill-muted').textContent()).toBe('Gruppeleder (kommentar)');
    await ctx2.close();
  });

  it('sections with introduction, lines and verbal instructions; the baseline shows frames before → after', async () => {
    const ctx = await contextFor(env, kari);
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('[pageerror]', e.message));
    await openPackage(page, env, packageId);
    await page.getByRole('button', { name: 'Seksjoner' }).click();
    await page.getByRole('button', { name: '+ Ny seksjon' }).click();
    const title = page.getByLabel('Seksjonstittel').first();
    await title.fill('Oppvekst og utdanning');
    await page.locator('.doc-section').first().getByRole('button', { name: /Ny linje i Drift, Tiltak/ }).click();
    await page.waitForFunction(() => (document.activeElement as HTMLElement | null)?.dataset.col === 'title');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Gratis skolemat');
    await page.keyboard.press('Tab');
    await page.keyboard.type('12,5');
    await page.keyboard.press('Tab');
    await page.keyboard.type('13');
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(page, 'Gratis skolemat', '2026').textContent()).toBe('13');
    await page.getByRole('button', { name: '+ Ny verbal føring' }).click();
    await page.getByLabel('Tittel på føring').fill('Kommunedirektøren bes utrede skolemat i alle skoler');
    await page.waitForTimeout(300);

    // Baseline: paste the chief executive's frames and link the line to "Skole".
    await page.getByRole('button', { name: 'Rammer' }).click();
    await page.getByLabel(/Lim inn CSV/).fill(fs.readFileSync('test/fixtures/baseline-drift-2022-2025.csv', 'utf8'));
    await page.getByRole('button', { name: 'Importer rammer' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'tjenesteområder' }).textContent()).toContain('Importerte 23 tjenesteområder');
    await page.getByRole('button', { name: 'Tabeller' }).click();
    await cell(page, 'Gratis skolemat', '2025').click();
    await page.locator('aside.details').getByLabel('Tjenesteområde').selectOption('Skole');
    const frames = page.locator('aside.details table.frames');
    await expect.poll(() => frames.locator('tr', { hasText: '2025' }).textContent()).toMatch(/2\u00a0001.*→.*2\u00a0013,5/);
    await page.screenshot({ path: screenshotPath('line-details-baseline') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Rammer' }).click();
    await expect.poll(() => page.locator('tr', { hasText: 'Skole' }).first().textContent()).toContain('2\u00a0013,5');
    await page.getByRole('button', { name: 'Seksjoner' }).click();
    await page.locator('.doc-section').first().waitFor();
    await page.locator('.doc-section').first().scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: screenshotPath('sections') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await ctx.close();
  });

  it('import errors name row, column and value; export links download', async () => {
    const ctx = await contextFor(env, kari);
    const page = await ctx.newPage();
    await openPackage(page, env, packageId);
    await page.getByRole('button', { name: 'Import og eksport' }).click();
    // Choosing a file shows the server's verdict at once (a preview, or the error).
    await page.getByLabel('Fil (.csv eller .xlsx)').setInputFiles({ name: 'feil.csv', mimeType: 'text/csv', buffer: Buffer.from('seksjon;type;gruppe;tittel;2025\nOppvekst;drift;tiltak;Flere lærere;tolv\n') });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/Importen ble avvist.*Forstår ikke «tolv».*Rad2Kolonne2025Verditolv/);
    await page.screenshot({ path: screenshotPath('import-error') });
    expect(await seriousAxeViolations(page)).toEqual([]);
    const good = ['seksjon;type;gruppe;tittel;2025;2026', 'Helse og eldre;drift;tiltak;Flere sykehjemsplasser;4,5;9', 'Inndekning;drift;inndekning;Redusert konsulentbruk;−4,5;−9', ''].join('\n');
    await page.getByLabel('Fil (.csv eller .xlsx)').setInputFiles({ name: 'ok.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await page.getByRole('button', { name: 'Importer 2 linjer' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Importerte' }).textContent()).toContain('Importerte 2 linjer');
    // The same package on a 1920 screen, with the imported lines.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByRole('button', { name: 'Tabeller' }).click();
    await cell(page, 'Flere sykehjemsplasser', '2026').waitFor();
    await page.screenshot({ path: screenshotPath('package-1920') });
    await page.getByRole('button', { name: 'Import og eksport' }).click();
    // Agreed items only by default; "everything" takes the draft lines too, with their status.
    expect(await page.getByRole('radio', { name: /Bare det partiene er enige om/ }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: /Alt, med status/ }).check();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV', exact: true }).click()]);
    const file = await download.path();
    expect(fs.readFileSync(file!, 'utf8')).toContain('Gratis skolemat');
    await ctx.close();
  });

  it('falls back to a dedicated worker where SharedWorker does not exist', async () => {
    const ctx = await contextFor(env, kari);
    await ctx.addInitScript(() => {
      // As in browsers without SharedWorker (e.g. Chrome on Android).
      delete (window as unknown as { SharedWorker?: unknown }).SharedWorker;
    });
    const page = await ctx.newPage();
    await openPackage(page, env, packageId);
    expect(await page.evaluate(() => typeof (window as unknown as { SharedWorker?: unknown }).SharedWorker)).toBe('undefined');
    const flag = page.locator('.balance-row[data-ledger="drift"] .flag[data-year="2027"]');
    expect(await flag.getAttribute('data-state')).toBe('ok');
    await cell(page, 'Gratis skolemat', '2027').click();
    await page.keyboard.type('2,25');
    await page.keyboard.press('Enter');
    await expect.poll(() => flag.textContent()).toContain('2027: +2,25');
    await ctx.close();
  });

  it('switches to English and back', async () => {
    const ctx = await contextFor(env, kari);
    const page = await ctx.newPage();
    await openPackage(page, env, packageId);
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('button', { name: 'Tables' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Bytt til norsk' }).click();
    await page.getByRole('button', { name: 'Tabeller' }).waitFor();
    await ctx.close();
  });

  it('an owner changes the years in the settings; the grid and the balance follow at once', async () => {
    const ctxOwner = await contextFor(env, { email: ADMIN_EMAIL, name: 'Sekretariatet', api: admin });
    const owner = await ctxOwner.newPage();
    await openPackage(owner, env, packageId);
    const ctxK = await contextFor(env, kari);
    const other = await ctxK.newPage();
    await openPackage(other, env, packageId);
    // A negotiator sees the settings for the decision, but cannot change the package's years.
    await other.getByRole('button', { name: 'Innstillinger' }).click();
    const otherForm = other.locator('form', { has: other.getByRole('heading', { name: 'Innstillinger' }) });
    expect(await otherForm.locator('fieldset', { hasText: 'År (fra–til)' }).getByLabel('Til år').isDisabled()).toBe(true);
    await other.getByRole('button', { name: 'Tabeller' }).click();
    await owner.getByRole('button', { name: 'Innstillinger' }).click();
    const form = owner.locator('form', { has: owner.getByRole('heading', { name: 'Innstillinger' }) });
    await form.locator('fieldset', { hasText: 'År (fra–til)' }).getByLabel('Til år').fill('2029');
    await form.locator('fieldset', { hasText: 'Planperiode' }).getByLabel('Til år').fill('2029');
    await form.getByRole('button', { name: 'Lagre' }).click();
    await expect.poll(() => owner.getByRole('status').filter({ hasText: 'Lagret' }).count()).toBe(1);
    await other.locator('.balance-row[data-ledger="drift"] .flag[data-year="2029"]').waitFor();
    await other.locator('[data-line-title="Gratis skolemat"][data-col="2029"]').waitFor();
    await owner.screenshot({ path: screenshotPath('settings') });
    expect(await seriousAxeViolations(owner)).toEqual([]);
    await ctxOwner.close();
    await ctxK.close();
  });

  it('a role change applies at once: a negotiator made viewer loses the pen without reloading', async () => {
    const ctx = await contextFor(env, kari);
    const page = await ctx.newPage();
    await openPackage(page, env, packageId);
    expect(await page.getByRole('grid').first().getAttribute('aria-readonly')).toBeNull();
    const members = await admin.request<{ members: Array<{ userId: string; email: string }> }>('GET', `/api/packages/${packageId}/members`);
    const userId = members.body.members.find((m) => m.email === kari.email)!.userId;
    const r = await admin.request('PATCH', `/api/packages/${packageId}/members/${userId}`, { role: 'viewer' });
    expect(r.status).toBe(200);
    await expect.poll(() => page.getByRole('grid').first().getAttribute('aria-readonly'), { timeout: 10_000 }).toBe('true');
    expect(await page.getByRole('button', { name: /Ny linje/ }).count()).toBe(0);
    await page.screenshot({ path: screenshotPath('role-changed-read-only') });
    await admin.request('PATCH', `/api/packages/${packageId}/members/${userId}`, { role: 'editor' });
    await expect.poll(() => page.getByRole('grid').first().getAttribute('aria-readonly'), { timeout: 10_000 }).toBeNull();
    await ctx.close();
  });
});
