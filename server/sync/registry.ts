/**
 * The registry of a server's rooms (one serving room per document).
 */
import type { MembershipChange } from '../auth/types';
import type { DocKind } from '../../shared/protocol';
import { CLOSE_SERVICE_RESTART, REASONS } from '../../shared/protocol';
import type { RoomOptions } from './options';
import { ProblemLog } from './problems';
import { Room } from './room';
import { realScheduler } from './scheduler';

/** The storage name of a package's document: the id for content, `<id>/comments` for comments. */
export function docNameFor(packageId: string, kind: DocKind): string {
  return kind === 'content' ? packageId : `${packageId}/comments`;
}

/** What every room of a registry shares: storage, hooks, scheduler, limits (see `RoomOptions`). */
export type RoomRegistryOptions = Omit<RoomOptions, 'docName' | 'packageId' | 'kind' | 'after' | 'onUnloaded'>;

/**
 * The server's rooms, at most one serving room per document. A room that is
 * draining is never revived: a new one is created that loads only after the old
 * one has stored everything and unloaded, so two replicas of one doc never write
 * at the same time. Membership changes reach every open connection of the user.
 */
export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();
  private closing = false;
  /**
   * The process's counters of malformed frames and dropped awareness, shared by
   * every room and the websocket layer; summarised in the log at most once a
   * minute and at shutdown.
   */
  readonly problems: ProblemLog;

  constructor(private readonly opts: RoomRegistryOptions) {
    this.problems = opts.problems ?? new ProblemLog({ log: opts.log ?? console, scheduler: opts.scheduler ?? realScheduler });
  }

  /** The serving room of a doc, created (and loading) if needed. */
  get(packageId: string, kind: DocKind): Room {
    if (this.closing) throw new Error('server is shutting down');
    const docName = docNameFor(packageId, kind);
    const existing = this.rooms.get(docName);
    if (existing && (existing.state === 'loading' || existing.state === 'live')) return existing;
    const room: Room = new Room({
      ...this.opts,
      problems: this.problems,
      docName,
      packageId,
      kind,
      ...(existing ? { after: existing.unloaded } : {}),
      onUnloaded: () => {
        if (this.rooms.get(docName) === room) this.rooms.delete(docName);
      },
    });
    this.rooms.set(docName, room);
    return room;
  }

  /** Runs `fn` with the live room of a doc (its replica holding only accepted changes), keeping it loaded meanwhile. */
  async withRoom<T>(packageId: string, kind: DocKind, fn: (room: Room) => Promise<T> | T): Promise<T> {
    const room = this.get(packageId, kind);
    const release = room.hold();
    try {
      await room.whenServing();
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

  /** Stops accepting, stores everything pending, closes every socket with 1012, unloads; logs the last problem summary. */
  async shutdown(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.rooms.values()].map((r) => r.shutdown(CLOSE_SERVICE_RESTART, REASONS.restart)));
    this.problems.stop();
  }
}
