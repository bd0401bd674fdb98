import * as Y from 'yjs';
import type { StoredDoc } from './types';

/** What storage holds of a document as updates in the order they apply: the snapshot (if any), then the log. */
export function storedParts(stored: Pick<StoredDoc, 'snapshot' | 'updates'>): Uint8Array[] {
  return stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
}

/** A fresh Y.Doc holding what storage holds of a document (for reading it outside a room). */
export function docFromStored(stored: Pick<StoredDoc, 'snapshot' | 'updates'>): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const u of storedParts(stored)) Y.applyUpdate(doc, u);
  });
  return doc;
}
