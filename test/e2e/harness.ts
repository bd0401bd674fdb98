/**
 * Browser-test harness: the real server (HTTP API, websockets, accounts on
 * SQLite in a temp dir) started in-process on port 0 and serving the BUILT
 * client, plus Debian's Chromium through playwright-core. People are created
 * through the real API (bootstrap admin, invitations accepted with a password),
 * and browser contexts are logged in with the session cookie the server set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { installAccounts } from '../../server/auth/install';
import { startServer, type RunningServer } from '../../server/server';
import { SQLITE_FILENAME, SqliteStorage } from '../../server/storage/sqlite';
import type { Role } from '../../shared/protocol';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ADMIN_EMAIL = 'sekretariat@kommune.test';
export const ADMIN_PASSWORD = 'sekretariat-passord-1';
export const USER_PASSWORD = 'forhandler-passord-1';

/** The `npm run build` output; used as is when E2E_SKIP_BUILD=1. */
export const CLIENT_DIR = path.resolve('dist/client');

let builtDir: string | null = null;
/**
 * Builds the client once per test process (vite, a few seconds) into a temp
 * directory, so tests run the current code and parallel test files never
 * empty each other's build. E2E_CLIENT_DIR points at a prebuilt client instead;
 * E2E_SKIP_BUILD=1 uses dist/client as it is.
 */
export function buildClientOnce(): string {
  if (process.env.E2E_CLIENT_DIR) return path.resolve(process.env.E2E_CLIENT_DIR);
  if (process.env.E2E_SKIP_BUILD === '1') return CLIENT_DIR;
  if (builtDir) return builtDir;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'budsjett-client-'));
  execSync(`npx vite build --outDir ${JSON.stringify(out)} --emptyOutDir --logLevel error`, { stdio: 'inherit' });
  builtDir = out;
  return out;
}

export interface TestEnv {
  server: RunningServer;
  url: string;
  browser: Browser;
  /** The printed one-time setup link, when started without a bootstrap admin. */
  setupUrl: string | null;
  close(): Promise<void>;
}

/**
 * Starts server and browser; `bootstrapAdmin: false` starts an empty install with a
 * setup link; `browserArgs` are added to Chromium's command line (the first-load
 * benchmark opens a debugging port).
 */
export async function startEnv(opts: { bootstrapAdmin?: boolean; browserArgs?: string[] } = {}): Promise<TestEnv> {
  const clientDir = buildClientOnce();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'budsjett-e2e-'));
  const storage = new SqliteStorage(path.join(dir, SQLITE_FILENAME));
  let server: RunningServer | null = null;
  const accounts = installAccounts({
    db: storage.db,
    storage,
    rooms: () => server?.rooms,
    publicOrigin: undefined,
    env: opts.bootstrapAdmin === false ? {} : { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  server = await startServer({
    port: 0,
    auth: accounts.auth,
    storage,
    routes: [accounts.routes],
    clientDir,
    log: { info: () => undefined, warn: () => undefined, error: (msg: string, ...rest: unknown[]) => console.error(msg, ...rest) },
  });
  const outcome = await accounts.bootstrap(server.url, () => undefined);
  const setupUrl = outcome.kind === 'setup-link' ? outcome.url : null;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--lang=nb-NO', ...(opts.browserArgs ?? [])] });
  const running = server;
  return {
    server: running,
    url: running.url,
    browser,
    setupUrl,
    async close() {
      await browser.close().catch(() => undefined);
      await running.close();
      accounts.close();
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A logged-in API client (Node fetch carrying the session cookie and our Origin). */
export class ApiClient {
  cookie = '';
  constructor(readonly url: string) {}

  async request<T>(method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { origin: this.url, accept: 'application/json' };
    if (this.cookie) headers.cookie = this.cookie;
    if (body !== undefined) headers['content-type'] = contentType;
    const res = await fetch(this.url + p, { method, headers, body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) });
    const set = res.headers.get('set-cookie');
    if (set) {
      const m = /session=([^;]*)/.exec(set);
      if (m) this.cookie = `session=${m[1]}`;
    }
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async login(email: string, password: string): Promise<void> {
    const r = await this.request('POST', '/api/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  }

  sessionToken(): string {
    return this.cookie.replace(/^session=/, '');
  }
}

export interface Person {
  email: string;
  name: string;
  api: ApiClient;
}

/** Creates a package as the admin (owner) and returns its id. */
export async function createPackage(admin: ApiClient, title = 'Budsjettforslag 2025 fra samarbeidspartiene'): Promise<string> {
  const r = await admin.request<{ id: string }>('POST', '/api/packages', {
    title,
    years: ['2025', '2026', '2027', '2028'],
    planYears: ['2025', '2026', '2027', '2028'],
    parties: [
      { id: 'Ap', name: 'Ap', color: '#c8102e' },
      { id: 'SV', name: 'SV', color: '#b5317c' },
      { id: 'Sp', name: 'Sp', color: '#14773d' },
    ],
  });
  if (r.status !== 201) throw new Error(`create package: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id;
}

/** Invites a person to a package and accepts the invitation with a password (real API). */
export async function addMember(url: string, owner: ApiClient, packageId: string, email: string, name: string, role: Role, party: string | null): Promise<Person> {
  const r = await owner.request<{ token: string | null }>('POST', `/api/packages/${packageId}/members`, { email, name, role, party });
  if (r.status !== 201) throw new Error(`invite ${email}: ${r.status} ${JSON.stringify(r.body)}`);
  const api = new ApiClient(url);
  if (r.body.token) {
    const a = await api.request('POST', `/api/auth/invitations/${r.body.token}/accept`, { password: USER_PASSWORD });
    if (a.status !== 200) throw new Error(`accept ${email}: ${a.status} ${JSON.stringify(a.body)}`);
  } else await api.login(email, USER_PASSWORD);
  return { email, name, api };
}

/** A browser context already logged in as `person` (the server's own session cookie). */
export async function contextFor(env: TestEnv, person: Person, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await env.browser.newContext({ viewport, locale: 'nb-NO' });
  const u = new URL(env.url);
  // Fail a stuck step with its own message instead of the test's timeout.
  context.setDefaultTimeout(10_000);
  await context.addCookies([{ name: 'session', value: person.api.sessionToken(), domain: u.hostname, path: '/', httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/** Opens a package and waits until the content is synced and the balance worker has reported. */
export async function openPackage(page: Page, env: TestEnv, packageId: string): Promise<void> {
  await page.goto(`${env.url}/packages/${packageId}`);
  await page.locator('[data-testid="connection-status"][data-state="synced"]').waitFor({ timeout: 15_000 });
  await page.locator('.balance-bar .flag').first().waitFor({ timeout: 15_000 });
}

/** The grid cell of a line (by title) and year. */
export const cellOf = (page: Page, title: string, year: string) => page.locator(`[data-line-title="${title}"][data-col="${year}"]`);

/** The balance flag of a ledger and year. */
export const flagOf = (page: Page, ledger: string, year: string) => page.locator(`.balance-row[data-ledger="${ledger}"] .flag[data-year="${year}"]`);

/** A started environment with a logged-in admin, one package it owns and one editor (Kari, Ap). */
export interface PackageEnv {
  env: TestEnv;
  admin: ApiClient;
  packageId: string;
  kari: Person;
}

/** Starts server and browser, logs the admin in, creates a package titled `title` and invites Kari as editor. */
export async function startPackageEnv(title: string): Promise<PackageEnv> {
  const env = await startEnv();
  const admin = new ApiClient(env.url);
  await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  const packageId = await createPackage(admin, title);
  const kari = await addMember(env.url, admin, packageId, 'kari@ap.test', 'Kari Nordmann', 'editor', 'Ap');
  return { env, admin, packageId, kari };
}

export function screenshotPath(name: string): string {
  return path.resolve('docs/screenshots', `${name}.png`);
}

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

let axeSource: string | null = null;
/**
 * Runs axe-core in the page (evaluated over the devtools protocol, so the app's
 * CSP stays on) and returns the serious and critical violations.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeFinding[]> {
  axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Closes what an e2e file opened: its Node-side providers, its browser contexts, then the environment. */
export async function closeAll(env: TestEnv | undefined, contexts: readonly BrowserContext[], providers: ReadonlyArray<{ destroy(): void } | undefined> = []): Promise<void> {
  for (const p of providers) p?.destroy();
  for (const c of contexts) await c.close();
  await env?.close();
}
