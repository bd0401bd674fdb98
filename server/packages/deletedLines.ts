import { Hono } from 'hono';
import { parseLineSnapshot, restoreLineInDoc } from '../../shared/doc/deletedLine';
import { getLinesMap } from '../../shared/doc/schema';
import type { DeletedLineView } from '../../shared/protocol';
import { errorBody } from '../auth/validation';
import type { PackageRouteDeps } from './deps';
import { HttpOrigin } from './origin';

/** How many deletions `GET …/deleted-lines` looks back over. */
const DELETED_LINES_LIMIT = 500;

/**
 * Deleted lines, for owners (everyone else 403, through the access resolver):
 * `GET /api/packages/:id/deleted-lines` lists `DeletedLineView`s — the newest
 * deletion of each line that is not in the package now, newest first, from the
 * snapshots the line audit stores with every deletion — and
 * `POST /api/packages/:id/deleted-lines/:lineId/restore` brings a line back exactly
 * as it was (same id, fields, position, amounts, invalid cells and rationale) as an
 * ordinary server-side change attributed to the owner (audited as `created`, seen
 * live by everyone): 201 `{ lineId }`, 404 when no deletion of it is kept, 409 when
 * a line with that id exists.
 */
export function deletedLineRoutes(deps: PackageRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms, storage } = deps;

  app.get('/api/packages/:id/deleted-lines', async (c) => {
    const a = await access.forRoute(c, 'owner');
    if (a instanceof Response) return a;
    const entries = await storage.listDeletedLines(a.id, DELETED_LINES_LIMIT);
    const present = await rooms.withRoom(a.id, 'content', (room) => new Set(getLinesMap(room.doc).keys()));
    const seen = new Set<string>();
    const lines: DeletedLineView[] = [];
    for (const e of entries) {
      if (seen.has(e.lineId) || present.has(e.lineId)) continue;
      seen.add(e.lineId);
      const snap = e.snapshot ? parseLineSnapshot(e.snapshot) : null;
      if (!snap) continue;
      lines.push({ lineId: e.lineId, title: snap.title, ledger: snap.ledger, group: snap.group, amounts: snap.amounts, deletedAt: e.at, deletedBy: e.userId });
    }
    return c.json({ lines });
  });

  app.post('/api/packages/:id/deleted-lines/:lineId/restore', async (c) => {
    const a = await access.forRoute(c, 'owner');
    if (a instanceof Response) return a;
    const lineId = c.req.param('lineId');
    const entry = await storage.findDeletedLine(a.id, lineId);
    const snap = entry?.snapshot ? parseLineSnapshot(entry.snapshot) : null;
    if (!snap) return c.json(errorBody('Fant ingen slettet linje med denne id-en'), 404);
    const origin = new HttpOrigin(a.principal.userId);
    const restored = await rooms.withRoom(a.id, 'content', (room) => room.transact((doc) => restoreLineInDoc(doc, snap, origin), origin));
    if (!restored) return c.json(errorBody('Linjen finnes allerede i pakken'), 409);
    return c.json({ lineId }, 201);
  });

  return app;
}
