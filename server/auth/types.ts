/**
 * The contract between the collaboration server and whatever authenticates
 * people. The server consults it on every HTTP request and websocket upgrade;
 * the accounts module (server/auth/) provides the real implementation, and
 * tests may use `createTestAuth` from server/auth/testAuth.ts.
 */

/** Roles per package, strongest first. */
export const ROLES = ['owner', 'editor', 'commenter', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is making a request. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  isAdmin: boolean;
  /**
   * Opaque, non-secret id of the login session behind this principal, when the
   * provider has sessions; `onSessionEnd` names sessions by it.
   */
  sessionId?: string;
}

/** Which of a package's two documents a connection is for. */
export type DocKind = 'content' | 'comments';

/** Whether `role` may write the given document of a package. */
export function canWrite(role: Role, kind: DocKind): boolean {
  if (role === 'owner' || role === 'editor') return true;
  return role === 'commenter' && kind === 'comments';
}

/** A change of membership that must take effect on open connections at once. */
export interface MembershipChange {
  packageId: string;
  userId: string;
  /** The new role, or null when the member was removed. */
  role: Role | null;
}

export interface AuthProvider {
  /** The principal behind a request's headers (session cookie), or null. */
  authenticate(headers: Headers): Promise<Principal | null>;
  /** The principal's role in a package, or null when not a member. */
  roleFor(principal: Principal, packageId: string): Promise<Role | null>;
  /** Whether the principal may create packages. */
  canCreatePackage(principal: Principal): boolean;
  /** Records the creator of a new package as its owner. */
  afterPackageCreated(principal: Principal, packageId: string): Promise<void>;
  /** Package ids the principal is a member of, with role. */
  listMemberships(principal: Principal): Promise<Array<{ packageId: string; role: Role; party?: string }>>;
  /** Subscribes to membership changes; returns the unsubscribe function. */
  onMembershipChange(listener: (change: MembershipChange) => void): () => void;
  /**
   * Optional: subscribes to the end of login sessions (logout, password change,
   * absolute expiry), so connections opened with them can be closed at once;
   * returns the unsubscribe function.
   */
  onSessionEnd?(listener: (sessionIds: string[]) => void): () => void;
}
