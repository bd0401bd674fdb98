/**
 * Offline copy of a package's docs in IndexedDB (y-indexeddb): edits made
 * offline survive a reload and merge on reconnect through the normal Yjs sync.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';
import type { PendingStore } from './syncTracker';

/** IndexedDB database name of a package's content doc. */
export function contentDbName(packageId: string): string {
  return `pkg-${packageId}`;
}

/** IndexedDB database name of a package's comments doc. */
export function commentsDbName(packageId: string): string {
  return `pkg-${packageId}-comments`;
}

/**
 * Starts persisting `doc` under `name`. Create it before the provider connects,
 * so offline edits from an earlier session are in the doc when the handshake
 * runs; `whenSynced` resolves once they are loaded.
 */
export function createDocPersistence(name: string, doc: Y.Doc): IndexeddbPersistence {
  return new IndexeddbPersistence(name, doc);
}

const PENDING_KEY = 'pendingLocalChanges';

/** Keeps the sync tracker's pending count in the same IndexedDB as the doc. */
export function pendingStoreFor(persistence: IndexeddbPersistence): PendingStore {
  return {
    async load() {
      await persistence.whenSynced;
      const v: unknown = await persistence.get(PENDING_KEY);
      return typeof v === 'number' && Number.isFinite(v) ? v : 0;
    },
    save(pending) {
      void persistence.whenSynced.then(() => persistence.set(PENDING_KEY, pending));
    },
  };
}
