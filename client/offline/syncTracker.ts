/**
 * What the header says about sync: 'synced', 'syncing' or 'offline', and how
 * many of my changes the server has not got yet.
 *
 * y-websocket has no acknowledgement, so "not yet sent" is approximated, and
 * the approximation is this: a local change (a transaction made in this tab,
 * not one applied from the server or from IndexedDB) counts as pending when it
 * is made while the provider is not connected *and* synced; the count drops to
 * 0 when the provider next reports `sync: true`, because the y-protocols
 * handshake (sync step 1 / step 2) sends the server everything it lacks. A
 * change made while connected and synced goes straight onto the open socket
 * and is not counted. Keystrokes are not changes: local transactions on the
 * same shared types less than PENDING_GROUP_MS apart count as one change (a
 * typed sentence is one, a cell edit is one). The count survives a reload through `store` (the
 * package's IndexedDB), so "3 endringer ikke sendt" stays true after F5.
 * Blind spot: changes written into a socket that died silently (before
 * y-websocket's reconnect timeout notices) are not counted, although the next
 * handshake still delivers them.
 */
import type * as Y from 'yjs';

export type SyncState = 'synced' | 'syncing' | 'offline';

/** Local transactions on the same types closer together than this are one change. */
export const PENDING_GROUP_MS = 1500;

export interface SyncStatus {
  state: SyncState;
  pending: number;
}

/** The parts of a y-websocket WebsocketProvider the tracker reads. */
export interface TrackedProvider {
  wsconnected: boolean;
  synced: boolean;
  on(event: 'status', cb: (e: { status: string }) => void): void;
  off(event: 'status', cb: (e: { status: string }) => void): void;
  on(event: 'sync', cb: (synced: boolean) => void): void;
  off(event: 'sync', cb: (synced: boolean) => void): void;
}

/** Where the pending count is kept across reloads. */
export interface PendingStore {
  load(): Promise<number>;
  save(pending: number): void;
}

export interface SyncTracker {
  get(): SyncStatus;
  /** Calls `listener` after every change of state or count; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
  destroy(): void;
}

/** Identifies which shared types a transaction changed (by item id, or name at the top level). */
function changedTypesKey(tr: Y.Transaction): string {
  const ids: string[] = [];
  for (const type of tr.changed.keys()) {
    const item = type._item;
    ids.push(item ? `${item.id.client}:${item.id.clock}` : String(findRootName(tr.doc, type)));
  }
  return ids.sort().join('|');
}

function findRootName(doc: Y.Doc, type: unknown): string {
  for (const [name, t] of doc.share) if (t === type) return name;
  return '?';
}

/** Starts tracking `doc` over `provider`; see the module comment for what "pending" means. */
export function createSyncTracker(doc: Y.Doc, provider: TrackedProvider, store?: PendingStore, now: () => number = Date.now): SyncTracker {
  let pending = 0;
  let lastKey = '';
  let lastAt = -Infinity;
  let status: SyncStatus = compute();
  const listeners = new Set<() => void>();

  function compute(): SyncStatus {
    const online = provider.wsconnected && provider.synced;
    return { state: online ? 'synced' : provider.wsconnected ? 'syncing' : 'offline', pending };
  }
  function publish(): void {
    const next = compute();
    if (next.state === status.state && next.pending === status.pending) return;
    status = next;
    for (const l of listeners) l();
  }
  const onUpdate = (_u: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction): void => {
    if (!tr.local) return;
    if (provider.wsconnected && provider.synced) return;
    const key = changedTypesKey(tr);
    const at = now();
    const sameChange = key === lastKey && at - lastAt < PENDING_GROUP_MS;
    lastKey = key;
    lastAt = at;
    if (sameChange) return;
    pending += 1;
    store?.save(pending);
    publish();
  };
  const onSync = (synced: boolean): void => {
    if (synced && provider.wsconnected && pending > 0) {
      pending = 0;
      lastKey = '';
      store?.save(0);
    }
    publish();
  };
  const onStatus = (): void => publish();

  doc.on('update', onUpdate);
  provider.on('sync', onSync);
  provider.on('status', onStatus);
  let destroyed = false;
  void store?.load().then((saved) => {
    // Changes counted before the load finished are on top of the saved ones,
    // unless a sync already cleared everything.
    if (destroyed || saved <= 0 || (provider.wsconnected && provider.synced)) return;
    pending += saved;
    publish();
  });

  return {
    get: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      destroyed = true;
      doc.off('update', onUpdate);
      provider.off('sync', onSync);
      provider.off('status', onStatus);
      listeners.clear();
    },
  };
}
