/** React binding of the sync tracker (see syncTracker.ts for what "pending" means). */
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { createSyncTracker, type PendingStore, type SyncStatus, type TrackedProvider } from './syncTracker';

const UNKNOWN: SyncStatus = { state: 'syncing', pending: 0 };

/** `{ state, pending }` of `doc` over `provider`, re-rendered on change. */
export function useSyncStatus(provider: TrackedProvider | null | undefined, doc: Y.Doc | null | undefined, store?: PendingStore): SyncStatus {
  const [status, setStatus] = useState<SyncStatus>(UNKNOWN);
  useEffect(() => {
    if (!provider || !doc) {
      setStatus(UNKNOWN);
      return undefined;
    }
    const tracker = createSyncTracker(doc, provider, store);
    setStatus(tracker.get());
    const unsubscribe = tracker.subscribe(() => setStatus(tracker.get()));
    return () => {
      unsubscribe();
      tracker.destroy();
    };
  }, [provider, doc, store]);
  return status;
}
