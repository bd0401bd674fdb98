import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { isRole, type Role } from '../../shared/protocol';
import { hashPassword, verifyPassword } from './password';

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

/**
 * An account and its first invitation are written in one transaction, a few
 * milliseconds apart at most; a legacy invitation issued later than this after its
 * account was a re-issue by someone who may not have been the creator.
 */
const LEGACY_INVITE_CREATION_SLACK_MS = 1_000;

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
    isAdmin: row.is_admin === 1,
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

/**
 * Persistence of accounts: users (scrypt password hashes), sessions, one-time tokens
 * (invitations and the first-start setup link), package memberships and failed login
 * attempts, in the server's SQLite database under `auth_`-prefixed tables.
 *
 * Guarantees: no secret is stored in a form that can be used if the database leaks
 * (passwords as scrypt hashes; session, invitation and setup tokens as SHA-256 of
 * 256-bit random values); every statement is prepared with bound parameters; a session
 * is valid only before both its sliding idle expiry and its absolute expiry; a
 * one-time token works once and, for invitations, only before its expiry.
 */
export class AuthStore {
  readonly sessionTtlMs: number;
  readonly sessionAbsoluteTtlMs: number;
  readonly inviteTtlMs: number;
  private readonly sessionEndListeners = new Set<(sessionIds: string[]) => void>();
  /** Verified against for unknown emails, so that a miss costs the same scrypt time as a hit. */
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly db: BetterSqlite3.Database,
    options: AuthStoreOptions = {},
  ) {
    this.sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.sessionAbsoluteTtlMs = options.sessionAbsoluteTtlMs ?? DEFAULT_SESSION_ABSOLUTE_TTL_MS;
    this.inviteTtlMs = options.inviteTtlMs ?? DEFAULT_INVITE_TTL_MS;
    // Computed up front so the first unknown-email login costs one scrypt, like every other.
    this.dummyHash = hashPassword(randomBytes(18).toString('base64url'));
    db.exec(`
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
    `);
    this.migrateCreatedBy();
  }

  /**
   * Adds `auth_users.created_by` to a database made before it existed. Until then any
   * owner who added a pending account to a package got a fresh invitation for it, so
   * an invitation issued after the account's creation cannot be trusted: those are
   * revoked (the creator's own link, issued with the account, keeps working; an
   * administrator can issue a new one).
   */
  private migrateCreatedBy(): void {
    const columns = this.db.prepare('PRAGMA table_info(auth_users)').all() as Array<{ name: string }>;
    if (columns.some((c) => c.name === 'created_by')) return;
    this.db.transaction(() => {
      this.db.exec('ALTER TABLE auth_users ADD COLUMN created_by TEXT');
      this.db
        .prepare(
          `UPDATE auth_tokens SET used_at = ? WHERE kind = 'invite' AND used_at IS NULL
           AND created_at > (SELECT u.created_at FROM auth_users u WHERE u.id = auth_tokens.user_id) + ?`,
        )
        .run(Date.now(), LEGACY_INVITE_CREATION_SLACK_MS);
    })();
  }

  // ---- users ----------------------------------------------------------------------

  /** Number of accounts, active or invited. */
  userCount(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM auth_users').get() as { n: number }).n;
  }

  /**
   * Creates an account from an already computed hash (`hashPassword`), synchronously,
   * so callers can check and insert within one transaction. Without a hash it is a
   * pending (invited) account that cannot log in until it accepts an invitation.
   * Throws when the email is taken.
   */
  insertUser(input: { email: string; name?: string; passwordHash?: string | null; isAdmin?: boolean; createdBy?: string | null }): User {
    const row: UserRow = {
      id: randomUUID(),
      email: normalizeEmail(input.email),
      name: input.name?.trim() ?? '',
      password_hash: input.passwordHash ?? null,
      is_admin: input.isAdmin ? 1 : 0,
      created_by: input.createdBy ?? null,
      created_at: Date.now(),
    };
    this.db
      .prepare(
        'INSERT INTO auth_users (id, email, name, password_hash, is_admin, created_by, created_at) VALUES (@id, @email, @name, @password_hash, @is_admin, @created_by, @created_at)',
      )
      .run(row);
    return toUser(row);
  }

  /** Creates an account, hashing the password when one is given (see `insertUser`). */
  async createUser(input: { email: string; name?: string; password?: string | null; isAdmin?: boolean }): Promise<User> {
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    return this.insertUser({ email: input.email, name: input.name, passwordHash, isAdmin: input.isAdmin });
  }

  getUserById(id: string): User | null {
    const row = this.db.prepare('SELECT * FROM auth_users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  getUserByEmail(email: string): User | null {
    const row = this.db.prepare('SELECT * FROM auth_users WHERE email = ?').get(normalizeEmail(email)) as UserRow | undefined;
    return row ? toUser(row) : null;
  }

  /** Sets (or replaces) a user's password hash (`hashPassword`), and their name when given. */
  setPasswordHash(userId: string, passwordHash: string, name?: string): void {
    if (name !== undefined && name.trim() !== '') {
      this.db.prepare('UPDATE auth_users SET password_hash = ?, name = ? WHERE id = ?').run(passwordHash, name.trim(), userId);
    } else {
      this.db.prepare('UPDATE auth_users SET password_hash = ? WHERE id = ?').run(passwordHash, userId);
    }
  }

  /** Sets a user's admin flag. */
  setAdmin(userId: string, isAdmin: boolean): void {
    this.db.prepare('UPDATE auth_users SET is_admin = ? WHERE id = ?').run(isAdmin ? 1 : 0, userId);
  }

  /**
   * The active user with this email and password, or null. Always spends one scrypt
   * verification, also for unknown emails and pending accounts, so response time does
   * not reveal whether an account exists.
   */
  async verifyLogin(email: string, password: string): Promise<User | null> {
    const row = this.db.prepare('SELECT * FROM auth_users WHERE email = ?').get(normalizeEmail(email)) as UserRow | undefined;
    if (!row || row.password_hash === null) {
      await verifyPassword(password, await this.dummyHash);
      return null;
    }
    return (await verifyPassword(password, row.password_hash)) ? toUser(row) : null;
  }

  // ---- sessions -------------------------------------------------------------------

  /** Starts a session; returns the secret token (only its hash is stored). */
  createSession(userId: string): { token: string; expiresAt: number } {
    const token = newToken();
    const now = Date.now();
    const expiresAt = now + this.sessionTtlMs;
    this.db
      .prepare(
        'INSERT INTO auth_sessions (token_hash, user_id, created_at, renewed_at, expires_at, absolute_expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(hashToken(token), userId, now, now, expiresAt, now + this.sessionAbsoluteTtlMs);
    return { token, expiresAt: Math.min(expiresAt, now + this.sessionAbsoluteTtlMs) };
  }

  /**
   * The user behind a session token, renewing its idle expiry (sliding), or null when
   * the token is unknown, expired, or belongs to an account that no longer exists.
   * Expired sessions found this way are deleted.
   */
  userForSession(token: string): { user: User; expiresAt: number; sessionId: string } | null {
    const tokenHash = hashToken(token);
    const session = this.db
      .prepare('SELECT user_id, renewed_at, expires_at, absolute_expires_at FROM auth_sessions WHERE token_hash = ?')
      .get(tokenHash) as { user_id: string; renewed_at: number; expires_at: number; absolute_expires_at: number } | undefined;
    if (!session) return null;
    const now = Date.now();
    if (now >= session.expires_at || now >= session.absolute_expires_at) {
      if (this.db.prepare('DELETE FROM auth_sessions WHERE token_hash = ?').run(tokenHash).changes === 1) this.announceEnded([tokenHash]);
      return null;
    }
    const user = this.getUserById(session.user_id);
    if (!user || !user.active) return null;
    let expiresAt = session.expires_at;
    if (now - session.renewed_at >= renewGranularityMs(this.sessionTtlMs)) {
      expiresAt = Math.min(now + this.sessionTtlMs, session.absolute_expires_at);
      this.db.prepare('UPDATE auth_sessions SET renewed_at = ?, expires_at = ? WHERE token_hash = ?').run(now, expiresAt, tokenHash);
    }
    return { user, expiresAt, sessionId: tokenHash };
  }

  /**
   * Ends one session (logout); returns its session id (the token's hash, as in
   * `userForSession`), or null for an unknown token.
   */
  deleteSession(token: string): string | null {
    const tokenHash = hashToken(token);
    if (this.db.prepare('DELETE FROM auth_sessions WHERE token_hash = ?').run(tokenHash).changes !== 1) return null;
    this.announceEnded([tokenHash]);
    return tokenHash;
  }

  /** Ends every session of a user (password change); returns their session ids. */
  deleteUserSessions(userId: string): string[] {
    const ids = this.db.transaction(() => {
      const found = (this.db.prepare('SELECT token_hash FROM auth_sessions WHERE user_id = ?').all(userId) as Array<{ token_hash: string }>).map(
        (r) => r.token_hash,
      );
      this.db.prepare('DELETE FROM auth_sessions WHERE user_id = ?').run(userId);
      return found;
    })();
    this.announceEnded(ids);
    return ids;
  }


  /**
   * Ends every session past its idle or absolute expiry: deletes them and announces
   * their ids to `onSessionsEnded`, so websockets opened with them close at once.
   * Websocket activity renews a session (`renewSession`), so a person typing live is
   * not cut off for lack of HTTP requests.
   */
  endExpiredSessions(now = Date.now()): string[] {
    const ids = this.db.transaction(() => {
      const found = (
        this.db.prepare('SELECT token_hash FROM auth_sessions WHERE expires_at <= ? OR absolute_expires_at <= ?').all(now, now) as Array<{ token_hash: string }>
      ).map((r) => r.token_hash);
      this.db.prepare('DELETE FROM auth_sessions WHERE expires_at <= ? OR absolute_expires_at <= ?').run(now, now);
      return found;
    })();
    this.announceEnded(ids);
    return ids;
  }

  /** How often a session's idle expiry is slid at most (`min(SESSION_RENEW_GRANULARITY_MS, SESSION_TTL_MS / 10)`). */
  get renewIntervalMs(): number {
    return renewGranularityMs(this.sessionTtlMs);
  }

  /**
   * Counts a use of the session (websocket activity): slides its idle expiry like an
   * HTTP request does (at most once per `SESSION_RENEW_GRANULARITY_MS`). Returns false
   * when the session no longer exists or has expired (then it is ended and announced).
   */
  renewSession(sessionId: string, now = Date.now()): boolean {
    const session = this.db.prepare('SELECT renewed_at, expires_at, absolute_expires_at FROM auth_sessions WHERE token_hash = ?').get(sessionId) as
      | { renewed_at: number; expires_at: number; absolute_expires_at: number }
      | undefined;
    if (!session) return false;
    if (now >= session.expires_at || now >= session.absolute_expires_at) {
      this.endExpiredSessions(now);
      return false;
    }
    if (now - session.renewed_at >= renewGranularityMs(this.sessionTtlMs)) {
      const expiresAt = Math.min(now + this.sessionTtlMs, session.absolute_expires_at);
      this.db.prepare('UPDATE auth_sessions SET renewed_at = ?, expires_at = ? WHERE token_hash = ?').run(now, expiresAt, sessionId);
    }
    return true;
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
  pruneExpired(now = Date.now(), loginFailureWindowMs = 24 * 60 * 60 * 1000): void {
    this.endExpiredSessions(now);
    this.db.prepare('DELETE FROM auth_tokens WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
    this.db.prepare('DELETE FROM auth_login_failures WHERE at <= ?').run(now - loginFailureWindowMs);
  }

  // ---- one-time tokens ------------------------------------------------------------

  /** Issues an invitation token for a (pending) user, optionally tied to a package and role. */
  createInvitation(userId: string, packageId: string | null, role: Role | null): { token: string; expiresAt: number } {
    const token = newToken();
    const now = Date.now();
    const expiresAt = now + this.inviteTtlMs;
    this.db
      .prepare(
        "INSERT INTO auth_tokens (token_hash, kind, user_id, package_id, role, created_at, expires_at) VALUES (?, 'invite', ?, ?, ?, ?, ?)",
      )
      .run(hashToken(token), userId, packageId, role, now, expiresAt);
    return { token, expiresAt };
  }

  /**
   * Issues the first-start setup token, valid until used, and revokes any earlier one
   * (only the hash is stored, so an earlier link could not be printed again anyway).
   */
  createSetupToken(): string {
    const token = newToken();
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM auth_tokens WHERE kind = 'setup'").run();
      this.db
        .prepare("INSERT INTO auth_tokens (token_hash, kind, created_at, expires_at) VALUES (?, 'setup', ?, NULL)")
        .run(hashToken(token), Date.now());
    })();
    return token;
  }

  /** A usable (unused, unexpired) token of the given kind, or null. Does not consume it. */
  peekToken(token: string, kind: OneTimeToken['kind']): OneTimeToken | null {
    const row = this.db.prepare('SELECT * FROM auth_tokens WHERE token_hash = ? AND kind = ?').get(hashToken(token), kind) as
      | TokenRow
      | undefined;
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

  /**
   * Marks a usable token as used and returns it, atomically: of two concurrent
   * consumers exactly one gets the token, the other null.
   */
  consumeToken(token: string, kind: OneTimeToken['kind']): OneTimeToken | null {
    const found = this.peekToken(token, kind);
    if (!found) return null;
    const changed = this.db
      .prepare('UPDATE auth_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
      .run(Date.now(), hashToken(token)).changes;
    return changed === 1 ? found : null;
  }

  /** Marks every outstanding invitation of a user as used (after the account is activated). */
  revokeInvitations(userId: string): void {
    this.db.prepare("UPDATE auth_tokens SET used_at = ? WHERE kind = 'invite' AND user_id = ? AND used_at IS NULL").run(Date.now(), userId);
  }

  /** Marks a user's outstanding invitations to one package as used (membership removed). */
  revokePackageInvitations(userId: string, packageId: string): void {
    this.db
      .prepare("UPDATE auth_tokens SET used_at = ? WHERE kind = 'invite' AND user_id = ? AND package_id = ? AND used_at IS NULL")
      .run(Date.now(), userId, packageId);
  }

  /** Whether the user has an invitation that is still usable. */
  hasOpenInvitation(userId: string): boolean {
    const row = this.db
      .prepare("SELECT 1 FROM auth_tokens WHERE kind = 'invite' AND user_id = ? AND used_at IS NULL AND expires_at > ? LIMIT 1")
      .get(userId, Date.now());
    return row !== undefined;
  }

  // ---- memberships ----------------------------------------------------------------

  getMembership(packageId: string, userId: string): Membership | null {
    const row = this.db.prepare('SELECT * FROM auth_memberships WHERE package_id = ? AND user_id = ?').get(packageId, userId) as
      | MembershipRow
      | undefined;
    return row ? toMembership(row) : null;
  }

  /** Adds a membership; throws on a duplicate (package, user). */
  addMembership(packageId: string, userId: string, role: Role, party: string | null): Membership {
    const row: MembershipRow = { package_id: packageId, user_id: userId, role, party, created_at: Date.now() };
    this.db
      .prepare('INSERT INTO auth_memberships (package_id, user_id, role, party, created_at) VALUES (@package_id, @user_id, @role, @party, @created_at)')
      .run(row);
    return toMembership(row);
  }

  /** Members of a package with their accounts, owners first, then by name and email. */
  listMembers(packageId: string): MemberRecord[] {
    const rows = this.db
      .prepare(
        `SELECT m.*, u.email, u.name, u.password_hash IS NOT NULL AS active FROM auth_memberships m
         JOIN auth_users u ON u.id = m.user_id WHERE m.package_id = ?
         ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'editor' THEN 1 WHEN 'commenter' THEN 2 ELSE 3 END, u.name, u.email`,
      )
      .all(packageId) as Array<MembershipRow & { email: string; name: string; active: number }>;
    return rows.map((row) => ({ ...toMembership(row), email: row.email, name: row.name, active: row.active === 1 }));
  }

  /** Every membership of a user. */
  listMembershipsOfUser(userId: string): Membership[] {
    const rows = this.db.prepare('SELECT * FROM auth_memberships WHERE user_id = ? ORDER BY created_at').all(userId) as MembershipRow[];
    return rows.map(toMembership);
  }

  /** Changes role and/or party of an existing membership; returns the new record or null. */
  updateMembership(packageId: string, userId: string, change: { role?: Role; party?: string | null }): Membership | null {
    const current = this.getMembership(packageId, userId);
    if (!current) return null;
    const role = change.role ?? current.role;
    const party = change.party === undefined ? current.party : change.party;
    this.db.prepare('UPDATE auth_memberships SET role = ?, party = ? WHERE package_id = ? AND user_id = ?').run(role, party, packageId, userId);
    return { ...current, role, party };
  }

  /** Removes a membership; returns whether one existed. */
  removeMembership(packageId: string, userId: string): boolean {
    return this.db.prepare('DELETE FROM auth_memberships WHERE package_id = ? AND user_id = ?').run(packageId, userId).changes === 1;
  }

  /** Number of owners of a package. */
  countOwners(packageId: string): number {
    return (
      this.db.prepare("SELECT COUNT(*) AS n FROM auth_memberships WHERE package_id = ? AND role = 'owner'").get(packageId) as { n: number }
    ).n;
  }

  /** Runs `fn` in one SQLite transaction (used for check-then-write sequences). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- login failures -------------------------------------------------------------

  /** Records one failed (or in-flight) login attempt; returns its row id for `forgetLoginFailure`. */
  recordLoginFailure(scope: 'account' | 'address', key: string, at = Date.now()): number {
    return Number(this.db.prepare('INSERT INTO auth_login_failures (scope, key, at) VALUES (?, ?, ?)').run(scope, key, at).lastInsertRowid);
  }

  /** Removes one recorded attempt (it turned out to succeed). */
  forgetLoginFailure(rowId: number): void {
    this.db.prepare('DELETE FROM auth_login_failures WHERE rowid = ?').run(rowId);
  }

  /** Clears all failures of a key (after a successful login to that account). */
  clearLoginFailures(scope: 'account' | 'address', key: string): void {
    this.db.prepare('DELETE FROM auth_login_failures WHERE scope = ? AND key = ?').run(scope, key);
  }

  /** Failures of a key since `since`, and the time of the oldest of them. */
  loginFailuresSince(scope: 'account' | 'address', key: string, since: number): { count: number; oldest: number | null } {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n, MIN(at) AS oldest FROM auth_login_failures WHERE scope = ? AND key = ? AND at > ?')
      .get(scope, key, since) as { n: number; oldest: number | null };
    return { count: row.n, oldest: row.oldest };
  }
}
