/**
 * Keeps the package registry in step with its content document: `updatedAt` and
 * the title, stored in the same batch as the change that caused them.
 */
import * as Y from 'yjs';
import { getMetaMap } from '../../shared/doc/schema';
import { TITLE_KEY, readTitle } from '../../shared/doc/text';
import type { RoomHooks } from '../sync';

/** Any shared type, as the transaction's maps key them. */
type AnyType = Parameters<Y.Transaction['changed']['get']>[0];

/**
 * Whether a transaction changed the package title: replaced the value under
 * `meta.title` (a new text, or a string from an old tab) or changed the
 * characters of the `Y.Text` there.
 */
function titleChanged(tr: Y.Transaction, meta: Y.Map<unknown>): boolean {
  if (tr.changed.get(meta as unknown as AnyType)?.has(TITLE_KEY)) return true;
  const t = meta.get(TITLE_KEY);
  return t instanceof Y.Text && tr.changed.has(t as unknown as AnyType);
}

/**
 * The package touch hook (content documents only): every accepted change touches
 * the package's `updatedAt` (the change's time), and a change of the document's
 * title (a `Y.Text`, or a string in a schema version 1 document) also sets the
 * registry's title — in the same `append` as the change, so the package list
 * never shows a title that is not stored in the document. The load-time schema
 * upgrade is not a change anyone made and touches nothing.
 */
export function packageTouchHook(): RoomHooks {
  return {
    name: 'package-touch',
    onCreateReplica({ room, doc }) {
      if (room.kind === 'content') getMetaMap(doc);
    },
    rowsForChange({ room, principal, transaction, at }) {
      if (room.kind !== 'content' || principal.source === 'load') return;
      const meta = getMetaMap(transaction.doc);
      const title = titleChanged(transaction, meta) ? readTitle(meta) : undefined;
      return { touchPackage: { id: room.packageId, at: at.toISOString(), ...(title !== undefined ? { title } : {}) } };
    },
  };
}
