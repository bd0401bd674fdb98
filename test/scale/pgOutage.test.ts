/**
 * PostgreSQL unreachable for a few seconds under load: instance A reaches
 * PostgreSQL through a TCP proxy that the test cuts for ~4 s while four writers (two
 * on A, two on B) keep adding lines with amounts. A's rooms retry their appends and
 * tell their clients that saving is delayed, then saved; whatever of A's reaches B
 * during the cut is already in PostgreSQL; afterwards everyone converges and
 * everything any client holds or had received from the other instance is in
 * PostgreSQL. Also: a pooled connection that breaks while checked out (the cut
 * between two queries) does not crash the process.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { PostgresStorage } from '../../server/storage/postgres/docStorage';
import { createPgPool } from '../../server/storage/postgres/pool';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { parseStorageNotice, type StorageState } from '../../shared/protocol';
import { connectClient, waitFor, type TestClient } from '../server/serverHarness';
import { converged, freshPrefix, linesJson, sharedPackage, startCuttableProxy, startInstance, type CuttableProxy, type Instance } from './clusterHarness';
import { TEST_DATABASE_URL, dropSchema, freshSchema } from './services';
import { docFromStored } from '../../server/storage/stored';

const schemas: string[] = [];
let open: Instance[] = [];
let clients: TestClient[] = [];
let proxy: CuttableProxy | null = null;

afterEach(async () => {
  // A test that failed mid-cut must not leave A retrying while it closes.
  proxy?.restore();
  for (const c of clients) c.destroy();
  clients = [];
  for (const i of open) await i.close();
  open = [];
  await proxy?.close();
  proxy = null;
});
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});

const storageStates = (c: TestClient): StorageState[] => c.notices.flatMap((n) => parseStorageNotice(JSON.stringify(n))?.state ?? []);

/** The test database's URL through a cuttable TCP proxy (`proxy`). */
async function proxiedDatabase(): Promise<string> {
  const direct = new URL(TEST_DATABASE_URL);
  proxy = await startCuttableProxy(Number(direct.port || 5432), direct.hostname);
  const url = new URL(TEST_DATABASE_URL);
  url.hostname = '127.0.0.1';
  url.port = String(proxy.port);
  return url.toString();
}

/** Loads a doc from PostgreSQL through a pool of its own (not through either instance). */
async function loadFromPostgres(schema: string, docName: string): Promise<Y.Doc> {
  const storage = new PostgresStorage(await createPgPool({ connectionString: TEST_DATABASE_URL, schema, max: 1 }));
  try {
    const doc = docFromStored(await storage.load(docName));
    return doc;
  } finally {
    await storage.close();
  }
}

describe('scale-out: PostgreSQL unreachable', () => {
  it('a pooled connection that breaks while checked out does not crash the process; the pool connects again once PostgreSQL is back', async () => {
    const viaProxy = await proxiedDatabase();
    const schema = freshSchema();
    schemas.push(schema);
    const pool = await createPgPool({ connectionString: viaProxy, schema, max: 2 });
    try {
      const held = await pool.connect();
      await held.query('SELECT 1');
      const broken = new Promise((resolve) => held.once('end', resolve));
      // Between two queries of a transaction, say: unhandled, the client's 'error' would be an uncaught exception.
      proxy!.cut();
      await broken;
      await expect(held.query('SELECT 1')).rejects.toThrow();
      held.release();
      proxy!.restore();
      const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(rows[0]?.one).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("A's writes wait and retry while its path to PostgreSQL is cut: its clients are told, nothing unstored crosses to B, all converge, nothing acknowledged is lost", { timeout: 90_000 }, async () => {
    const viaProxy = await proxiedDatabase();
    const schema = freshSchema();
    schemas.push(schema);
    const prefix = freshPrefix();
    const users = ['a0', 'a1', 'b0', 'b1'];
    // ~15 s of retries: a 4 s cut is well inside it.
    const a = await startInstance({ schema, prefix, users, databaseUrl: viaProxy, storageRetry: (attempt) => (attempt <= 60 ? 250 : null) });
    const b = await startInstance({ schema, prefix, users });
    open.push(a, b);
    const pkg = await sharedPackage([a, b], { a0: 'editor', a1: 'editor', b0: 'editor', b1: 'editor' });
    const writers = users.map((u) => {
      const c = connectClient({ wsBase: (u.startsWith('a') ? a : b).ts.wsBase, auth: (u.startsWith('a') ? a : b).auth }, pkg, u);
      clients.push(c);
      return { name: u, onA: u.startsWith('a'), c, written: 0 };
    });
    await Promise.all(writers.map((w) => w.c.synced()));

    // What each client received from the other instance (acknowledged: it was relayed), and
    // what B's clients received of A's edits while A could not store anything.
    const received = new Set<string>();
    const duringCut = new Set<string>();
    let cutting = false;
    for (const w of writers) {
      getLinesMap(w.c.doc).observe((ev) => {
        for (const id of ev.keysChanged) {
          if (id.startsWith('a') === w.onA) continue;
          received.add(id);
          if (!w.onA && cutting) duringCut.add(id);
        }
      });
    }

    let step = 0;
    const timer = setInterval(() => {
      step++;
      for (const w of writers) {
        w.written++;
        createLineInDoc(w.c.doc, { id: `${w.name}-${w.written}`, ledger: 'drift', group: 'tiltak', title: `${w.name} ${w.written}`, amounts: { '2026': `-${w.written}.65`, '2027': String(2400 + step) } });
      }
    }, 50);
    try {
      await waitFor(() => received.has('a0-10') && received.has('b0-10'), 15_000, 'traffic both ways before the cut');
      const cutAt = Object.fromEntries(writers.map((w) => [w.name, w.written]));
      proxy!.cut();
      cutting = true;
      const [a0, a1] = writers.filter((w) => w.onA).map((w) => w.c);
      await waitFor(() => storageStates(a0!).includes('delayed') && storageStates(a1!).includes('delayed'), 10_000, "A's clients told 'delayed'");
      await new Promise((r) => setTimeout(r, 4_000));
      const writtenDuringCut = writers.filter((w) => w.onA).every((w) => w.written > cutAt![w.name]! + 10);
      expect(writtenDuringCut, "A's writers kept writing during the cut").toBe(true);
      // A stored nothing since the cut: whatever of A's reached B meanwhile must have been stored before it.
      cutting = false;
      const storedDuringCut = getLinesMap(await loadFromPostgres(schema, pkg));
      expect([...duringCut].filter((id) => !storedDuringCut.has(id)), "A's edits B's clients received during the cut but PostgreSQL lacks").toEqual([]);
      proxy!.restore();
      await waitFor(() => storageStates(a0!).at(-1) === 'saved' && storageStates(a1!).at(-1) === 'saved', 20_000, "A's clients told 'saved'");
      // Traffic goes on for a moment after the outage.
      const after = writers[0]!.written + 10;
      await waitFor(() => writers[0]!.written >= after, 10_000, 'writes after the outage');
    } finally {
      clearInterval(timer);
    }

    const docs = writers.map((w) => w.c.doc);
    await converged(docs, 30_000, 'convergence after the outage');
    const total = writers.reduce((n, w) => n + w.written, 0);
    expect(getLinesMap(docs[0]!).size).toBe(total);
    for (const w of writers.filter((x) => x.onA)) {
      const states = storageStates(w.c);
      expect(states[0], `${w.name}'s first storage notice`).toBe('delayed');
      expect(states.at(-1), `${w.name}'s last storage notice`).toBe('saved');
    }
    // B's storage never failed: its clients were never told anything.
    for (const w of writers.filter((x) => !x.onA)) expect(storageStates(w.c), w.name).toEqual([]);

    // Everything the clients hold, and everything one instance's clients received from the other's, is in PostgreSQL.
    const fromPg = await loadFromPostgres(schema, pkg);
    expect(linesJson(fromPg)).toBe(linesJson(docs[0]!));
    const stored = getLinesMap(fromPg);
    expect([...received].filter((id) => !stored.has(id))).toEqual([]);
    expect(received.size).toBeGreaterThan(0);
  });
});
