/**
 * The real server on PostgreSQL (`DATABASE_URL`, a fresh `PG_SCHEMA` per test): login,
 * package creation and a y-websocket sync; two instances on one schema (started at
 * once, so their migrations race) share logins and logouts; `/api/ready`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SERVER_MIGRATIONS } from '../../server/database';
import { runMigrations } from '../../server/storage/postgres/migrations';
import type { StartedServer } from '../../server/start';
import { getMetaMap } from '../../shared/doc/schema';
import { Client, inviteAndAccept } from '../server/auth/harness';
import { connectProvider, synced, until } from '../server/auth/target';
import { PG_ADMIN, dropSchema, freshSchema, startOnPostgres, testPool } from './services';

const schemas: string[] = [];
const servers: StartedServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const s of schemas) await dropSchema(s);
});

function schema(): string {
  const s = freshSchema('srv');
  schemas.push(s);
  return s;
}

async function start(s: string, opts: Parameters<typeof startOnPostgres>[1] = {}): Promise<StartedServer> {
  const started = await startOnPostgres(s, opts);
  servers.push(started);
  return started;
}

async function loggedIn(base: string): Promise<Client> {
  const c = new Client(base);
  const res = await c.login(PG_ADMIN.email, PG_ADMIN.password);
  expect(res.status).toBe(200);
  return c;
}

async function createPackage(c: Client, title: string): Promise<string> {
  const res = await c.post('/api/packages', { title, years: ['2026', '2027'], planYears: ['2026', '2027'], parties: [{ id: 'AP', name: 'Arbeiderpartiet' }] });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe('the server on PostgreSQL', () => {
  it('serves login, package creation and a y-websocket sync; everything lands in PostgreSQL, nothing in a data directory', async () => {
    const s = schema();
    const started = await start(s);
    expect(started.database).toBe('postgres');
    const base = started.server.url;
    const admin = await loggedIn(base);
    const id = await createPackage(admin, 'Budsjett 2026');
    const a = connectProvider(base, id, { cookie: admin.cookie, origin: base });
    const b = connectProvider(base, id, { cookie: admin.cookie, origin: base });
    try {
      await Promise.all([synced(a), synced(b)]);
      expect(getMetaMap(b.doc).get('title')?.toString()).toBe('Budsjett 2026');
      getMetaMap(a.doc).set('fundOpeningBalance', '12.5');
      await until(() => getMetaMap(b.doc).get('fundOpeningBalance') === '12.5', 5000, 'B sees A');
    } finally {
      a.destroy();
      b.destroy();
    }
    const pool = await testPool(s, 1);
    try {
      expect((await pool.query('SELECT title FROM packages WHERE id = $1', [id])).rows).toEqual([{ title: 'Budsjett 2026' }]);
      expect(Number((await pool.query('SELECT COUNT(*) AS n FROM auth_sessions')).rows[0].n)).toBeGreaterThan(0);
      // The edit is durable before it was relayed, so it is in the log already.
      expect(Number((await pool.query('SELECT COUNT(*) AS n FROM doc_updates WHERE doc = $1', [id])).rows[0].n)).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
    expect((await (await admin.get('/api/packages')).json()) as { packages: Array<{ id: string }> }).toMatchObject({ packages: [{ id }] });
  });

  it('two instances on one schema, started at once: a login on A is valid on B, a logout on B ends it on A; both see the same packages', async () => {
    const s = schema();
    const [one, two] = await Promise.all([start(s), start(s)]);
    const a = one.server.url;
    const b = two.server.url;
    const onA = await loggedIn(a);
    const onB = new Client(b);
    onB.cookie = onA.cookie;
    const me = await onB.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(PG_ADMIN.email);
    const id = await createPackage(onB, 'Laget på B');
    expect(((await (await onA.get(`/api/packages/${id}`)).json()) as { title: string }).title).toBe('Laget på B');
    expect((await onB.post('/api/auth/logout')).status).toBe(200);
    const after = new Client(a);
    after.cookie = onA.cookie;
    expect((await after.get('/api/auth/me')).status).toBe(401);
    // The migrations ran once although both instances applied them at the same moment.
    const pool = await testPool(s, 1);
    try {
      const ids = (await pool.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id')).rows.map((r) => r.id);
      expect(ids).toEqual(SERVER_MIGRATIONS.map((m) => m.id).sort((x, y) => x - y));
    } finally {
      await pool.end();
    }
  });

  it('migrations of every part run once when two instances migrate at the same moment, and again change nothing', async () => {
    const s = schema();
    const [p, q] = await Promise.all([testPool(s), testPool(s)]);
    try {
      const [rp, rq] = await Promise.all([runMigrations(p, SERVER_MIGRATIONS), runMigrations(q, SERVER_MIGRATIONS)]);
      expect([...rp, ...rq].sort((x, y) => x - y)).toEqual(SERVER_MIGRATIONS.map((m) => m.id).sort((x, y) => x - y));
      expect(await runMigrations(q, SERVER_MIGRATIONS)).toEqual([]);
    } finally {
      await Promise.all([p.end(), q.end()]);
    }
  });

  it('/api/ready: 200 when PostgreSQL and every injected check answer; 503 naming only the failing one; no session needed', async () => {
    let redisUp = true;
    const started = await start(schema(), {
      readiness: [
        {
          name: 'redis',
          check: async () => {
            if (!redisUp) throw new Error('ECONNREFUSED 10.1.2.3:6379 secret detail');
          },
        },
      ],
    });
    const base = started.server.url;
    const ok = await fetch(`${base}/api/ready`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ready: true });
    redisUp = false;
    const down = await fetch(`${base}/api/ready`);
    expect(down.status).toBe(503);
    const text = await down.text();
    expect(JSON.parse(text)).toEqual({ ready: false, failing: ['redis'] });
    expect(text).not.toContain('10.1.2.3');
    redisUp = true;
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
    await started.close();
    servers.splice(servers.indexOf(started), 1);
  });

  it('/api/ready names postgres when the instance loses its database', async () => {
    const started = await startOnPostgres(schema());
    const base = started.server.url;
    expect((await fetch(`${base}/api/ready`)).status).toBe(200);
    // The instance's pool goes away (as when PostgreSQL is unreachable): its checks fail.
    await started.storage.close();
    const down = await fetch(`${base}/api/ready`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ready: false, failing: ['postgres'] });
    await started.server.close();
    started.accounts.close();
  });

  it('members on PostgreSQL: invite, accept, change role, remove; the last owner stays; throttling counts across instances', async () => {
    const s = schema();
    const [one, two] = await Promise.all([start(s), start(s)]);
    const admin = await loggedIn(one.server.url);
    const id = await createPackage(admin, 'Medlemmer');
    const kari = await inviteAndAccept(admin, id, 'kari@kommune.test', 'editor', 'AP', 'karis lange passord');
    expect((await kari.client.get(`/api/packages/${id}`)).status).toBe(200);
    expect((await admin.patch(`/api/packages/${id}/members/${kari.userId}`, { role: 'viewer' })).status).toBe(200);
    const adminId = ((await (await admin.get('/api/auth/me')).json()) as { user: { userId: string } }).user.userId;
    expect((await admin.delete(`/api/packages/${id}/members/${adminId}`)).status).toBe(409);
    expect((await admin.delete(`/api/packages/${id}/members/${kari.userId}`)).status).toBe(204);
    expect((await kari.client.get(`/api/packages/${id}`)).status).toBe(404);
    // Five wrong passwords spread over two instances lock the account on both.
    const a = new Client(one.server.url);
    const b = new Client(two.server.url);
    for (let i = 0; i < 5; i++) expect((await (i % 2 === 0 ? a : b).login('kari@kommune.test', 'feil passord')).status).toBe(401);
    expect((await a.login('kari@kommune.test', 'karis lange passord')).status).toBe(429);
    expect((await b.login('kari@kommune.test', 'karis lange passord')).status).toBe(429);
  });
});
