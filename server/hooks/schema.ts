/**
 * The document schema as room hooks: every change to a content document is checked
 * against the field table of shared/doc/validate.ts before it is stored or relayed,
 * and an update that cannot be applied at once (it would wait in the replica for
 * something the server does not have) is never applied.
 */
import * as Y from 'yjs';
import { getLinesMap, getMetaMap, getSectionsMap, getVerbalMap } from '../../shared/doc/schema';
import { checkContentChange, type DocIssue } from '../../shared/doc/validate';
import type { DecodedUpdate, RoomHooks } from '../sync';

function describeIssue(issue: DocIssue): string {
  return `${issue.kind}/${issue.id}${issue.field ? `.${issue.field}` : ''}: ${issue.message}`;
}

/**
 * The schema hook (content documents): refuses any change — from a connection, a
 * server write or the load conversion — for which `checkContentChange` reports an
 * error, so nobody else sees it and nothing of it is stored (the sender is closed
 * with 4422). Warnings (an amount outside the package's years) do not refuse; the
 * balance report shows them. Types the four roots as maps on every new replica.
 */
export function schemaHook(): RoomHooks {
  return {
    name: 'schema',
    onCreateReplica({ room, doc }) {
      if (room.kind !== 'content') return;
      getMetaMap(doc);
      getSectionsMap(doc);
      getLinesMap(doc);
      getVerbalMap(doc);
    },
    checkChange({ room, doc, transaction }) {
      if (room.kind !== 'content') return;
      const { errors } = checkContentChange(doc, transaction.changed);
      const first = errors[0];
      return first ? { refuse: `schema: ${describeIssue(first)}${errors.length > 1 ? ` (+${errors.length - 1} more)` : ''}` } : undefined;
    },
  };
}

/** Any struct id an update refers to. */
type Ref = Y.ID | null;

/**
 * Why `doc` cannot apply `decoded` at once, or null when it can: every struct must
 * start at or before the clock the server has of its client (or reaches with the
 * structs before it in the update), everything an item refers to (its left and
 * right origin, its parent) must exist on the server or in the update, and every
 * deletion must name existing items. O(structs of the update).
 */
export function unappliableReason(doc: Y.Doc, decoded: DecodedUpdate): string | null {
  const reach = new Map<number, number>();
  const state = (client: number): number => reach.get(client) ?? Y.getState(doc.store, client);
  for (const s of decoded.structs) {
    if (s instanceof Y.Skip) continue;
    const have = state(s.id.client);
    if (s.id.clock > have) return `a gap in the clock of client ${s.id.client} (${have} → ${s.id.clock})`;
    if (s.id.clock + s.length > have) reach.set(s.id.client, s.id.clock + s.length);
  }
  const exists = (id: Ref): boolean => id === null || id.clock < state(id.client);
  for (const s of decoded.structs) {
    if (!(s instanceof Y.Item)) continue;
    const parent: unknown = s.parent;
    if (!exists(s.origin) || !exists(s.rightOrigin) || (parent instanceof Y.ID && !exists(parent))) return `item ${s.id.client}:${s.id.clock} refers to something the server does not have`;
  }
  for (const [client, ranges] of decoded.ds.clients) {
    const have = state(client);
    for (const r of ranges) if (r.len > 0 && r.clock + r.len > have) return `deletes ${client}:${r.clock}+${r.len}, which the server does not have`;
  }
  return null;
}

/**
 * The applicability hook (both documents): an update from a connection that cannot
 * be applied at once is not applied — nothing of it waits in the replica, so a
 * connection cannot fill the server's memory with pending structs, and no
 * newcomer is ever sent them. The sender gets a sync step 1 (`resync`): an honest
 * client (one whose incremental update raced its step 2, or built on a peer's edit
 * that came over the BroadcastChannel) answers with a step 2 that applies.
 */
export function applicabilityHook(): RoomHooks {
  return {
    name: 'applicable',
    beforeApplyUpdate({ doc, decoded }) {
      const reason = unappliableReason(doc, decoded);
      return reason === null ? undefined : { resync: reason };
    },
  };
}
