/**
 * What a room does with a frame a connection sent: decode it, answer it or route
 * it to the replica (through the read-only gate and the hooks) or the awareness —
 * and, after a refused change, hold every frame back until the replica is rebuilt.
 */
import * as Y from 'yjs';
import { CLOSE_MALFORMED, CLOSE_TRY_AGAIN_LATER, CLOSE_UPDATE_REFUSED, REASONS, encodeStorageNotice, storageNotice } from '../../shared/protocol';
import type { DocStorage } from '../storage/types';
import type { AwarenessHub } from './awareness';
import type { Connection, RoomLogger } from './connection';
import type { ConnectionSet } from './connections';
import { MalformedMessageError, decodeClientMessage, encodeSyncStep1, encodeSyncStep2, parseUpdate, type ClientMessage } from './frames';
import { isNovel } from './gate';
import type { HookRoom, HookRunner } from './hooks';
import { MAX_QUEUED_BYTES, MAX_QUEUED_FRAMES, MAX_RESYNC_BYTES, MAX_RESYNCS_IN_A_ROW } from './options';
import type { WritePipeline } from './pipeline';
import type { ProblemLog } from './problems';
import type { Replica } from './replica';

type Held = [Connection | null, Uint8Array];

/** The parts of a room a `MessageIntake` routes frames to, and what it tells the room. */
export interface IntakeOptions {
  room: HookRoom;
  hooks: HookRunner;
  replica: Replica;
  pipeline: WritePipeline;
  presence: AwarenessHub;
  connections: ConnectionSet;
  storage: DocStorage;
  log: RoomLogger;
  problems: ProblemLog;
  /** Awareness states longer than this (bytes) are not parsed (the awareness hub drops them). */
  maxAwarenessStateBytes: number;
  /** The replica was rebuilt and the held frames handled. */
  onRebuilt(): void;
  /** The rebuild failed: the room must unload. */
  onRebuildFailed(err: unknown): void;
  /** Whether the room is still there (not unloaded). */
  isLoaded(): boolean;
}

/**
 * Guarantees: a malformed frame closes only its sender (4400) and is counted by
 * kind (`ProblemLog`, which logs summaries, never a line per frame); a writer's update
 * passes `beforeApplyUpdate`, then the replica's checks; a refusal closes its
 * sender (4422) and from that moment until the rebuilt replica is in place no
 * frame and no remote update touches the replica or gets an answer — they are held
 * and then handled in arrival order. What one connection has queued unanswered
 * (while loading or rebuilding) is bounded by `MAX_QUEUED_FRAMES` and
 * `MAX_QUEUED_BYTES`; past either, that connection is closed (1013) and its frames
 * dropped. An update a hook answers with `resync` is dropped and its sender gets a
 * sync step 1; past `MAX_RESYNCS_IN_A_ROW` the sender is refused (4422).
 */
export class MessageIntake {
  /** Frames (connection) and remote updates (null) held back while loading or rebuilding. */
  private held: Held[] | null = [];
  private rebuildDone: Promise<void> | null = null;

  constructor(private readonly opts: IntakeOptions) {}

  /** Resolves when no rebuild is running (null when none is). */
  get rebuilding(): Promise<void> | null {
    return this.rebuildDone;
  }

  /** Whether frames are held back (the room is loading or rebuilding): a new connection is greeted later. */
  get paused(): boolean {
    return this.held !== null;
  }

  /** The room is live: handles what was held back while it loaded. */
  open(): void {
    this.releaseHeld();
  }

  /**
   * Counts a frame `c` is about to queue unanswered; false (and `c` closed with
   * 1013) when that would pass the connection's bound, so the frame is not queued.
   */
  admit(c: Connection, data: Uint8Array): boolean {
    if (c.queuedFrames + 1 > MAX_QUEUED_FRAMES || c.queuedBytes + data.byteLength > MAX_QUEUED_BYTES) {
      this.opts.log.warn(`room ${this.opts.room.docName}: closing connection of ${c.userId}: more than ${MAX_QUEUED_FRAMES} frames or ${MAX_QUEUED_BYTES} bytes queued`);
      c.queuedFrames = 0;
      c.queuedBytes = 0;
      if (c.inbox) c.inbox = [];
      this.opts.connections.close(c, CLOSE_TRY_AGAIN_LATER, REASONS.tooMuchQueued);
      return false;
    }
    c.queuedFrames++;
    c.queuedBytes += data.byteLength;
    return true;
  }

  /** Un-counts a queued frame that is now being handled. */
  private release(c: Connection, data: Uint8Array): void {
    c.queuedFrames = Math.max(0, c.queuedFrames - 1);
    c.queuedBytes = Math.max(0, c.queuedBytes - data.byteLength);
  }

  /** Handles (or holds back) one frame of a greeted connection. */
  handleFrame(c: Connection, data: Uint8Array): void {
    if (this.held) {
      if (this.admit(c, data)) this.held.push([c, data]);
      return;
    }
    try {
      this.handleMessage(c, decodeClientMessage(data, this.opts.maxAwarenessStateBytes));
    } catch (err) {
      const reason = err instanceof MalformedMessageError ? err.message : `Ugyldig melding: ${err instanceof Error ? err.message : String(err)}`;
      const kind = err instanceof MalformedMessageError ? err.kind : 'other';
      this.opts.problems.count({ kind: `malformed-${kind}`, docName: this.opts.room.docName, userId: c.userId, detail: reason });
      this.opts.connections.close(c, CLOSE_MALFORMED, reason);
    }
  }

  /** Greets the connections that arrived while loading or rebuilding and handles what they sent meanwhile. */
  greetWaiting(): void {
    for (const c of this.opts.connections.all()) {
      // A frame handled here may be refused: the rest is greeted after that rebuild.
      if (this.rebuildDone) return;
      if (!c.inbox || c.closed) continue;
      const inbox = c.inbox;
      c.inbox = null;
      this.greet(c);
      for (const m of inbox) {
        this.release(c, m);
        if (!c.closed) this.handleFrame(c, m);
      }
    }
  }

  /** Greets a connection: the server's sync step 1, the current awareness states, and the storage notice during an outage. */
  greet(c: Connection): void {
    this.opts.connections.send(c, encodeSyncStep1(Y.encodeStateVector(this.opts.replica.doc)));
    const states = this.opts.presence.allStatesFrame();
    if (states) this.opts.connections.send(c, states);
    if (this.opts.pipeline.storageDelayed) this.opts.connections.send(c, encodeStorageNotice(storageNotice('delayed')));
  }

  /** Applies (or holds back) an update another instance stored. */
  applyRemote(update: Uint8Array): void {
    if (this.held) {
      this.held.push([null, update]);
      return;
    }
    try {
      this.opts.replica.applyRemote(update);
    } catch (err) {
      this.opts.log.error(`room ${this.opts.room.docName}: a remote update could not be applied`, err);
    }
  }

  /** Starts the rebuild when the last change to the replica was refused (call after every change). */
  afterChange(): void {
    if (this.opts.replica.refused !== null) this.rebuild();
  }

  private handleMessage(c: Connection, msg: ClientMessage): void {
    const { replica, pipeline, presence, connections } = this.opts;
    switch (msg.type) {
      case 'sync-step1': {
        let diff: Uint8Array;
        try {
          diff = replica.diffFor(msg.stateVector);
        } catch {
          throw new MalformedMessageError('Ugyldig melding: ugyldig tilstandsvektor', 'bad-state-vector');
        }
        pipeline.sendAfterPersist(c, encodeSyncStep2(diff));
        return;
      }
      case 'sync-step2':
        // The sender's answer to a step 1 (ours after a resync among them): what it
        // sends from now on is judged afresh.
        c.awaitingStep2 = false;
        c.bytesAwaitingStep2 = 0;
        this.receiveUpdate(c, msg.update);
        return;
      case 'sync-update':
        this.receiveUpdate(c, msg.update);
        return;
      case 'awareness':
        presence.receive(c, msg.update, msg.entries);
        return;
      case 'query-awareness': {
        const frame = presence.allStatesFrame();
        if (frame) connections.send(c, frame);
        return;
      }
    }
  }

  private receiveUpdate(c: Connection, update: Uint8Array): void {
    const { replica, hooks, room } = this.opts;
    const decoded = parseUpdate(update);
    if (!c.canWrite) {
      if (isNovel(replica.doc, decoded)) this.opts.connections.tellReadOnly(c);
      return;
    }
    const verdict = hooks.beforeApplyUpdate({ room, principal: c.principal, update, decoded, doc: replica.doc });
    if (verdict) {
      if ('refuse' in verdict) this.refuse(c, verdict.refuse);
      else if ('resync' in verdict) this.resync(c, verdict.resync, update.byteLength);
      return;
    }
    c.resyncsInARow = 0;
    let refusal: string | null;
    try {
      refusal = replica.applyFrom(c, update);
    } finally {
      this.afterChange();
    }
    if (refusal !== null) this.refuse(c, refusal);
    // A person at work (an empty step 2 answering the server's step 1 is not).
    else if (decoded.structs.length > 0 || decoded.ds.clients.size > 0) c.activity();
  }

  /**
   * An update that cannot be applied yet was dropped: asks the sender for what it
   * has (a sync step 1; its step 2 carries what the update depended on), or refuses
   * a sender that keeps sending such updates.
   */
  private resync(c: Connection, reason: string, bytes: number): void {
    // Live updates that cross our step 1 on the wire depend on what the sender's
    // answer will carry: one resync per round trip, however fast the person types —
    // but a sender that piles up more than MAX_RESYNC_BYTES meanwhile is no typist.
    c.bytesAwaitingStep2 += bytes;
    if (c.bytesAwaitingStep2 > MAX_RESYNC_BYTES) {
      this.refuse(c, `${reason} (more than ${MAX_RESYNC_BYTES} bytes of such updates before answering the server's step 1)`);
      return;
    }
    if (c.awaitingStep2) return;
    c.awaitingStep2 = true;
    this.opts.problems.count({ kind: 'update-resync', docName: this.opts.room.docName, userId: c.userId, detail: reason });
    if (++c.resyncsInARow > MAX_RESYNCS_IN_A_ROW) {
      this.refuse(c, `${reason} (${MAX_RESYNCS_IN_A_ROW} resyncs in a row did not help)`);
      return;
    }
    this.opts.connections.send(c, encodeSyncStep1(Y.encodeStateVector(this.opts.replica.doc)));
  }

  private refuse(c: Connection, reason: string): void {
    // Counted and summarised like malformed frames, never a log line each (a flood would write thousands).
    this.opts.problems.count({ kind: 'update-refused', docName: this.opts.room.docName, userId: c.userId, detail: reason });
    this.opts.connections.close(c, CLOSE_UPDATE_REFUSED, REASONS.updateRefused);
  }

  /**
   * Rebuilds the replica after a refused change: from storage plus the accepted
   * updates storage may not have yet — taken before reading storage, so an append
   * that finishes meanwhile is in one or the other (applying an update twice
   * changes nothing).
   */
  private rebuild(): void {
    if (this.rebuildDone) return;
    this.held ??= [];
    const unstored = this.opts.pipeline.unstored();
    this.rebuildDone = (async () => {
      try {
        const stored = await this.opts.storage.load(this.opts.room.docName);
        if (!this.opts.isLoaded()) return;
        this.opts.replica.rebuild(stored, unstored);
      } catch (err) {
        this.opts.log.error(`room ${this.opts.room.docName}: could not rebuild the replica after a refused change; unloading`, err);
        this.held = null;
        this.opts.onRebuildFailed(err);
        return;
      } finally {
        this.rebuildDone = null;
      }
      this.releaseHeld();
    })();
  }

  /** Handles the held frames in arrival order; stops (keeping the rest) when one of them is refused again. */
  private releaseHeld(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const [i, [c, data]] of held.entries()) {
      if (this.rebuildDone) {
        (this.held as Held[] | null)?.push(...held.slice(i));
        return;
      }
      if (c === null) this.applyRemote(data);
      else {
        this.release(c, data);
        if (!c.closed) this.handleFrame(c, data);
      }
    }
    if (!this.rebuildDone) this.opts.onRebuilt();
  }
}
