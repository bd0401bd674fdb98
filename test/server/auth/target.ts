/**
 * The real collaboration server with the accounts module installed, on port 0, over
 * a fresh SQLite file: what the attack table runs against. Also the helpers that make
 * real `y-websocket` providers in Node send the Cookie and Origin a browser would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { ClientRequestArgs } from 'node:http';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { startServer, type RunningServer } from '../../../server/server';
import { SqliteStorage } from '../../../server/storage/sqlite';
import { installAccounts, type Accounts } from '../../../server/auth/install';
import type { AuthStore } from '../../../server/auth/store';
import type { Client } from './harness';
import { observeProvider, upgradeStatusAt, waitFor } from '../serverHarness';

export interface Target {
  origin: string;
  store: AuthStore;
  accounts: Accounts;
  server: RunningServer;
  storage: SqliteStorage;
  /** POST /api/packages as `owner` (an admin); returns the id. */
  createPackage(owner: Client, title: string): Promise<string>;
  close(): Promise<void>;
}

const quietLog = { info: () => {}, warn: () => {}, error: () => {} };

export async function startTarget(
  opts: { sessionTtlMs?: number; publicOrigin?: string; env?: NodeJS.ProcessEnv; sessionSweepIntervalMs?: number } = {},
): Promise<Target> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-target-'));
  const storage = new SqliteStorage(path.join(dir, 'db.sqlite'));
  // The registry is created by startServer, after the routes that need it.
  const ref: { server?: RunningServer } = {};
  const accounts = installAccounts({
    db: storage.db,
    storage,
    rooms: () => ref.server?.rooms,
    publicOrigin: opts.publicOrigin,
    env: { ...(opts.sessionTtlMs ? { SESSION_TTL_MS: String(opts.sessionTtlMs) } : {}), ...opts.env },
    ...(opts.sessionSweepIntervalMs ? { sessionSweepIntervalMs: opts.sessionSweepIntervalMs } : {}),
  });
  const running = await startServer({
    port: 0,
    auth: accounts.auth,
    storage,
    routes: [accounts.routes],
    publicOrigin: opts.publicOrigin,
    trustProxy: accounts.config.trustProxy,
    log: quietLog,
  });
  ref.server = running;
  return {
    origin: running.url,
    store: accounts.store,
    accounts,
    server: running,
    storage,
    async createPackage(owner, title) {
      const res = await owner.post('/api/packages', {
        title,
        years: ['2026', '2027', '2028', '2029'],
        planYears: ['2026', '2027', '2028', '2029'],
        parties: [
          { id: 'AP', name: 'Arbeiderpartiet' },
          { id: 'SV', name: 'Sosialistisk Venstreparti' },
          { id: 'SP', name: 'Senterpartiet' },
        ],
      });
      if (res.status !== 201) throw new Error(`create package: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    },
    async close() {
      await running.close();
      accounts.close();
      storage.db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Protected package routes of the collaboration server besides the accounts routes (method, path). */
export function extraProtectedRoutes(pkg: string): Array<[string, string]> {
  return [
    ['GET', `/api/packages/${pkg}/balance`],
    ['GET', `/api/packages/${pkg}/export?format=csv`],
    ['GET', `/api/packages/${pkg}/audit`],
    ['POST', `/api/packages/${pkg}/import`],
  ];
}

/** A `ws` WebSocket class that sends the given Cookie and Origin on the upgrade, as a browser would. */
export function webSocketWith(headers: { cookie?: string | undefined; origin?: string | undefined }): typeof WebSocket {
  const extra: Record<string, string> = {};
  if (headers.cookie) extra.cookie = headers.cookie;
  if (headers.origin) extra.origin = headers.origin;
  return class extends WebSocket {
    constructor(address: string | URL | null, protocols?: string | string[], options?: WebSocket.ClientOptions | ClientRequestArgs) {
      const given = (options?.headers ?? {}) as Record<string, string>;
      super(address as string | URL, protocols, { ...options, headers: { ...given, ...extra } });
    }
  } as typeof WebSocket;
}

/** A real y-websocket provider for `room` (`<id>` or `<id>/comments`) with cookie and Origin. */
export interface TestProvider {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Notices (our MESSAGE_NOTICE extension) received so far. */
  notices: Array<{ kind: string; message: string }>;
  /** Close events of the underlying sockets. */
  closes: Array<{ code: number; reason: string }>;
  destroy(): void;
}

export function connectProvider(
  origin: string,
  room: string,
  headers: { cookie?: string | undefined; origin?: string | undefined },
  doc = new Y.Doc(),
): TestProvider {
  const provider = new WebsocketProvider(origin.replace(/^http/, 'ws') + '/ws', room, doc, {
    WebSocketPolyfill: webSocketWith(headers) as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    maxBackoffTime: 200,
  });
  return observeProvider(doc, provider);
}

/** Resolves when `provider` has synced with the server, or rejects after `timeoutMs`. */
export function synced(p: TestProvider, timeoutMs = 5000): Promise<void> {
  if (p.provider.synced) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('provider did not sync')), timeoutMs);
    p.provider.once('sync', (isSynced: boolean) => {
      if (isSynced) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

/** Waits until `check()` is true (polling), or throws after `timeoutMs`: the harness's `waitFor` with a shorter default. */
export function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  return waitFor(check, timeoutMs, what);
}

/** The HTTP status of a websocket upgrade to room `room` on the server at `origin` (101 when accepted). */
export function upgradeStatus(origin: string, room: string, headers: { cookie?: string | undefined; origin?: string | undefined }): Promise<number> {
  return upgradeStatusAt(origin.replace(/^http/, 'ws') + '/ws/' + room, headers);
}
