/**
 * The read-only gate: what a connection without write permission is told, and
 * whether an update it sent would have changed anything (only then is it told).
 */
import * as Y from 'yjs';
import type { DocKind, Notice, Role } from '../../shared/protocol';
import type { DecodedUpdate } from './frames';

/**
 * Whether an update would change the replica: it has structs beyond the replica's
 * state vector or deletions the replica does not have. Deleting what the server
 * already deleted, or resending what it has, is not news.
 */
export function isNovel(doc: Y.Doc, decoded: DecodedUpdate): boolean {
  const sv = Y.decodeStateVector(Y.encodeStateVector(doc));
  for (const s of decoded.structs) {
    if (s instanceof Y.Skip) continue;
    if (s.id.clock + s.length > (sv.get(s.id.client) ?? 0)) return true;
  }
  if (decoded.ds.clients.size === 0) return false;
  const mine = Y.createDeleteSetFromStructStore(doc.store);
  for (const [client, items] of decoded.ds.clients) {
    const have = mine.clients.get(client) ?? [];
    for (const it of items) {
      if (it.len === 0) continue;
      // `have` is sorted and merged: find the last range starting at or before it.clock.
      let lo = 0;
      let hi = have.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (have[mid]!.clock <= it.clock) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      const r = found >= 0 ? have[found]! : undefined;
      if (!r || r.clock + r.len < it.clock + it.len) return true;
    }
  }
  return false;
}

/** The notice a connection gets, once, when its first write is dropped. */
export function readOnlyNotice(kind: DocKind, role: Role): Notice {
  const message =
    kind === 'content'
      ? 'Du har bare lesetilgang til innholdet i denne pakken. Endringene dine blir ikke lagret.'
      : 'Du har bare lesetilgang til kommentarene i denne pakken. Endringene dine blir ikke lagret.';
  return { kind: 'read-only', role, message };
}

/** The notice a connection gets when it may write again. */
export function writableNotice(role: Role): Notice {
  return { kind: 'writable', role, message: 'Du kan nå redigere dette dokumentet.' };
}
