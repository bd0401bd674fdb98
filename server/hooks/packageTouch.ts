/**
 * Keeps the package registry in step with its content document: `updatedAt` and
 * the title, stored in the same batch as the change that caused them.
 */
import { getMetaMap } from '../../shared/doc/schema';
import type { RoomHooks } from '../sync';

/**
 * The package touch hook (content documents only): every accepted change touches
 * the package's `updatedAt` (the change's time), and a change of the document's
 * title also sets the registry's title — in the same `append` as the change, so
 * the package list never shows a title that is not stored in the document.
 */
export function packageTouchHook(): RoomHooks {
  return {
    name: 'package-touch',
    onCreateReplica({ room, doc }) {
      if (room.kind === 'content') getMetaMap(doc);
    },
    rowsForChange({ room, transaction, at }) {
      if (room.kind !== 'content') return;
      const meta = getMetaMap(transaction.doc);
      const title = transaction.changed.get(meta as unknown as Parameters<typeof transaction.changed.get>[0])?.has('title') ? meta.get('title') : undefined;
      return { touchPackage: { id: room.packageId, at: at.toISOString(), ...(typeof title === 'string' ? { title } : {}) } };
    },
  };
}
