import * as Y from 'yjs';
import { getLinesMap, observeLineChanges } from '../shared/doc/schema';
import type { AuditEntry } from './storage/types';

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
  const title = m.get('title');
  return { title: typeof title === 'string' ? title : '', status: typeof status === 'string' ? status : null, amounts };
}

/** Who made a change, read from a transaction origin that carries a `userId`. */
export function userIdOfOrigin(origin: unknown): string | null {
  if (origin && typeof origin === 'object' && 'userId' in origin) {
    const id = (origin as { userId: unknown }).userId;
    return typeof id === 'string' ? id : null;
  }
  return null;
}

/**
 * Watches the lines of a package document and turns every change of an amount or
 * status (and every created or deleted line) into audit entries attributed to the
 * transaction's origin. It keeps the last seen state of each line, so an entry
 * always says from what to what; changes to titles or rationale text are not
 * audited (they are visible in the document itself). Returns the stop function.
 */
export function observeLineAudit(doc: Y.Doc, packageId: string, onEntries: (entries: AuditEntry[]) => void, now: () => Date = () => new Date()): () => void {
  const known = new Map<string, AuditedLine>();
  for (const [id, m] of getLinesMap(doc).entries()) known.set(id, readAudited(m));
  return observeLineChanges(doc, (changes, origin) => {
    const userId = userIdOfOrigin(origin);
    const at = now().toISOString();
    const entries: AuditEntry[] = [];
    const base = { packageId, userId, at };
    for (const id of changes.deleted) {
      const before = known.get(id);
      known.delete(id);
      if (before) entries.push({ ...base, lineId: id, field: 'deleted', year: null, oldValue: before.title, newValue: null });
    }
    const lines = getLinesMap(doc);
    for (const id of changes.changed) {
      const m = lines.get(id);
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
    if (entries.length > 0) onEntries(entries);
  });
}
