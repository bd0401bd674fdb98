/**
 * E2E harness for the text tests: the real server (SQLite in a temp dir, the
 * real accounts module) serving a fresh build of the app, users with real
 * sessions, and Debian's Chromium through playwright-core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { installAccounts, type Accounts } from '../../../server/auth/install';
import { startServer, type RunningServer } from '../../../server/server';
import { SqliteStorage } from '../../../server/storage/sqlite';
import type { StorageRetryPolicy } from '../../../server/sync';
import type { Role } from '../../../shared/protocol';
import { HttpOrigin } from '../../../server/packages/origin';
import { createLineInDoc, createVerbalInDoc, type LineInput } from '../../../shared/doc/schema';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const quiet = { info() {}, warn() {}, error: (...a: unknown[]) => console.error(...a) };

export interface E2EServer {
  server: RunningServer;
  accounts: Accounts;
  url: string;
  dir: string;
  close(): Promise<void>;
}

/** Builds the client into a temp dir (never touching dist/), once per process. */
let builtDir: string | null = null;
export function buildClient(): string {
  if (builtDir) return builtDir;
  // A prebuilt client (e.g. `npm run build` in CI) can be given instead.
  if (process.env.E2E_CLIENT_DIR) return (builtDir = process.env.E2E_CLIENT_DIR);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-text-client-'));
  execFileSync('npx', ['vite', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { stdio: 'inherit' });
  process.once('exit', () => fs.rmSync(out, { recursive: true, force: true }));
  builtDir = out;
  return out;
}

/** `storage` makes the SQLite storage of a file (a test's fault-injecting one); `storageRetry` as on a server with `DATABASE_URL`. */
export interface E2EServerOptions {
  storage?: (file: string) => SqliteStorage;
  storageRetry?: StorageRetryPolicy;
}

export async function startE2EServer(opts: E2EServerOptions = {}): Promise<E2EServer> {
  const clientDir = buildClient();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-text-data-'));
  const file = path.join(dir, 'e2e.sqlite');
  const storage = opts.storage ? opts.storage(file) : new SqliteStorage(file);
  let server: RunningServer | null = null;
  const accounts = installAccounts({ db: storage.db, storage, rooms: () => server?.rooms, publicOrigin: undefined, env: {} });
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    auth: accounts.auth,
    storage,
    routes: [accounts.routes],
    publicOrigin: undefined,
    clientDir,
    log: quiet,
    ...(opts.storageRetry ? { storageRetry: opts.storageRetry } : {}),
  });
  const running = server;
  return {
    server: running,
    accounts,
    url: running.url,
    dir,
    async close() {
      await running.close();
      accounts.close();
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface E2EUser {
  id: string;
  name: string;
  token: string;
}

/** An active account with a live session (its token is the `session` cookie). */
export async function addUser(e: E2EServer, name: string, isAdmin = false): Promise<E2EUser> {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@e2e.test`;
  // An account without a password is a pending invitation, not active.
  const user = await e.accounts.store.createUser({ email, name, isAdmin, password: 'e2e-passord-som-er-langt' });
  const { token } = await e.accounts.store.createSession(user.id);
  return { id: user.id, name, token };
}

/** Creates a package through the HTTP API as `owner` (an admin); returns its id. */
export async function createPackage(e: E2EServer, owner: E2EUser, body: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${e.url}/api/packages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `session=${owner.token}`, origin: e.url },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`create package: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

export async function addMember(e: E2EServer, packageId: string, user: E2EUser, role: Role, party: string | null): Promise<void> {
  await e.accounts.store.addMembership(packageId, user.id, role, party);
}

/** Adds a line (with its rationale) on the server, as an import would. */
export async function seedLine(e: E2EServer, packageId: string, input: LineInput): Promise<string> {
  const origin = new HttpOrigin('e2e');
  return e.server.rooms.withRoom(packageId, 'content', (room) => room.transact((doc) => createLineInDoc(doc, input, origin), origin));
}

/** Adds a verbal instruction (with its text) on the server, as an import would. */
export async function seedVerbal(e: E2EServer, packageId: string, input: Parameters<typeof createVerbalInDoc>[1]): Promise<string> {
  const origin = new HttpOrigin('e2e');
  return e.server.rooms.withRoom(packageId, 'content', (room) => room.transact((doc) => createVerbalInDoc(doc, input, origin), origin));
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A browser context logged in as `user` (session cookie set), 1280×800. */
export async function contextAs(browser: Browser, e: E2EServer, user: E2EUser): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'nb-NO' });
  await ctx.addCookies([{ name: 'session', value: user.token, url: e.url }]);
  return ctx;
}

/** Collects page errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(String(err)));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  return errors;
}
