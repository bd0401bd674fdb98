import type { Context } from 'hono';
import type { AuthProvider } from '../auth/types';
import { errorBody } from '../auth/validation';
import { canWrite, type Principal, type Role } from '../../shared/protocol';

/** Package ids as the server issues them; anything else cannot be a package (→ 404). */
export const PACKAGE_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * What a caller needs to be allowed to do in a package: `read` (any member),
 * `write` (the content: owners and editors), `comment` (the comments: owners,
 * editors, commenters), `owner` (members and settings).
 */
export type PackageNeed = 'read' | 'write' | 'comment' | 'owner';

/** The refusal messages (Norwegian, shown to the user) of the access resolver. */
export const ACCESS_MESSAGES = {
  unauthenticated: 'Du må logge inn',
  notFound: 'Pakken finnes ikke',
  /** 403 per need; every member may read. */
  forbidden: {
    write: 'Du har ikke skrivetilgang til denne pakken',
    comment: 'Du har ikke lov til å kommentere i denne pakken',
    owner: 'Bare eiere av pakken kan gjøre dette',
  },
} as const;

/** A caller allowed into a package: who, with which role, in which package. */
export interface PackageGrant {
  ok: true;
  principal: Principal;
  role: Role;
  id: string;
}

/** A refused caller: the HTTP status and the message to answer with. */
export interface PackageRefusal {
  ok: false;
  status: 401 | 403 | 404;
  message: string;
}

/** The one package-access check of the server (HTTP routes, members routes, websocket upgrade). */
export interface PackageAccess {
  /**
   * Decides whether the request carrying `headers` may do `need` in package `id`:
   * no principal → 401; a malformed id, a package the caller is not a member of and
   * a package that does not exist → the same 404 (its existence is not revealed); a
   * member whose role does not allow `need` → 403 (`forbidden` overrides the message).
   */
  resolve(headers: Headers, id: string, need: PackageNeed, forbidden?: string): Promise<PackageGrant | PackageRefusal>;
  /**
   * `resolve` for a Hono route with the package id in the `:id` parameter: the grant,
   * or the refusal as a ready `{ error: { message } }` JSON response.
   */
  forRoute(c: Context, need: PackageNeed, forbidden?: string): Promise<PackageGrant | Response>;
  /** The caller's principal, or the 401 response for a request without a session. */
  principal(c: Context): Promise<Principal | Response>;
}

/** What the resolver consults: the auth provider and whether a package exists. */
export interface PackageAccessDeps {
  auth: AuthProvider;
  /** Whether a package with this (well-formed) id exists; a deleted package gets 404. */
  packageExists(id: string): boolean | Promise<boolean>;
}

/** Whether `role` allows `need` beyond reading, which every member may. */
function allows(role: Role, need: Exclude<PackageNeed, 'read'>): boolean {
  switch (need) {
    case 'write':
      return canWrite(role, 'content');
    case 'comment':
      return canWrite(role, 'comments');
    case 'owner':
      return role === 'owner';
  }
}

/**
 * The package access resolver: authenticate → validate the id → role → the package
 * exists → the role allows what is needed. Every check consults `auth` on every call
 * (nothing is cached), so a membership change or an ended session counts at once.
 * The answers (status and message) are the same for every route that uses it.
 */
export function createPackageAccess(deps: PackageAccessDeps): PackageAccess {
  const refuse = (status: PackageRefusal['status'], message: string): PackageRefusal => ({ ok: false, status, message });

  async function resolve(headers: Headers, id: string, need: PackageNeed, forbidden?: string): Promise<PackageGrant | PackageRefusal> {
    const principal = await deps.auth.authenticate(headers);
    if (!principal) return refuse(401, ACCESS_MESSAGES.unauthenticated);
    // A malformed id never reaches the provider or the storage.
    const role = PACKAGE_ID_RE.test(id) ? await deps.auth.roleFor(principal, id) : null;
    if (!role || !(await deps.packageExists(id))) return refuse(404, ACCESS_MESSAGES.notFound);
    if (need !== 'read' && !allows(role, need)) return refuse(403, forbidden ?? ACCESS_MESSAGES.forbidden[need]);
    return { ok: true, principal, role, id };
  }

  return {
    resolve,
    async forRoute(c, need, forbidden) {
      const result = await resolve(c.req.raw.headers, c.req.param('id') ?? '', need, forbidden);
      return result.ok ? result : c.json(errorBody(result.message), result.status);
    },
    async principal(c) {
      const principal = await deps.auth.authenticate(c.req.raw.headers);
      return principal ?? c.json(errorBody(ACCESS_MESSAGES.unauthenticated), 401);
    },
  };
}
