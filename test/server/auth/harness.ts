/**
 * A minimal server for the accounts routes alone: a real SQLite file, the real
 * AccountsAuth provider and routes, security headers, served by @hono/node-server on
 * port 0. Packages are a tiny in-memory registry with a create route that consults
 * the provider exactly as the collaboration server does (canCreatePackage, then
 * afterPackageCreated). The websocket rows of the attack table run against the real
 * collaboration server instead (attack.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { AuthStore } from '../../../server/auth/store';
import type { AuthStoreOptions } from '../../../server/auth/store';
import { createAccountsAuth } from '../../../server/auth/provider';
import type { AccountsAuth } from '../../../server/auth/provider';
import { createAuthRoutes } from '../../../server/auth/routes';
import { originCheck, securityHeaders } from '../../../server/auth/security';

export interface Harness {
  origin: string;
  store: AuthStore;
  auth: AccountsAuth;
  db: Database.Database;
  packages: Map<string, { title: string; parties: string[] }>;
  close(): Promise<void>;
}

export async function startHarness(opts: { store?: AuthStoreOptions; publicOrigin?: string } = {}): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-harness-'));
  const db = new Database(path.join(dir, 'db.sqlite'));
  db.pragma('journal_mode = WAL');
  const store = new AuthStore(db, opts.store);
  const auth = createAccountsAuth(store);
  const packages = new Map<string, { title: string; parties: string[] }>();
  const app = new Hono();
  app.use('*', securityHeaders(opts.publicOrigin));
  app.use('*', originCheck(opts.publicOrigin));
  app.route(
    '/',
    createAuthRoutes({
      store,
      auth,
      config: { publicOrigin: opts.publicOrigin },
      packageExists: (id) => packages.has(id),
      packageInfo: (id) => packages.get(id) ?? null,
    }),
  );
  app.post('/api/packages', async (c) => {
    const who = await auth.authenticate(c.req.raw.headers);
    if (!who) return c.json({ error: { message: 'Du må logge inn' } }, 401);
    if (!auth.canCreatePackage(who)) return c.json({ error: { message: 'Ikke tillatt' } }, 403);
    const body = (await c.req.json()) as { title: string; parties?: string[] };
    const id = randomUUID().replace(/-/g, '').slice(0, 16);
    packages.set(id, { title: body.title, parties: body.parties ?? [] });
    await auth.afterPackageCreated(who, id);
    return c.json({ id }, 201);
  });
  app.get('/api/packages/:id', async (c) => {
    const who = await auth.authenticate(c.req.raw.headers);
    if (!who) return c.json({ error: { message: 'Du må logge inn' } }, 401);
    const id = c.req.param('id');
    const role = await auth.roleFor(who, id);
    if (!role || !packages.has(id)) return c.json({ error: { message: 'Pakken finnes ikke' } }, 404);
    return c.json({ id, ...packages.get(id), role });
  });
  app.get('/', (c) => c.html('<!doctype html><title>x</title>'));

  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    store,
    auth,
    db,
    packages,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tiny cookie-keeping HTTP client that sends the Origin a same-origin browser would. */
export class Client {
  cookie: string | undefined;
  constructor(
    readonly origin: string,
    readonly sendOrigin: string | null = origin,
  ) {}

  async request(method: string, urlPath: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.sendOrigin !== null && !('origin' in headers)) headers.origin = this.sendOrigin;
    if (this.cookie) headers.cookie = this.cookie;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.origin + urlPath, { method, headers, body: payload, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name === 'session') this.cookie = value ? `session=${value}` : undefined;
    }
    return res;
  }

  get(urlPath: string): Promise<Response> {
    return this.request('GET', urlPath);
  }
  post(urlPath: string, body?: unknown): Promise<Response> {
    return this.request('POST', urlPath, body);
  }
  patch(urlPath: string, body?: unknown): Promise<Response> {
    return this.request('PATCH', urlPath, body);
  }
  delete(urlPath: string): Promise<Response> {
    return this.request('DELETE', urlPath);
  }

  async login(email: string, password: string): Promise<Response> {
    return this.post('/api/auth/login', { email, password });
  }
}

export const ADMIN_EMAIL = 'admin@kommune.no';
export const ADMIN_PASSWORD = 'korrekt hest batteri stift';

/** Creates the first admin directly in the store and returns a logged-in client. */
export async function adminClient(h: { origin: string; store: AuthStore }): Promise<Client> {
  if (!h.store.getUserByEmail(ADMIN_EMAIL)) await h.store.createUser({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Admin', isAdmin: true });
  const c = new Client(h.origin);
  const res = await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
  return c;
}

/** Invites `email` to a package as `role` and activates the account; returns its client and user id. */
export async function inviteAndAccept(
  owner: Client,
  packageId: string,
  email: string,
  role: string,
  party: string | null = 'AP',
  password = 'et langt passord 123',
): Promise<{ client: Client; userId: string }> {
  const res = await owner.post(`/api/packages/${packageId}/members`, { email, role, party });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { member: { userId: string }; token: string | null };
  const client = new Client(owner.origin);
  if (body.token) {
    const acc = await client.post(`/api/auth/invitations/${body.token}/accept`, { password, name: email.split('@')[0] });
    if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${await acc.text()}`);
  } else {
    const login = await client.login(email, password);
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  }
  return { client, userId: body.member.userId };
}
