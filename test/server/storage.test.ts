import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
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
