/**
 * How the app reaches the browser, in real Chromium against the real server
 * and the built client, through a counting proxy (test/helpers/wireProxy.ts)
 * that sees what really crosses the line: the log-in page and the package list
 * load neither the workspace nor the editors nor the import/export code; a
 * second visit fetches no script again; Chromium's websockets negotiate
 * per-message compression; and the balance worker downloads nothing itself —
 * one content websocket per tab — while one SharedWorker serves two tabs and
 * keeps the balance right after the tab that fed it first has closed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createLineInDoc, getLinesMap, setLineAmount } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import { startWireProxy, type WireProxy } from '../helpers/wireProxy';
import { ADMIN_EMAIL, ApiClient, ADMIN_PASSWORD, buildClientOnce, contextFor, createPackage, startEnv, flagOf, type Person, type TestEnv } from './harness';

let env: TestEnv;
let proxy: WireProxy;
let base: string;
let admin: ApiClient;
let adminPerson: Person;
let packageId: string;
/** The scripts the app shell itself names (the entry chunk and anything it preloads). */
let shellScripts: string[];

/** Paths of the scripts a page requested (`/assets/…js`), in order. */
function recordScripts(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const p = new URL(r.url()).pathname;
    if (/^\/assets\/.*\.js$/.test(p)) seen.push(p);
  });
  return seen;
}

async function openVia(page: Page, id: string): Promise<void> {
  await page.goto(`${base}/packages/${id}`);
  await page.locator('[data-testid="connection-status"][data-state="synced"]').waitFor({ timeout: 15_000 });
  await page.locator('.balance-bar .flag').first().waitFor({ timeout: 15_000 });
}

/** Connections to the package's content document on the server. */
function contentConnections(id: string): number {
  return env.server.rooms
    .list()
    .filter((r) => r.packageId === id && r.kind === 'content')
    .reduce((n, r) => n + r.connectionCount, 0);
}

beforeAll(async () => {
  env = await startEnv();
  proxy = await startWireProxy(env.server.port);
  base = `http://127.0.0.1:${proxy.port}`;
  admin = new ApiClient(env.url);
  await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  adminPerson = { email: ADMIN_EMAIL, name: 'Sekretariatet', api: admin };
  packageId = await createPackage(admin, 'Budsjettforslag 2025 — levering');
  await env.server.rooms.withRoom(packageId, 'content', (room) =>
    room.transact((doc) => {
      createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Flere lærere', amounts: { '2025': '10' } });
      createLineInDoc(doc, { ledger: 'drift', group: 'inndekning', title: 'Mindre konsulentbruk', amounts: { '2025': '-10' } });
    }, 'test'),
  );
  const shell = fs.readFileSync(path.join(buildClientOnce(), 'index.html'), 'utf8');
  shellScripts = [...shell.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
});

afterAll(async () => {
  await proxy?.close();
  await env?.close();
});

describe('delivery', () => {
  it('the log-in page and the package list load only the app shell’s own scripts; the package chunks come with the package, the import/export chunk with its tab', async () => {
    expect(shellScripts.length).toBeGreaterThan(0);
    const anon = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const login = await anon.newPage();
    const loginScripts = recordScripts(login);
    await login.goto(`${base}/login`);
    await login.getByRole('button', { name: 'Logg inn' }).waitFor();
    expect(loginScripts).toEqual(shellScripts);
    await anon.close();

    const ctx = await contextFor(env, adminPerson);
    const page = await ctx.newPage();
    const scripts = recordScripts(page);
    await page.goto(`${base}/`);
    await page.locator('tr', { hasText: 'Budsjettforslag 2025 — levering' }).waitFor();
    expect(scripts).toEqual(shellScripts);

    await page.getByRole('link', { name: 'Budsjettforslag 2025 — levering' }).click();
    await page.locator('.balance-bar .flag').first().waitFor();
    const withPackage = scripts.slice(shellScripts.length);
    expect(withPackage.some((s) => /\/PackageView-/.test(s))).toBe(true);
    // The import/export code comes with its tab only.
    expect(withPackage.filter((s) => /ImportExportPanel/.test(s))).toEqual([]);
    // The editors (Lexical) follow the package view in the background, so a line opened offline later still has them.
    const packageViewAt = scripts.findIndex((s) => /\/PackageView-/.test(s));
    await expect.poll(() => scripts.findIndex((s) => /CommentableText/.test(s))).toBeGreaterThan(packageViewAt);
    await page.getByRole('button', { name: 'Import og eksport' }).click();
    await page.getByRole('heading', { name: 'Eksporter', exact: true }).waitFor();
    expect(scripts.some((s) => /\/ImportExportPanel-/.test(s))).toBe(true);
    await ctx.close();
  });

  it('a second visit fetches no script: hashed assets come from the cache, only the shell is revalidated', async () => {
    const ctx = await contextFor(env, adminPerson);
    const first = await ctx.newPage();
    await openVia(first, packageId);
    await first.close();
    proxy.reset();
    const second = await ctx.newPage();
    await openVia(second, packageId);
    expect(proxy.requests.filter((r) => r.startsWith('GET /assets/'))).toEqual([]);
    expect(proxy.requests).toContain(`GET /packages/${packageId}`);
    await ctx.close();
  });

  it('Chromium’s websockets negotiate per-message compression', async () => {
    const ctx = await contextFor(env, adminPerson);
    const page = await ctx.newPage();
    const cdp = await ctx.newCDPSession(page);
    const extensions: Array<{ url: string; ext: string }> = [];
    const urls = new Map<string, string>();
    cdp.on('Network.webSocketCreated', (e) => urls.set(e.requestId, e.url));
    cdp.on('Network.webSocketHandshakeResponseReceived', (e) => {
      const ext = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'sec-websocket-extensions')?.[1] ?? '';
      extensions.push({ url: new URL(urls.get(e.requestId) ?? 'ws://x/').pathname, ext });
    });
    await cdp.send('Network.enable');
    await openVia(page, packageId);
    await expect.poll(() => extensions.length).toBe(2);
    for (const e of extensions) expect(e.ext, e.url).toMatch(/^permessage-deflate/);
    expect(extensions.map((e) => e.url).sort()).toEqual([`/ws/${packageId}`, `/ws/${packageId}/comments`]);
    await ctx.close();
  });

  it('the balance worker opens no websocket; one worker serves two tabs and keeps the balance right after the first tab closes', async () => {
    // A package of its own, so no socket of an earlier test is still being closed.
    const twoTabs = await createPackage(admin, 'Budsjettforslag 2025 — to faner');
    await env.server.rooms.withRoom(twoTabs, 'content', (room) =>
      room.transact((doc) => {
        createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Flere lærere', amounts: { '2025': '10' } });
        createLineInDoc(doc, { ledger: 'drift', group: 'inndekning', title: 'Mindre konsulentbruk', amounts: { '2025': '-10' } });
      }, 'test'),
    );
    const ctx = await contextFor(env, adminPerson);
    const tab1 = await ctx.newPage();
    await openVia(tab1, twoTabs);
    // One content websocket per tab: the worker is fed by the tab, not by a socket of its own.
    await expect.poll(() => contentConnections(twoTabs), { timeout: 10_000 }).toBe(1);
    const tab2 = await ctx.newPage();
    await openVia(tab2, twoTabs);
    await expect.poll(() => contentConnections(twoTabs), { timeout: 10_000 }).toBe(2);
    // One balance SharedWorker in this browser profile for both tabs.
    const pageCdp = await ctx.newCDPSession(tab2);
    const { targetInfo } = (await pageCdp.send('Target.getTargetInfo')) as { targetInfo: { browserContextId: string } };
    await pageCdp.detach();
    const browserCdp = await env.browser.newBrowserCDPSession();
    const { targetInfos } = (await browserCdp.send('Target.getTargets')) as { targetInfos: Array<{ type: string; url: string; browserContextId: string }> };
    await browserCdp.detach();
    const workers = targetInfos.filter((t) => t.type === 'shared_worker' && t.browserContextId === targetInfo.browserContextId);
    expect(workers.map((w) => new URL(w.url).pathname)).toEqual([expect.stringMatching(/^\/assets\/balance\.worker-/)]);

    await tab1.close({ runBeforeUnload: true });
    await expect.poll(() => contentConnections(twoTabs), { timeout: 10_000 }).toBe(1);
    // Someone else changes an amount (through the server): the remaining tab's balance follows.
    await env.server.rooms.withRoom(twoTabs, 'content', (room) =>
      room.transact((doc) => {
        const id = [...getLinesMap(doc).entries()].find(([, m]) => readTitle(m) === 'Flere lærere')![0];
        setLineAmount(doc, id, '2025', '12,5');
      }, 'test'),
    );
    await expect.poll(() => flagOf(tab2, 'drift', '2025').textContent()).toContain('2025: +2,50');
    // And its own edit too.
    await tab2.locator('[data-line-title="Mindre konsulentbruk"][data-col="2025"]').click();
    await tab2.keyboard.press('Enter');
    await tab2.keyboard.press('Control+a');
    await tab2.keyboard.type('-12,5');
    await tab2.keyboard.press('Enter');
    await expect.poll(() => flagOf(tab2, 'drift', '2025').getAttribute('data-state')).toBe('ok');
    await ctx.close();
  });
});
