/**
 * The server's replica of one document and the check on every change to it: each
 * change is applied in a Yjs transaction and shown to the hooks inside that
 * transaction; an accepted change is handed on (with its rows) to be stored, a
 * refused one is never handed on and the replica is rebuilt without it.
 */
import * as Y from 'yjs';
import { isRole } from '../../shared/protocol';
import type { StoredDoc } from '../storage/types';
import { Connection, type SyncPrincipal } from './connection';
import { MalformedMessageError } from './frames';
import { UpdateRefusedError, insertedItemsOf, type BatchRows, type HookRoom, type HookRunner } from './hooks';
import type { SyncScheduler } from './scheduler';

/** Transaction origins of the core itself: hooks never run for these. */
class InternalOrigin {
  constructor(readonly kind: 'stored' | 'remote' | 'load') {}
}
/** The stored state applied at load or rebuild: already stored, already checked. */
const STORED = new InternalOrigin('stored');
/** An update another instance stored (fan-out): not stored again, relayed. */
const REMOTE_ORIGIN = new InternalOrigin('remote');

/** Whether a transaction's origin is an update another instance stored (`applyRemoteUpdate`): hooks that keep state follow it. */
export function isRemoteOrigin(origin: unknown): boolean {
  return origin === REMOTE_ORIGIN;
}
/** The `afterLoadDocument` transaction: checked and stored like a server write. */
const LOAD = new InternalOrigin('load');

const VERDICT = Symbol('sync verdict');
type Verdict = { refuse: string } | { rows: BatchRows };

/** Who made a server-side change, read from a transaction origin that carries a `userId` (and maybe a `role`). */
export function userIdOfOrigin(origin: unknown): string | null {
  if (origin && typeof origin === 'object' && 'userId' in origin) {
    const id = (origin as { userId: unknown }).userId;
    return typeof id === 'string' ? id : null;
  }
  return null;
}

function hasChanges(tr: Y.Transaction): boolean {
  if (tr.deleteSet.clients.size > 0) return true;
  for (const [client, clock] of tr.afterState) if (clock !== (tr.beforeState.get(client) ?? 0)) return true;
  return false;
}

/** The not-yet-applicable part of a replica (pending structs and deletions), as Yjs keeps them: V2-encoded updates. */
type PendingParts = Uint8Array[];

function pendingPartsOf(doc: Y.Doc): PendingParts {
  const parts: Uint8Array[] = [];
  if (doc.store.pendingStructs) parts.push(doc.store.pendingStructs.update);
  if (doc.store.pendingDs) parts.push(doc.store.pendingDs);
  return parts;
}

/** What a `Replica` needs from its room: the hooks, the clock, and where accepted and remote changes go. */
export interface ReplicaOptions {
  room: HookRoom;
  hooks: HookRunner;
  scheduler: SyncScheduler;
  /** An accepted local change: store it (with its rows) and relay it, skipping `origin` when it is a connection. */
  onAccepted(update: Uint8Array, origin: unknown, rows: BatchRows): void;
  /** A remote update changed the replica: relay it (it is stored already). */
  onRemote(update: Uint8Array): void;
}

/**
 * Guarantees: a change reaches `onAccepted` only after every `checkChange` accepted
 * it, together with the rows of `rowsForChange`; a refused change never reaches
 * `onAccepted` or `onRemote`, and after `rebuild` the replica no longer contains it.
 * Checking costs nothing beyond the hooks themselves on the normal path; only a
 * refusal costs a rebuild (O(document)).
 */
export class Replica {
  private current: Y.Doc;
  private lastRefusal: string | null = null;
  /** The pending parts just before the last checked change, so a rebuild keeps them. */
  private pendingBefore: PendingParts = [];

  constructor(private readonly opts: ReplicaOptions) {
    this.current = this.attach(new Y.Doc({ gc: true }));
  }

  /** Lets the hooks define their root types on the first replica (call before `loadStored`). */
  prepare(): void {
    this.opts.hooks.createReplica({ room: this.opts.room, doc: this.current });
  }

  get doc(): Y.Doc {
    return this.current;
  }

  /** Applies the stored state (no hooks, not stored again); throws when it leaves missing dependencies. */
  loadStored(stored: StoredDoc): void {
    applyStored(this.current, stored, [], []);
    // Updates that stay pending mean the stored log is missing something: serving
    // that doc could overwrite the real one, so it counts as a failed load.
    if (this.current.store.pendingStructs || this.current.store.pendingDs) throw new Error('stored log has missing dependencies');
  }

  /** Runs the `afterLoadDocument` hooks in one checked, stored transaction; throws when one throws or a check refuses. */
  runAfterLoad(lastSeq = 0): void {
    const principal = this.principalOf(LOAD)!;
    this.transact(() => this.opts.hooks.afterLoad({ room: this.opts.room, doc: this.current, principal, lastSeq }), LOAD);
  }

  /** The refusal of the last change, until `rebuild`: the replica still holds that change and must not be served. */
  get refused(): string | null {
    return this.lastRefusal;
  }

  /**
   * Applies a client's update with the connection as origin. Returns the refusal
   * reason, or null when accepted. Throws `MalformedMessageError` when Yjs cannot
   * apply it.
   */
  applyFrom(c: Connection, update: Uint8Array): string | null {
    this.beginChange();
    // A throw while applying still commits what was applied (and checks it): the
    // caller looks at `refused` either way.
    try {
      Y.applyUpdate(this.current, update, c);
    } catch {
      throw new MalformedMessageError('Ugyldig melding: oppdateringen kan ikke brukes', 'unreadable-update');
    }
    return this.lastRefusal;
  }

  /** Runs `fn` in one transaction with `origin`; throws `UpdateRefusedError` when a check refused the change. */
  transact<T>(fn: (doc: Y.Doc) => T, origin: unknown): T {
    this.beginChange();
    let result!: T;
    this.current.transact(() => {
      result = fn(this.current);
    }, origin);
    if (this.lastRefusal !== null) throw new UpdateRefusedError(this.lastRefusal);
    return result;
  }

  /**
   * What a peer with `stateVector` lacks (a sync step 2), without the replica's
   * pending structs and deletions: those are not stored (they are stored once they
   * can be applied), and `Y.encodeStateAsUpdate` would otherwise include them.
   * Throws when `stateVector` cannot be read.
   */
  diffFor(stateVector: Uint8Array): Uint8Array {
    const store = this.current.store;
    const { pendingStructs, pendingDs } = store;
    store.pendingStructs = null;
    store.pendingDs = null;
    try {
      return Y.encodeStateAsUpdate(this.current, stateVector);
    } finally {
      store.pendingStructs = pendingStructs;
      store.pendingDs = pendingDs;
    }
  }

  /** Applies an update another instance stored: no hooks, not stored, relayed through `onRemote`. */
  applyRemote(update: Uint8Array): void {
    Y.applyUpdate(this.current, update, REMOTE_ORIGIN);
  }

  /**
   * Replaces the replica after a refusal: the stored state, then the accepted
   * updates storage may not have yet (`unstored`; applying one twice changes
   * nothing), then what was pending before the refused change. The old replica is
   * detached, not destroyed (a reader may still hold it).
   */
  rebuild(stored: StoredDoc, unstored: readonly Uint8Array[]): void {
    const old = this.current;
    old.off('afterTransaction', this.onAfterTransaction);
    old.off('update', this.onUpdate);
    const doc = new Y.Doc({ gc: true });
    this.opts.hooks.createReplica({ room: this.opts.room, doc });
    applyStored(doc, stored, unstored, this.pendingBefore);
    this.current = this.attach(doc);
    this.lastRefusal = null;
  }

  /** Detaches and destroys the replica (the room is unloaded). */
  destroy(): void {
    this.current.off('afterTransaction', this.onAfterTransaction);
    this.current.off('update', this.onUpdate);
    this.current.destroy();
  }

  private attach(doc: Y.Doc): Y.Doc {
    doc.on('afterTransaction', this.onAfterTransaction);
    doc.on('update', this.onUpdate);
    return doc;
  }

  private beginChange(): void {
    this.lastRefusal = null;
    this.pendingBefore = pendingPartsOf(this.current);
  }

  private principalOf(origin: unknown): SyncPrincipal | null {
    if (origin instanceof Connection) return origin.principal;
    const { packageId, kind } = this.opts.room;
    if (origin === LOAD) return { source: 'load', userId: null, role: null, name: null, party: null, packageId, kind, connection: null };
    if (origin instanceof InternalOrigin) return null;
    const role = origin && typeof origin === 'object' && 'role' in origin ? (origin as { role: unknown }).role : null;
    return { source: 'server', userId: userIdOfOrigin(origin), role: isRole(role) ? role : null, name: null, party: null, packageId, kind, connection: null };
  }

  // Runs after the observers of the transaction and before Yjs garbage-collects
  // what it deleted, so hooks see the change with everything it touched.
  private onAfterTransaction = (tr: Y.Transaction): void => {
    const principal = this.principalOf(tr.origin);
    if (!principal || !hasChanges(tr)) return;
    let inserted: Y.Item[] | null = null;
    const verdict: Verdict = this.opts.hooks.change({
      room: this.opts.room,
      principal,
      doc: tr.doc,
      transaction: tr,
      at: this.opts.scheduler.date(),
      insertedItems: () => (inserted ??= insertedItemsOf(tr)),
    });
    tr.meta.set(VERDICT, verdict);
    if ('refuse' in verdict) this.lastRefusal = verdict.refuse;
  };

  private onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    if (origin === REMOTE_ORIGIN) {
      this.opts.onRemote(update);
      return;
    }
    const verdict = tr.meta.get(VERDICT) as Verdict | undefined;
    if (!verdict || 'refuse' in verdict) return;
    this.opts.onAccepted(update, origin, verdict.rows);
  };
}

function applyStored(doc: Y.Doc, stored: StoredDoc, extra: readonly Uint8Array[], pending: PendingParts): void {
  doc.transact(() => {
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    for (const u of extra) Y.applyUpdate(doc, u);
    for (const u of pending) Y.applyUpdateV2(doc, u);
  }, STORED);
}
