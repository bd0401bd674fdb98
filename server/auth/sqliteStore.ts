import type BetterSqlite3 from 'better-sqlite3';
import { SQLITE_DIALECT, type Sql, type SqlResult, type SqlRunner } from './sql';

/**
 * An account and its first invitation are written in one transaction, a few
 * milliseconds apart at most; a legacy invitation issued later than this after its
 * account was a re-issue by someone who may not have been the creator.
 */
const LEGACY_INVITE_CREATION_SLACK_MS = 1_000;

/** The accounts tables in the server's SQLite file (`auth_`-prefixed, beside the documents). */
const SQLITE_ACCOUNTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS auth_users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS auth_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    renewed_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions(user_id);
  CREATE TABLE IF NOT EXISTS auth_tokens (
    token_hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id TEXT,
    package_id TEXT,
    role TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    used_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS auth_tokens_user ON auth_tokens(user_id);
  CREATE TABLE IF NOT EXISTS auth_memberships (
    package_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    party TEXT,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (package_id, user_id)
  );
  CREATE INDEX IF NOT EXISTS auth_memberships_user ON auth_memberships(user_id);
  CREATE TABLE IF NOT EXISTS auth_login_failures (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS auth_login_failures_key ON auth_login_failures(scope, key, at);
`;

/**
 * Creates the accounts tables in a SQLite database when missing (the layout every
 * existing install has), and adds `auth_users.created_by` to a database made before it
 * existed. Until then any owner who added a pending account to a package got a fresh
 * invitation for it, so an invitation issued after the account's creation cannot be
 * trusted: those are revoked (the creator's own link, issued with the account, keeps
 * working; an administrator can issue a new one). Idempotent.
 */
export function ensureSqliteAccountsSchema(db: BetterSqlite3.Database): void {
  db.exec(SQLITE_ACCOUNTS_SCHEMA);
  const columns = db.prepare('PRAGMA table_info(auth_users)').all() as Array<{ name: string }>;
  if (columns.some((c) => c.name === 'created_by')) return;
  db.transaction(() => {
    db.exec('ALTER TABLE auth_users ADD COLUMN created_by TEXT');
    db.prepare(
      `UPDATE auth_tokens SET used_at = ? WHERE kind = 'invite' AND used_at IS NULL
       AND created_at > (SELECT u.created_at FROM auth_users u WHERE u.id = auth_tokens.user_id) + ?`,
    ).run(Date.now(), LEGACY_INVITE_CREATION_SLACK_MS);
  })();
}

/**
 * Drives the store's work on a better-sqlite3 connection, synchronously: a unit of
 * work runs from its first to its last statement without yielding to the event loop,
 * so within `transaction` nothing else on the connection interleaves.
 */
export class SqliteRunner implements SqlRunner {
  readonly dialect = SQLITE_DIALECT;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();

  constructor(private readonly db: BetterSqlite3.Database) {}

  private statement(sql: string): BetterSqlite3.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private drive<T>(work: Sql<T>): T {
    let step = work.next(undefined as unknown as SqlResult);
    while (!step.done) {
      const op = step.value;
      const stmt = this.statement(op.sql);
      // A statement that returns no rows is run, whichever way it was asked for.
      const result: SqlResult = op.mode === 'all' && stmt.reader ? { rows: stmt.all(...op.params), changes: 0 } : { rows: [], changes: stmt.run(...op.params).changes };
      step = work.next(result);
    }
    return step.value;
  }

  async transaction<T>(work: () => Sql<T>): Promise<T> {
    return this.db.transaction(() => this.drive(work()))();
  }

  async run<T>(work: () => Sql<T>): Promise<T> {
    return this.drive(work());
  }

  async ping(): Promise<void> {
    this.statement('SELECT 1').get();
  }
}
