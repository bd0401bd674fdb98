import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { isRole, type Role } from '../../shared/protocol';
import { hashPassword, verifyPassword } from './password';
import { PostgresRunner } from './postgresStore';
import { all, one, run, type Sql, type SqlDialect, type SqlRunner } from './sql';
import { SqliteRunner, ensureSqliteAccountsSchema } from './sqliteStore';

/** Bytes of randomness in every session, invitation and setup token (256 bits). */
export const TOKEN_BYTES = 32;

/** User ids as the store issues them (UUIDs); anything else cannot name a user. */
export const USER_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Defaults for `AuthStoreOptions` (overridable through the environment, see config.ts). */
export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_SESSION_ABSOLUTE_TTL_MS = 14 * 24 * 60 * 60 * 1000;
export const DEFAULT_INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A session's expiry is pushed forward only when it was last renewed at least this
 * long ago, so a busy client does not write to the database on every request.
 */
const SESSION_RENEW_GRANULARITY_MS = 60_000;

/** How long after its last renewal a session is renewed again: a minute, or a tenth of a short idle lifetime. */
function renewGranularityMs(sessionTtlMs: number): number {
  return Math.min(SESSION_RENEW_GRANULARITY_MS, Math.floor(sessionTtlMs / 10));
}

/** A user as the rest of the server sees it (never with the password hash). */
export interface User {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /** False while the user was invited but has not yet chosen a password. */
  active: boolean;
  /**
   * Who created the account (an administrator, or the owner who first invited the
   * person), or null for accounts made at first start or before this was recorded.
   * Only the creator's link, or one an administrator issues, may activate a pending
   * account.
   */
  createdBy: string | null;
  createdAt: number;
}

/** A user's membership of one package. */
export interface Membership {
  packageId: string;
  userId: string;
  role: Role;
  party: string | null;
  createdAt: number;
}

/** A membership together with the member's account. */
export interface MemberRecord extends Membership {
  email: string;
  name: string;
  active: boolean;
}

/** A one-time token (invitation or first-start setup) as stored, without its secret. */
export interface OneTimeToken {
  kind: 'invite' | 'setup';
  userId: string | null;
  packageId: string | null;
  role: Role | null;
  createdAt: number;
  /** Null for the setup token, which is valid until used. */
  expiresAt: number | null;
}

/** Lifetimes of sessions and invitations (defaults above). */
export interface AuthStoreOptions {
  /** Idle lifetime of a session; every use renews it (sliding). */
  sessionTtlMs?: number;
  /** Hard cap on a session's lifetime however often it is used. */
  sessionAbsoluteTtlMs?: number;
  /** Lifetime of an invitation link. */
  inviteTtlMs?: number;
}

interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  is_admin: number;
  created_by: string | null;
  created_at: number;
}

interface MembershipRow {
  package_id: string;
  user_id: string;
  role: string;
  party: string | null;
  created_at: number;
}

interface TokenRow {
  token_hash: string;
  kind: string;
  user_id: string | null;
  package_id: string | null;
  role: string | null;
  created_at: number;
  expires_at: number | null;
  used_at: number | null;
}

/** The SHA-256 of a token: what the database keeps, so a leaked database yields no live tokens. */
function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** Emails are compared case-insensitively and without surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function asRole(text: string | null): Role | null {
  return isRole(text) ? text : null;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    isAdmin: Number(row.is_admin) === 1,
    active: row.password_hash !== null,
    createdBy: row.created_by ?? null,
    createdAt: row.created_at,
  };
}

function toMembership(row: MembershipRow): Membership {
  return {
    packageId: row.package_id,
    userId: row.user_id,
    role: asRole(row.role) ?? 'viewer',
    party: row.party,
    createdAt: row.created_at,
  };
}

/** Ids of sessions a unit of work ended, to be announced once it has committed. */
interface Ended<T> {
  value: T;
  ended: string[];
}

/**
 * The accounts store's operations as units of work (`Sql`, see sql.ts), written once
 * for SQLite and PostgreSQL. `AuthStore` runs each on its own; `AuthStore.transaction`
 * hands this object to a check-then-write sequence so its steps run in one
 * transaction (`yield* tx.getMembership(…)`).
 */
export class AccountsTx {
  constructor(
    private readonly dialect: SqlDialect,
    private readonly ttl: { sessionTtlMs: number; sessionAbsoluteTtlMs: number; inviteTtlMs: number },
  ) {}

  // ---- users ----------------------------------------------------------------------

  *userCount(): Sql<number> {
    return Number((yield* one<{ n: number }>('SELECT COUNT(*) AS n FROM auth_users'))?.n ?? 0);
  }

  *insertUser(input: { email: string; name?: string; passwordHash?: string | null; isAdmin?: boolean; createdBy?: string | null }): Sql<User> {
    const row: UserRow = {
      id: randomUUID(),
      email: normalizeEmail(input.email),
      name: input.name?.trim() ?? '',
      password_hash: input.passwordHash ?? null,
      is_admin: input.isAdmin ? 1 : 0,
      created_by: input.createdBy ?? null,
      created_at: Date.now(),
    };
    yield* run(
      'INSERT INTO auth_users (id, email, name, password_hash, is_admin, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      row.id,
      row.email,
      row.name,
      row.password_hash,
      row.is_admin,
      row.created_by,
      row.created_at,
    );
    return toUser(row);
  }

  *userRowByEmail(email: string): Sql<UserRow | undefined> {
    return yield* one<UserRow>('SELECT * FROM auth_users WHERE email = ?', normalizeEmail(email));
  }

  *getUserById(id: string): Sql<User | null> {
    const row = yield* one<UserRow>('SELECT * FROM auth_users WHERE id = ?', id);
    return row ? toUser(row) : null;
  }

  *getUserByEmail(email: string): Sql<User | null> {
    const row = yield* this.userRowByEmail(email);
    return row ? toUser(row) : null;
  }

  *setPasswordHash(userId: string, passwordHash: string, name?: string): Sql<void> {
    if (name !== undefined && name.trim() !== '') {
      yield* run('UPDATE auth_users SET password_hash = ?, name = ? WHERE id = ?', passwordHash, name.trim(), userId);
    } else {
      yield* run('UPDATE auth_users SET password_hash = ? WHERE id = ?', passwordHash, userId);
    }
  }

  *setAdmin(userId: string, isAdmin: boolean): Sql<void> {
    yield* run('UPDATE auth_users SET is_admin = ? WHERE id = ?', isAdmin ? 1 : 0, userId);
  }

  // ---- sessions -------------------------------------------------------------------

  *createSession(userId: string): Sql<{ token: string; expiresAt: number }> {
    const token = newToken();
    const now = Date.now();
    const expiresAt = now + this.ttl.sessionTtlMs;
    yield* run(
      'INSERT INTO auth_sessions (token_hash, user_id, created_at, renewed_at, expires_at, absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      hashToken(token),
      userId,
      now,
      now,
      expiresAt,
      now + this.ttl.sessionAbsoluteTtlMs,
    );
    return { token, expiresAt: Math.min(expiresAt, now + this.ttl.sessionAbsoluteTtlMs) };
  }

  *userForSession(token: string): Sql<Ended<{ user: User; expiresAt: number; sessionId: string } | null>> {
    const tokenHash = hashToken(token);
    const session = yield* one<{ user_id: string; renewed_at: number; expires_at: number; absolute_expires_at: number }>(
      'SELECT user_id, renewed_at, expires_at, absolute_expires_at FROM auth_sessions WHERE token_hash = ?',
      tokenHash,
    );
    if (!session) return { value: null, ended: [] };
    const now = Date.now();
    if (now >= session.expires_at || now >= session.absolute_expires_at) {
      const deleted = yield* run('DELETE FROM auth_sessions WHERE token_hash = ?', tokenHash);
      return { value: null, ended: deleted === 1 ? [tokenHash] : [] };
    }
    const user = yield* this.getUserById(session.user_id);
    if (!user || !user.active) return { value: null, ended: [] };
    let expiresAt = session.expires_at;
    if (now - session.renewed_at >= renewGranularityMs(this.ttl.sessionTtlMs)) {
      expiresAt = Math.min(now + this.ttl.sessionTtlMs, session.absolute_expires_at);
      yield* run('UPDATE auth_sessions SET renewed_at = ?, expires_at = ? WHERE token_hash = ?', now, expiresAt, tokenHash);
    }
    return { value: { user, expiresAt, sessionId: tokenHash }, ended: [] };
  }

  *deleteSession(token: string): Sql<string | null> {
    const tokenHash = hashToken(token);
    return (yield* run('DELETE FROM auth_sessions WHERE token_hash = ?', tokenHash)) === 1 ? tokenHash : null;
  }

  *deleteUserSessions(userId: string): Sql<string[]> {
    const found = (yield* all<{ token_hash: string }>('SELECT token_hash FROM auth_sessions WHERE user_id = ?', userId)).map((r) => r.token_hash);
    yield* run('DELETE FROM auth_sessions WHERE user_id = ?', userId);
    return found;
  }

  *endExpiredSessions(now: number): Sql<string[]> {
    const found = (
      yield* all<{ token_hash: string }>('SELECT token_hash FROM auth_sessions WHERE expires_at <= ? OR absolute_expires_at <= ?', now, now)
    ).map((r) => r.token_hash);
    yield* run('DELETE FROM auth_sessions WHERE expires_at <= ? OR absolute_expires_at <= ?', now, now);
    return found;
  }

  *renewSession(sessionId: string, now: number): Sql<Ended<boolean>> {
    const session = yield* one<{ renewed_at: number; expires_at: number; absolute_expires_at: number }>(
      'SELECT renewed_at, expires_at, absolute_expires_at FROM auth_sessions WHERE token_hash = ?',
      sessionId,
    );
    if (!session) return { value: false, ended: [] };
    if (now >= session.expires_at || now >= session.absolute_expires_at) {
      return { value: false, ended: yield* this.endExpiredSessions(now) };
    }
    if (now - session.renewed_at >= renewGranularityMs(this.ttl.sessionTtlMs)) {
      const expiresAt = Math.min(now + this.ttl.sessionTtlMs, session.absolute_expires_at);
      yield* run('UPDATE auth_sessions SET renewed_at = ?, expires_at = ? WHERE token_hash = ?', now, expiresAt, sessionId);
    }
    return { value: true, ended: [] };
  }

  *pruneExpired(now: number, loginFailureWindowMs: number): Sql<string[]> {
    const ended = yield* this.endExpiredSessions(now);
    yield* run('DELETE FROM auth_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?', now);
    yield* run('DELETE FROM auth_login_failures WHERE at <= ?', now - loginFailureWindowMs);
    return ended;
  }

  // ---- one-time tokens ------------------------------------------------------------

  *createInvitation(userId: string, packageId: string | null, role: Role | null): Sql<{ token: string; expiresAt: number }> {
    const token = newToken();
    const now = Date.now();
    const expiresAt = now + this.ttl.inviteTtlMs;
    yield* run(
      "INSERT INTO auth_tokens (token_hash, kind, user_id, package_id, role, created_at, expires_at) VALUES (?, 'invite', ?, ?, ?, ?, ?)",
      hashToken(token),
      userId,
      packageId,
      role,
      now,
      expiresAt,
    );
    return { token, expiresAt };
  }

  *createSetupToken(): Sql<string> {
    const token = newToken();
    yield* run("DELETE FROM auth_tokens WHERE kind = 'setup'");
    yield* run("INSERT INTO auth_tokens (token_hash, kind, created_at, expires_at) VALUES (?, 'setup', ?, NULL)", hashToken(token), Date.now());
    return token;
  }

  *peekToken(token: string, kind: OneTimeToken['kind']): Sql<OneTimeToken | null> {
    const row = yield* one<TokenRow>('SELECT * FROM auth_tokens WHERE token_hash = ? AND kind = ?', hashToken(token), kind);
    if (!row || row.used_at !== null) return null;
    if (row.expires_at !== null && Date.now() >= row.expires_at) return null;
    return {
      kind: row.kind as OneTimeToken['kind'],
      userId: row.user_id,
      packageId: row.package_id,
      role: asRole(row.role),
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    };
  }

  *consumeToken(token: string, kind: OneTimeToken['kind']): Sql<OneTimeToken | null> {
    const found = yield* this.peekToken(token, kind);
    if (!found) return null;
    const changed = yield* run('UPDATE auth_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL', Date.now(), hashToken(token));
    return changed === 1 ? found : null;
  }

  *revokeInvitations(userId: string): Sql<void> {
    yield* run("UPDATE auth_tokens SET used_at = ? WHERE kind = 'invite' AND user_id = ? AND used_at IS NULL", Date.now(), userId);
  }

  *revokePackageInvitations(userId: string, packageId: string): Sql<void> {
    yield* run(
      "UPDATE auth_tokens SET used_at = ? WHERE kind = 'invite' AND user_id = ? AND package_id = ? AND used_at IS NULL",
      Date.now(),
      userId,
      packageId,
    );
  }

  *hasOpenInvitation(userId: string): Sql<boolean> {
    const row = yield* one("SELECT 1 AS x FROM auth_tokens WHERE kind = 'invite' AND user_id = ? AND used_at IS NULL AND expires_at > ? LIMIT 1", userId, Date.now());
    return row !== undefined;
  }

  // ---- memberships ----------------------------------------------------------------

  *getMembership(packageId: string, userId: string): Sql<Membership | null> {
    const row = yield* one<MembershipRow>('SELECT * FROM auth_memberships WHERE package_id = ? AND user_id = ?', packageId, userId);
    return row ? toMembership(row) : null;
  }

  *addMembership(packageId: string, userId: string, role: Role, party: string | null): Sql<Membership> {
    const row: MembershipRow = { package_id: packageId, user_id: userId, role, party, created_at: Date.now() };
    yield* run(
      'INSERT INTO auth_memberships (package_id, user_id, role, party, created_at) VALUES (?, ?, ?, ?, ?)',
      row.package_id,
      row.user_id,
      row.role,
      row.party,
      row.created_at,
    );
    return toMembership(row);
  }

  *listMembers(packageId: string): Sql<MemberRecord[]> {
    const c = this.dialect.binaryCollation;
    const rows = yield* all<MembershipRow & { email: string; name: string; active: number | boolean }>(
      `SELECT m.*, u.email, u.name, u.password_hash IS NOT NULL AS active FROM auth_memberships m
       JOIN auth_users u ON u.id = m.user_id WHERE m.package_id = ?
       ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 WHEN 'commenter' THEN 2 ELSE 3 END, u.name COLLATE ${c}, u.email COLLATE ${c}`,
      packageId,
    );
    return rows.map((row) => ({ ...toMembership(row), email: row.email, name: row.name, active: row.active === 1 || row.active === true }));
  }

  *listMembershipsOfUser(userId: string): Sql<Membership[]> {
    return (yield* all<MembershipRow>('SELECT * FROM auth_memberships WHERE user_id = ? ORDER BY created_at, package_id', userId)).map(toMembership);
  }

  *updateMembership(packageId: string, userId: string, change: { role?: Role; party?: string | null }): Sql<Membership | null> {
    const current = yield* this.getMembership(packageId, userId);
    if (!current) return null;
    const role = change.role ?? current.role;
    const party = change.party === undefined ? current.party : change.party;
    yield* run('UPDATE auth_memberships SET role = ?, party = ? WHERE package_id = ? AND user_id = ?', role, party, packageId, userId);
    return { ...current, role, party };
  }

  *removeMembership(packageId: string, userId: string): Sql<boolean> {
    return (yield* run('DELETE FROM auth_memberships WHERE package_id = ? AND user_id = ?', packageId, userId)) === 1;
  }

  *countOwners(packageId: string): Sql<number> {
    return Number((yield* one<{ n: number }>("SELECT COUNT(*) AS n FROM auth_memberships WHERE package_id = ? AND role = 'owner'", packageId))?.n ?? 0);
  }

  // ---- login failures -------------------------------------------------------------

  *recordLoginFailure(scope: 'account' | 'address', key: string, at: number): Sql<number> {
    const row = yield* one<{ id: number }>(`INSERT INTO auth_login_failures (scope, key, at) VALUES (?, ?, ?) RETURNING ${this.dialect.rowId} AS id`, scope, key, at);
    return Number(row!.id);
  }

  *forgetLoginFailure(rowId: number): Sql<void> {
    yield* run(`DELETE FROM auth_login_failures WHERE ${this.dialect.rowId} = ?`, rowId);
  }

  *clearLoginFailures(scope: 'account' | 'address', key: string): Sql<void> {
    yield* run('DELETE FROM auth_login_failures WHERE scope = ? AND key = ?', scope, key);
  }

  *loginFailuresSince(scope: 'account' | 'address', key: string, since: number): Sql<{ count: number; oldest: number | null }> {
    const row = yield* one<{ n: number; oldest: number | null }>(
      'SELECT COUNT(*) AS n, MIN(at) AS oldest FROM auth_login_failures WHERE scope = ? AND key = ? AND at > ?',
      scope,
      key,
      since,
    );
    return { count: Number(row?.n ?? 0), oldest: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest) };
  }
}

/**
 * Persistence of accounts: users (scrypt password hashes), sessions, one-time tokens
 * (invitations and the first-start setup link), package memberships and failed login
 * attempts — in the server's SQLite file under `auth_`-prefixed tables
 * (`AuthStore.sqlite`, the embedded default) or in PostgreSQL (`AuthStore.postgres`,
 * `DATABASE_URL`; tables from `ACCOUNT_MIGRATIONS`), so that with PostgreSQL any
 * server instance can serve any request and a login on one is valid on all.
 * Every operation is asynchronous and written once for both (`AccountsTx`).
 *
 * Guarantees: no secret is stored in a form that can be used if the database leaks
 * (passwords as scrypt hashes; session, invitation and setup tokens as SHA-256 of
 * 256-bit random values); every statement has bound parameters; a session is valid
 * only before both its sliding idle expiry and its absolute expiry; a one-time token
 * works once and, for invitations, only before its expiry; `transaction` runs a
 * check-then-write sequence as if alone (SQLite: synchronously in one transaction;
 * PostgreSQL: SERIALIZABLE, retried on conflict).
 */
export class AuthStore {
  readonly sessionTtlMs: number;
  readonly sessionAbsoluteTtlMs: number;
  readonly inviteTtlMs: number;
  /** The operations as units of work, for `transaction`. */
  readonly tx: AccountsTx;
  private readonly sessionEndListeners = new Set<(sessionIds: string[]) => void>();
  /** Verified against for unknown emails, so that a miss costs the same scrypt time as a hit. */
  private readonly dummyHash: Promise<string>;

  /** The accounts tables in the server's SQLite file (created or upgraded here, synchronously). */
  static sqlite(db: BetterSqlite3.Database, options: AuthStoreOptions = {}): AuthStore {
    ensureSqliteAccountsSchema(db);
    return new AuthStore(new SqliteRunner(db), options);
  }

  /** The accounts tables in PostgreSQL, on the server's pool; `ACCOUNT_MIGRATIONS` must have run. */
  static postgres(pool: pg.Pool, options: AuthStoreOptions = {}): AuthStore {
    return new AuthStore(new PostgresRunner(pool), options);
  }

  constructor(
    private readonly runner: SqlRunner,
    options: AuthStoreOptions = {},
  ) {
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.sessionAbsoluteTtlMs = options.sessionAbsoluteTtlMs ?? DEFAULT_SESSION_ABSOLUTE_TTL_MS;
    this.inviteTtlMs = options.inviteTtlMs ?? DEFAULT_INVITE_TTL_MS;
    this.tx = new AccountsTx(runner.dialect, this);
    // Computed up front so the first unknown-email login costs one scrypt, like every other.
    this.dummyHash = hashPassword(randomBytes(18).toString('base64url'));
  }

  /** Which engine keeps the accounts. */
  get engine(): SqlDialect['name'] {
    return this.runner.dialect.name;
  }

  /**
   * Runs a check-then-write sequence in one transaction, as if alone:
   * `store.transaction(function* (tx) { const m = yield* tx.getMembership(p, u); … })`.
   * The work may run more than once (PostgreSQL retries a serialisation conflict), so
   * it must not have effects outside the database.
   */
  transaction<T>(work: (tx: AccountsTx) => Sql<T>): Promise<T> {
    return this.runner.transaction(() => work(this.tx));
  }

  /** Whether the database answers (the readiness check). */
  ping(): Promise<void> {
    return this.runner.ping();
  }

  private do<T>(work: (tx: AccountsTx) => Sql<T>): Promise<T> {
    return this.runner.run(() => work(this.tx));
  }

  // ---- users ----------------------------------------------------------------------

  /** Number of accounts, active or invited. */
  userCount(): Promise<number> {
    return this.do((tx) => tx.userCount());
  }

  /**
   * Creates an account from an already computed hash (`hashPassword`). Without a hash
   * it is a pending (invited) account that cannot log in until it accepts an
   * invitation. Rejects when the email is taken. Inside a transaction use `tx.insertUser`.
   */
  insertUser(input: { email: string; name?: string; passwordHash?: string | null; isAdmin?: boolean; createdBy?: string | null }): Promise<User> {
    return this.do((tx) => tx.insertUser(input));
  }

  /** Creates an account, hashing the password when one is given (see `insertUser`). */
  async createUser(input: { email: string; name?: string; password?: string | null; isAdmin?: boolean }): Promise<User> {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.insertUser({ email: input.email, name: input.name, passwordHash, isAdmin: input.isAdmin });
  }

  getUserById(id: string): Promise<User | null> {
    return this.do((tx) => tx.getUserById(id));
  }

  getUserByEmail(email: string): Promise<User | null> {
    return this.do((tx) => tx.getUserByEmail(email));
  }

  /** Sets (or replaces) a user's password hash (`hashPassword`), and their name when given. */
  setPasswordHash(userId: string, passwordHash: string, name?: string): Promise<void> {
    return this.do((tx) => tx.setPasswordHash(userId, passwordHash, name));
  }

  /** Sets a user's admin flag. */
  setAdmin(userId: string, isAdmin: boolean): Promise<void> {
    return this.do((tx) => tx.setAdmin(userId, isAdmin));
  }

  /**
   * The active user with this email and password, or null. Always spends one scrypt
   * verification, also for unknown emails and pending accounts, so response time does
   * not reveal whether an account exists.
   */
  async verifyLogin(email: string, password: string): Promise<User | null> {
    const row = await this.do((tx) => tx.userRowByEmail(email));
    if (!row || row.password_hash === null) {
      await verifyPassword(password, await this.dummyHash);
      return null;
    }
    return (await verifyPassword(password, row.password_hash)) ? toUser(row) : null;
  }

  // ---- sessions -------------------------------------------------------------------

  /** Starts a session; returns the secret token (only its hash is stored). */
  createSession(userId: string): Promise<{ token: string; expiresAt: number }> {
    return this.do((tx) => tx.createSession(userId));
  }

  /**
   * The user behind a session token, renewing its idle expiry (sliding), or null when
   * the token is unknown, expired, or belongs to an account that no longer exists.
   * Expired sessions found this way are deleted (and announced).
   */
  async userForSession(token: string): Promise<{ user: User; expiresAt: number; sessionId: string } | null> {
    const { value, ended } = await this.do((tx) => tx.userForSession(token));
    this.announceEnded(ended);
    return value;
  }

  /**
   * Ends one session (logout); returns its session id (the token's hash, as in
   * `userForSession`), or null for an unknown token.
   */
  async deleteSession(token: string): Promise<string | null> {
    const id = await this.do((tx) => tx.deleteSession(token));
    if (id) this.announceEnded([id]);
    return id;
  }

  /** Ends every session of a user (password change); returns their session ids. */
  async deleteUserSessions(userId: string): Promise<string[]> {
    const ids = await this.runner.transaction(() => this.tx.deleteUserSessions(userId));
    this.announceEnded(ids);
    return ids;
  }

  /**
   * Ends every session past its idle or absolute expiry: deletes them and announces
   * their ids to `onSessionsEnded`, so websockets opened with them close at once.
   * Websocket activity renews a session (`renewSession`), so a person typing live is
   * not cut off for lack of HTTP requests.
   */
  async endExpiredSessions(now = Date.now()): Promise<string[]> {
    const ids = await this.runner.transaction(() => this.tx.endExpiredSessions(now));
    this.announceEnded(ids);
    return ids;
  }

  /** How often a session's idle expiry is slid at most (`min(SESSION_RENEW_GRANULARITY_MS, SESSION_TTL_MS / 10)`). */
  get renewIntervalMs(): number {
    return renewGranularityMs(this.sessionTtlMs);
  }

  /**
   * Counts a use of the session (websocket activity): slides its idle expiry like an
   * HTTP request does (at most once per `SESSION_RENEW_GRANULARITY_MS`). Resolves false
   * when the session no longer exists or has expired (then it is ended and announced).
   */
  async renewSession(sessionId: string, now = Date.now()): Promise<boolean> {
    const { value, ended } = await this.do((tx) => tx.renewSession(sessionId, now));
    this.announceEnded(ended);
    return value;
  }

  /** Subscribes to the end of sessions, however they end (logout, password change, expiry); returns the unsubscribe function. */
  onSessionsEnded(listener: (sessionIds: string[]) => void): () => void {
    this.sessionEndListeners.add(listener);
    return () => {
      this.sessionEndListeners.delete(listener);
    };
  }

  private announceEnded(ids: string[]): void {
    if (ids.length === 0) return;
    for (const listener of [...this.sessionEndListeners]) {
      try {
        listener(ids);
      } catch (err) {
        console.error('session end listener failed', err);
      }
    }
  }

  /** Removes expired sessions, invitations and old login failures. */
  async pruneExpired(now = Date.now(), loginFailureWindowMs = 24 * 60 * 60 * 1000): Promise<void> {
    const ended = await this.runner.transaction(() => this.tx.pruneExpired(now, loginFailureWindowMs));
    this.announceEnded(ended);
  }

  // ---- one-time tokens ------------------------------------------------------------

  /** Issues an invitation token for a (pending) user, optionally tied to a package and role. */
  createInvitation(userId: string, packageId: string | null, role: Role | null): Promise<{ token: string; expiresAt: number }> {
    return this.do((tx) => tx.createInvitation(userId, packageId, role));
  }

  /**
   * Issues the first-start setup token, valid until used, and revokes any earlier one
   * (only the hash is stored, so an earlier link could not be printed again anyway).
   */
  createSetupToken(): Promise<string> {
    return this.runner.transaction(() => this.tx.createSetupToken());
  }

  /** A usable (unused, unexpired) token of the given kind, or null. Does not consume it. */
  peekToken(token: string, kind: OneTimeToken['kind']): Promise<OneTimeToken | null> {
    return this.do((tx) => tx.peekToken(token, kind));
  }

  /**
   * Marks a usable token as used and returns it, atomically: of two concurrent
   * consumers exactly one gets the token, the other null.
   */
  consumeToken(token: string, kind: OneTimeToken['kind']): Promise<OneTimeToken | null> {
    return this.do((tx) => tx.consumeToken(token, kind));
  }

  /** Marks every outstanding invitation of a user as used (after the account is activated). */
  revokeInvitations(userId: string): Promise<void> {
    return this.do((tx) => tx.revokeInvitations(userId));
  }

  /** Marks a user's outstanding invitations to one package as used (membership removed). */
  revokePackageInvitations(userId: string, packageId: string): Promise<void> {
    return this.do((tx) => tx.revokePackageInvitations(userId, packageId));
  }

  /** Whether the user has an invitation that is still usable. */
  hasOpenInvitation(userId: string): Promise<boolean> {
    return this.do((tx) => tx.hasOpenInvitation(userId));
  }

  // ---- memberships ----------------------------------------------------------------

  getMembership(packageId: string, userId: string): Promise<Membership | null> {
    return this.do((tx) => tx.getMembership(packageId, userId));
  }

  /** Adds a membership; rejects on a duplicate (package, user). */
  addMembership(packageId: string, userId: string, role: Role, party: string | null): Promise<Membership> {
    return this.do((tx) => tx.addMembership(packageId, userId, role, party));
  }

  /** Members of a package with their accounts, owners first, then by name and email. */
  listMembers(packageId: string): Promise<MemberRecord[]> {
    return this.do((tx) => tx.listMembers(packageId));
  }

  /** Every membership of a user. */
  listMembershipsOfUser(userId: string): Promise<Membership[]> {
    return this.do((tx) => tx.listMembershipsOfUser(userId));
  }

  /** Changes role and/or party of an existing membership; returns the new record or null. */
  updateMembership(packageId: string, userId: string, change: { role?: Role; party?: string | null }): Promise<Membership | null> {
    return this.runner.transaction(() => this.tx.updateMembership(packageId, userId, change));
  }

  /** Removes a membership; returns whether one existed. */
  removeMembership(packageId: string, userId: string): Promise<boolean> {
    return this.do((tx) => tx.removeMembership(packageId, userId));
  }

  /** Number of owners of a package. */
  countOwners(packageId: string): Promise<number> {
    return this.do((tx) => tx.countOwners(packageId));
  }

  // ---- login failures -------------------------------------------------------------

  /** Records one failed (or in-flight) login attempt; returns its row id for `forgetLoginFailure`. */
  recordLoginFailure(scope: 'account' | 'address', key: string, at = Date.now()): Promise<number> {
    return this.do((tx) => tx.recordLoginFailure(scope, key, at));
  }

  /** Removes one recorded attempt (it turned out to succeed). */
  forgetLoginFailure(rowId: number): Promise<void> {
    return this.do((tx) => tx.forgetLoginFailure(rowId));
  }

  /** Clears all failures of a key (after a successful login to that account). */
  clearLoginFailures(scope: 'account' | 'address', key: string): Promise<void> {
    return this.do((tx) => tx.clearLoginFailures(scope, key));
  }

  /** Failures of a key since `since`, and the time of the oldest of them. */
  loginFailuresSince(scope: 'account' | 'address', key: string, since: number): Promise<{ count: number; oldest: number | null }> {
    return this.do((tx) => tx.loginFailuresSince(scope, key, since));
  }
}
