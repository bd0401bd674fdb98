/**
 * Keeps every package document at the current schema version: the server alone
 * converts an old document (string titles → `Y.Text`) once, when it loads it, and
 * converts a string title an old tab writes later.
 */
import * as Y from 'yjs';
import { convertStringTitles, getLinesMap, getMetaMap, getSectionsMap, getVerbalMap, upgradeDocument } from '../../shared/doc/schema';
import { TITLE_KEY } from '../../shared/doc/text';
import type { HookRoom, RoomHooks } from '../sync';

/** Transaction origin of the server's follow-up conversion (a server write without a user). */
export const SCHEMA_UPGRADE_ORIGIN = { userId: null, name: 'schema-upgrade' } as const;

/** Whether a change inserted a string as some map's `title` (an old tab, or a raw client following schema version 1). */
function wroteStringTitle(items: Y.Item[]): boolean {
  for (const item of items) {
    if (item.deleted || item.parentSub !== TITLE_KEY || !(item.parent instanceof Y.Map)) continue;
    if (item.content instanceof Y.ContentAny && typeof item.content.arr[0] === 'string') return true;
  }
  return false;
}

/**
 * The schema upgrade hook (content documents only).
 *
 * - At load (`afterLoadDocument`): a document below `SCHEMA_VERSION` is upgraded
 *   (`upgradeDocument`) in the load transaction, which is checked and stored like
 *   any change before anyone is served — so it happens exactly once however many
 *   clients are waiting, and no client ever converts (two clients converting one
 *   title would each create a text, and one would be lost).
 * - Later (the choice for old tabs): a change that writes a string title is
 *   accepted as it is — refusing it would close the old tab and throw away
 *   everything else in the same update, such as its offline amounts — and right
 *   after it is stored the server converts every string title in one server
 *   transaction (`convertStringTitles`). Until then readers read the string.
 */
export function schemaUpgradeHook(): RoomHooks {
  const pending = new WeakSet<HookRoom>();
  return {
    name: 'schema-upgrade',
    onCreateReplica({ room, doc }) {
      if (room.kind !== 'content') return;
      getMetaMap(doc);
      getLinesMap(doc);
      getSectionsMap(doc);
      getVerbalMap(doc);
    },
    afterLoadDocument({ room, doc }) {
      if (room.kind === 'content') upgradeDocument(doc);
    },
    rowsForChange({ room, insertedItems }) {
      if (room.kind === 'content' && wroteStringTitle(insertedItems())) pending.add(room);
    },
    async afterStoreDocument({ room }) {
      if (!pending.has(room)) return;
      pending.delete(room);
      await room.transact((doc) => convertStringTitles(doc), SCHEMA_UPGRADE_ORIGIN);
    },
  };
}
