/**
 * The extension points of the sync core: rules that run on the server's write
 * path without editing the core (schema checks, authorship, locks, conversion of
 * old documents, audit rows, fan-out to other instances). Hooks are registered when
 * the registry or room is created, run in registration order, and a failing hook
 * is contained: a throwing check refuses, a throwing notification is logged.
 */
import * as Y from 'yjs';
import type { DocKind } from '../../shared/protocol';
import type { AppendBatch } from '../storage/types';
import type { Connection, RoomLogger, SyncPrincipal } from './connection';
import type { DecodedUpdate } from './frames';

/**
 * What a hook sees of its room. `doc` is the current replica: it is replaced after
 * a refused change, so read it from here each time instead of keeping it.
 * `applyRemoteUpdate`/`applyRemoteAwareness` are the seams for updates another
 * server instance already stored (fan-out): no storage, no hooks, relayed to the
 * local clients. `transact` is a server write (as `Room.transact`): a hook may use
 * it for a follow-up change, never from inside a check or rows hook (it would nest
 * in the change being checked) — from `afterStoreDocument`, for example.
 */
export interface HookRoom {
  readonly docName: string;
  readonly packageId: string;
  readonly kind: DocKind;
  readonly doc: Y.Doc;
  applyRemoteUpdate(update: Uint8Array): void;
  applyRemoteAwareness(update: Uint8Array): void;
  transact<T>(fn: (doc: Y.Doc) => T, origin: unknown): Promise<T>;
}

/** Rows a hook adds to the storage batch of a change: stored in the same `append` (transaction) as its update. */
export type BatchRows = Omit<AppendBatch, 'docName' | 'updates'>;

/**
 * A hook's answer to a raw update: nothing (accept), refuse (close the sender with
 * 4422), drop quietly, or resync: drop it and send the sender a sync step 1, so an
 * honest client answers with a step 2 that carries what the update depended on (an
 * update that cannot be applied yet). A connection whose updates need a resync more
 * than `MAX_RESYNCS_IN_A_ROW` times without one applied in between is refused.
 */
export type UpdateVerdict = void | undefined | { refuse: string } | { drop: true } | { resync: string };
/** A hook's answer to an applied change: nothing (accept) or refuse. */
export type ChangeVerdict = void | undefined | { refuse: string };

/** Context of `beforeApplyUpdate`: a client's raw update before it touches the replica. */
export interface RawUpdateContext {
  room: HookRoom;
  principal: SyncPrincipal;
  update: Uint8Array;
  decoded: DecodedUpdate;
  /** The replica, not yet changed by `update` (read only). */
  doc: Y.Doc;
}

/**
 * Context of `checkChange` and `rowsForChange`: one change already applied to the
 * replica, inside its transaction (after observers, before Yjs garbage-collects what
 * it deleted). `transaction.changed` maps each changed type to the keys it changed
 * (null for array/text positions); `transaction.changedParentTypes` holds the
 * events per ancestor type; `transaction.deleteSet` what it deleted;
 * `insertedItems()` the items it created. Read-only: a hook must not change the doc.
 */
export interface ChangeContext {
  room: HookRoom;
  principal: SyncPrincipal;
  doc: Y.Doc;
  transaction: Y.Transaction;
  /** The scheduler's wall-clock time of the change. */
  at: Date;
  insertedItems(): Y.Item[];
}

/** Context of `afterStoreDocument`: one batch that storage has committed. */
export interface StoredContext {
  room: HookRoom;
  updates: readonly Uint8Array[];
  rows: BatchRows;
  /** Storage's sequence number of the batch's last update. */
  lastSeq: number;
}

/** Context of `onCreateReplica`: a new, still empty replica of the room. */
export interface ReplicaContext {
  room: HookRoom;
  doc: Y.Doc;
}

/** Context of `afterLoadDocument`: the replica as loaded; changes made here are one server transaction. */
export interface LoadContext {
  room: HookRoom;
  doc: Y.Doc;
  principal: SyncPrincipal;
  /** Storage's sequence number of the last entry the load read (0 for a new doc): the fan-out continues after it. */
  lastSeq: number;
}

/** Context of `beforeHandleAwareness`: mutate `states` (rewrite a state, delete an entry to drop it). */
export interface AwarenessContext {
  room: HookRoom;
  principal: SyncPrincipal;
  states: Map<number, { clock: number; state: unknown }>;
}

/** Context of `onAwarenessUpdate`: an awareness change applied locally (`connection` null: the server removed states). */
export interface AwarenessUpdateContext {
  room: HookRoom;
  update: Uint8Array;
  connection: Connection | null;
}

/** Context of `onConnect`/`onDisconnect`. */
export interface ConnectionContext {
  room: HookRoom;
  connection: Connection;
  principal: SyncPrincipal;
}

/**
 * One set of hooks (every member optional). Lifecycle, in order of a change:
 * `beforeApplyUpdate` (client updates only, cheap, raw) → the update is applied to
 * the replica in a transaction → `checkChange` → `rowsForChange` (only when every
 * check accepted) → queued → stored in one `append` with the rows →
 * `afterStoreDocument` → relayed. Server writes (`room.transact`) and the
 * `afterLoadDocument` transaction take the same path from `checkChange` on. Remote
 * updates (`applyRemoteUpdate`) and the stored state applied at load take none of
 * it: their hooks ran on the instance that received them.
 */
export interface RoomHooks {
  /** For logs. */
  readonly name: string;
  onConnect?(ctx: ConnectionContext): void;
  onDisconnect?(ctx: ConnectionContext): void;
  /**
   * On every new replica (at load, and when it is rebuilt after a refusal), before
   * anything is applied to it: define the root types the hook reads (`getMap`,
   * `getText`, …). A root a client creates first is an untyped one, and defining it
   * later, inside a check, replaces the object `transaction.changed` is keyed by.
   * Throwing fails the load (or the rebuild).
   */
  onCreateReplica?(ctx: ReplicaContext): void;
  /**
   * Before the stored state is read, awaited: load what the hook's checks need from
   * elsewhere (e.g. the package's lock state), so no check reads storage per update.
   * Rejecting fails the load.
   */
  beforeLoadDocument?(ctx: { room: HookRoom }): Promise<void> | void;
  /** After the stored state is applied, before anyone is served; may change `ctx.doc` (stored like any update). Throwing fails the load. */
  afterLoadDocument?(ctx: LoadContext): void;
  /** Before a client update is applied; refusing closes the sender (4422), dropping ignores the update, resync drops it and asks the sender for a step 2. Throwing refuses. */
  beforeApplyUpdate?(ctx: RawUpdateContext): UpdateVerdict;
  /** After a change is applied, before it is queued; refusing undoes it (the replica is rebuilt). Throwing refuses. */
  checkChange?(ctx: ChangeContext): ChangeVerdict;
  /**
   * Rows stored with the change in the same batch (audit, package touch). Runs only
   * for changes every check accepted, so state a hook keeps here follows the accepted
   * document and stays right across a rebuild. Throwing refuses the change (rows
   * hooks before it in the list have run by then: do not throw on purpose).
   */
  rowsForChange?(ctx: ChangeContext): BatchRows | void;
  /** Once per stored batch. Errors and rejections are logged, never break the room. */
  afterStoreDocument?(ctx: StoredContext): void | Promise<void>;
  /** Each incoming awareness update of a connection, before it is applied. Throwing drops the update. */
  beforeHandleAwareness?(ctx: AwarenessContext): void;
  /** Each awareness change applied locally (not remote ones), encoded. */
  onAwarenessUpdate?(ctx: AwarenessUpdateContext): void;
  /** Once the room is unloaded (unsubscribe here). */
  afterUnloadDocument?(ctx: { room: HookRoom }): void;
}

/** A change a hook refused; `room.transact` rejects with it, a client connection is closed with 4422. */
export class UpdateRefusedError extends Error {}

/**
 * Adds the rows `b` to `into` (which it changes and returns): audit entries and
 * conflicts in order, the later package touch (keeping an earlier title). Linear in `b`, so a
 * batch of many changes is collected in linear time.
 */
export function addRows(into: BatchRows, b: BatchRows): BatchRows {
  if (b.audit?.length) (into.audit ??= []).push(...b.audit);
  if (b.conflicts?.length) (into.conflicts ??= []).push(...b.conflicts);
  if (b.touchPackage) {
    const title = b.touchPackage.title ?? into.touchPackage?.title;
    into.touchPackage = { ...b.touchPackage, ...(title !== undefined ? { title } : {}) };
  }
  return into;
}

/** Whether a batch carries no rows. */
export function isEmptyRows(rows: BatchRows): boolean {
  return !rows.audit?.length && !rows.conflicts?.length && !rows.touchPackage;
}

/** The items a transaction inserted, from its before/after state vectors (valid until the transaction is cleaned up). */
export function insertedItemsOf(tr: Y.Transaction): Y.Item[] {
  const items: Y.Item[] = [];
  for (const [client, after] of tr.afterState) {
    const before = tr.beforeState.get(client) ?? 0;
    if (after <= before) continue;
    const structs = tr.doc.store.clients.get(client) ?? [];
    for (let i = Y.findIndexSS(structs, before); i < structs.length && structs[i]!.id.clock < after; i++) {
      const s = structs[i]!;
      if (s instanceof Y.Item) items.push(s);
    }
  }
  return items;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Runs a room's hooks in registration order with the containment rules of
 * `RoomHooks`: the first refusal wins and stops the chain; a throwing check counts as
 * a refusal; notifications that throw (or reject) are logged and the next hook
 * still runs.
 */
export class HookRunner {
  readonly hasAwarenessRewrite: boolean;

  constructor(
    private readonly hooks: readonly RoomHooks[],
    private readonly log: RoomLogger,
    private readonly docName: string,
  ) {
    this.hasAwarenessRewrite = hooks.some((h) => h.beforeHandleAwareness);
  }

  /** The first non-empty verdict of `beforeApplyUpdate`, or null. */
  beforeApplyUpdate(ctx: RawUpdateContext): Exclude<UpdateVerdict, void | undefined> | null {
    for (const h of this.hooks) {
      if (!h.beforeApplyUpdate) continue;
      try {
        const v = h.beforeApplyUpdate(ctx);
        if (v) return v;
      } catch (err) {
        return { refuse: `hook ${h.name} threw: ${describe(err)}` };
      }
    }
    return null;
  }

  /** Runs every check, then (when none refused) collects the rows; returns the refusal or the merged rows. */
  change(ctx: ChangeContext): { refuse: string } | { rows: BatchRows } {
    for (const h of this.hooks) {
      if (!h.checkChange) continue;
      try {
        const v = h.checkChange(ctx);
        if (v) return { refuse: `${h.name}: ${v.refuse}` };
      } catch (err) {
        return { refuse: `hook ${h.name} threw: ${describe(err)}` };
      }
    }
    const rows: BatchRows = {};
    for (const h of this.hooks) {
      if (!h.rowsForChange) continue;
      try {
        const r = h.rowsForChange(ctx);
        if (r) addRows(rows, r);
      } catch (err) {
        // Rows are stored with their update or not at all: no rows, no change.
        return { refuse: `hook ${h.name} (rows) threw: ${describe(err)}` };
      }
    }
    return { rows };
  }

  /** Runs `onCreateReplica` of every hook; a throw propagates. */
  createReplica(ctx: ReplicaContext): void {
    for (const h of this.hooks) h.onCreateReplica?.(ctx);
  }

  /** Runs `beforeLoadDocument` of every hook, one after the other; a rejection propagates (the load fails). */
  async beforeLoad(ctx: { room: HookRoom }): Promise<void> {
    for (const h of this.hooks) {
      if (!h.beforeLoadDocument) continue;
      try {
        await h.beforeLoadDocument(ctx);
      } catch (err) {
        throw new Error(`beforeLoadDocument of ${h.name} failed: ${describe(err)}`, { cause: err });
      }
    }
  }

  /** Runs `afterLoadDocument` of every hook; a throw propagates (the load fails). */
  afterLoad(ctx: LoadContext): void {
    for (const h of this.hooks) {
      try {
        h.afterLoadDocument?.(ctx);
      } catch (err) {
        throw new Error(`afterLoadDocument of ${h.name} failed: ${describe(err)}`, { cause: err });
      }
    }
  }

  /** Runs `beforeHandleAwareness`; false when a hook threw (the update is dropped). */
  awareness(ctx: AwarenessContext): boolean {
    for (const h of this.hooks) {
      if (!h.beforeHandleAwareness) continue;
      try {
        h.beforeHandleAwareness(ctx);
      } catch (err) {
        this.log.warn(`room ${this.docName}: awareness hook ${h.name} threw; update dropped`, err);
        return false;
      }
    }
    return true;
  }

  /** Calls a notification hook on every hook that has it; throws and rejections are logged. */
  notify<K extends 'onConnect' | 'onDisconnect' | 'afterStoreDocument' | 'onAwarenessUpdate' | 'afterUnloadDocument'>(
    kind: K,
    ctx: Parameters<NonNullable<RoomHooks[K]>>[0],
  ): void {
    for (const h of this.hooks) {
      const fn = h[kind] as ((c: typeof ctx) => void | Promise<void>) | undefined;
      if (!fn) continue;
      try {
        const r = fn.call(h, ctx);
        if (r instanceof Promise) r.catch((err: unknown) => this.log.error(`room ${this.docName}: ${kind} of ${h.name} failed`, err));
      } catch (err) {
        this.log.error(`room ${this.docName}: ${kind} of ${h.name} failed`, err);
      }
    }
  }
}
