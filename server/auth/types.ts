/**
 * The contract between the collaboration server and whatever authenticates
 * people. The server consults it on every HTTP request and websocket upgrade; the
 * accounts module (server/auth/) provides the real implementation. Roles,
 * principals and `canWrite` are wire facts and live in shared/protocol.
 */
import type { MembershipSummary, Principal, Role } from '../../shared/protocol';

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
  canCreatePackage(principal: Principal): Promise<boolean>;
  /** Records the creator of a new package as its owner. */
  afterPackageCreated(principal: Principal, packageId: string): Promise<void>;
  /** Package ids the principal is a member of, with role. */
  listMemberships(principal: Principal): Promise<MembershipSummary[]>;
  /** The user ids of every member of a package (any role; an invited, not yet active member too). */
  listMemberIds(packageId: string): Promise<string[]>;
  /** Subscribes to membership changes; returns the unsubscribe function. */
  onMembershipChange(listener: (change: MembershipChange) => void): () => void;
  /**
   * Optional: subscribes to the end of login sessions (logout, password change,
   * absolute expiry), so connections opened with them can be closed at once;
   * returns the unsubscribe function.
   */
  onSessionEnd?(listener: (sessionIds: string[]) => void): () => void;
  /**
   * Optional: counts websocket activity as use of the session behind a connection
   * (its idle expiry slides as with an HTTP request). Returns false when the session
   * has ended; the connection is then closed.
   */
  touchSession?(sessionId: string): Promise<boolean>;
  /**
   * Optional: how often (ms) activity must at least be reported through
   * `touchSession` to keep a busy session from idling out; the websocket layer
   * reports at most every `min(5 s, this)`.
   */
  readonly sessionTouchIntervalMs?: number;
}
