/**
 * The awareness (presence) of one room: who owns which awareness client id, the
 * per-connection throttle, the awareness hooks, and the relay to every connection.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { Connection, type RoomLogger } from './connection';
import { MalformedMessageError, decodeAwarenessUpdate, encodeAwarenessFrame, encodeAwarenessUpdate, type AwarenessEntry } from './frames';
import type { HookRoom, HookRunner } from './hooks';
import type { ProblemLog } from './problems';
import type { SyncScheduler } from './scheduler';

/** The owner of client ids set by another server instance (fan-out). */
const REMOTE = Symbol('remote awareness');

/** What an `AwarenessHub` needs from its room: the hooks, the clock, and how to reach the connections. */
export interface AwarenessHubOptions {
  room: HookRoom;
  log: RoomLogger;
  hooks: HookRunner;
  scheduler: SyncScheduler;
  problems: ProblemLog;
  /** A connection's updates are applied at most once per this many ms (`AWARENESS_MIN_INTERVAL_MS`). */
  minIntervalMs: number;
  /** States whose JSON is longer (bytes) are dropped (`AWARENESS_MAX_STATE_BYTES`). */
  maxStateBytes: number;
  /** The connections to relay to (those already greeted). */
  recipients(): Iterable<Connection>;
  send(c: Connection, data: Uint8Array): void;
  /** A connection's coalesced awareness turned out malformed: close it (4400). */
  onMalformed(c: Connection, err: MalformedMessageError): void;
}

/**
 * Guarantees: a connection never sets or removes a client id another connection
 * (or another instance) owns — such an update is ignored as a whole; a state whose
 * JSON is longer than `maxStateBytes` is dropped unparsed (the rest of its update
 * still counts); a connection's updates are applied at most once per
 * `minIntervalMs` (the newest wins); `beforeHandleAwareness` sees every state
 * before it is applied, and its result is held to the same size limit; every
 * applied change is relayed to every greeted connection, the sender included (a
 * lone client counts the echo as a sign of life); a connection's states are
 * removed the moment it closes. Each drop is counted in `problems`. A state that
 * differs from the one held for its client id counts as the connection's activity
 * (`Connection.activity`); a renewal of the same state does not.
 */
export class AwarenessHub {
  /** On its own small doc: the replica can be replaced, the awareness cannot. */
  readonly awareness = new awarenessProtocol.Awareness(new Y.Doc());
  private readonly owners = new Map<number, Connection | typeof REMOTE>();

  constructor(private readonly opts: AwarenessHubOptions) {
    // The server is not a participant: without this it would show up as a cursor.
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onUpdate);
  }

  /** An awareness frame with every current state, or null when there is none (greeting, query reply). */
  allStatesFrame(): Uint8Array | null {
    const ids = [...this.awareness.getStates().keys()];
    return ids.length > 0 ? encodeAwarenessFrame(awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids)) : null;
  }

  /** Handles an incoming awareness update of `c` (already decoded into `entries`, oversized states marked). */
  receive(c: Connection, update: Uint8Array, decoded: readonly AwarenessEntry[]): void {
    for (const { clientId } of decoded) {
      const owner = this.owners.get(clientId);
      // One connection must not overwrite another's cursor: ignore such an update.
      if (owner && owner !== c) {
        this.count(c, 'awareness-foreign-client', `client id ${clientId}`);
        return;
      }
    }
    let entries = decoded;
    if (decoded.some((e) => e.tooBig)) {
      // An oversized state would cost every reader its bytes at every change: drop it, keep the rest.
      this.count(c, 'awareness-too-big', `over ${this.opts.maxStateBytes} bytes`);
      entries = decoded.filter((e) => !e.tooBig);
      if (entries.length === 0) return;
      update = encodeAwarenessUpdate(entries);
    }
    const { scheduler } = this.opts;
    const wait = c.lastAwarenessAt + this.opts.minIntervalMs - scheduler.now();
    if (wait <= 0 && !c.awarenessTimer) {
      this.apply(c, update, entries);
      return;
    }
    // Too fast: keep only the newest update and apply it when the interval has passed.
    if (c.pendingAwareness) this.count(c, 'awareness-coalesced');
    c.pendingAwareness = update;
    c.awarenessTimer ??= scheduler.setTimeout(() => {
      c.awarenessTimer = null;
      const u = c.pendingAwareness;
      c.pendingAwareness = null;
      if (!u || c.closed) return;
      try {
        this.apply(c, u, null);
      } catch (err) {
        this.opts.onMalformed(c, err instanceof MalformedMessageError ? err : new MalformedMessageError('Ugyldig melding: ugyldig tilstedeværelse', 'bad-awareness'));
      }
    }, Math.max(0, wait));
  }

  /** Applies an awareness update another instance received (fan-out): no hooks, relayed to every local connection. */
  applyRemote(update: Uint8Array): void {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
    } catch (err) {
      this.opts.log.warn(`room ${this.opts.room.docName}: a remote awareness update could not be applied`, err);
    }
  }

  /** Forgets a closed connection: its throttle timer and (unless the room is gone) at once its states. */
  remove(c: Connection, removeStates: boolean): void {
    if (c.awarenessTimer) this.opts.scheduler.clearTimeout(c.awarenessTimer);
    c.awarenessTimer = null;
    if (!removeStates) return;
    const ids = [...c.awarenessClients].filter((id) => this.owners.get(id) === c);
    for (const id of ids) this.owners.delete(id);
    if (ids.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, ids, null);
  }

  destroy(): void {
    this.awareness.off('update', this.onUpdate);
    this.awareness.destroy();
  }

  private count(c: Connection, kind: 'awareness-too-big' | 'awareness-foreign-client' | 'awareness-coalesced', detail?: string): void {
    this.opts.problems.count({ kind, docName: this.opts.room.docName, userId: c.userId, ...(detail ? { detail } : {}) });
  }

  private apply(c: Connection, update: Uint8Array, decoded: readonly AwarenessEntry[] | null): void {
    c.lastAwarenessAt = this.opts.scheduler.now();
    // Entries of a coalesced update were validated (and oversized ones removed) on receipt; they are decoded again here.
    const entries = decoded ?? decodeAwarenessUpdate(update);
    let bytes = update;
    let kept: AwarenessEntry[] = [...entries];
    if (this.opts.hooks.hasAwarenessRewrite) {
      const states = new Map<number, { clock: number; state: unknown }>();
      for (const e of entries) states.set(e.clientId, { clock: e.clock, state: e.state });
      if (!this.opts.hooks.awareness({ room: this.opts.room, principal: c.principal, states })) return;
      kept = [];
      for (const [clientId, s] of states) {
        // A hook may not hand a connection somebody else's client id.
        const owner = this.owners.get(clientId);
        if (owner && owner !== c) continue;
        if (s.state !== null && Buffer.byteLength(JSON.stringify(s.state) ?? '') > this.opts.maxStateBytes) {
          this.count(c, 'awareness-too-big', `over ${this.opts.maxStateBytes} bytes after the hooks`);
          continue;
        }
        kept.push({ clientId, clock: s.clock, state: s.state });
      }
      if (kept.length === 0) return;
      bytes = encodeAwarenessUpdate(kept);
    }
    const current = this.awareness.getStates();
    const changed = kept.some((e) => e.state !== null && e.state !== undefined && JSON.stringify(e.state) !== JSON.stringify(current.get(e.clientId)));
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes, c);
    } catch {
      throw new MalformedMessageError('Ugyldig melding: ugyldig tilstedeværelse', 'bad-awareness');
    }
    if (changed) c.activity();
  }

  private onUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    const from = origin === REMOTE ? REMOTE : origin instanceof Connection ? origin : null;
    if (from) {
      for (const id of [...added, ...updated]) {
        if (from !== REMOTE) from.awarenessClients.add(id);
        this.owners.set(id, from);
      }
      for (const id of removed) {
        if (from !== REMOTE) from.awarenessClients.delete(id);
        if (this.owners.get(id) === from) this.owners.delete(id);
      }
    }
    const changed = [...added, ...updated, ...removed];
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    const msg = encodeAwarenessFrame(update);
    for (const c of this.opts.recipients()) this.opts.send(c, msg);
    if (from !== REMOTE) this.opts.hooks.notify('onAwarenessUpdate', { room: this.opts.room, update, connection: from });
  };
}
