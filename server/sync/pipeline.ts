/**
 * The write-ahead pipeline of a room: accepted updates wait in `pending`, are
 * appended to storage in one batch per event-loop turn (with the rows hooks added),
 * and every outgoing message that contains them waits in the outbox until that
 * append has resolved. Also the compaction of the stored log into a snapshot.
 */
import type { StorageState } from '../../shared/protocol';
import { storedParts } from '../storage/stored';
import { PackageLockedError, type DocStorage } from '../storage/types';
import type { Connection, RoomLogger } from './connection';
import { encodeSyncUpdate } from './frames';
import { addRows, isEmptyRows, type BatchRows, type HookRoom, type HookRunner } from './hooks';
import type { SyncScheduler } from './scheduler';

/** Merges a stored snapshot and log tail into one snapshot; rejects when they do not form a complete document. */
export type MergeFunction = (parts: Uint8Array[]) => Promise<Uint8Array>;

/**
 * Decides whether a failed `append` is tried again: the delay in ms before the
 * next attempt (`attempt` counts from 1), or null to give up — then the room
 * unloads and its clients reconnect (4501). Meanwhile new updates keep queuing and
 * nothing unstored is relayed.
 */
export type StorageRetryPolicy = (attempt: number, err: unknown) => number | null;

/** Today's policy: never retry. */
export const NO_RETRY: StorageRetryPolicy = () => null;

/** One outgoing message: to `to` only, or to every connection but `exclude`. */
export interface OutgoingMessage {
  data: Uint8Array;
  to: Connection | null;
  exclude: Connection | null;
}

interface OutboxEntry extends OutgoingMessage {
  /** Deliver only once every update up to this local sequence number is stored (0: at once, in order). */
  seq: number;
}

/** What a `WritePipeline` needs from its room: storage, limits, the clock, and how to deliver and fail. */
export interface PipelineOptions {
  room: HookRoom;
  storage: DocStorage;
  scheduler: SyncScheduler;
  log: RoomLogger;
  hooks: HookRunner;
  maxLogUpdates: number;
  maxLogBytes: number;
  merge: MergeFunction;
  retry: StorageRetryPolicy;
  /** Bounds on what waits for storage (`MAX_UNSTORED_UPDATES`, `MAX_UNSTORED_BYTES`): past either the room gives up as on a fatal storage error. */
  maxUnstoredUpdates: number;
  maxUnstoredBytes: number;
  /** Saving is delayed (an append failed and will be retried; once per outage), or the retried append succeeded. */
  onStorageState(state: StorageState): void;
  /** Sends one message now. */
  deliver(message: OutgoingMessage): void;
  /** Storage refused a write for good: the room must unload (the pipeline is already cleared). */
  onFatal(err: unknown): void;
  /** Whether compaction may start (the room is live). */
  canCompact(): boolean;
}

/**
 * Guarantees: every accepted update is appended to storage — all updates of one
 * scheduler tick in one `append`, together with their rows — before any message
 * containing it (a broadcast or a step-2 reply queued after it) is delivered; the
 * outbox delivers in the order messages were queued; `afterStoreDocument` runs once
 * per stored batch; after a fatal storage error nothing queued is ever delivered.
 * During an outage (appends retried) `onStorageState('delayed')` is called once and
 * `onStorageState('saved')` after the append that ends it, once the outbox released
 * what it stored; what waits meanwhile (updates, and messages held for them) is
 * bounded, and past the bound the room gives up like on a fatal error.
 */
export class WritePipeline {
  /** Local sequence numbers: updates accepted, and of those, stored. */
  private appliedSeq = 0;
  private persistedSeq = 0;
  private pending: Array<{ seq: number; update: Uint8Array; byPerson: boolean }> = [];
  private rows: BatchRows = {};
  private inFlight: Uint8Array[] = [];
  private outbox: OutboxEntry[] = [];
  private waiters: Array<{ seq: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  private flushing: Promise<void> | null = null;
  private compaction: Promise<void> | null = null;
  private closed = false;
  private logCount = 0;
  private logBytes = 0;
  /** Bytes of the pending updates, of the batch being appended, and of the outbox. */
  private pendingBytes = 0;
  private inFlightBytes = 0;
  private outboxBytes = 0;
  private delayed = false;
  private overflowing = false;

  constructor(private readonly opts: PipelineOptions) {}

  /** Size of the uncompacted stored log as this room knows it. */
  get logSize(): { updates: number; bytes: number } {
    return { updates: this.logCount, bytes: this.logBytes };
  }

  /** Sets the stored log size after a load. */
  setLoadedLog(updates: number, bytes: number): void {
    this.logCount = updates;
    this.logBytes = bytes;
  }

  /** Whether an append failed and is being retried (the clients were told saving is delayed). */
  get storageDelayed(): boolean {
    return this.delayed;
  }

  /**
   * Queues an accepted update for storage and its broadcast (to all but `exclude`)
   * for after it is stored. `byPerson`: a person's write (a connection's, or one a
   * route made for someone), which storage refuses once the package is locked.
   */
  accept(update: Uint8Array, exclude: Connection | null, rows: BatchRows, byPerson = exclude !== null): void {
    const seq = ++this.appliedSeq;
    this.pending.push({ seq, update, byPerson });
    this.pendingBytes += update.byteLength;
    if (!isEmptyRows(rows)) addRows(this.rows, rows);
    this.enqueue({ seq, data: encodeSyncUpdate(update), to: null, exclude });
    this.scheduleFlush();
  }

  /** Queues a message that contains nothing unstored here (a remote update): delivered in order, without waiting for storage. */
  relay(message: OutgoingMessage): void {
    this.enqueue({ ...message, seq: 0 });
  }

  /** Queues a message to `to` that may contain every update accepted so far. */
  sendAfterPersist(to: Connection, data: Uint8Array): void {
    this.enqueue({ seq: this.appliedSeq, data, to, exclude: null });
  }

  /** The local sequence number of the last accepted update. */
  get lastAccepted(): number {
    return this.appliedSeq;
  }

  /** Resolves when every update accepted so far (or up to `seq`) is stored; rejects if the room unloads first. */
  whenPersisted(seq = this.appliedSeq): Promise<void> {
    if (seq <= this.persistedSeq) return Promise.resolve();
    if (this.closed) return Promise.reject(new Error('room unloaded before the update was stored'));
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Accepted updates storage may not hold yet (the batch being appended and the pending ones). */
  unstored(): Uint8Array[] {
    return [...this.inFlight, ...this.pending.map((p) => p.update)];
  }

  /** Flushes until nothing is pending. */
  async flushAll(): Promise<void> {
    while (this.flushing || this.pending.length > 0 || !isEmptyRows(this.rows)) {
      await (this.flushing ?? this.flush());
    }
  }

  /** Drops everything queued and rejects the waiters (the room is unloading). */
  close(): void {
    this.closed = true;
    this.outbox = [];
    this.pending = [];
    this.pendingBytes = 0;
    this.outboxBytes = 0;
    this.rows = {};
    for (const w of this.waiters.splice(0)) w.reject(new Error('room unloaded before the update was stored'));
  }

  private enqueue(e: OutboxEntry): void {
    if (this.closed) return;
    if (this.outbox.length === 0 && e.seq <= this.persistedSeq) this.opts.deliver(e);
    else {
      this.outbox.push(e);
      this.outboxBytes += e.data.byteLength;
      this.checkBound();
    }
  }

  private releaseOutbox(): void {
    let i = 0;
    while (i < this.outbox.length && this.outbox[i]!.seq <= this.persistedSeq) {
      const e = this.outbox[i++]!;
      this.outboxBytes -= e.data.byteLength;
      this.opts.deliver(e);
    }
    if (i > 0) this.outbox.splice(0, i);
  }

  /**
   * What waits for storage must stay bounded however long an outage lasts: past
   * either bound the room gives up (after this tick, not inside the caller's
   * transaction), exactly like a fatal storage error — its clients reconnect (4501)
   * and resend what the server lacks.
   */
  private checkBound(): void {
    if (this.overflowing || this.closed) return;
    const updates = this.pending.length + this.inFlight.length;
    const bytes = this.pendingBytes + this.inFlightBytes + this.outboxBytes;
    if (updates <= this.opts.maxUnstoredUpdates && bytes <= this.opts.maxUnstoredBytes) return;
    this.overflowing = true;
    const err = new Error(`${updates} updates (${bytes} bytes with the messages held for them) waiting for storage; the bound is ${this.opts.maxUnstoredUpdates} updates or ${this.opts.maxUnstoredBytes} bytes`);
    this.opts.scheduler.afterTick(() => this.fail(err, 'too much waiting for storage'));
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.opts.scheduler.afterTick(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.closed || (this.pending.length === 0 && isEmptyRows(this.rows))) return Promise.resolve();
    this.flushing = (async () => {
      const batch = this.pending;
      const rows = this.rows;
      this.pending = [];
      this.rows = {};
      const updates = batch.map((p) => p.update);
      this.inFlight = updates;
      this.inFlightBytes = this.pendingBytes;
      this.pendingBytes = 0;
      // People's writes to a content document respect the package lock in storage itself,
      // so a write accepted here while another instance locks is never stored after the lock.
      const { kind, packageId, docName } = this.opts.room;
      const guard = kind === 'content' && batch.some((p) => p.byPerson) ? { unlessLocked: packageId } : {};
      let lastSeq: number;
      try {
        lastSeq = (await this.append({ docName, updates, ...rows, ...guard })).lastSeq;
      } catch (err) {
        this.fail(err);
        throw err;
      } finally {
        this.inFlight = [];
        this.inFlightBytes = 0;
        this.flushing = null;
      }
      if (this.closed) return;
      this.logCount += batch.length;
      for (const u of updates) this.logBytes += u.byteLength;
      const last = batch.at(-1);
      if (last) this.persistedSeq = last.seq;
      this.opts.hooks.notify('afterStoreDocument', { room: this.opts.room, updates, rows, lastSeq });
      this.releaseOutbox();
      this.waiters = this.waiters.filter((w) => {
        if (w.seq > this.persistedSeq) return true;
        w.resolve();
        return false;
      });
      if (this.delayed) {
        this.delayed = false;
        this.opts.onStorageState('saved');
      }
      if (this.pending.length > 0) this.scheduleFlush();
      else this.maybeCompact();
    })();
    this.flushing.catch(() => {});
    return this.flushing;
  }

  private async append(batch: Parameters<DocStorage['append']>[0]): Promise<{ lastSeq: number }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.opts.storage.append(batch);
      } catch (err) {
        // A lock is not an outage: retrying would be refused again.
        const delay = this.closed || err instanceof PackageLockedError ? null : this.opts.retry(attempt, err);
        if (delay === null) throw err;
        if (!this.delayed) {
          this.delayed = true;
          this.opts.onStorageState('delayed');
        }
        this.opts.log.warn(`room ${this.opts.room.docName}: storage append failed (attempt ${attempt}); retrying in ${delay} ms`, err);
        await new Promise<void>((resolve) => this.opts.scheduler.setTimeout(resolve, delay));
      }
    }
  }

  /**
   * Storage refused a write. The replica now holds updates that are not stored and
   * must never be relayed, so everything queued is dropped and the room unloads:
   * its clients reconnect to a fresh room and resend what the server lacks.
   */
  private fail(err: unknown, what = 'storage append failed'): void {
    if (this.closed) return;
    this.opts.log.error(`room ${this.opts.room.docName}: ${what}; unloading`, err);
    this.close();
    this.opts.onFatal(err);
  }

  private maybeCompact(): void {
    if (this.compaction || !this.opts.canCompact()) return;
    if (this.logCount <= this.opts.maxLogUpdates && this.logBytes <= this.opts.maxLogBytes) return;
    void this.compactNow().then(
      // The log may have grown past the limits again while the merge ran.
      () => this.maybeCompact(),
      (err: unknown) => this.opts.log.error(`room ${this.opts.room.docName}: compaction failed (the log stays as it is)`, err),
    );
  }

  /** Compacts when the log is not empty (used when unloading). */
  compactIfNeeded(): Promise<void> {
    return this.logCount > 0 ? this.compactNow() : Promise.resolve();
  }

  /**
   * Replaces the stored log with one snapshot: reads what storage holds (snapshot +
   * tail up to `lastSeq`), merges it with `merge` (a worker thread in production,
   * so a large document does not stall the other rooms) and atomically swaps it in
   * for everything up to `lastSeq`. Updates appended meanwhile have a higher seq and
   * stay in the log. One compaction per room at a time.
   */
  private compactNow(): Promise<void> {
    this.compaction ??= (async () => {
      const { storage, room, merge } = this.opts;
      try {
        const stored = await storage.load(room.docName);
        if (stored.updates.length === 0) return;
        const snapshot = await merge(storedParts(stored));
        await storage.compact(room.docName, snapshot, stored.lastSeq);
        this.logCount = Math.max(0, this.logCount - stored.updates.length);
        this.logBytes = Math.max(0, this.logBytes - stored.logBytes);
      } finally {
        this.compaction = null;
      }
    })();
    return this.compaction;
  }
}
