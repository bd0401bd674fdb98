/**
 * AuthStore, password hashing and bootstrap against a real SQLite file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthStore } from '../../../server/auth/store';
import { hashPassword, verifyPassword } from '../../../server/auth/password';
import { bootstrapAccounts } from '../../../server/auth/bootstrap';
import { readAuthConfig } from '../../../server/auth/config';

let dir: string;
let db: Database.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'auth-store-'));
  db = new Database(path.join(dir, 'db.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('password hashing', () => {
  it('verifies the right password only; every hash has its own salt', async () => {
    const a = await hashPassword('riktig hest batteri');
    const b = await hashPassword('riktig hest batteri');
    expect(a).not.toBe(b);
    expect(await verifyPassword('riktig hest batteri', a)).toBe(true);
    expect(await verifyPassword('riktig hest batterI', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treats malformed stored hashes as a mismatch, never an exception', async () => {
    for (const stored of ['', 'plain', 'scrypt$15$8$1$$', 'scrypt$99$8$1$c2FsdA$a2V5', 'md5$x$y$z$a$b', 'scrypt$15$8$1$c2FsdA$']) {
      expect(await verifyPassword('x', stored)).toBe(false);
    }
  });

  it('normalises Unicode, so å typed as one or two code points is the same password', async () => {
    const h = await hashPassword('bl\u00e5b\u00e6r syltetøy');
    expect(await verifyPassword('bla\u030ab\u00e6r syltetøy', h)).toBe(true);
  });
});

describe('sessions and one-time tokens', () => {
  it('creates tables with the auth_ prefix only, and twice without harm', () => {
    new AuthStore(db);
    new AuthStore(db);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.every((t) => t.startsWith('auth_'))).toBe(true);
  });

  it('a session slides its idle expiry but never passes the absolute expiry', async () => {
    const store = new AuthStore(db, { sessionTtlMs: 10_000, sessionAbsoluteTtlMs: 20_000 });
    const user = await store.createUser({ email: 'a@b.no', password: 'et langt passord' });
    const { token } = store.createSession(user.id);
    expect(store.userForSession(token)?.user.id).toBe(user.id);
    // Pretend the session was last renewed long ago; the next use renews it.
    db.prepare('UPDATE auth_sessions SET renewed_at = renewed_at - 70000, expires_at = ? ').run(Date.now() + 1000);
    const renewed = store.userForSession(token)!;
    expect(renewed.expiresAt).toBeGreaterThan(Date.now() + 5000);
    db.prepare('UPDATE auth_sessions SET absolute_expires_at = ?').run(Date.now() - 1);
    expect(store.userForSession(token)).toBeNull();
    expect(db.prepare('SELECT COUNT(*) AS n FROM auth_sessions').get()).toEqual({ n: 0 });
  });

  it('tokens are single use, also under a race', async () => {
    const store = new AuthStore(db);
    const user = await store.createUser({ email: 'p@b.no' });
    const { token } = store.createInvitation(user.id, 'pkg', 'viewer');
    expect(store.peekToken(token, 'invite')).not.toBeNull();
    expect(store.peekToken(token, 'setup')).toBeNull();
    const results = [store.consumeToken(token, 'invite'), store.consumeToken(token, 'invite')];
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(store.peekToken(token, 'invite')).toBeNull();
  });

  it('a new setup token revokes the previous one', () => {
    const store = new AuthStore(db);
    const first = store.createSetupToken();
    const second = store.createSetupToken();
    expect(store.peekToken(first, 'setup')).toBeNull();
    expect(store.peekToken(second, 'setup')).not.toBeNull();
  });
});

describe('bootstrapAccounts', () => {
  const quiet = () => {};

  it('creates the first admin from BOOTSTRAP_ADMIN_EMAIL/PASSWORD while no user exists', async () => {
    const store = new AuthStore(db);
    const env = { BOOTSTRAP_ADMIN_EMAIL: 'Sjef@Kommune.no', BOOTSTRAP_ADMIN_PASSWORD: 'et langt passord 123' };
    expect(await bootstrapAccounts(store, env, 'http://localhost:8080', quiet)).toEqual({ kind: 'admin-created', email: 'sjef@kommune.no' });
    expect((await store.verifyLogin('sjef@kommune.no', 'et langt passord 123'))?.isAdmin).toBe(true);
    // Once a user exists the variables are ignored: they cannot reset anything later.
    const again = await bootstrapAccounts(store, { ...env, BOOTSTRAP_ADMIN_PASSWORD: 'et annet passord 456' }, 'http://x', quiet);
    expect(again).toEqual({ kind: 'existing' });
    expect(await store.verifyLogin('sjef@kommune.no', 'et annet passord 456')).toBeNull();
    expect(store.userCount()).toBe(1);
  });

  it('prints a one-time setup link when no variables are set; never a default password', async () => {
    const store = new AuthStore(db);
    const lines: string[] = [];
    const out = await bootstrapAccounts(store, {}, 'https://budsjett.kommune.no/', (l) => lines.push(l));
    expect(out.kind).toBe('setup-link');
    if (out.kind !== 'setup-link') return;
    expect(out.url).toMatch(/^https:\/\/budsjett\.kommune\.no\/setup#[A-Za-z0-9_-]{43}$/);
    expect(lines.join('\n')).toContain(out.url);
    expect(store.peekToken(out.token, 'setup')).not.toBeNull();
    expect(store.userCount()).toBe(0);
  });

  it('fails loudly on half or invalid bootstrap settings', async () => {
    const store = new AuthStore(db);
    await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_EMAIL: 'a@b.no' }, 'http://x', quiet)).rejects.toThrow(/both/);
    await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_PASSWORD: 'et langt passord' }, 'http://x', quiet)).rejects.toThrow(/both/);
    await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_EMAIL: 'ikke-epost', BOOTSTRAP_ADMIN_PASSWORD: 'et langt passord' }, 'http://x', quiet)).rejects.toThrow(/valid email/);
    await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_EMAIL: 'a@b.no', BOOTSTRAP_ADMIN_PASSWORD: 'kort' }, 'http://x', quiet)).rejects.toThrow(/characters/);
    expect(store.userCount()).toBe(0);
  });
});

describe('readAuthConfig', () => {
  it('reads defaults and rejects invalid values', () => {
    expect(readAuthConfig({})).toMatchObject({ sessionTtlMs: 86_400_000, inviteTtlMs: 604_800_000, trustProxy: false });
    expect(readAuthConfig({ SESSION_TTL_MS: '60000', TRUST_PROXY: '1' })).toMatchObject({ sessionTtlMs: 60000, trustProxy: true });
    expect(() => readAuthConfig({ SESSION_TTL_MS: '0' })).toThrow(/SESSION_TTL_MS/);
    expect(() => readAuthConfig({ INVITE_TTL_MS: '1e3x' })).toThrow(/INVITE_TTL_MS/);
    expect(() => readAuthConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY/);
  });
});

describe('migration of a database made before account creators were recorded', () => {
  it('keeps the first invitation of each pending account and revokes later re-issues', () => {
    db.exec(`
      CREATE TABLE auth_users (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL DEFAULT '',
        password_hash TEXT, is_admin INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);
      CREATE TABLE auth_tokens (token_hash TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT, package_id TEXT, role TEXT,
        created_at INTEGER NOT NULL, expires_at INTEGER, used_at INTEGER);
    `);
    const t0 = Date.now() - 60_000;
    const far = Date.now() + 3_600_000;
    db.prepare("INSERT INTO auth_users VALUES ('u1', 'v@kommune.no', 'V', NULL, 1, ?)").run(t0);
    db.prepare("INSERT INTO auth_tokens VALUES ('first', 'invite', 'u1', NULL, NULL, ?, ?, NULL)").run(t0 + 3, far);
    db.prepare("INSERT INTO auth_tokens VALUES ('reissue', 'invite', 'u1', 'p', 'editor', ?, ?, NULL)").run(t0 + 30_000, far);
    const store = new AuthStore(db);
    const open = db.prepare('SELECT token_hash FROM auth_tokens WHERE used_at IS NULL').all() as Array<{ token_hash: string }>;
    expect(open.map((r) => r.token_hash)).toEqual(['first']);
    expect(store.getUserById('u1')?.createdBy).toBeNull();
    // Running again changes nothing.
    new AuthStore(db);
    expect((db.prepare('SELECT COUNT(*) AS n FROM auth_tokens WHERE used_at IS NULL').get() as { n: number }).n).toBe(1);
  });
});
