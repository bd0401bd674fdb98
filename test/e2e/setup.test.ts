/**
 * First start without a bootstrap admin: the printed one-time setup link opens
 * the setup page, creates the first administrator, who lands on an empty
 * package list with the create form; the link then works no more, and says so
 * before showing a form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, seriousAxeViolations, startEnv, type TestEnv } from './harness';

let env: TestEnv;

beforeAll(async () => {
  env = await startEnv({ bootstrapAdmin: false });
});

afterAll(async () => {
  await env?.close();
});

describe('first start', () => {
  it('the setup link creates the first administrator once', async () => {
    expect(env.setupUrl).toMatch(/\/setup#/);
    const ctx = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    await page.goto(env.setupUrl!);
    await page.getByLabel('Navn').fill('Sekretariatet');
    await page.getByLabel('E-post').fill('post@kommune.test');
    await page.getByLabel('Passord', { exact: true }).fill('et-langt-passord-1');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('setup') });
    await page.getByRole('button', { name: 'Opprett konto' }).click();
    await page.getByRole('heading', { name: 'Mine budsjettpakker' }).waitFor();
    expect(await page.getByText('Du er ikke medlem av noen pakke ennå.').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Opprett pakke' }).count()).toBe(1);
    await ctx.close();

    const again = await env.browser.newContext();
    const p2 = await again.newPage();
    await p2.goto(env.setupUrl!);
    // A used link says so at once, before any form is shown (the server refuses it too: test/server/auth).
    await expect.poll(() => p2.getByRole('alert').textContent()).toMatch(/ugyldig eller allerede brukt/);
    expect(await p2.getByLabel('Passord', { exact: true }).count()).toBe(0);
    expect(await p2.getByRole('button', { name: 'Opprett konto' }).count()).toBe(0);
    expect(await p2.getByRole('link', { name: 'Gå til innlogging' }).count()).toBe(1);
    await again.close();
  });
});
