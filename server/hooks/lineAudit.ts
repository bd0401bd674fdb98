/**
 * The audit trail of a package's lines as a room hook: who changed which amount
 * or status, when, from what to what — rows stored in the same batch as the change.
 */
import * as Y from 'yjs';
import { snapshotOfDeletedLine } from '../../shared/doc/deletedLine';
import { entriesOf, entryOf, getLinesMap } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import type { AuditEntry } from '../storage/types';
import { isRemoteOrigin, type ChangeContext, type HookRoom, type RoomHooks } from '../sync';

/** The audited facts of one line: its amounts per year, status and title. */
interface AuditedLine {
  title: string;
  status: string | null;
  amounts: Map<string, string>;
}

function readAudited(m: Y.Map<unknown>): AuditedLine {
  const amounts = new Map<string, string>();
  const am = m.get('amounts');
  if (am instanceof Y.Map) for (const [year, v] of am.entries()) if (typeof v === 'string') amounts.set(year, v);
  const status = m.get('status');
  return { title: readTitle(m), status: typeof status === 'string' ? status : null, amounts };
}

function readAllLines(doc: Y.Doc): Map<string, AuditedLine> {
  const known = new Map<string, AuditedLine>();
  // A malformed entry (not a map) is no line: the load never throws on it.
  for (const [id, m] of entriesOf(getLinesMap(doc))) known.set(id, readAudited(m));
  return known;
}

/** Any shared type, as the transaction's maps key them. */
type AnyType = Parameters<Y.Transaction['changed']['get']>[0];

/** The line id a nested type belongs to: the key of its ancestor directly under `lines`. */
function lineIdOf(type: AnyType, lines: AnyType): string | null {
  let t = type;
  while (t._item && t._item.parent !== lines) t = t._item.parent as AnyType;
  return t._item?.parentSub ?? null;
}

/**
 * Which lines a transaction created or changed, and which it deleted — what
 * `observeLineChanges` reports to a deep observer, read from the transaction's
 * events (changes inside a deleted type are not changes).
 */
function lineChangesOf(tr: Y.Transaction, linesMap: Y.Map<Y.Map<unknown>>): { changed: Set<string>; deleted: Set<string> } {
  const lines = linesMap as unknown as AnyType;
  const changed = new Set<string>();
  const deleted = new Set<string>();
  for (const ev of tr.changedParentTypes.get(lines) ?? []) {
    if (ev.target._item?.deleted) continue;
    if (ev.target === lines) {
      for (const [key, change] of ev.keys) (change.action === 'delete' ? deleted : changed).add(key);
    } else {
      const id = lineIdOf(ev.target, lines);
      if (id !== null) changed.add(id);
    }
  }
  for (const id of deleted) changed.delete(id);
  return { changed, deleted };
}

/**
 * The line audit hook (content documents only). Every accepted change of an amount
 * or status, and every created or deleted line, becomes audit entries attributed
 * to the change's principal (`userId` null for the server itself), stored in the
 * same `append` as the change. It keeps the last accepted state of each line per
 * room, so an entry always says from what to what; a refused change never reaches
 * it. A `deleted` entry carries the line's snapshot (`LineSnapshot` as JSON: its
 * fields, position, amounts, invalid cells and rich rationale, read from the
 * deleted items inside the deleting transaction), so nothing of a deleted line is
 * lost and an owner can restore it. Changes to titles or rationale text are not
 * audited otherwise (they are visible in the document itself).
 */
export function lineAuditHook(): RoomHooks {
  const knownByRoom = new WeakMap<HookRoom, Map<string, AuditedLine>>();
  const knownOf = (room: HookRoom) => {
    let known = knownByRoom.get(room);
    if (!known) knownByRoom.set(room, (known = readAllLines(room.doc)));
    return known;
  };
  return {
    name: 'line-audit',
    onCreateReplica({ room, doc }) {
      if (room.kind !== 'content') return;
      getLinesMap(doc);
      // Lines another instance changed (fan-out): no rows here, but the next local change is audited from them.
      doc.on('afterTransaction', (tr: Y.Transaction) => {
        if (!isRemoteOrigin(tr.origin)) return;
        const known = knownByRoom.get(room);
        if (!known) return;
        const lines = getLinesMap(tr.doc);
        const changes = lineChangesOf(tr, lines);
        for (const id of changes.deleted) known.delete(id);
        for (const id of changes.changed) {
          const m = entryOf(lines, id);
          if (m) known.set(id, readAudited(m));
        }
      });
    },
    afterLoadDocument({ room }) {
      if (room.kind === 'content') knownOf(room);
    },
    rowsForChange({ room, principal, transaction, at }: ChangeContext) {
      if (room.kind !== 'content') return;
      const known = knownOf(room);
      const lines = getLinesMap(transaction.doc);
      const changes = lineChangesOf(transaction, lines);
      if (changes.changed.size === 0 && changes.deleted.size === 0) return;
      const base = { packageId: room.packageId, userId: principal.userId, at: at.toISOString() };
      const entries: AuditEntry[] = [];
      for (const id of changes.deleted) {
        const before = known.get(id);
        known.delete(id);
        if (!before) continue;
        const snapshot = snapshotOfDeletedLine(transaction, id);
        entries.push({ ...base, lineId: id, field: 'deleted', year: null, oldValue: before.title, newValue: null, ...(snapshot ? { snapshot: JSON.stringify(snapshot) } : {}) });
      }
      for (const id of changes.changed) {
        const m = entryOf(lines, id);
        if (!m) continue;
        const after = readAudited(m);
        const before = known.get(id);
        known.set(id, after);
        if (!before) {
          entries.push({ ...base, lineId: id, field: 'created', year: null, oldValue: null, newValue: after.title });
          continue;
        }
        if (before.status !== after.status) entries.push({ ...base, lineId: id, field: 'status', year: null, oldValue: before.status, newValue: after.status });
        const years = new Set([...before.amounts.keys(), ...after.amounts.keys()]);
        for (const year of [...years].sort()) {
          const a = before.amounts.get(year) ?? null;
          const b = after.amounts.get(year) ?? null;
          if (a !== b) entries.push({ ...base, lineId: id, field: 'amount', year, oldValue: a, newValue: b });
        }
      }
      return entries.length > 0 ? { audit: entries } : undefined;
    },
  };
}
