import { Hono } from 'hono';
import { readPackageFromDoc } from '../../shared/doc/schema';
import { packageReportOf } from '../../shared/report/packageReport';
import type { PackageRouteDeps } from './deps';

/**
 * `GET /api/packages/:id/balance` (the balance engine's report of the live document,
 * exactly) and `GET /api/packages/:id/audit` (the stored audit trail, oldest first),
 * for any member.
 */
export function reportRoutes(deps: PackageRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms, storage } = deps;

  app.get('/api/packages/:id/balance', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const report = await rooms.withRoom(a.id, 'content', (room) => packageReportOf(readPackageFromDoc(room.doc, a.id)).balance);
    return c.json(report);
  });

  app.get('/api/packages/:id/audit', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    return c.json({ entries: await storage.listAudit(a.id) });
  });

  return app;
}
