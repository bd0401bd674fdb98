import type { MembershipChange } from './auth/types';
import type { DocKind } from '../shared/protocol';
import { CLOSE_SERVICE_RESTART, REASONS } from '../shared/protocol';
import { Room, type RoomLogger } from './room';
import type { DocStorage } from './storage/types';

/** The storage name of a package's document: the id for content, `<id>/comments` for comments. */
export function docNameFor(packageId: string, kind: DocKind): string {
  return kind === 'content' ? packageId : `${packageId}/comments`;
}

export interface RoomRegistryOptions {
  storage: DocStorage;
  idleTimeoutMs?: number;
  log?: RoomLogger;
  maxLogUpdates?: number;
  maxLogBytes?: number;
}

/**
 * The server's rooms, at most one serving room per document. A room that is
 * draining is never revived: a new one is created that loads only after the old
 * one has stored everything and unloaded, so two replicas of one doc never write
 * at the same time. Membership changes reach every open connection of the user.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private closing = false;

  constructor(private readonly opts: RoomRegistryOptions) {}

  /** The serving room of a doc, created (and loading) if needed. */
  get(packageId: string, kind: DocKind): Room {
    if (this.closing) throw new Error('server is shutting down');
    const docName = docNameFor(packageId, kind);
    const existing = this.rooms.get(docName);
    if (existing && (existing.state === 'loading' || existing.state === 'live')) return existing;
    const room = new Room({
      docName,
      packageId,
      kind,
      storage: this.opts.storage,
      ...(this.opts.log ? { log: this.opts.log } : {}),
      ...(this.opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: this.opts.idleTimeoutMs } : {}),
      ...(this.opts.maxLogUpdates !== undefined ? { maxLogUpdates: this.opts.maxLogUpdates } : {}),
      ...(this.opts.maxLogBytes !== undefined ? { maxLogBytes: this.opts.maxLogBytes } : {}),
      ...(existing ? { after: existing.unloaded } : {}),
      onUnloaded: (r) => {
        if (this.rooms.get(docName) === r) this.rooms.delete(docName);
      },
    });
    this.rooms.set(docName, room);
    return room;
  }

  /** Runs `fn` with the live room of a doc, keeping it loaded meanwhile. */
  async withRoom<T>(packageId: string, kind: DocKind, fn: (room: Room) => Promise<T> | T): Promise<T> {
    const room = this.get(packageId, kind);
    const release = room.hold();
    try {
      await room.ready;
      return await fn(room);
    } finally {
      release();
    }
  }

  /** Applies a membership change to both documents of the package. */
  applyMembershipChange(change: MembershipChange): void {
    for (const kind of ['content', 'comments'] as const) {
      this.rooms.get(docNameFor(change.packageId, kind))?.setRole(change.userId, change.role);
    }
  }

  /** Rooms currently held (for tests and metrics). */
  list(): Room[] {
    return [...this.rooms.values()];
  }

  /** Whether the registry still accepts connections. */
  get accepting(): boolean {
    return !this.closing;
  }

  /** Stops accepting, stores everything pending, closes every socket with 1012, unloads. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.rooms.values()].map((r) => r.shutdown(CLOSE_SERVICE_RESTART, REASONS.restart)));
  }
}
