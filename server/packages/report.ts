import { Hono } from 'hono';
import { readPackageFromDoc } from '../../shared/doc/schema';
import { packageReportOf } from '../../shared/report/packageReport';
import type { PackageRouteDeps } from './deps';
import { malformedEntryWarnings } from './entries';

/**
 * `GET /api/packages/:id/balance` (the balance engine's report of the live document,
 * exactly, followed by one `malformed-entry` finding per entry the readers skipped) and `GET /api/packages/:id/audit` (the stored audit trail, oldest first),
 * for any member.
 */
export function reportRoutes(deps: PackageRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms, storage } = deps;

  app.get('/api/packages/:id/balance', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const report = await rooms.withRoom(a.id, 'content', (room) => {
      const balance = packageReportOf(readPackageFromDoc(room.doc, a.id)).balance;
      // Entries the readers skipped, so an owner can see and remove them.
      const malformed = malformedEntryWarnings(room.doc);
      return malformed.length > 0 ? { ...balance, warnings: [...balance.warnings, ...malformed] } : balance;
    });
    return c.json(report);
  });

  app.get('/api/packages/:id/audit', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    return c.json({ entries: await storage.listAudit(a.id) });
  });

  return app;
}
