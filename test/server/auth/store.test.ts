/**
 * AuthStore on real SQLite files (the shared contract, storeContract.ts, plus what
 * only SQLite has: the file layout and its upgrade), and password hashing.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { all } from '../../../server/auth/sql';
import { SqliteRunner, ensureSqliteAccountsSchema } from '../../../server/auth/sqliteStore';
import { AuthStore } from '../../../server/auth/store';
import { authStoreContract } from './storeContract';
import { hashPassword, verifyPassword } from '../../../server/auth/password';
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

authStoreContract('SQLite', async (options) => {
  const file = path.join(dir, `contract-${randomUUID()}.sqlite`);
  const own = new Database(file);
  ensureSqliteAccountsSchema(own);
  const runner = new SqliteRunner(own);
  return {
    store: new AuthStore(runner, options),
    sql: (text, ...params) => runner.run(() => all(text, ...params)),
    close: async () => {
      own.close();
    },
  };
});

describe('the SQLite layout', () => {
  it('creates tables with the auth_ prefix only, and twice without harm', () => {
    AuthStore.sqlite(db);
    AuthStore.sqlite(db);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.every((t) => t.startsWith('auth_'))).toBe(true);
  });

  it('a transaction runs without yielding: a write on the same connection cannot land inside it', async () => {
    const store = AuthStore.sqlite(db);
    db.exec('CREATE TABLE other (x INTEGER)');
    let outside: Promise<void> | null = null;
    await expect(
      store.transaction(function* (tx) {
        yield* tx.insertUser({ email: 'a@b.no' });
        // Scheduled while the transaction is open; it must run after the rollback, not inside it.
        outside = Promise.resolve().then(() => {
          db.prepare('INSERT INTO other VALUES (1)').run();
        });
        yield* tx.insertUser({ email: 'a@b.no' });
      }),
    ).rejects.toThrow(/UNIQUE/);
    await outside;
    expect(db.prepare('SELECT COUNT(*) AS n FROM other').get()).toEqual({ n: 1 });
    expect(await store.userCount()).toBe(0);
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
  it('keeps the first invitation of each pending account and revokes later re-issues', async () => {
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
    const store = AuthStore.sqlite(db);
    const open = db.prepare('SELECT token_hash FROM auth_tokens WHERE used_at IS NULL').all() as Array<{ token_hash: string }>;
    expect(open.map((r) => r.token_hash)).toEqual(['first']);
    expect((await store.getUserById('u1'))?.createdBy).toBeNull();
    // Running again changes nothing.
    AuthStore.sqlite(db);
    expect((db.prepare('SELECT COUNT(*) AS n FROM auth_tokens WHERE used_at IS NULL').get() as { n: number }).n).toBe(1);
  });
});
