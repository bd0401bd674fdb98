import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { MAX_JSON_BYTES } from '../../shared/protocol';
import { payloadTooLarge, readJsonBody } from '../auth/validation';
import { readPackageFromDoc, writeMetaToDoc } from '../../shared/doc/schema';
import type { PackageRouteDeps } from './deps';
import { authorizeCreate, createPackage, createPackageBody, metaOfCreateBody } from './create';

/**
 * `POST /api/packages` (201 `{ id }`; the creator becomes owner), `GET /api/packages`
 * (the caller's packages with their role and party) and `GET /api/packages/:id` (the
 * package as plain data, for any member). JSON bodies over `MAX_JSON_BYTES` get 413;
 * access answers come from the access resolver.
 */
export function packageCrudRoutes(deps: PackageRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms, storage } = deps;
  // Attached per route: a sub-app's wildcard middleware would spread to the whole app.
  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BYTES, onError: (c) => payloadTooLarge(c, MAX_JSON_BYTES) });

  app.post('/api/packages', jsonLimit, async (c) => {
    const principal = await authorizeCreate(c, deps);
    if (principal instanceof Response) return principal;
    const body = await readJsonBody(c, createPackageBody);
    if (!body.ok) return body.response;
    const meta = metaOfCreateBody(body.data);
    const id = await createPackage(deps, principal, body.data.title, (doc, origin) => writeMetaToDoc(doc, meta, origin));
    return c.json({ id }, 201);
  });

  app.get('/api/packages', async (c) => {
    const principal = await access.principal(c);
    if (principal instanceof Response) return principal;
    const memberships = new Map((await deps.auth.listMemberships(principal)).map((m) => [m.packageId, m]));
    const packages = (await storage.listPackages())
      .filter((p) => memberships.has(p.id))
      .map((p) => {
        const m = memberships.get(p.id)!;
        return { id: p.id, title: p.title, role: m.role, party: m.party ?? null, createdAt: p.createdAt, updatedAt: p.updatedAt };
      });
    return c.json({ packages });
  });

  app.get('/api/packages/:id', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const pkg = await rooms.withRoom(a.id, 'content', (room) => readPackageFromDoc(room.doc, a.id));
    return c.json(pkg);
  });

  return app;
}
