/**
 * One client connection of a room and who is behind it.
 */
import { canWrite, type DocKind, type Role } from '../../shared/protocol';
import type { TimerHandle } from './scheduler';

/**
 * The three-member socket the room core talks to. The websocket layer adapts
 * Hono/ws sockets to it; unit tests pass fakes. `send` must not throw for a closed
 * socket (the room checks `isOpen` first, but races are possible).
 */
export interface SyncSocket {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
  isOpen(): boolean;
}

/**
 * Who is behind a connection and what they may do (as the websocket layer
 * authenticated it): the user, role, display name and party in this package (what
 * the awareness identity is bound to), and `onActivity`, called whenever the
 * connection shows that a person is at work (an update, or an awareness state that
 * changed — not a mere renewal of the same state).
 */
export interface ConnectionInfo {
  userId: string;
  role: Role;
  /** The name the person goes by (`displayName` of shared/protocol); absent: the user id stands in. */
  name?: string;
  /** The person's party in this package, if any. */
  party?: string | null;
  /** Called when the connection shows a person at work (an update, a changed awareness state). */
  onActivity?: () => void;
}

/** Minimal logger; the server passes console, tests may pass a quiet one. */
export interface RoomLogger {
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  error(msg: string, ...rest: unknown[]): void;
}

/**
 * Who made a change or sent a message, as hooks see it: the user and role (null
 * for the server itself), the user's display name and party in this package (set
 * for connections, null otherwise), the document (package id and kind) and where it
 * came from — a client `connection`, a `server` write (HTTP routes,
 * `room.transact`), or the `load` conversion (`afterLoadDocument`). `connection` is
 * set only for the first.
 */
export interface SyncPrincipal {
  source: 'connection' | 'server' | 'load';
  userId: string | null;
  role: Role | null;
  /** For a connection: the name its person goes by (the user id when the websocket layer gave none); otherwise null. */
  name: string | null;
  /** For a connection: its person's party in the package, or null. */
  party: string | null;
  packageId: string;
  kind: DocKind;
  connection: Connection | null;
}

/**
 * One client connection in a room. Its object identity is the Yjs transaction
 * origin of the updates it sends, which is how broadcasts skip the sender and
 * hooks know the principal. Its role can change while it is open (`setRole`).
 */
export class Connection {
  canWrite: boolean;
  /** Whether this connection has been told it is read-only since it last could write. */
  toldReadOnly = false;
  /** Messages received while the room was still loading, handled once it is live. */
  inbox: Uint8Array[] | null = [];
  /** Frames and bytes of this connection queued in the room, unanswered (its inbox, and frames held during a rebuild). */
  queuedFrames = 0;
  queuedBytes = 0;
  /** Updates in a row that a hook answered with `resync` (reset when one is applied). */
  resyncsInARow = 0;
  /** A resync's step 1 went out and the sender's step 2 has not come back yet. */
  awaitingStep2 = false;
  /** Bytes of updates dropped for a resync since the sender last answered with a step 2. */
  bytesAwaitingStep2 = 0;
  /** Awareness client ids this connection has set (removed when it closes). */
  readonly awarenessClients = new Set<number>();
  /** Awareness throttle: when its last update was applied (scheduler ms), the newest waiting one, its timer. */
  lastAwarenessAt = -Infinity;
  pendingAwareness: Uint8Array | null = null;
  awarenessTimer: TimerHandle | null = null;
  closed = false;
  readonly userId: string;
  role: Role;
  readonly name: string | null;
  readonly party: string | null;

  constructor(
    readonly socket: SyncSocket,
    private readonly info: ConnectionInfo,
    readonly packageId: string,
    readonly kind: DocKind,
  ) {
    this.userId = info.userId;
    this.role = info.role;
    // Without a name from the websocket layer, the user id stands in (the comments hook compares authors with it).
    this.name = info.name ?? info.userId;
    this.party = info.party ?? null;
    this.canWrite = canWrite(info.role, kind);
  }

  /** The principal of this connection as it is now (its role may change). */
  get principal(): SyncPrincipal {
    return {
      source: 'connection',
      userId: this.userId,
      role: this.role,
      name: this.name,
      party: this.party,
      packageId: this.packageId,
      kind: this.kind,
      connection: this,
    };
  }

  /** The connection showed that a person is at work: tells the websocket layer (`ConnectionInfo.onActivity`). */
  activity(): void {
    this.info.onActivity?.();
  }
}
