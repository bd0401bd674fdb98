/**
 * Who may do what in a package: the roles, the two documents of a package, and the
 * principal and member shapes the HTTP API answers with. The server enforces these
 * rules on everything it stores and relays; the client only mirrors them in the UI.
 */

/** Roles per package, strongest first. */
export const ROLES = ['owner', 'editor', 'commenter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Whether a string is one of the roles (for values read from the wire or a database). */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Which of a package's two documents a connection is for. */
export type DocKind = 'content' | 'comments';

/**
 * Whether `role` may write the given document of a package: owners and editors
 * write both, commenters only the comments document, viewers neither.
 */
export function canWrite(role: Role, kind: DocKind): boolean {
  if (role === 'owner' || role === 'editor') return true;
  return role === 'commenter' && kind === 'comments';
}

/** Who is making a request (what `GET /api/auth/me` answers as `user`, plus the session id server-side). */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /**
   * Opaque, non-secret id of the login session behind this principal, when the
   * provider has sessions; the server names sessions by it when they end.
   */
  sessionId?: string;
}

/**
 * The name a person goes by in a package: their name, or their email when they
 * have none. Comments and replies carry it as `authorName` (and `resolvedBy`), and
 * the server refuses a comment whose name is not this one for its author.
 */
export function displayName(p: Pick<Principal, 'name' | 'email'>): string {
  return p.name || p.email;
}

/** A member as `GET /api/packages/:id/members` returns it. `status` is shown to owners only. */
export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  party: string | null;
  status?: 'active' | 'invited';
}

/** One of the caller's memberships, as `GET /api/auth/me` lists them. */
export interface MembershipSummary {
  packageId: string;
  role: Role;
  party?: string;
}
