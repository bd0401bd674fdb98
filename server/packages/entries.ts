import { Hono } from 'hono';
import * as Y from 'yjs';
import { errorBody } from '../auth/validation';
import { checkContentDoc, checkContentEntry, isEntryKind, type DocIssue, type EntryKind } from '../../shared/doc/validate';
import type { BalanceWarning } from '../../shared/types';
import type { AuditEntry } from '../storage/types';
import type { PackageRouteDeps } from './deps';

const KIND_NB: Record<DocIssue['kind'], string> = { lines: 'linje', sections: 'kapittel', verbal: 'verbal føring', meta: 'pakkefelt', root: 'toppnivåtype' };

/** A malformed entry as a finding of the package report (Norwegian, like the engine's). */
export function malformedEntryWarning(issue: DocIssue): BalanceWarning {
  const where = `${KIND_NB[issue.kind]} «${issue.id.slice(0, 60)}»${issue.field && issue.kind !== 'meta' ? `, feltet «${issue.field.slice(0, 60)}»` : ''}`;
  const removable = issue.kind !== 'root' ? ' En eier kan fjerne den.' : '';
  return {
    code: 'malformed-entry',
    severity: 'error',
    ...(issue.kind === 'lines' ? { lineId: issue.id } : {}),
    message: `Ugyldige data i pakken (${where}) er hoppet over.${removable}`,
    entry: { kind: issue.kind, id: issue.id, ...(issue.field ? { field: issue.field } : {}) },
  };
}

/** The malformed entries of a content document, as package report findings. */
export function malformedEntryWarnings(doc: Y.Doc): BalanceWarning[] {
  return checkContentDoc(doc).errors.map(malformedEntryWarning);
}

/** What a removed value was, for the audit row: its kind and the start of its JSON. */
function preview(v: unknown): string {
  if (v instanceof Y.AbstractType) return `${v.constructor.name}: ${JSON.stringify(v.toJSON()).slice(0, 160)}`;
  let json: string;
  try {
    json = JSON.stringify(v) ?? String(v);
  } catch {
    json = String(v);
  }
  return json.slice(0, 200);
}

/** The transaction origin of a removal: whose it is, and the audit rows it brings (stored in the same batch by `originRowsHook`). */
export class RemovalOrigin {
  readonly role = 'owner';
  constructor(
    readonly userId: string,
    readonly auditRows: AuditEntry[],
  ) {}
}

const NOT_MALFORMED = 'Oppføringen er ikke ugyldig, og fjernes ikke her';
const NOT_FOUND = 'Oppføringen finnes ikke';

/**
 * `DELETE /api/packages/:id/entries/:kind/:entryId[?field=name]` (owners only):
 * removes a malformed entry — a line, section or verbal instruction (`kind`
 * lines, sections, verbal) or a key of the package's metadata (`kind` meta) — or,
 * with `field`, only that malformed field of an entry. Only what the schema
 * validator finds malformed may be removed here (409 otherwise; 404 for an entry
 * or kind that does not exist). The removal goes through the live room (connected
 * clients see it at once) with an audit row `removed` in the same batch. 204 on
 * success.
 */
export function entryRoutes(deps: PackageRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms } = deps;

  app.delete('/api/packages/:id/entries/:kind/:entryId', async (c) => {
    const a = await access.forRoute(c, 'owner');
    if (a instanceof Response) return a;
    const kind = c.req.param('kind');
    const entryId = c.req.param('entryId');
    const field = c.req.query('field');
    if (kind !== 'meta' && !isEntryKind(kind)) return c.json(errorBody(NOT_FOUND), 404);
    const target = kind as EntryKind | 'meta';
    const outcome = await rooms.withRoom(a.id, 'content', async (room) => {
      const map = room.doc.getMap(target);
      if (!map.has(entryId)) return 404 as const;
      const entry = map.get(entryId);
      if (field !== undefined && (target === 'meta' || !(entry instanceof Y.Map) || !entry.has(field))) return 404 as const;
      const issues = checkContentEntry(room.doc, target, entryId).errors;
      const matching = field === undefined ? issues : issues.filter((i) => i.field === field);
      if (matching.length === 0) return 409 as const;
      const removed = field === undefined ? entry : (entry as Y.Map<unknown>).get(field);
      const row: AuditEntry = {
        packageId: a.id,
        lineId: entryId,
        field: 'removed',
        year: null,
        oldValue: `${target}${field ? `.${field}` : ''}: ${preview(removed)}`,
        newValue: null,
        userId: a.principal.userId,
        at: new Date().toISOString(),
      };
      await room.transact((doc) => {
        const m = doc.getMap(target);
        const e = m.get(entryId);
        if (field === undefined) m.delete(entryId);
        else if (e instanceof Y.Map) e.delete(field);
      }, new RemovalOrigin(a.principal.userId, [row]));
      return 204 as const;
    });
    if (outcome === 404) return c.json(errorBody(NOT_FOUND), 404);
    if (outcome === 409) return c.json(errorBody(NOT_MALFORMED), 409);
    return c.body(null, 204);
  });

  return app;
}
