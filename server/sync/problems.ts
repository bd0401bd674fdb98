/**
 * Counting what clients send that the server refuses or drops (malformed frames,
 * text frames, oversized frames and awareness states, awareness for another
 * connection's client id, coalesced awareness), with a summary in the log at most
 * once per interval instead of one line per frame: one fuzzing client must not be
 * able to flood the log (a fuzz run once wrote 8,433 lines).
 */
import type { RoomLogger } from './connection';
import type { SyncScheduler, TimerHandle } from './scheduler';

/** A summary of the problems counted since the last one is logged at most this often (and on shutdown). */
export const PROBLEM_SUMMARY_INTERVAL_MS = 60_000;

/**
 * What was wrong with a frame. The `malformed-*` kinds closed their sender with
 * 4400, `too-big` with 1009, `text-frame` with 4400; the `awareness-*` kinds only
 * dropped (or, for `awareness-coalesced`, postponed) an awareness update.
 */
export type ProblemKind =
  | 'malformed-unknown-message-type'
  | 'malformed-unknown-sync-type'
  | 'malformed-trailing-bytes'
  | 'malformed-truncated'
  | 'malformed-bad-varint'
  | 'malformed-unreadable-update'
  | 'malformed-bad-state-vector'
  | 'malformed-bad-awareness'
  | 'malformed-other'
  | 'text-frame'
  | 'too-big'
  | 'socket-error'
  | 'awareness-too-big'
  | 'awareness-foreign-client'
  | 'awareness-coalesced'
  | 'update-refused'
  | 'update-resync';

/**
 * Kinds honest clients cause too, counted but never logged: fast cursor moves are
 * coalesced, and the y-websocket provider sends every awareness change it receives
 * back to the server (other clients' states, which the server ignores).
 */
const QUIET_KINDS: ReadonlySet<ProblemKind> = new Set(['awareness-coalesced', 'awareness-foreign-client', 'update-resync']);

/** One counted problem: its kind, the document and the user it came from, and the close reason or error text. */
export interface Problem {
  kind: ProblemKind;
  docName: string;
  userId: string;
  detail?: string;
}

/** Counts since the process started (`totals`) and since the last logged summary (`sinceSummary`). */
export interface ProblemCounts {
  totals: Partial<Record<ProblemKind, number>>;
  sinceSummary: Partial<Record<ProblemKind, number>>;
  /** Summary lines logged so far. */
  summaries: number;
}

/** What a `ProblemLog` writes to and schedules with. */
export interface ProblemLogOptions {
  log: RoomLogger;
  scheduler: SyncScheduler;
  /** Default `PROBLEM_SUMMARY_INTERVAL_MS`. */
  intervalMs?: number;
}

/**
 * The counters of one server process (shared by its rooms and the websocket layer).
 * Guarantees: every `count` is reflected in `counts().totals` at once; the log gets at most
 * one summary line per `intervalMs` (the first problem after a quiet interval is
 * logged at once, a burst after it in one line when the interval has passed), each
 * naming the counts by kind, the rooms with the most problems and the last detail
 * per kind (`awareness-coalesced` and `awareness-foreign-client`, which honest
 * clients cause, are counted but never logged); `flush` logs what is left (on shutdown) and `stop` ends the timer.
 */
export class ProblemLog {
  private readonly totals = new Map<ProblemKind, number>();
  private pending = new Map<ProblemKind, number>();
  private pendingRooms = new Map<string, number>();
  private lastDetail = new Map<ProblemKind, string>();
  private timer: TimerHandle | null = null;
  private lastSummaryAt = -Infinity;
  private summaries = 0;
  private readonly intervalMs: number;

  constructor(private readonly opts: ProblemLogOptions) {
    this.intervalMs = opts.intervalMs ?? PROBLEM_SUMMARY_INTERVAL_MS;
  }

  /** Counts one problem; the summary follows within `intervalMs`. */
  count(p: Problem): void {
    this.totals.set(p.kind, (this.totals.get(p.kind) ?? 0) + 1);
    if (QUIET_KINDS.has(p.kind)) return;
    this.pending.set(p.kind, (this.pending.get(p.kind) ?? 0) + 1);
    this.pendingRooms.set(p.docName, (this.pendingRooms.get(p.docName) ?? 0) + 1);
    this.lastDetail.set(p.kind, `${p.userId}${p.detail ? `: ${p.detail}` : ''}`);
    if (this.timer) return;
    const wait = Math.max(0, this.lastSummaryAt + this.intervalMs - this.opts.scheduler.now());
    this.timer = this.opts.scheduler.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  /** The counters (a copy). */
  counts(): ProblemCounts {
    return { totals: Object.fromEntries(this.totals), sinceSummary: Object.fromEntries(this.pending), summaries: this.summaries };
  }

  /** Logs the summary of what was counted since the last one, if anything. */
  flush(): void {
    if (this.pending.size === 0) return;
    const total = [...this.pending.values()].reduce((a, b) => a + b, 0);
    const kinds = [...this.pending].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
    const rooms = [...this.pendingRooms].sort((a, b) => b[1] - a[1]);
    const roomText = rooms.slice(0, 5).map(([r, n]) => `${r} ${n}`).join(', ') + (rooms.length > 5 ? `, … (${rooms.length} rooms)` : '');
    const last = [...this.pending.keys()].map((k) => `${k} from ${this.lastDetail.get(k)}`).join('; ');
    this.opts.log.warn(`websocket problems: ${total} (${kinds}); rooms: ${roomText}; last: ${last}`);
    this.pending = new Map();
    this.pendingRooms = new Map();
    this.lastDetail = new Map();
    this.lastSummaryAt = this.opts.scheduler.now();
    this.summaries++;
  }

  /** Logs what is left and stops the timer (shutdown). */
  stop(): void {
    if (this.timer) this.opts.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }
}
