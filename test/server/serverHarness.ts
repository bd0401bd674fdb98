/**
 * Boots the real collaboration server on port 0 with the test AuthProvider and
 * gives tests real clients: fetch with a session cookie and the same-origin
 * `Origin` a browser would send, and `y-websocket` providers in Node over `ws`
 * with the cookie on the upgrade (as a browser sends it).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as decoding from 'lib0/decoding';
import { createTestAuth, type TestAuth } from './testAuth';
import { startServer, type RunningServer, type StartServerOptions } from '../../server/server';
import { MemoryStorage } from '../../server/storage/memory';
import { SqliteStorage } from '../../server/storage/sqlite';
import type { DocStorage } from '../../server/storage/types';
import type { Role } from '../../shared/protocol';
import { MESSAGE_NOTICE, type Notice } from '../../shared/protocol';
import type { RoomLogger } from '../../server/sync';

export const quietLog: RoomLogger = { info() {}, warn() {}, error() {} };

export const ADMIN = 'admin';

export interface TestServer {
  server: RunningServer;
  auth: TestAuth;
  storage: DocStorage;
  url: string;
  wsBase: string;
  /** fetch as `userId` (default the admin), JSON in and out. */
  http(method: string, urlPath: string, opts?: { user?: string | null; json?: unknown; body?: string; contentType?: string; origin?: string | null }): Promise<Response>;
  /** Creates a package as the admin and gives `members` their roles; returns its id. */
  createPackage(body?: Record<string, unknown>, members?: Record<string, Role>): Promise<string>;
  /** Adds a user (idempotent). */
  user(userId: string): void;
  close(): Promise<void>;
}

/** A `ws` WebSocket class that sends `cookie` on the upgrade, for `WebSocketPolyfill`. */
export function cookieWebSocket(cookie: string, origin?: string, opts: { compress?: boolean } = {}): typeof globalThis.WebSocket {
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie }, ...(origin ? { origin } : {}), ...(opts.compress === false ? { perMessageDeflate: false } : {}) });
    }
  }
  return CookieWebSocket as unknown as typeof globalThis.WebSocket;
}

export interface StartTestServerOptions extends Partial<Pick<StartServerOptions, 'roomIdleTimeoutMs' | 'maxLogUpdates' | 'maxLogBytes' | 'publicOrigin' | 'clientDir' | 'log' | 'cluster' | 'storageRetry'>> {
  storage?: DocStorage;
  auth?: TestAuth;
}

export async function startTestServer(opts: StartTestServerOptions = {}): Promise<TestServer> {
  const auth = opts.auth ?? createTestAuth();
  const storage = opts.storage ?? new MemoryStorage();
  const known = new Set<string>();
  const user = (userId: string) => {
    if (known.has(userId)) return;
    try {
      auth.cookieFor(userId);
    } catch {
      auth.addUser({ userId, isAdmin: userId === ADMIN });
    }
    known.add(userId);
  };
  user(ADMIN);
  const server = await startServer({
    port: 0,
    auth,
    storage,
    log: opts.log ?? quietLog,
    ...(opts.roomIdleTimeoutMs !== undefined ? { roomIdleTimeoutMs: opts.roomIdleTimeoutMs } : {}),
    ...(opts.maxLogUpdates !== undefined ? { maxLogUpdates: opts.maxLogUpdates } : {}),
    ...(opts.maxLogBytes !== undefined ? { maxLogBytes: opts.maxLogBytes } : {}),
    ...(opts.publicOrigin !== undefined ? { publicOrigin: opts.publicOrigin } : {}),
    ...(opts.clientDir !== undefined ? { clientDir: opts.clientDir } : {}),
    ...(opts.cluster !== undefined ? { cluster: opts.cluster } : {}),
    ...(opts.storageRetry !== undefined ? { storageRetry: opts.storageRetry } : {}),
  });
  const url = server.url;
  const http: TestServer['http'] = async (method, urlPath, o = {}) => {
    const headers: Record<string, string> = {};
    const who = o.user === undefined ? ADMIN : o.user;
    if (who !== null) headers.cookie = auth.cookieFor(who);
    if (o.origin !== null) headers.origin = o.origin ?? url;
    let body: string | undefined;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers['content-type'] = 'application/json';
    } else if (o.body !== undefined) {
      body = o.body;
      headers['content-type'] = o.contentType ?? 'text/csv; charset=utf-8';
    }
    return fetch(url + urlPath, { method, headers, ...(body !== undefined ? { body } : {}) });
  };
  return {
    server,
    auth,
    storage,
    url,
    wsBase: url.replace(/^http/, 'ws') + '/ws',
    http,
    user,
    async createPackage(body, members = {}) {
      const res = await http('POST', '/api/packages', {
        json: body ?? { title: 'Testpakke', years: ['2023', '2024', '2025', '2026'], planYears: ['2024', '2025', '2026'], parties: [{ name: 'Ap' }, { name: 'SV' }] },
      });
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      for (const [userId, role] of Object.entries(members)) {
        user(userId);
        auth.setRole(userId, id, role);
      }
      return id;
    },
    close: () => server.close(),
  };
}

/** A y-websocket client in Node: doc, provider and the notices the server sent it. */
export interface TestClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  notices: Notice[];
  closes: Array<{ code: number; reason: string }>;
  synced(): Promise<void>;
  destroy(): void;
}

export function connectClient(ts: { wsBase: string; auth: TestAuth }, roomname: string, userId: string, opts: { doc?: Y.Doc; connect?: boolean } = {}): TestClient {
  const doc = opts.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(ts.wsBase, roomname, doc, {
    WebSocketPolyfill: cookieWebSocket(ts.auth.cookieFor(userId)),
    // Same-process providers would otherwise talk through BroadcastChannel, not the server.
    disableBc: true,
    connect: opts.connect ?? true,
    maxBackoffTime: 300,
  });
  return {
    ...observeProvider(doc, provider),
    synced: () =>
      new Promise<void>((resolve) => {
        if (provider.synced) resolve();
        else {
          const on = (s: boolean) => {
            if (s) {
              provider.off('sync', on);
              resolve();
            }
          };
          provider.on('sync', on);
        }
      }),
  };
}

/**
 * A test's handle on `provider` (bound to `doc`): what the server tells it, recorded
 * as it arrives (our notices, MESSAGE_NOTICE, and the code and reason of every
 * connection it closes), and `destroy()`, which ends the provider and the doc.
 */
export function observeProvider(
  doc: Y.Doc,
  provider: WebsocketProvider,
): { doc: Y.Doc; provider: WebsocketProvider; notices: Notice[]; closes: Array<{ code: number; reason: string }>; destroy(): void } {
  const notices: Notice[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  provider.messageHandlers[MESSAGE_NOTICE] = (_enc, dec) => {
    notices.push(JSON.parse(decoding.readVarString(dec)) as Notice);
  };
  provider.on('connection-close', (ev) => {
    if (ev) closes.push({ code: ev.code, reason: ev.reason });
  });
  return {
    doc,
    provider,
    notices,
    closes,
    destroy() {
      provider.destroy();
      doc.destroy();
    },
  };
}

/** Waits until `cond` holds (fails after `timeoutMs`, naming `what`). */
export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * The HTTP status the server answers a websocket upgrade of `url` with (101 when it
 * upgrades), sending the Cookie and Origin headers given, as a browser would.
 */
export function upgradeStatusAt(
  url: string,
  headers: { cookie?: string | null | undefined; origin?: string | undefined; extra?: Record<string, string> } = {},
): Promise<number> {
  const sent: Record<string, string> = { ...headers.extra };
  if (headers.cookie) sent.cookie = headers.cookie;
  if (headers.origin) sent.origin = headers.origin;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: sent });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/**
 * A raw websocket client (`ws`, binary frames as given): connects to `url` with
 * `cookie`, waits for the server's first frame (the room is live), sends
 * `payloads` in order and reports how the server closed the socket — or `code:
 * null` when it was still open `quietMs` after the last frame (it is closed then).
 */
export function sendRaw(url: string, cookie: string, payloads: ReadonlyArray<Uint8Array | string>, quietMs = 300): Promise<{ code: number | null; reason: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    let sent = false;
    let done = false;
    const finish = (r: { code: number | null; reason: string }) => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      resolve(r);
    };
    const guard = setTimeout(() => {
      if (!done) reject(new Error(`no answer from ${url}`));
      ws.terminate();
    }, 15_000);
    ws.on('message', () => {
      if (sent) return;
      sent = true;
      for (const p of payloads) if (ws.readyState === ws.OPEN) ws.send(p, { binary: typeof p !== 'string' });
      setTimeout(() => {
        if (done) return;
        finish({ code: null, reason: '' });
        ws.close();
      }, quietMs);
    });
    ws.on('close', (code, reason) => finish({ code, reason: reason.toString() }));
    ws.on('error', () => {});
  });
}

/** A fresh temporary directory (removed by the caller). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function sqliteIn(dir: string): SqliteStorage {
  return new SqliteStorage(path.join(dir, 'test.sqlite'));
}
