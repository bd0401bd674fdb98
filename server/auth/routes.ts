import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Principal } from '../../shared/protocol';
import type { PackageInfo } from '../packages/info';
import type { AuthStore } from './store';
import { USER_ID_RE, normalizeEmail } from './store';
import type { AccountsAuth } from './provider';
import { SESSION_COOKIE, principalOf } from './provider';
import { hashPassword } from './password';
import { appOrigin, originCheck } from './security';
import { MAX_JSON_BODY_BYTES, acceptBody, changePasswordBody, createUserBody, errorBody, loginBody, payloadTooLarge, readJsonBody, setupBody, setupCheckBody } from './validation';

/** Failed logins allowed per account within `LOGIN_FAILURE_WINDOW_MS` before 429. */
export const LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;
/** Failed logins allowed per client address within `LOGIN_FAILURE_WINDOW_MS` before 429. */
export const LOGIN_MAX_FAILURES_PER_ADDRESS = 20;
/** The sliding window over which failed logins are counted. */
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** One-time tokens are 32 bytes in base64url (43 characters). */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const MSG_LOGIN_FAILED = 'Feil e-post eller passord';
const MSG_UNAUTHENTICATED = 'Du må logge inn';
const MSG_INVITE_INVALID = 'Invitasjonen er ugyldig, allerede brukt eller utløpt';

/** Options of `createAuthRoutes`. */
export interface AuthRoutesOptions {
  store: AuthStore;
  auth: AccountsAuth;
  config: {
    /** PUBLIC_ORIGIN: the origin users reach the app at; links are built on it. */
    publicOrigin: string | undefined;
    /** Trust `X-Forwarded-For`/`X-Forwarded-Proto` from a reverse proxy (TRUST_PROXY). */
    trustProxy?: boolean;
  };
  /** Title of a package named by an invitation, when the server can tell. */
  packageInfo?(id: string): PackageInfo | null | Promise<PackageInfo | null>;
}

/**
 * The accounts HTTP routes as a Hono sub-app (mount with `app.route('/', …)`):
 * login/logout/me, password change, first-start setup (and whether a setup link is
 * still unused, `POST /api/auth/setup/check`), invitations (read, accept),
 * and admin user creation. The package members routes are in server/packages/members.ts.
 * Every route validates its JSON with zod (400 naming the field), refuses bodies over
 * `MAX_JSON_BODY_BYTES` (413) and state-changing requests from a foreign Origin (403).
 * Login answers a wrong password and an unknown email identically (same status, body
 * and scrypt cost) and is rate-limited per account and per client address (429 with
 * Retry-After).
 */
export function createAuthRoutes(options: AuthRoutesOptions): Hono {
  const { store, auth, config } = options;
  const app = new Hono();

  // Guards are attached to each route, never with `app.use('*')`: `app.route('/', …)`
  // merges a sub-app's wildcard middleware into the parent, where a 64 KiB limit
  // would also cut the server's 5 MiB CSV import.
  const guard = [
    originCheck(config.publicOrigin, config.trustProxy ?? false),
    bodyLimit({ maxSize: MAX_JSON_BODY_BYTES, onError: (c) => payloadTooLarge(c, MAX_JSON_BODY_BYTES) }),
  ] as const;

  function isHttps(c: Context): boolean {
    if (config.publicOrigin) return config.publicOrigin.startsWith('https:');
    if (config.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https') return true;
    return new URL(c.req.url).protocol === 'https:';
  }

  function clientAddress(c: Context): string {
    if (config.trustProxy) {
      const forwarded = c.req.header('x-forwarded-for');
      const last = forwarded?.split(',').pop()?.trim();
      if (last) return last;
    }
    try {
      return getConnInfo(c).remote.address ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  async function startSession(c: Context, userId: string): Promise<void> {
    const { token } = await store.createSession(userId);
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: isHttps(c),
      // The browser keeps the cookie for the session's absolute lifetime; the server
      // ends it earlier after SESSION_TTL_MS without use (sliding), so no cookie refresh
      // is needed while the user stays active.
      maxAge: Math.floor(store.sessionAbsoluteTtlMs / 1000),
    });
  }

  async function principal(c: Context): Promise<Principal | null> {
    return auth.authenticate(c.req.raw.headers);
  }

  // ---- sessions -------------------------------------------------------------------

  app.post('/api/auth/login', ...guard, async (c) => {
    const body = await readJsonBody(c, loginBody);
    if (!body.ok) return body.response;
    const email = normalizeEmail(body.data.email);
    const address = clientAddress(c);
    const now = Date.now();
    const since = now - LOGIN_FAILURE_WINDOW_MS;
    const byAccount = await store.loginFailuresSince('account', email, since);
    const byAddress = await store.loginFailuresSince('address', address, since);
    const blocked: number[] = [];
    if (byAccount.count >= LOGIN_MAX_FAILURES_PER_ACCOUNT) blocked.push((byAccount.oldest ?? now) + LOGIN_FAILURE_WINDOW_MS);
    if (byAddress.count >= LOGIN_MAX_FAILURES_PER_ADDRESS) blocked.push((byAddress.oldest ?? now) + LOGIN_FAILURE_WINDOW_MS);
    if (blocked.length > 0) {
      const retryAfterS = Math.max(1, Math.ceil((Math.max(...blocked) - now) / 1000));
      c.header('Retry-After', String(retryAfterS));
      return c.json(errorBody(`For mange mislykkede innlogginger. Prøv igjen om ${Math.ceil(retryAfterS / 60)} min.`), 429);
    }
    // Count the attempt before the (slow) password check, so parallel guesses cannot
    // all slip under the limit; a success takes its row back.
    const accountRow = await store.recordLoginFailure('account', email, now);
    const addressRow = await store.recordLoginFailure('address', address, now);
    const user = await store.verifyLogin(email, body.data.password);
    if (!user) return c.json(errorBody(MSG_LOGIN_FAILED), 401);
    await store.forgetLoginFailure(accountRow);
    await store.forgetLoginFailure(addressRow);
    await store.clearLoginFailures('account', email);
    await startSession(c, user.id);
    return c.json({ user: principalOf(user) });
  });

  app.post('/api/auth/logout', ...guard, async (c) => {
    const token = auth.sessionTokenFrom(c.req.raw.headers);
    if (token) await store.deleteSession(token);
    deleteCookie(c, SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: isHttps(c) });
    return c.json({ ok: true });
  });

  app.get('/api/auth/me', ...guard, async (c) => {
    const who = await principal(c);
    if (!who) return c.json(errorBody(MSG_UNAUTHENTICATED), 401);
    const { sessionId: _sessionId, ...user } = who;
    return c.json({ user, memberships: await auth.listMemberships(who) });
  });

  /**
   * Changes the caller's password after checking the current one (counted against the
   * account's login limit, so a stolen session cannot be used to guess it). Every
   * session of the user ends; the caller gets a fresh one.
   */
  app.post('/api/auth/password', ...guard, async (c) => {
    const who = await principal(c);
    if (!who) return c.json(errorBody(MSG_UNAUTHENTICATED), 401);
    const body = await readJsonBody(c, changePasswordBody);
    if (!body.ok) return body.response;
    const now = Date.now();
    const failures = await store.loginFailuresSince('account', who.email, now - LOGIN_FAILURE_WINDOW_MS);
    if (failures.count >= LOGIN_MAX_FAILURES_PER_ACCOUNT) {
      const retryAfterS = Math.max(1, Math.ceil(((failures.oldest ?? now) + LOGIN_FAILURE_WINDOW_MS - now) / 1000));
      c.header('Retry-After', String(retryAfterS));
      return c.json(errorBody(`For mange mislykkede forsøk. Prøv igjen om ${Math.ceil(retryAfterS / 60)} min.`), 429);
    }
    const row = await store.recordLoginFailure('account', who.email, now);
    if (!(await store.verifyLogin(who.email, body.data.currentPassword))) {
      return c.json(errorBody('Feil nåværende passord', 'currentPassword'), 403);
    }
    await store.forgetLoginFailure(row);
    await store.setPasswordHash(who.userId, await hashPassword(body.data.newPassword));
    await store.deleteUserSessions(who.userId);
    await startSession(c, who.userId);
    return c.json({ ok: true });
  });

  // ---- first start ----------------------------------------------------------------

  // The setup page asks before it shows the form, so a used link says so at once. A POST,
  // so the token stays out of request lines (and logs), as it stays in the link's fragment.
  app.post('/api/auth/setup/check', ...guard, async (c) => {
    const body = await readJsonBody(c, setupCheckBody);
    if (!body.ok) return body.response;
    const { token } = body.data;
    if ((await store.userCount()) > 0 || !TOKEN_RE.test(token) || !(await store.peekToken(token, 'setup'))) {
      return c.json(errorBody('Oppsettlenken er ugyldig eller allerede brukt'), 403);
    }
    return c.json({ ok: true });
  });

  app.post('/api/auth/setup', ...guard, async (c) => {
    const body = await readJsonBody(c, setupBody);
    if (!body.ok) return body.response;
    const { token, email, password, name } = body.data;
    if (!TOKEN_RE.test(token) || !(await store.peekToken(token, 'setup'))) {
      return c.json(errorBody('Oppsettlenken er ugyldig eller allerede brukt'), 403);
    }
    const passwordHash = await hashPassword(password);
    const user = await store.transaction(function* (tx) {
      if ((yield* tx.userCount()) > 0 || !(yield* tx.consumeToken(token, 'setup'))) return null;
      return yield* tx.insertUser({ email, name, passwordHash, isAdmin: true });
    });
    if (!user) return c.json(errorBody('Oppsettlenken er ugyldig eller allerede brukt'), 403);
    await startSession(c, user.id);
    return c.json({ user: principalOf(user) }, 201);
  });

  // ---- invitations ----------------------------------------------------------------

  app.get('/api/auth/invitations/:token', ...guard, async (c) => {
    const token = c.req.param('token');
    const invite = TOKEN_RE.test(token) ? await store.peekToken(token, 'invite') : null;
    const user = invite?.userId ? await store.getUserById(invite.userId) : null;
    if (!invite || !user || user.active) return c.json(errorBody(MSG_INVITE_INVALID), 404);
    const info = invite.packageId ? await options.packageInfo?.(invite.packageId) : null;
    return c.json({
      email: user.email,
      name: user.name,
      role: invite.role,
      packageId: invite.packageId,
      packageTitle: info?.title ?? null,
      expiresAt: invite.expiresAt,
    });
  });

  app.post('/api/auth/invitations/:token/accept', ...guard, async (c) => {
    const token = c.req.param('token');
    const invite = TOKEN_RE.test(token) ? await store.peekToken(token, 'invite') : null;
    const pending = invite?.userId ? await store.getUserById(invite.userId) : null;
    if (!invite || !pending || pending.active) return c.json(errorBody(MSG_INVITE_INVALID), 404);
    const body = await readJsonBody(c, acceptBody);
    if (!body.ok) return body.response;
    const name = body.data.name ?? pending.name;
    if (name.trim() === '') return c.json(errorBody('Mangler feltet «name»', 'name'), 400);
    const passwordHash = await hashPassword(body.data.password);
    // Consume and activate in one transaction: of two racing accepts, one wins.
    const activated = await store.transaction(function* (tx) {
      const used = yield* tx.consumeToken(token, 'invite');
      const user = used?.userId ? yield* tx.getUserById(used.userId) : null;
      if (!used || !user || user.active) return null;
      yield* tx.setPasswordHash(user.id, passwordHash, name);
      yield* tx.revokeInvitations(user.id);
      return yield* tx.getUserById(user.id);
    });
    if (!activated) return c.json(errorBody(MSG_INVITE_INVALID), 404);
    await startSession(c, activated.id);
    return c.json({ user: principalOf(activated) });
  });

  // ---- admin ----------------------------------------------------------------------

  /** Admins create accounts (e.g. the secretariat, who may create packages) by invitation. */
  app.post('/api/admin/users', ...guard, async (c) => {
    const who = await principal(c);
    if (!who) return c.json(errorBody(MSG_UNAUTHENTICATED), 401);
    if ((await store.getUserById(who.userId))?.isAdmin !== true) return c.json(errorBody('Bare administratorer kan opprette brukere'), 403);
    const body = await readJsonBody(c, createUserBody);
    if (!body.ok) return body.response;
    const created = await store.transaction(function* (tx) {
      if (yield* tx.getUserByEmail(body.data.email)) return null;
      const user = yield* tx.insertUser({
        email: body.data.email,
        name: body.data.name,
        passwordHash: null,
        isAdmin: body.data.isAdmin ?? false,
        createdBy: who.userId,
      });
      return { user, invite: yield* tx.createInvitation(user.id, null, null) };
    });
    if (!created) return c.json(errorBody('Det finnes allerede en bruker med denne e-postadressen', 'email'), 409);
    return c.json(
      {
        user: principalOf(created.user),
        inviteUrl: `${appOrigin(c, config.publicOrigin)}/invite#${created.invite.token}`,
        token: created.invite.token,
        inviteExpiresAt: created.invite.expiresAt,
      },
      201,
    );
  });

  /** A new activation link for a pending account (the first was lost or expired); administrators only. */
  app.post('/api/admin/users/:userId/invitation', ...guard, async (c) => {
    const who = await principal(c);
    if (!who) return c.json(errorBody(MSG_UNAUTHENTICATED), 401);
    if ((await store.getUserById(who.userId))?.isAdmin !== true) return c.json(errorBody('Bare administratorer kan lage nye invitasjonslenker'), 403);
    const userId = c.req.param('userId');
    const user = USER_ID_RE.test(userId) ? await store.getUserById(userId) : null;
    if (!user) return c.json(errorBody('Brukeren finnes ikke'), 404);
    if (user.active) return c.json(errorBody('Kontoen er allerede aktivert; personen kan logge inn'), 409);
    const invite = await store.createInvitation(user.id, null, null);
    return c.json({ inviteUrl: `${appOrigin(c, config.publicOrigin)}/invite#${invite.token}`, token: invite.token, inviteExpiresAt: invite.expiresAt }, 201);
  });

  return app;
}
