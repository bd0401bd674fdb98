import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import { canWrite, type DocKind, type Role } from '../shared/protocol';
import { observeLineAudit } from './audit';
import { mergeInBackground } from './compactor';
import { getMetaMap } from '../shared/doc/schema';
import type { AuditEntry, DocStorage } from './storage/types';
import { AWARENESS_MIN_INTERVAL_MS, CLOSE_FORBIDDEN, CLOSE_LOAD_FAILED, CLOSE_MALFORMED, CLOSE_STORAGE_FAILED, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, REASONS, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE, closeReason, encodeNotice } from '../shared/protocol';

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

/** Who is behind a connection and what they may do. */
export interface ConnectionInfo {
  userId: string;
  role: Role;
}

/** Minimal logger; the server passes console, tests may pass a quiet one. */
export interface RoomLogger {
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  error(msg: string, ...rest: unknown[]): void;
}

/** loading → live → draining → unloaded. A failed load goes straight to unloaded. */
export type RoomState = 'loading' | 'live' | 'draining' | 'unloaded';

/** When the uncompacted log of a doc passes either limit, it is merged into a snapshot. */
export const MAX_LOG_UPDATES = 500;
export const MAX_LOG_BYTES = 4 * 1024 * 1024;
/**
 * A room sends an empty awareness update (a no-op for every client) to each
 * connection this often. y-websocket closes a connection that received nothing for
 * 30 s, which would otherwise happen to a lone client whose awareness state is null
 * (the balance worker's provider, for instance).
 */
export const KEEPALIVE_INTERVAL_MS = 10_000;
/** Default time a room without clients stays loaded (the server passes `ROOM_IDLE_TIMEOUT_MS`). */
export const ROOM_IDLE_TIMEOUT_MS = 30_000;

type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/** A malformed client message: the connection is closed with 4400 and this reason. */
export class MalformedMessageError extends Error {}

/**
 * One client connection in a room. Its object identity is the Yjs transaction
 * origin of the updates it sends, which is how broadcasts skip the sender and the
 * audit trail knows the user.
 */
export class Connection {
  canWrite: boolean;
  /** Whether this connection has been told it is read-only since it last could write. */
  toldReadOnly = false;
  /** Messages received while the room was still loading, handled once it is live. */
  inbox: Uint8Array[] | null = [];
  /** Awareness client ids this connection has set (removed when it closes). */
  readonly awarenessClients = new Set<number>();
  lastAwarenessAt = -Infinity;
  pendingAwareness: Uint8Array | null = null;
  awarenessTimer: ReturnType<typeof setTimeout> | null = null;
  closed = false;

  constructor(
    readonly socket: SyncSocket,
    readonly userId: string,
    public role: Role,
    kind: DocKind,
  ) {
    this.canWrite = canWrite(role, kind);
  }
}

interface OutboxEntry {
  /** Deliver only once every update up to this local sequence number is stored. */
  seq: number;
  data: Uint8Array;
  to: Connection | null;
  exclude: Connection | null;
}

interface Pending {
  seq: number;
  update: Uint8Array;
}

export interface RoomOptions {
  docName: string;
  packageId: string;
  kind: DocKind;
  storage: DocStorage;
  log?: RoomLogger;
  idleTimeoutMs?: number;
  /** Wait for this before loading (the previous room of the same doc is draining). */
  after?: Promise<unknown>;
  /** Called once the room is unloaded (after draining or a failed load). */
  onUnloaded?: (room: Room) => void;
  /** Record the audit trail (content docs). Default: true for content. */
  audit?: boolean;
  maxLogUpdates?: number;
  maxLogBytes?: number;
  keepaliveIntervalMs?: number;
  now?: () => Date;
}

function encodeSync(sub: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

function encodeAwareness(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

function assertConsumed(d: decoding.Decoder): void {
  if (decoding.hasContent(d)) throw new MalformedMessageError('Ugyldig melding: overskytende bytes');
}

/** Reads the client ids an awareness update talks about (and validates its framing). */
function awarenessClientIds(update: Uint8Array): number[] {
  const d = decoding.createDecoder(update);
  const n = decoding.readVarUint(d);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    ids.push(decoding.readVarUint(d));
    decoding.readVarUint(d);
    decoding.readVarString(d);
  }
  assertConsumed(d);
  return ids;
}

/**
 * A live document and everyone connected to it: the server's replica, the
 * y-protocols sync and awareness exchange, and the write path to storage.
 *
 * Guarantees:
 * - Nothing is answered before the doc is loaded from storage; a failed load closes
 *   every connection with 4500 and never serves (or saves) an empty doc.
 * - Write before broadcast: every update that reaches the replica is appended to
 *   storage (all updates of one event-loop tick in one `append`) before any message
 *   that contains it — a broadcast or a sync-step-2 reply — leaves the server. So a
 *   crash can only lose updates no other client has seen; their authors still hold
 *   them and resend on reconnect.
 * - A connection without write permission never changes the doc: its sync-step-2
 *   and update messages are dropped (one that carries nothing new is ignored
 *   quietly) and it is told once, by a notice message, that it is read-only.
 * - A malformed message closes only the offending connection (4400); the room and
 *   the other connections carry on.
 * - Awareness of a connection is removed the moment it closes, and a connection's
 *   awareness updates are coalesced to one per `AWARENESS_MIN_INTERVAL_MS`.
 */
export class Room {
  readonly docName: string;
  readonly packageId: string;
  readonly kind: DocKind;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  state: RoomState = 'loading';
  loadError: unknown = null;
  /** Resolves when live; rejects when the load failed. */
  readonly ready: Promise<void>;
  /** Resolves once the room is unloaded. */
  readonly unloaded: Promise<void>;

  private readonly storage: DocStorage;
  private readonly log: RoomLogger;
  private readonly idleTimeoutMs: number;
  private readonly onUnloaded: ((room: Room) => void) | undefined;
  private readonly maxLogUpdates: number;
  private readonly maxLogBytes: number;
  private readonly now: () => Date;
  private readonly keepaliveIntervalMs: number;
  private readonly conns = new Map<SyncSocket, Connection>();
  private readonly awarenessOwner = new Map<number, Connection>();

  /** Local sequence numbers: updates applied to the replica, and of those, stored. */
  private appliedSeq = 0;
  private persistedSeq = 0;
  private pending: Pending[] = [];
  private pendingAudit: AuditEntry[] = [];
  private pendingTitle: string | undefined;
  private outbox: OutboxEntry[] = [];
  private waiters: Array<{ seq: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  private flushing: Promise<void> | null = null;
  private compaction: Promise<void> | null = null;
  /** Storage's sequence number of the last stored update, and the log size since the snapshot. */
  private storedSeq = 0;
  private logCount = 0;
  private logBytes = 0;
  private holds = 0;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private keepaliveTimer: ReturnType<typeof setInterval> | null = null;
  private stopAudit: (() => void) | null = null;
  private resolveUnloaded!: () => void;
  private draining: Promise<void> | null = null;

  constructor(opts: RoomOptions) {
    this.docName = opts.docName;
    this.packageId = opts.packageId;
    this.kind = opts.kind;
    this.storage = opts.storage;
    this.log = opts.log ?? console;
    this.idleTimeoutMs = opts.idleTimeoutMs ?? ROOM_IDLE_TIMEOUT_MS;
    this.onUnloaded = opts.onUnloaded;
    this.maxLogUpdates = opts.maxLogUpdates ?? MAX_LOG_UPDATES;
    this.maxLogBytes = opts.maxLogBytes ?? MAX_LOG_BYTES;
    this.now = opts.now ?? (() => new Date());
    this.keepaliveIntervalMs = opts.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS;
    this.doc = new Y.Doc({ gc: true });
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server is not a participant: without this it would show up as a cursor.
    this.awareness.setLocalState(null);
    this.unloaded = new Promise((r) => (this.resolveUnloaded = r));
    this.ready = this.load(opts.after, opts.audit ?? opts.kind === 'content');
    // Callers that only connect sockets never await `ready`; the failure is handled inside.
    this.ready.catch(() => {});
  }

  /** Number of open connections. */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** Size of the uncompacted log (for tests and metrics). */
  get logSize(): { updates: number; bytes: number } {
    return { updates: this.logCount, bytes: this.logBytes };
  }

  private async load(after: Promise<unknown> | undefined, audit: boolean): Promise<void> {
    try {
      if (after) await after.catch(() => {});
      const stored = await this.storage.load(this.docName);
      this.doc.transact(() => {
        if (stored.snapshot) Y.applyUpdate(this.doc, stored.snapshot);
        for (const u of stored.updates) Y.applyUpdate(this.doc, u);
      }, this);
      // Updates that stay pending mean the stored log is missing something: serving
      // that doc could overwrite the real one, so it counts as a failed load.
      if (this.doc.store.pendingStructs || this.doc.store.pendingDs) throw new Error('stored log has missing dependencies');
      this.storedSeq = stored.lastSeq;
      this.logCount = stored.updates.length;
      this.logBytes = stored.logBytes;
    } catch (err) {
      this.loadError = err;
      this.log.error(`room ${this.docName}: load failed`, err);
      for (const c of [...this.conns.values()]) this.closeConnection(c, CLOSE_LOAD_FAILED, REASONS.loadFailed);
      this.finishUnload();
      throw err;
    }
    if (this.state !== 'loading') return;
    this.doc.on('update', this.onDocUpdate);
    this.awareness.on('update', this.onAwarenessUpdate);
    if (audit) this.stopAudit = observeLineAudit(this.doc, this.packageId, (e) => this.pendingAudit.push(...e), this.now);
    if (this.kind === 'content') {
      getMetaMap(this.doc).observe((ev) => {
        if (ev.keysChanged.has('title')) {
          const t = getMetaMap(this.doc).get('title');
          if (typeof t === 'string') this.pendingTitle = t;
        }
      });
    }
    this.state = 'live';
    const keepalive = encodeAwareness(new Uint8Array([0]));
    this.keepaliveTimer = setInterval(() => {
      for (const c of this.conns.values()) if (!c.inbox) this.sendNow(c, keepalive);
    }, this.keepaliveIntervalMs);
    this.keepaliveTimer.unref?.();
    for (const c of [...this.conns.values()]) {
      const inbox = c.inbox ?? [];
      c.inbox = null;
      this.greet(c);
      for (const m of inbox) this.receiveNow(c, m);
    }
    this.checkIdle();
  }

  /** Adds a socket. Messages received before the room is live are queued, not answered. */
  connect(socket: SyncSocket, info: ConnectionInfo): Connection {
    const c = new Connection(socket, info.userId, info.role, this.kind);
    if (this.state === 'unloaded' || this.state === 'draining') {
      socket.close(CLOSE_LOAD_FAILED, closeReason(REASONS.loadFailed));
      c.closed = true;
      return c;
    }
    this.conns.set(socket, c);
    this.cancelIdle();
    if (this.state === 'live') {
      c.inbox = null;
      this.greet(c);
    }
    return c;
  }

  /** Handles one binary frame from `socket`. */
  receive(socket: SyncSocket, data: Uint8Array): void {
    const c = this.conns.get(socket);
    if (!c || c.closed) return;
    if (c.inbox) {
      c.inbox.push(data);
      return;
    }
    if (this.state !== 'live') return;
    this.receiveNow(c, data);
  }

  /** Forgets a socket that closed (or is being closed); its awareness goes at once. */
  disconnect(socket: SyncSocket): void {
    const c = this.conns.get(socket);
    if (!c) return;
    this.conns.delete(socket);
    c.closed = true;
    if (c.awarenessTimer) clearTimeout(c.awarenessTimer);
    const ids = [...c.awarenessClients].filter((id) => this.awarenessOwner.get(id) === c);
    for (const id of ids) this.awarenessOwner.delete(id);
    if (ids.length > 0 && this.state !== 'unloaded') awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
    this.checkIdle();
  }

  /**
   * Applies a membership change to open connections of `userId` at once: removal
   * closes them with 4403, a downgrade makes them read-only (with a notice), an
   * upgrade makes them writable again.
   */
  setRole(userId: string, role: Role | null): void {
    for (const c of [...this.conns.values()]) {
      if (c.userId !== userId) continue;
      if (role === null) {
        this.closeConnection(c, CLOSE_FORBIDDEN, REASONS.removed);
        continue;
      }
      const could = c.canWrite;
      c.role = role;
      c.canWrite = canWrite(role, this.kind);
      if (could && !c.canWrite) this.tellReadOnly(c);
      else if (!could && c.canWrite) {
        c.toldReadOnly = false;
        this.sendNow(c, encodeNotice({ kind: 'writable', role, message: 'Du kan nå redigere dette dokumentet.' }));
        // Ask for a resync: updates dropped while read-only would otherwise leave a gap
        // in the client's clock that keeps every later update of it pending here.
        if (this.state === 'live') this.sendStep1(c);
      }
    }
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

  /**
   * Runs `fn` on the replica in one transaction with `origin` (so connected clients
   * see the change live) and resolves once the change is stored.
   */
  async transact<T>(fn: (doc: Y.Doc) => T, origin: unknown): Promise<T> {
    await this.ready;
    if (this.state !== 'live') throw new Error(`room ${this.docName} is ${this.state}`);
    let result!: T;
    this.doc.transact(() => {
      result = fn(this.doc);
    }, origin);
    await this.whenPersisted(this.appliedSeq);
    return result;
  }

  /** Resolves when every update applied so far (or up to `seq`) is stored. */
  whenPersisted(seq = this.appliedSeq): Promise<void> {
    if (seq <= this.persistedSeq) return Promise.resolve();
    if (this.state === 'unloaded') return Promise.reject(new Error('room unloaded before the update was stored'));
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Stops serving: flushes what is pending, closes every socket with `code`, unloads. */
  async shutdown(code: number, reason: string): Promise<void> {
    if (this.state === 'loading') await this.ready.catch(() => {});
    if (this.state === 'live') this.state = 'draining';
    await this.flushAll().catch(() => {});
    for (const c of [...this.conns.values()]) this.closeConnection(c, code, reason);
    await this.drain();
  }

  /**
   * Unloads the room after its log is safely stored: waits for pending writes,
   * compacts a non-empty log into a snapshot, destroys the replica.
   */
  drain(): Promise<void> {
    if (this.draining) return this.draining;
    this.draining = (async () => {
      this.cancelIdle();
      if (this.state === 'unloaded') return;
      this.state = 'draining';
      try {
        await this.flushAll();
        if (this.logCount > 0) await this.compactNow();
      } catch (err) {
        this.log.error(`room ${this.docName}: could not store everything while unloading`, err);
      }
      for (const c of [...this.conns.values()]) this.closeConnection(c, CLOSE_LOAD_FAILED, REASONS.loadFailed);
      this.finishUnload();
    })();
    return this.draining;
  }

  private finishUnload(): void {
    if (this.state === 'unloaded' && this.doc.isDestroyed) return;
    this.state = 'unloaded';
    this.cancelIdle();
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.stopAudit?.();
    for (const w of this.waiters.splice(0)) w.reject(new Error('room unloaded before the update was stored'));
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
    this.resolveUnloaded();
    this.onUnloaded?.(this);
  }

  // ---- incoming ---------------------------------------------------------------

  private receiveNow(c: Connection, data: Uint8Array): void {
    try {
      this.handleMessage(c, data);
    } catch (err) {
      const reason = err instanceof MalformedMessageError ? err.message : `Ugyldig melding: ${err instanceof Error ? err.message : String(err)}`;
      this.log.warn(`room ${this.docName}: closing connection of ${c.userId}: ${reason}`);
      this.closeConnection(c, CLOSE_MALFORMED, reason);
    }
  }

  private handleMessage(c: Connection, data: Uint8Array): void {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(d);
        if (sub === SYNC_STEP1) {
          const sv = decoding.readVarUint8Array(d);
          assertConsumed(d);
          let diff: Uint8Array;
          try {
            diff = Y.encodeStateAsUpdate(this.doc, sv);
          } catch {
            throw new MalformedMessageError('Ugyldig melding: ugyldig tilstandsvektor');
          }
          this.sendAfterPersist(c, encodeSync(SYNC_STEP2, diff));
        } else if (sub === SYNC_STEP2 || sub === SYNC_UPDATE) {
          const update = decoding.readVarUint8Array(d);
          assertConsumed(d);
          this.receiveUpdate(c, update);
        } else {
          throw new MalformedMessageError(`Ugyldig melding: ukjent synkroniseringstype ${sub}`);
        }
        return;
      }
      case MESSAGE_AWARENESS: {
        const update = decoding.readVarUint8Array(d);
        assertConsumed(d);
        this.receiveAwareness(c, update);
        return;
      }
      case MESSAGE_QUERY_AWARENESS: {
        assertConsumed(d);
        const ids = [...this.awareness.getStates().keys()];
        if (ids.length > 0) this.sendNow(c, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
        return;
      }
      default:
        throw new MalformedMessageError(`Ugyldig melding: ukjent meldingstype ${type}`);
    }
  }

  private receiveUpdate(c: Connection, update: Uint8Array): void {
    let decoded: DecodedUpdate;
    try {
      decoded = Y.decodeUpdate(update);
    } catch {
      throw new MalformedMessageError('Ugyldig melding: oppdateringen kan ikke leses');
    }
    if (!c.canWrite) {
      if (this.isNovel(decoded)) this.tellReadOnly(c);
      return;
    }
    try {
      Y.applyUpdate(this.doc, update, c);
    } catch {
      throw new MalformedMessageError('Ugyldig melding: oppdateringen kan ikke brukes');
    }
  }

  /** Whether an update would change the replica (new structs or new deletions). */
  private isNovel(decoded: DecodedUpdate): boolean {
    const sv = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    for (const s of decoded.structs) {
      if (s instanceof Y.Skip) continue;
      if (s.id.clock + s.length > (sv.get(s.id.client) ?? 0)) return true;
    }
    if (decoded.ds.clients.size === 0) return false;
    const mine = Y.createDeleteSetFromStructStore(this.doc.store);
    for (const [client, items] of decoded.ds.clients) {
      const have = mine.clients.get(client) ?? [];
      for (const it of items) {
        if (it.len === 0) continue;
        // `have` is sorted and merged: find the last range starting at or before it.clock.
        let lo = 0;
        let hi = have.length - 1;
        let found = -1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (have[mid]!.clock <= it.clock) {
            found = mid;
            lo = mid + 1;
          } else hi = mid - 1;
        }
        const r = found >= 0 ? have[found]! : undefined;
        if (!r || r.clock + r.len < it.clock + it.len) return true;
      }
    }
    return false;
  }

  private tellReadOnly(c: Connection): void {
    if (c.toldReadOnly) return;
    c.toldReadOnly = true;
    const message =
      this.kind === 'content'
        ? 'Du har bare lesetilgang til innholdet i denne pakken. Endringene dine blir ikke lagret.'
        : 'Du har bare lesetilgang til kommentarene i denne pakken. Endringene dine blir ikke lagret.';
    this.sendNow(c, encodeNotice({ kind: 'read-only', role: c.role, message }));
  }

  private receiveAwareness(c: Connection, update: Uint8Array): void {
    let ids: number[];
    try {
      ids = awarenessClientIds(update);
    } catch (err) {
      if (err instanceof MalformedMessageError) throw err;
      throw new MalformedMessageError('Ugyldig melding: ugyldig tilstedeværelse');
    }
    for (const id of ids) {
      const owner = this.awarenessOwner.get(id);
      // One connection must not overwrite another's cursor: ignore such an update.
      if (owner && owner !== c) return;
    }
    const now = performance.now();
    const wait = c.lastAwarenessAt + AWARENESS_MIN_INTERVAL_MS - now;
    if (wait <= 0 && !c.awarenessTimer) {
      this.applyAwareness(c, update);
      return;
    }
    // Too fast: keep only the newest update and apply it when the interval has passed.
    c.pendingAwareness = update;
    if (!c.awarenessTimer) {
      c.awarenessTimer = setTimeout(() => {
        c.awarenessTimer = null;
        const u = c.pendingAwareness;
        c.pendingAwareness = null;
        if (u && !c.closed && this.state === 'live') {
          try {
            this.applyAwareness(c, u);
          } catch {
            this.closeConnection(c, CLOSE_MALFORMED, 'Ugyldig melding: ugyldig tilstedeværelse');
          }
        }
      }, Math.max(0, wait));
    }
  }

  private applyAwareness(c: Connection, update: Uint8Array): void {
    c.lastAwarenessAt = performance.now();
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, c);
    } catch {
      throw new MalformedMessageError('Ugyldig melding: ugyldig tilstedeværelse');
    }
  }

  // ---- outgoing ---------------------------------------------------------------

  private sendStep1(c: Connection): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_SYNC);
    encoding.writeVarUint(e, SYNC_STEP1);
    encoding.writeVarUint8Array(e, Y.encodeStateVector(this.doc));
    this.sendNow(c, encoding.toUint8Array(e));
  }

  private greet(c: Connection): void {
    this.sendStep1(c);
    const ids = [...this.awareness.getStates().keys()];
    if (ids.length > 0) this.sendNow(c, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)));
  }

  private onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    const seq = ++this.appliedSeq;
    this.pending.push({ seq, update });
    this.enqueue({ seq, data: encodeSync(SYNC_UPDATE, update), to: null, exclude: origin instanceof Connection ? origin : null });
    this.scheduleFlush();
  };

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const from = origin instanceof Connection ? origin : null;
    if (from) {
      for (const id of [...added, ...updated]) {
        from.awarenessClients.add(id);
        this.awarenessOwner.set(id, from);
      }
      for (const id of removed) {
        from.awarenessClients.delete(id);
        if (this.awarenessOwner.get(id) === from) this.awarenessOwner.delete(id);
      }
    }
    const changed = [...added, ...updated, ...removed];
    const msg = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
    // Echoed to the sender too, as the reference server does: a client alone in a room
    // counts these echoes as signs of life (y-websocket reconnects after 30 s of silence).
    for (const c of this.conns.values()) if (!c.inbox) this.sendNow(c, msg);
  };

  private sendAfterPersist(c: Connection, data: Uint8Array): void {
    this.enqueue({ seq: this.appliedSeq, data, to: c, exclude: null });
  }

  private enqueue(e: OutboxEntry): void {
    if (this.outbox.length === 0 && e.seq <= this.persistedSeq) this.deliver(e);
    else this.outbox.push(e);
  }

  private releaseOutbox(): void {
    let i = 0;
    while (i < this.outbox.length && this.outbox[i]!.seq <= this.persistedSeq) this.deliver(this.outbox[i++]!);
    if (i > 0) this.outbox.splice(0, i);
  }

  private deliver(e: OutboxEntry): void {
    if (e.to) {
      if (!e.to.closed) this.sendNow(e.to, e.data);
      return;
    }
    for (const c of this.conns.values()) if (c !== e.exclude && !c.inbox) this.sendNow(c, e.data);
  }

  private sendNow(c: Connection, data: Uint8Array): void {
    if (c.closed || !c.socket.isOpen()) return;
    try {
      c.socket.send(data);
    } catch (err) {
      this.log.warn(`room ${this.docName}: send failed`, err);
      this.closeConnection(c, CLOSE_LOAD_FAILED, REASONS.loadFailed);
    }
  }

  private closeConnection(c: Connection, code: number, reason: string): void {
    if (!c.closed) {
      try {
        c.socket.close(code, closeReason(reason));
      } catch {
        // Already closed underneath us; nothing to tell the client.
      }
    }
    this.disconnect(c.socket);
    c.closed = true;
  }

  // ---- storage ----------------------------------------------------------------

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // setImmediate runs after the I/O callbacks of this loop turn: every message that
    // arrived in the same tick (from any socket) ends up in one transaction.
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.pending.length === 0 && this.pendingAudit.length === 0) return Promise.resolve();
    this.flushing = (async () => {
      const batch = this.pending;
      const audit = this.pendingAudit;
      const title = this.pendingTitle;
      this.pending = [];
      this.pendingAudit = [];
      this.pendingTitle = undefined;
      try {
        const at = this.now().toISOString();
        const r = await this.storage.append({
          docName: this.docName,
          updates: batch.map((p) => p.update),
          audit,
          ...(this.kind === 'content' ? { touchPackage: { id: this.packageId, at, ...(title !== undefined ? { title } : {}) } } : {}),
        });
        this.storedSeq = Math.max(this.storedSeq, r.lastSeq);
        this.logCount += batch.length;
        for (const p of batch) this.logBytes += p.update.byteLength;
      } catch (err) {
        this.failStorage(err);
        throw err;
      } finally {
        this.flushing = null;
      }
      const last = batch.at(-1);
      if (last) this.persistedSeq = last.seq;
      this.releaseOutbox();
      this.waiters = this.waiters.filter((w) => {
        if (w.seq > this.persistedSeq) return true;
        w.resolve();
        return false;
      });
      if (this.pending.length > 0) this.scheduleFlush();
      else this.maybeCompact();
    })();
    this.flushing.catch(() => {});
    return this.flushing;
  }

  /** Flushes until nothing is pending. */
  private async flushAll(): Promise<void> {
    while (this.flushing || this.pending.length > 0 || this.pendingAudit.length > 0) {
      await (this.flushing ?? this.flush());
    }
  }

  /**
   * Storage refused a write. The replica now holds updates that are not stored and
   * must never be broadcast, so the room unloads: every client is closed with a
   * retryable code, reconnects to a fresh room loaded from storage, and resends
   * what it has that the server lacks.
   */
  private failStorage(err: unknown): void {
    this.log.error(`room ${this.docName}: storage append failed; unloading`, err);
    for (const c of [...this.conns.values()]) this.closeConnection(c, CLOSE_STORAGE_FAILED, REASONS.storageFailed);
    this.outbox = [];
    this.pending = [];
    this.finishUnload();
  }

  private maybeCompact(): void {
    if (this.compaction || this.state !== 'live') return;
    if (this.logCount <= this.maxLogUpdates && this.logBytes <= this.maxLogBytes) return;
    void this.compactNow().then(
      // The log may have grown past the limits again while the merge ran.
      () => this.maybeCompact(),
      (err: unknown) => this.log.error(`room ${this.docName}: compaction failed (the log stays as it is)`, err),
    );
  }

  /**
   * Replaces the stored log with one snapshot: reads what storage holds (snapshot +
   * tail up to `lastSeq`), merges it on a worker thread (so a large document does
   * not stall the other rooms) and atomically swaps it in for everything up to
   * `lastSeq`. Updates appended meanwhile have a higher seq and stay in the log.
   * One compaction per room at a time.
   */
  private compactNow(): Promise<void> {
    this.compaction ??= (async () => {
      try {
        const stored = await this.storage.load(this.docName);
        if (stored.updates.length === 0) return;
        const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
        const snapshot = await mergeInBackground(parts);
        await this.storage.compact(this.docName, snapshot, stored.lastSeq);
        this.logCount = Math.max(0, this.logCount - stored.updates.length);
        this.logBytes = Math.max(0, this.logBytes - stored.logBytes);
      } finally {
        this.compaction = null;
      }
    })();
    return this.compaction;
  }

  // ---- idle -------------------------------------------------------------------

  private checkIdle(): void {
    if (this.state !== 'live' || this.conns.size > 0 || this.holds > 0 || this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.state === 'live' && this.conns.size === 0 && this.holds === 0) void this.drain();
    }, this.idleTimeoutMs);
    // An idle room must not keep the process alive (tests, shutdown).
    this.idleTimer.unref?.();
  }

  private cancelIdle(): void {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }
}
