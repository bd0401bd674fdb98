/**
 * The services the scale-out suite runs against: PostgreSQL and Redis on this
 * machine (`TEST_DATABASE_URL`, `TEST_REDIS_URL`). The suite fails, never skips,
 * when they are missing: `npm run test:scale` is the run that proves scale-out.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createPgPool } from '../../server/storage/postgres/pool';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh schema name, so every store a test opens starts empty and sees nothing else. */
export function freshSchema(prefix = 't'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A pool on a fresh schema of the test database. */
export async function testPool(schema = freshSchema(), max = 5): Promise<pg.Pool> {
  return createPgPool({ connectionString: TEST_DATABASE_URL, schema, max });
}

/** Drops a schema made by `freshSchema` (best effort, for cleanup). */
export async function dropSchema(schema: string): Promise<void> {
  const pool = await createPgPool({ connectionString: TEST_DATABASE_URL, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await pool.end();
  }
}
