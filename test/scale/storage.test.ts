/** The DocStorage contract suite against PostgreSQL, plus what only several instances can break. */
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PostgresStorage } from '../../server/storage/postgres/docStorage';
import { DOC_MIGRATIONS, runMigrations } from '../../server/storage/postgres/migrations';
import type { DocStorage } from '../../server/storage/types';
import { storageContract } from '../server/storageContract';
import { dropSchema, freshSchema, testPool } from './services';
import { docFromStored } from '../../server/storage/stored';

const schemas: string[] = [];
const schemaOf = new WeakMap<DocStorage, string>();
afterAll(async () => {
  for (const s of schemas) await dropSchema(s);
});

async function open(schema: string): Promise<PostgresStorage> {
  const pool = await testPool(schema);
  await runMigrations(pool, DOC_MIGRATIONS);
  const s = new PostgresStorage(pool);
  schemaOf.set(s, schema);
  return s;
}

storageContract('postgres', {
  async create() {
    const schema = freshSchema();
    schemas.push(schema);
    return open(schema);
  },
  async reopen(s) {
    const schema = schemaOf.get(s)!;
    await s.close();
    return open(schema);
  },
});

describe('PostgreSQL storage across instances', () => {
  it('runs migrations once when two instances start at the same time', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [a, b] = await Promise.all([testPool(schema), testPool(schema)]);
    const [ra, rb] = await Promise.all([runMigrations(a, DOC_MIGRATIONS), runMigrations(b, DOC_MIGRATIONS)]);
    expect([...ra, ...rb].sort((x, y) => x - y)).toEqual(DOC_MIGRATIONS.map((m) => m.id));
    expect(await runMigrations(a, DOC_MIGRATIONS)).toEqual([]);
    await Promise.all([a.end(), b.end()]);
  });

  it('serialises appends of one document from two instances: sequence numbers commit in order, compaction loses nothing', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const a = await open(schema);
    const b = await open(schema);
    const writer = new Y.Doc();
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 200; i++) writer.getMap('m').set(`k${i}`, i);
    // 200 appends racing from two instances, while a third party compacts repeatedly.
    const appends = updates.map((u, i) => (i % 2 === 0 ? a : b).append({ docName: 'd', updates: [u] }));
    let compactions = 0;
    const compacting = (async () => {
      for (let round = 0; round < 10; round++) {
        const stored = await b.load('d');
        const merged = docFromStored(stored);
        await a.compact('d', Y.encodeStateAsUpdate(merged), stored.lastSeq);
        compactions++;
      }
    })();
    const seqs = (await Promise.all(appends)).map((r) => r.lastSeq);
    await compacting;
    expect(new Set(seqs).size).toBe(200);
    expect(Math.max(...seqs)).toBe(200);
    expect(compactions).toBe(10);
    const rebuilt = docFromStored(await a.load('d'));
    expect(rebuilt.getMap('m').toJSON()).toEqual(writer.getMap('m').toJSON());
    await a.close();
    await b.close();
  });

  it('a reader never sees a hole: at every moment the stored log is 1…lastSeq (sequence numbers commit in order)', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [a, b] = [await open(schema), await open(schema)];
    const writer = new Y.Doc();
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 400; i++) writer.getArray('a').push([i]);
    // Eight appenders at once (four per instance), each appending its share one after the other.
    let done = false;
    const chains = Array.from({ length: 8 }, async (_, chain) => {
      for (let i = chain; i < updates.length; i += 8) await (chain % 2 === 0 ? a : b).append({ docName: 'd', updates: [updates[i]!] });
    });
    const appends = Promise.all(chains).finally(() => {
      done = true;
    });
    let reads = 0;
    while (!done) {
      const stored = await (reads % 2 === 0 ? a : b).load('d');
      expect(stored.updates.length, `read ${reads}`).toBe(stored.lastSeq);
      reads++;
    }
    await appends;
    expect(reads).toBeGreaterThan(3);
    expect((await a.load('d')).lastSeq).toBe(400);
    await a.close();
    await b.close();
  });

  it('two instances compacting one document at the same time while others append: nothing is lost', async () => {
    const schema = freshSchema();
    schemas.push(schema);
    const [a, b] = [await open(schema), await open(schema)];
    const writer = new Y.Doc();
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    for (let i = 0; i < 200; i++) writer.getMap('m').set(`k${i}`, i);
    const compactor = (s: PostgresStorage) => async () => {
      for (let round = 0; round < 8; round++) {
        const stored = await s.load('d');
        const merged = docFromStored(stored);
        await s.compact('d', Y.encodeStateAsUpdate(merged), stored.lastSeq);
      }
    };
    await Promise.all([
      ...updates.map((u, i) => (i % 2 === 0 ? a : b).append({ docName: 'd', updates: [u] })),
      compactor(a)(),
      compactor(b)(),
    ]);
    for (const s of [a, b]) {
      const final = await s.load('d');
      const rebuilt = docFromStored(final);
      expect(rebuilt.getMap('m').toJSON()).toEqual(writer.getMap('m').toJSON());
      expect(final.lastSeq).toBe(200);
    }
    await a.close();
    await b.close();
  });
});
