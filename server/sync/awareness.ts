/**
 * The awareness (presence) of one room: who owns which awareness client id, the
 * per-connection throttle, the awareness hooks, and the relay to every connection.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { AWARENESS_MIN_INTERVAL_MS } from '../../shared/protocol';
import { Connection, type RoomLogger } from './connection';
import { MalformedMessageError, decodeAwarenessUpdate, encodeAwarenessFrame, encodeAwarenessUpdate, type AwarenessEntry } from './frames';
import type { HookRoom, HookRunner } from './hooks';
import type { SyncScheduler } from './scheduler';

/** The owner of client ids set by another server instance (fan-out). */
const REMOTE = Symbol('remote awareness');

/** What an `AwarenessHub` needs from its room: the hooks, the clock, and how to reach the connections. */
export interface AwarenessHubOptions {
  room: HookRoom;
  log: RoomLogger;
  hooks: HookRunner;
  scheduler: SyncScheduler;
  /** The connections to relay to (those already greeted). */
  recipients(): Iterable<Connection>;
  send(c: Connection, data: Uint8Array): void;
  /** A connection's coalesced awareness turned out malformed: close it (4400). */
  onMalformed(c: Connection, err: MalformedMessageError): void;
}

/**
 * Guarantees: a connection never sets or removes a client id another connection
 * (or another instance) owns — such an update is ignored as a whole; a
 * connection's updates are applied at most once per `AWARENESS_MIN_INTERVAL_MS`
 * (the newest wins); `beforeHandleAwareness` sees every state before it is applied;
 * every applied change is relayed to every greeted connection, the sender included
 * (a lone client counts the echo as a sign of life); a connection's states are
 * removed the moment it closes.
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

  /** Handles an incoming awareness update of `c` (already decoded into `entries`). */
  receive(c: Connection, update: Uint8Array, entries: readonly AwarenessEntry[]): void {
    for (const { clientId } of entries) {
      const owner = this.owners.get(clientId);
      // One connection must not overwrite another's cursor: ignore such an update.
      if (owner && owner !== c) return;
    }
    const { scheduler } = this.opts;
    const wait = c.lastAwarenessAt + AWARENESS_MIN_INTERVAL_MS - scheduler.now();
    if (wait <= 0 && !c.awarenessTimer) {
      this.apply(c, update, entries);
      return;
    }
    // Too fast: keep only the newest update and apply it when the interval has passed.
    c.pendingAwareness = update;
    c.awarenessTimer ??= scheduler.setTimeout(() => {
      c.awarenessTimer = null;
      const u = c.pendingAwareness;
      c.pendingAwareness = null;
      if (!u || c.closed) return;
      try {
        this.apply(c, u, null);
      } catch (err) {
        this.opts.onMalformed(c, err instanceof MalformedMessageError ? err : new MalformedMessageError('Ugyldig melding: ugyldig tilstedeværelse'));
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

  private apply(c: Connection, update: Uint8Array, entries: readonly AwarenessEntry[] | null): void {
    c.lastAwarenessAt = this.opts.scheduler.now();
    let bytes = update;
    if (this.opts.hooks.hasAwarenessRewrite) {
      const states = new Map<number, { clock: number; state: unknown }>();
      // Entries of a coalesced update were validated on receipt; they are decoded again here.
      for (const e of entries ?? decodeAwarenessUpdate(update)) states.set(e.clientId, { clock: e.clock, state: e.state });
      if (!this.opts.hooks.awareness({ room: this.opts.room, principal: c.principal, states })) return;
      // A hook may not hand a connection somebody else's client id.
      const kept = [...states].filter(([id]) => {
        const owner = this.owners.get(id);
        return !owner || owner === c;
      });
      if (kept.length === 0) return;
      bytes = encodeAwarenessUpdate(kept.map(([clientId, s]) => ({ clientId, clock: s.clock, state: s.state })));
    }
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, bytes, c);
    } catch {
      throw new MalformedMessageError('Ugyldig melding: ugyldig tilstedeværelse');
    }
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
