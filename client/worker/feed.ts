/**
 * A tab's side of feeding the balance worker (client/worker/protocol.ts): the
 * tab's own package document is the worker's only source, so the document is
 * downloaded once, by the tab. Pure apart from the document observer it
 * registers (no DOM), so it is tested in Node against the hub.
 */
import * as Y from 'yjs';
import type { TabToWorker, WorkerToTab } from './protocol';

/** What `feedBalanceWorker` returns. */
export interface WorkerFeed {
  /** Hand it every message from the worker (it answers a state vector with the difference). */
  receive(msg: WorkerToTab): void;
  /** Tells the worker whether the tab's document has completed its first sync with the server. */
  setSynced(synced: boolean): void;
  /** Stops forwarding updates (the port is closed by its owner). */
  stop(): void;
}

/**
 * Forwards every update `doc` applies — local edits, the server's sync and remote
 * edits, what IndexedDB restored — to the worker through `post`, and answers the
 * worker's state vector with the updates its replica lacks. Updates that cross in
 * flight are sent twice at worst, which Yjs ignores.
 */
export function feedBalanceWorker(doc: Y.Doc, post: (msg: TabToWorker) => void): WorkerFeed {
  let synced: boolean | null = null;
  const onUpdate = (update: Uint8Array) => post({ type: 'update', update });
  doc.on('update', onUpdate);
  return {
    receive(msg) {
      if (msg.type === 'state-vector') {
        post({ type: 'update', update: Y.encodeStateAsUpdate(doc, msg.stateVector) });
        // A worker that greets us again (it had forgotten this tab) learns the sync state again too.
        if (synced !== null) post({ type: 'synced', synced });
      }
    },
    setSynced(next) {
      if (next === synced) return;
      synced = next;
      post({ type: 'synced', synced: next });
    },
    stop() {
      doc.off('update', onUpdate);
    },
  };
}
