import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryStorage } from '../../server/storage/memory';
import { SqliteStorage } from '../../server/storage/sqlite';
import type { DocStorage } from '../../server/storage/types';
import { storageContract } from './storageContract';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-contract-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const files = new WeakMap<DocStorage, string>();

storageContract('memory', { create: async () => new MemoryStorage() });

storageContract('sqlite', {
  async create() {
    const file = path.join(dir, `db-${++n}.sqlite`);
    const s = new SqliteStorage(file);
    files.set(s, file);
    return s;
  },
  async reopen(s) {
    const file = files.get(s)!;
    await s.close();
    const s2 = new SqliteStorage(file);
    files.set(s2, file);
    return s2;
  },
});

describe('sqlite file from before deleted-line snapshots', () => {
  it('gains the snapshot column on open and keeps its audit rows', async () => {
    const file = path.join(dir, 'old.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, package_id TEXT NOT NULL, line_id TEXT NOT NULL, field TEXT NOT NULL,
      year TEXT, old_value TEXT, new_value TEXT, user_id TEXT, at TEXT NOT NULL)`);
    old.prepare("INSERT INTO audit (package_id, line_id, field, old_value, at) VALUES ('p1', 'l1', 'deleted', 'Gammel', '2025-01-01T00:00:00.000Z')").run();
    old.close();
    const s = new SqliteStorage(file);
    await s.append({ docName: 'p1', updates: [], audit: [{ packageId: 'p1', lineId: 'l2', field: 'deleted', year: null, oldValue: 'Ny', newValue: null, userId: 'u1', at: '2026-01-01T00:00:00.000Z', snapshot: '{}' }] });
    expect((await s.listAudit('p1')).map((e) => e.oldValue)).toEqual(['Gammel', 'Ny']);
    expect((await s.listDeletedLines('p1')).map((e) => e.lineId)).toEqual(['l2']);
    await s.close();
  });
});
