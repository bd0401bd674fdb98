import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { RichPackage } from '../../shared/doc/richPackage';
import { MAX_JSON_BYTES, MAX_VERSION_NAME_CHARS, displayName, type SealRecord } from '../../shared/protocol';
import { diffPackages } from '../../shared/report/diff';
import { packageReportOf } from '../../shared/report/packageReport';
import { writePackageJson } from '../../shared/format/json';
import { errorBody, payloadTooLarge, readJsonBody } from '../auth/validation';
import type { VersionRecord } from '../storage/types';
import { liveAgreement, versionInfoOf, versionPackage, type AgreementRouteDeps } from './agreement';

const createBody = z.strictObject({ name: z.string().trim().min(1).max(MAX_VERSION_NAME_CHARS) });
const NOT_FOUND = 'Runden finnes ikke';

/**
 * Rounds (docs/schema.md §4): `POST /api/packages/:id/versions` `{ name }` (editors,
 * owners) stores the live package — as the JSON package file, with its statuses
 * derived from the sign-offs at that moment — and answers 201 `VersionInfo`;
 * `GET …/versions` lists them newest first; `GET …/versions/:vid` answers the
 * package file; `GET …/versions/:vid/balance` its balance report;
 * `GET …/versions/:vid/seal` the `SealRecord` of a sealed round (404 otherwise);
 * `GET …/diff?from=<vid|current>&to=<vid|current>` the `PackageDiff`.
 */
export function versionRoutes(deps: AgreementRouteDeps): Hono {
  const app = new Hono();
  const { access, storage, agreement } = deps;
  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BYTES, onError: (c) => payloadTooLarge(c, MAX_JSON_BYTES) });

  /** The package of `vid` (`current`: the live one, statuses derived), or null when unknown. */
  async function packageAt(packageId: string, vid: string): Promise<RichPackage | null> {
    if (vid === 'current') return (await liveAgreement(deps, packageId)).rich;
    const v = await storage.getVersion(packageId, vid);
    return v ? versionPackage(v) : null;
  }

  app.post('/api/packages/:id/versions', jsonLimit, async (c) => {
    const a = await access.forRoute(c, 'write');
    if (a instanceof Response) return a;
    const body = await readJsonBody(c, createBody);
    if (!body.ok) return body.response;
    const { rich } = await liveAgreement(deps, a.id);
    const v: VersionRecord = {
      packageId: a.id,
      id: globalThis.crypto.randomUUID(),
      name: body.data.name,
      createdAt: new Date().toISOString(),
      createdBy: a.principal.userId,
      createdByName: displayName(a.principal),
      data: writePackageJson(rich),
    };
    await storage.createVersion(v);
    await agreement.agreementChanged(a.id, 'versions');
    return c.json(versionInfoOf(v), 201);
  });

  app.get('/api/packages/:id/versions', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    return c.json({ versions: (await storage.listVersions(a.id)).map(versionInfoOf) });
  });

  app.get('/api/packages/:id/versions/:vid', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const v = await storage.getVersion(a.id, c.req.param('vid'));
    if (!v) return c.json(errorBody(NOT_FOUND), 404);
    return c.body(v.data, 200, { 'content-type': 'application/json; charset=utf-8' });
  });

  app.get('/api/packages/:id/versions/:vid/balance', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const v = await storage.getVersion(a.id, c.req.param('vid'));
    const pkg = v ? versionPackage(v) : null;
    if (!pkg) return c.json(errorBody(NOT_FOUND), 404);
    return c.json(packageReportOf(pkg).balance);
  });

  app.get('/api/packages/:id/versions/:vid/seal', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const v = await storage.getVersion(a.id, c.req.param('vid'));
    if (!v?.seal) return c.json(errorBody('Runden er ikke forseglet'), 404);
    return c.json(JSON.parse(v.seal) as SealRecord);
  });

  app.get('/api/packages/:id/diff', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const from = c.req.query('from');
    const to = c.req.query('to') ?? 'current';
    if (!from) return c.json(errorBody('Mangler parameter from', 'from'), 400);
    const [pa, pb] = await Promise.all([packageAt(a.id, from), packageAt(a.id, to)]);
    if (!pa || !pb) return c.json(errorBody(NOT_FOUND), 404);
    return c.json(diffPackages(pa, pb));
  });

  return app;
}
