/**
 * `npm run migrate`: a real SQLite installation, made through the real server (admin,
 * a package, live edits over y-websocket, an invited member), copied into a fresh
 * PostgreSQL schema by the command; the server started on PostgreSQL then has the
 * same packages and documents, and both logins work. A second run is refused.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config';
import { startFromConfig } from '../../server/start';
import { getMetaMap } from '../../shared/doc/schema';
import { Client, inviteAndAccept } from '../server/auth/harness';
import { connectProvider, synced, until } from '../server/auth/target';
import { quietLog, tempDir } from '../server/serverHarness';
import { PG_ADMIN, TEST_DATABASE_URL, dropSchema, freshSchema, startOnPostgres, testPool } from './services';

const run = promisify(execFile);
const schemas: string[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function login(base: string, email: string, password: string): Promise<Client> {
  const c = new Client(base);
  expect((await c.login(email, password)).status).toBe(200);
  return c;
}

describe('npm run migrate: SQLite → PostgreSQL', () => {
  it('copies a live installation; the server on PostgreSQL has the same packages, documents and logins; a second run is refused', async () => {
    const dir = tempDir('migrate-');
    dirs.push(dir);
    // 1. A SQLite installation, used through the real server.
    const sqlite = await startFromConfig(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir }), {
      env: { BOOTSTRAP_ADMIN_EMAIL: PG_ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: PG_ADMIN.password },
      log: () => {},
      roomLog: quietLog,
    });
    let packageIds: string[];
    let id: string;
    try {
      const base = sqlite.server.url;
      const admin = await login(base, PG_ADMIN.email, PG_ADMIN.password);
      const created = await admin.post('/api/packages', { title: 'Før flytting', years: ['2026'], planYears: ['2026'], parties: [{ id: 'AP', name: 'Arbeiderpartiet' }] });
      id = ((await created.json()) as { id: string }).id;
      await admin.post('/api/packages', { title: 'Nummer to', years: ['2026'], planYears: ['2026'], parties: [] });
      await inviteAndAccept(admin, id, 'kari@kommune.test', 'editor', 'AP', 'karis lange passord');
      const p = connectProvider(base, id, { cookie: admin.cookie, origin: base });
      await synced(p);
      for (let i = 0; i < 20; i++) getMetaMap(p.doc).set('fundOpeningBalance', String(i));
      // Relayed only once stored: when a second client has the last value, all of it is in the file.
      const watcher = connectProvider(base, id, { cookie: admin.cookie, origin: base });
      await until(() => getMetaMap(watcher.doc).get('fundOpeningBalance') === '19', 5000, 'stored and relayed');
      watcher.destroy();
      p.destroy();
      // A saved round (the agreement tables move too).
      expect((await admin.post(`/api/packages/${id}/versions`, { name: 'Tilbud 1' })).status).toBe(201);
      packageIds = (((await (await admin.get('/api/packages')).json()) as { packages: Array<{ id: string }> }).packages).map((x) => x.id);
    } finally {
      await sqlite.close();
    }

    // 2. The command, as an operator runs it.
    const schema = freshSchema('mig');
    schemas.push(schema);
    const out = await run('npx', ['tsx', 'server/migrate.ts', '--from', dir, '--to', TEST_DATABASE_URL, '--schema', schema]);
    expect(out.stdout).toMatch(/packages\s+2/);
    expect(out.stdout).toMatch(/auth_users\s+2/);
    expect(out.stdout).toMatch(/auth_memberships\s+3/);
    expect(out.stdout).toMatch(/documents\s+\d+/);
    const pool = await testPool(schema, 1);
    try {
      // Per-document sequence numbers are gap-free after the snapshot, and the head matches.
      const heads = await pool.query<{ doc: string; last_seq: string; n: string; max: string | null; through: string | null }>(
        `SELECT h.doc, h.last_seq, (SELECT COUNT(*) FROM doc_updates u WHERE u.doc = h.doc) AS n, (SELECT MAX(seq) FROM doc_updates u WHERE u.doc = h.doc) AS max,
                (SELECT through_seq FROM doc_snapshots s WHERE s.doc = h.doc) AS through FROM doc_heads h`,
      );
      expect(heads.rows.length).toBeGreaterThan(0);
      for (const h of heads.rows) {
        expect(Number(h.last_seq)).toBe(Number(h.through ?? 0) + Number(h.n));
        if (h.max !== null) expect(Number(h.max)).toBe(Number(h.last_seq));
      }
    } finally {
      await pool.end();
    }

    // 3. The server on PostgreSQL: same packages, same document, both logins.
    const onPg = await startOnPostgres(schema);
    try {
      const base = onPg.server.url;
      const admin = await login(base, PG_ADMIN.email, PG_ADMIN.password);
      const listed = ((await (await admin.get('/api/packages')).json()) as { packages: Array<{ id: string }> }).packages.map((x) => x.id);
      expect(listed.sort()).toEqual(packageIds.sort());
      const kari = await login(base, 'kari@kommune.test', 'karis lange passord');
      const p = connectProvider(base, id, { cookie: kari.cookie, origin: base });
      try {
        await synced(p);
        expect(getMetaMap(p.doc).get('title')?.toString()).toBe('Før flytting');
        expect(getMetaMap(p.doc).get('fundOpeningBalance')).toBe('19');
      } finally {
        p.destroy();
      }
      expect((await admin.get(`/api/packages/${id}/audit`)).status).toBe(200);
      const rounds = (await (await admin.get(`/api/packages/${id}/versions`)).json()) as { versions: Array<{ name: string }> };
      expect(rounds.versions.map((v) => v.name)).toEqual(['Tilbud 1']);
      // A new round after the copy gets a fresh sequence number (the serial moved past the copied rows).
      expect((await admin.post(`/api/packages/${id}/versions`, { name: 'Tilbud 2' })).status).toBe(201);
    } finally {
      await onPg.close();
    }

    // 4. Never into a target that holds data.
    const again = await run('npx', ['tsx', 'server/migrate.ts', '--from', dir, '--to', TEST_DATABASE_URL, '--schema', schema]).catch((err: { code: number; stderr: string }) => err);
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toMatch(/not empty/);
  }, 60_000);
});
