/**
 * Discarding a package's local copy after the server refused a change from it
 * (close code 4422): the refused data sits in the Y.Doc, in IndexedDB, in this
 * browser's other tabs of the package and in its balance worker — they share the
 * IndexedDB and a BroadcastChannel — and every later change would build on it. So
 * the tab that was refused tells the others (`announceDiscard`), every one of them
 * drops its connection and deletes the IndexedDB copy (`deleteLocalCopy`), and then
 * loads the package from the server again.
 */
import { commentsDbName, contentDbName } from './persistence';

/** Which of the package's two documents was refused. */
export type DiscardedDoc = 'content' | 'comments';

/** A tab may wait this long for the other tabs to let go of the database before it gives up and carries on. */
export const DELETE_TIMEOUT_MS = 3000;

function channelName(packageId: string): string {
  return `budsjett-discard-${packageId}`;
}

/** Tells this browser's other tabs and the balance worker of `packageId` to discard their copy of `doc`. */
export function announceDiscard(packageId: string, doc: DiscardedDoc): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const bc = new BroadcastChannel(channelName(packageId));
  bc.postMessage({ type: 'discard', doc });
  bc.close();
}

/** Calls `listener` when another tab announces a discard of `packageId`; returns the unsubscribe function. */
export function onDiscardAnnounced(packageId: string, listener: (doc: DiscardedDoc) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const bc = new BroadcastChannel(channelName(packageId));
  bc.onmessage = (ev: MessageEvent<{ type?: unknown; doc?: unknown }>) => {
    if (ev.data?.type === 'discard' && (ev.data.doc === 'content' || ev.data.doc === 'comments')) listener(ev.data.doc);
  };
  return () => bc.close();
}

/**
 * Deletes the IndexedDB copy of `doc` (for the content document: with the count of
 * changes not yet sent). Resolves when deleted — which waits until every tab has
 * closed the database — or after `timeoutMs`, never rejects.
 */
export function deleteLocalCopy(packageId: string, doc: DiscardedDoc, timeoutMs = DELETE_TIMEOUT_MS): Promise<void> {
  const name = doc === 'content' ? contentDbName(packageId) : commentsDbName(packageId);
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      const req = indexedDB.deleteDatabase(name);
      req.onsuccess = done;
      req.onerror = done;
    } catch {
      done();
    }
  });
}
