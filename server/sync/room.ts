// The room: lifecycle and public surface over its parts (replica, pipeline, awareness, connections, intake).
import * as Y from 'yjs';
import type { DocKind, Role } from '../../shared/protocol';
import { AWARENESS_MAX_STATE_BYTES, AWARENESS_MIN_INTERVAL_MS, CLOSE_LOAD_FAILED, CLOSE_MALFORMED, CLOSE_STORAGE_FAILED, REASONS, closeReason, encodeStorageNotice, storageNotice } from '../../shared/protocol';
import { mergeInBackground } from './compactor';
import { AwarenessHub } from './awareness';
import { Connection, type ConnectionInfo, type RoomLogger, type SyncSocket } from './connection';
import { ConnectionSet } from './connections';
import { KEEPALIVE_FRAME, encodeSyncStep1, encodeSyncUpdate } from './frames';
import { HookRunner, type HookRoom } from './hooks';
import { MessageIntake } from './intake';
import { KEEPALIVE_INTERVAL_MS, MAX_LOG_BYTES, MAX_LOG_UPDATES, MAX_UNSTORED_BYTES, MAX_UNSTORED_UPDATES, ROOM_IDLE_TIMEOUT_MS, type RoomOptions, type RoomState } from './options';
import { NO_RETRY, WritePipeline } from './pipeline';
import { PackageLockedError } from '../storage/types';
import { ProblemLog } from './problems';
import { Replica, userIdOfOrigin } from './replica';
import { realScheduler, type SyncScheduler, type TimerHandle } from './scheduler';

/**
 * A live document and everyone connected to it: load, serve, drain, unload.
 * Guarantees: nothing is answered before the doc is loaded, and a failed load
 * closes every connection with 4500 and never serves (or saves) an empty doc;
 * write before broadcast (`WritePipeline`); every change passes the hooks' checks
 * (`Replica`), and a refused client update closes its sender with 4422 while nobody
 * else sees any of it (`MessageIntake`); a connection without write permission
 * never changes the doc and is told so once; a malformed message closes only its
 * sender (4400); awareness follows `AwarenessHub`'s rules; while appends are
 * retried every connection knows that saving is delayed (storage notices).
 */
export class Room implements HookRoom {
  readonly docName: string;
  readonly packageId: string;
  readonly kind: DocKind;
  state: RoomState = 'loading';
  /** Resolves when live; rejects when the load failed. */
  readonly ready: Promise<void>;
  /** Resolves once the room is unloaded. */
  readonly unloaded: Promise<void>;

  private readonly log: RoomLogger;
  private readonly scheduler: SyncScheduler;
  private readonly hooks: HookRunner;
  private readonly replica: Replica;
  private readonly pipeline: WritePipeline;
  private readonly presence: AwarenessHub;
  private readonly conns: ConnectionSet;
  private readonly intake: MessageIntake;
  /** Where this room counts malformed frames and dropped awareness (shared by the registry's rooms). */
  readonly problems: ProblemLog;
  private readonly ownsProblems: boolean;
  private holds = 0;
  private idleTimer: TimerHandle | null = null;
  private keepaliveTimer: TimerHandle | null = null;
  private resolveUnloaded!: () => void;
  private draining: Promise<void> | null = null;
  private unloadedOnce = false;

  constructor(private readonly opts: RoomOptions) {
    this.docName = opts.docName;
    this.packageId = opts.packageId;
    this.kind = opts.kind;
    this.log = opts.log ?? console;
    this.scheduler = opts.scheduler ?? realScheduler;
    this.hooks = new HookRunner(opts.hooks ?? [], this.log, this.docName);
    this.ownsProblems = !opts.problems;
    this.problems = opts.problems ?? new ProblemLog({ log: this.log, scheduler: this.scheduler });
    const maxAwarenessStateBytes = opts.awarenessMaxStateBytes ?? AWARENESS_MAX_STATE_BYTES;
    const shared = { room: this, hooks: this.hooks, scheduler: this.scheduler, log: this.log, storage: opts.storage, problems: this.problems };
    this.conns = new ConnectionSet({ docName: this.docName, kind: this.kind, log: this.log, onClosed: (c) => this.disconnect(c.socket) });
    this.replica = new Replica({
      ...shared,
      onAccepted: (update, origin, rows) =>
        this.pipeline.accept(update, origin instanceof Connection ? origin : null, rows, origin instanceof Connection || userIdOfOrigin(origin) !== null),
      onRemote: (update) => this.pipeline.relay({ data: encodeSyncUpdate(update), to: null, exclude: null }),
    });
    this.pipeline = new WritePipeline({
      ...shared,
      maxLogUpdates: opts.maxLogUpdates ?? MAX_LOG_UPDATES,
      maxLogBytes: opts.maxLogBytes ?? MAX_LOG_BYTES,
      merge: opts.merge ?? mergeInBackground,
      retry: opts.storageRetry ?? NO_RETRY,
      maxUnstoredUpdates: opts.maxUnstoredUpdates ?? MAX_UNSTORED_UPDATES,
      maxUnstoredBytes: opts.maxUnstoredBytes ?? MAX_UNSTORED_BYTES,
      // Nothing of the document: to every greeted connection at once (a new one is told when greeted).
      onStorageState: (state) => this.conns.deliver({ data: encodeStorageNotice(storageNotice(state)), to: null, exclude: null }),
      deliver: (m) => this.conns.deliver(m),
      onFatal: (err) => this.closeAllAndUnload(CLOSE_STORAGE_FAILED, err instanceof PackageLockedError ? REASONS.lockedBeforeStored : REASONS.storageFailed),
      canCompact: () => this.state === 'live',
    });
    this.presence = new AwarenessHub({
      ...shared,
      minIntervalMs: opts.awarenessMinIntervalMs ?? AWARENESS_MIN_INTERVAL_MS,
      maxStateBytes: maxAwarenessStateBytes,
      recipients: () => this.conns.greeted(),
      send: (c, data) => this.conns.send(c, data),
      onMalformed: (c, err) => {
        this.problems.count({ kind: `malformed-${err.kind}`, docName: this.docName, userId: c.userId, detail: err.message });
        this.conns.close(c, CLOSE_MALFORMED, err.message);
      },
    });
    this.intake = new MessageIntake({
      ...shared,
      replica: this.replica,
      pipeline: this.pipeline,
      presence: this.presence,
      connections: this.conns,
      maxAwarenessStateBytes,
      onRebuilt: () => {
        if (this.state === 'live') this.intake.greetWaiting();
      },
      onRebuildFailed: () => this.closeAllAndUnload(CLOSE_LOAD_FAILED, REASONS.loadFailed),
      isLoaded: () => this.state !== 'unloaded',
    });
    this.unloaded = new Promise((r) => (this.resolveUnloaded = r));
    this.ready = this.load(opts.after);
    // Callers that only connect sockets never await `ready`; the failure is handled inside.
    this.ready.catch(() => {});
  }

  /** The server's replica (replaced after a refused change: read it from here each time). */
  get doc(): Y.Doc {
    return this.replica.doc;
  }

  /** The room's awareness (read it; changing it bypasses the throttle and hooks). */
  get awareness(): AwarenessHub['awareness'] {
    return this.presence.awareness;
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** Size of the uncompacted log (for tests and metrics). */
  get logSize(): { updates: number; bytes: number } {
    return this.pipeline.logSize;
  }

  private async load(after: Promise<unknown> | undefined): Promise<void> {
    try {
      if (after) await after.catch(() => {});
      this.replica.prepare();
      await this.hooks.beforeLoad({ room: this });
      const stored = await this.opts.storage.load(this.docName);
      this.replica.loadStored(stored);
      this.pipeline.setLoadedLog(stored.updates.length, stored.logBytes);
      if (this.state === 'loading') this.replica.runAfterLoad(stored.lastSeq);
    } catch (err) {
      this.log.error(`room ${this.docName}: load failed`, err);
      this.closeAllAndUnload(CLOSE_LOAD_FAILED, REASONS.loadFailed);
      throw err;
    }
    if (this.state !== 'loading') return;
    this.state = 'live';
    this.keepaliveTimer = this.scheduler.setInterval(() => {
      for (const c of this.conns.greeted()) this.conns.send(c, KEEPALIVE_FRAME);
    }, this.opts.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS);
    this.intake.open();
    this.checkIdle();
  }

  /** Adds a socket. Messages received before the room is live (or while it rebuilds) are queued, not answered. */
  connect(socket: SyncSocket, info: ConnectionInfo): Connection {
    const c = new Connection(socket, info, this.packageId, this.kind);
    if (this.state === 'unloaded' || this.state === 'draining') {
      socket.close(CLOSE_LOAD_FAILED, closeReason(REASONS.loadFailed));
      c.closed = true;
      return c;
    }
    this.conns.add(c);
    this.cancelIdle();
    this.hooks.notify('onConnect', { room: this, connection: c, principal: c.principal });
    if (this.state === 'live' && !this.intake.paused) {
      c.inbox = null;
      this.intake.greet(c);
    }
    return c;
  }

  /** Handles one binary frame from `socket`. */
  receive(socket: SyncSocket, data: Uint8Array): void {
    const c = this.conns.get(socket);
    if (!c || c.closed) return;
    if (c.inbox) {
      if (this.intake.admit(c, data)) c.inbox.push(data);
    } else if (this.state === 'live') this.intake.handleFrame(c, data);
  }

  /** Forgets a socket that closed (or is being closed); its awareness goes at once. */
  disconnect(socket: SyncSocket): void {
    const c = this.conns.remove(socket);
    if (!c) return;
    c.closed = true;
    this.presence.remove(c, this.state !== 'unloaded');
    this.hooks.notify('onDisconnect', { room: this, connection: c, principal: c.principal });
    this.checkIdle();
  }

  /** Applies a membership change to the open connections of `userId` at once (see `ConnectionSet.setRole`). */
  setRole(userId: string, role: Role | null): void {
    this.conns.setRole(userId, role, () => (this.state === 'live' ? encodeSyncStep1(Y.encodeStateVector(this.doc)) : null));
  }

  /** Keeps the room loaded while held (HTTP requests); returns the release function. */
  hold(): () => void {
    this.holds++;
    this.cancelIdle();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.checkIdle();
    };
  }

  /** Resolves once the room is live and its replica holds only accepted changes (not while rebuilding). */
  async whenServing(): Promise<void> {
    await this.ready;
    while (this.intake.rebuilding) await this.intake.rebuilding;
  }

  /**
   * Runs `fn` on the replica in one transaction with `origin` (so connected clients
   * see the change live) and resolves once the change is stored. The change passes
   * the same checks and rows hooks as a client's, with the principal read from
   * `origin` (`userId`, optional `role`); a refused change rejects with
   * `UpdateRefusedError` and is undone.
   */
  async transact<T>(fn: (doc: Y.Doc) => T, origin: unknown): Promise<T> {
    await this.whenServing();
    if (this.state !== 'live') throw new Error(`room ${this.docName} is ${this.state}`);
    let result: T;
    try {
      result = this.replica.transact(fn, origin);
    } finally {
      this.intake.afterChange();
    }
    await this.pipeline.whenPersisted(this.pipeline.lastAccepted);
    return result;
  }

  /** Resolves when every update applied so far (or up to `seq`) is stored. */
  whenPersisted = (seq?: number): Promise<void> => this.pipeline.whenPersisted(seq);

  /**
   * The fan-out seam: applies an update another server instance received, checked
   * and stored. It changes the replica and is relayed to every local client, but is
   * not stored again and runs no hooks. Idempotent, like every Yjs update.
   */
  applyRemoteUpdate(update: Uint8Array): void {
    if (this.state !== 'unloaded') this.intake.applyRemote(update);
  }

  /** Applies an awareness update of another instance's clients: relayed locally, no hooks; local connections cannot take over those ids. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.state === 'live') this.presence.applyRemote(update);
  }

  /** Stops serving: flushes what is pending, closes every socket with `code`, unloads. */
  async shutdown(code: number, reason: string): Promise<void> {
    if (this.state === 'loading') await this.ready.catch(() => {});
    if (this.state === 'live') this.state = 'draining';
    await this.pipeline.flushAll().catch(() => {});
    this.conns.closeAll(code, reason);
    await this.drain();
  }

  /**
   * Unloads the room after its log is safely stored: waits for pending writes,
   * compacts a non-empty log into a snapshot, destroys the replica.
   */
  drain(): Promise<void> {
    this.draining ??= (async () => {
      this.cancelIdle();
      if (this.state === 'unloaded') return;
      this.state = 'draining';
      try {
        await this.pipeline.flushAll();
        await this.pipeline.compactIfNeeded();
      } catch (err) {
        this.log.error(`room ${this.docName}: could not store everything while unloading`, err);
      }
      this.closeAllAndUnload(CLOSE_LOAD_FAILED, REASONS.loadFailed);
    })();
    return this.draining;
  }

  private closeAllAndUnload(code: number, reason: string): void {
    this.conns.closeAll(code, reason);
    if (this.unloadedOnce) return;
    this.unloadedOnce = true;
    this.state = 'unloaded';
    this.cancelIdle();
    if (this.keepaliveTimer) this.scheduler.clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = null;
    this.pipeline.close();
    this.presence.destroy();
    this.replica.destroy();
    if (this.ownsProblems) this.problems.stop();
    this.resolveUnloaded();
    this.hooks.notify('afterUnloadDocument', { room: this });
    this.opts.onUnloaded?.(this);
  }

  private checkIdle(): void {
    if (this.state !== 'live' || this.conns.size > 0 || this.holds > 0 || this.idleTimer) return;
    this.idleTimer = this.scheduler.setTimeout(() => {
      this.idleTimer = null;
      if (this.state === 'live' && this.conns.size === 0 && this.holds === 0) void this.drain();
    }, this.opts.idleTimeoutMs ?? ROOM_IDLE_TIMEOUT_MS);
  }

  private cancelIdle(): void {
    if (this.idleTimer) {
      this.scheduler.clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }
}
