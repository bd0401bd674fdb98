import { Hono } from 'hono';
import { errorBody } from '../auth/validation';
import type { ConflictHub } from '../hooks';
import type { PackageRouteDeps } from './deps';

/** Refusal message of the dismiss route when the package has no such conflict. */
const MSG_NO_CONFLICT = 'Konflikten finnes ikke';
/** How many conflicts `GET …/conflicts?all=1` lists at most (the newest). */
const MAX_LISTED_CONFLICTS = 500;

/**
 * The package's «Konflikter» list, shared by its members (docs/schema.md,
 * "Conflicts"): `GET /api/packages/:id/conflicts` (any member; the unresolved
 * conflicts oldest first, `?all=1` includes dismissed ones) and
 * `POST /api/packages/:id/conflicts/:conflictId/dismiss` (owners and editors: 200
 * `{ conflict }`, idempotent; 404 for an unknown id). A dismissal is pushed to
 * every open connection of the package at once. Authors the server did not see
 * write are completed from the audit trail.
 */
export function conflictRoutes(deps: PackageRouteDeps & { conflicts: ConflictHub }): Hono {
  const app = new Hono();
  const { access, storage, conflicts } = deps;

  app.get('/api/packages/:id/conflicts', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const all = c.req.query('all') === '1';
    const list = await storage.listConflicts(a.id, { includeDismissed: all, limit: MAX_LISTED_CONFLICTS });
    return c.json({ conflicts: await conflicts.complete(a.id, list) });
  });

  app.post('/api/packages/:id/conflicts/:conflictId/dismiss', async (c) => {
    const a = await access.forRoute(c, 'write');
    if (a instanceof Response) return a;
    const conflict = await storage.dismissConflict(a.id, c.req.param('conflictId'), a.principal.userId, new Date().toISOString());
    if (!conflict) return c.json(errorBody(MSG_NO_CONFLICT), 404);
    conflicts.broadcast(a.id, { kind: 'conflict-dismissed', id: conflict.id, by: conflict.dismissed?.userId ?? null });
    return c.json({ conflict: (await conflicts.complete(a.id, [conflict]))[0] });
  });

  return app;
}
