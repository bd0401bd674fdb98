/**
 * How a room is made: its options with their production defaults, and its limits.
 */
import type { DocKind } from '../../shared/protocol';
import type { DocStorage } from '../storage/types';
import type { RoomLogger } from './connection';
import type { HookRoom, RoomHooks } from './hooks';
import type { MergeFunction, StorageRetryPolicy } from './pipeline';
import type { ProblemLog } from './problems';
import type { SyncScheduler } from './scheduler';

/** loading → live → draining → unloaded. A failed load goes straight to unloaded. */
export type RoomState = 'loading' | 'live' | 'draining' | 'unloaded';

/** When the uncompacted log of a doc passes this many updates (or `MAX_LOG_BYTES`), it is merged into a snapshot. */
export const MAX_LOG_UPDATES = 500;
/** When the uncompacted log of a doc passes this many bytes (or `MAX_LOG_UPDATES`), it is merged into a snapshot. */
export const MAX_LOG_BYTES = 4 * 1024 * 1024;
/**
 * A room sends an empty awareness update (a no-op for every client) to each
 * connection this often. y-websocket closes a connection that received nothing for
 * 30 s, which would otherwise happen to a lone client whose awareness state is null
 * (the balance worker's provider, for instance).
 */
export const KEEPALIVE_INTERVAL_MS = 10_000;
/**
 * A connection whose updates a hook answered with `resync` in this many round trips
 * in a row (each a step 1 sent and the sender's step 2 back, none applied in
 * between) is refused (4422): an honest client's first step 2 applies. Updates that
 * cross the step 1 on the wire count once, however many (a fast typist).
 */
export const MAX_RESYNCS_IN_A_ROW = 8;
/**
 * Bytes of not-yet-applicable updates a connection may send while the server waits
 * for its step 2 (all dropped); past it the connection is refused (4422). Keystrokes
 * are a few dozen bytes; this is an attacker filling the wire.
 */
export const MAX_RESYNC_BYTES = 8 * 1024 * 1024;
/**
 * What a connection may have queued in the room, unanswered, while the room loads
 * or rebuilds its replica: this many frames, or `MAX_QUEUED_BYTES`. Past either
 * the connection is closed (1013) and its queue dropped; an honest client sends a
 * handful of frames in that time.
 */
export const MAX_QUEUED_FRAMES = 256;
/** See `MAX_QUEUED_FRAMES`. */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/**
 * What a room may hold waiting for storage — accepted updates not yet stored, and
 * the messages held back until they are (their broadcasts, step-2 replies) — as a
 * count of updates or `MAX_UNSTORED_BYTES`. Normally a batch is stored within a tick;
 * these bound a room during a storage outage (appends retried). Past either the room
 * gives up like on a fatal storage error: its clients are closed with 4501, reconnect
 * and resend what the server lacks.
 */
export const MAX_UNSTORED_UPDATES = 50_000;
/** See `MAX_UNSTORED_UPDATES`. */
export const MAX_UNSTORED_BYTES = 64 * 1024 * 1024;
/** Default time a room without clients stays loaded (the server passes `ROOM_IDLE_TIMEOUT_MS`). */
export const ROOM_IDLE_TIMEOUT_MS = 30_000;

/** How a room is made; everything but the document's identity and storage has a production default. */
export interface RoomOptions {
  docName: string;
  packageId: string;
  kind: DocKind;
  storage: DocStorage;
  log?: RoomLogger;
  /** Rules on the write path, run in this order (see `RoomHooks`). */
  hooks?: readonly RoomHooks[];
  idleTimeoutMs?: number;
  /** Wait for this before loading (the previous room of the same doc is draining). */
  after?: Promise<unknown>;
  /** Called once the room is unloaded (after draining, a failed load or a storage failure). */
  onUnloaded?: (room: HookRoom) => void;
  maxLogUpdates?: number;
  maxLogBytes?: number;
  keepaliveIntervalMs?: number;
  /** Clock and timers (tests pass a manual one). */
  scheduler?: SyncScheduler;
  /** Compaction merge (default: a worker thread). */
  merge?: MergeFunction;
  /** Whether and when a failed append is retried (default: never; the room unloads). */
  storageRetry?: StorageRetryPolicy;
  /** Default `MAX_UNSTORED_UPDATES`. */
  maxUnstoredUpdates?: number;
  /** Default `MAX_UNSTORED_BYTES`. */
  maxUnstoredBytes?: number;
  /** Where malformed frames and dropped awareness are counted (default: a log of the room's own, flushed at unload). */
  problems?: ProblemLog;
  /** Default `AWARENESS_MIN_INTERVAL_MS`. */
  awarenessMinIntervalMs?: number;
  /** Default `AWARENESS_MAX_STATE_BYTES`. */
  awarenessMaxStateBytes?: number;
}
