/**
 * Moves an existing SQLite installation into PostgreSQL:
 *
 *   npm run migrate -- --from <DATA_DIR> --to postgres://user@host/db [--schema <name>]
 *
 * Stop the server first. The target's tables are created (the server's migrations),
 * then every table of the SQLite file is copied in ONE transaction — nothing is
 * visible in PostgreSQL until all of it is — and the counts are printed. A target that
 * already holds data is refused, so the command can never merge two installations. A
 * table in the SQLite file that is not listed below is refused too, so a new table
 * cannot be left behind unnoticed: adding one is one line in `COPIED_TABLES`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type pg from 'pg';
import { SERVER_MIGRATIONS, redactUrl } from './database';
import { runMigrations } from './storage/postgres/migrations';
import { createPgPool, inTransaction } from './storage/postgres/pool';
import { SQLITE_FILENAME } from './storage/sqlite';

/** A table copied row by row: the columns both sides have; `serial` is a PostgreSQL sequence column to move past the copied ids. */
interface CopiedTable {
  table: string;
  serial?: string;
}

/** Every table copied as is. The document log (`doc_updates`, `doc_snapshots`) is copied by `copyDocuments`. */
export const COPIED_TABLES: readonly CopiedTable[] = [
  { table: 'packages' },
  { table: 'audit', serial: 'id' },
  { table: 'conflicts', serial: 'seq' },
  { table: 'auth_users' },
  { table: 'auth_sessions' },
  { table: 'auth_tokens' },
  { table: 'auth_memberships' },
  { table: 'auth_login_failures' },
  { table: 'agreement_signoffs' },
  { table: 'agreement_versions', serial: 'seq' },
  { table: 'agreement_proposals', serial: 'seq' },
  { table: 'agreement_locks' },
  { table: 'agreement_lock_log', serial: 'seq' },
];

/** Tables of the document log, copied by `copyDocuments`; SQLite's own bookkeeping. */
const DOCUMENT_TABLES = ['doc_updates', 'doc_snapshots'];
const SQLITE_INTERNAL = new Set(['sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4']);
/** The PostgreSQL tables that must be empty before a copy (`doc_heads` exists only there). */
const TARGET_TABLES = [...COPIED_TABLES.map((t) => t.table), 'doc_updates', 'doc_snapshots', 'doc_heads'];

const BATCH_ROWS = 500;

/** What was copied: rows per table (documents as `doc_updates` / `doc_snapshots` / `documents`). */
export type MigrationCounts = Record<string, number>;

type Row = Record<string, unknown>;

async function insertRows(c: pg.PoolClient, table: string, columns: string[], rows: Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH_ROWS) {
    const batch = rows.slice(i, i + BATCH_ROWS);
    const values: unknown[] = [];
    const tuples = batch.map((row) => `(${columns.map((col) => `$${values.push(row[col] ?? null)}`).join(', ')})`);
    await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}

async function targetColumns(c: pg.PoolClient, table: string): Promise<string[]> {
  const r = await c.query<{ column_name: string }>(
    'SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
    [table],
  );
  return r.rows.map((x) => x.column_name);
}

/**
 * Copies the document logs. SQLite numbers updates with one sequence for the whole
 * file; PostgreSQL numbers them per document (`doc_heads`), so each document's updates
 * are renumbered in their order right after its snapshot's `through_seq` — gap-free,
 * and still above everything the snapshot covers.
 */
async function copyDocuments(db: Database.Database, c: pg.PoolClient, counts: MigrationCounts): Promise<void> {
  const snapshots = db.prepare('SELECT doc, data, through_seq FROM doc_snapshots').all() as Array<{ doc: string; data: Buffer; through_seq: number }>;
  const through = new Map(snapshots.map((s) => [s.doc, s.through_seq]));
  await insertRows(c, 'doc_snapshots', ['doc', 'data', 'through_seq'], snapshots);
  const docs = (db.prepare('SELECT DISTINCT doc FROM doc_updates UNION SELECT doc FROM doc_snapshots').all() as Array<{ doc: string }>).map((r) => r.doc);
  const updatesOf = db.prepare('SELECT data FROM doc_updates WHERE doc = ? ORDER BY seq');
  let updates = 0;
  for (const doc of docs) {
    const base = through.get(doc) ?? 0;
    const rows = (updatesOf.all(doc) as Array<{ data: Buffer }>).map((r, i) => ({ doc, seq: base + i + 1, data: r.data }));
    await insertRows(c, 'doc_updates', ['doc', 'seq', 'data'], rows);
    await c.query('INSERT INTO doc_heads (doc, last_seq) VALUES ($1, $2)', [doc, base + rows.length]);
    updates += rows.length;
  }
  counts.documents = docs.length;
  counts.doc_snapshots = snapshots.length;
  counts.doc_updates = updates;
}

/**
 * Copies the SQLite database of `dataDir` into the PostgreSQL database at `url`
 * (optionally into `schema`), in one transaction; rejects when the target holds data
 * or the source has a table this command does not know.
 */
export async function migrateSqliteToPostgres(opts: { dataDir: string; url: string; schema?: string | undefined }): Promise<MigrationCounts> {
  const file = path.join(opts.dataDir, SQLITE_FILENAME);
  if (!fs.existsSync(file)) throw new Error(`No SQLite database at ${file}`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  const pool = await createPgPool({ connectionString: opts.url, max: 2, ...(opts.schema ? { schema: opts.schema } : {}) });
  try {
    const sourceTables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name);
    const known = new Set([...COPIED_TABLES.map((t) => t.table), ...DOCUMENT_TABLES]);
    const unknown = sourceTables.filter((t) => !known.has(t) && !SQLITE_INTERNAL.has(t));
    if (unknown.length > 0) throw new Error(`The SQLite database has tables this command does not copy: ${unknown.join(', ')} (add them to COPIED_TABLES in server/migrate.ts)`);
    await runMigrations(pool, SERVER_MIGRATIONS);
    return await inTransaction(pool, async (c) => {
      // Nobody else writes while we check and copy (a server started by mistake waits).
      await c.query(`LOCK TABLE ${TARGET_TABLES.join(', ')} IN EXCLUSIVE MODE`);
      for (const table of TARGET_TABLES) {
        const r = await c.query(`SELECT EXISTS (SELECT 1 FROM ${table}) AS used`);
        if (r.rows[0].used) throw new Error(`The target is not empty (table ${table} has rows); refusing to copy into it`);
      }
      const counts: MigrationCounts = {};
      const present = new Set(sourceTables);
      for (const { table, serial } of COPIED_TABLES) {
        if (!present.has(table)) {
          counts[table] = 0;
          continue;
        }
        const rows = db.prepare(`SELECT * FROM ${table}`).all() as Row[];
        const sourceColumns = (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);
        const targets = new Set(await targetColumns(c, table));
        const columns = sourceColumns.filter((col) => targets.has(col));
        await insertRows(c, table, columns, rows);
        if (serial) await c.query(`SELECT setval(pg_get_serial_sequence('${table}', '${serial}'), COALESCE((SELECT MAX(${serial}) FROM ${table}), 0) + 1, false)`);
        counts[table] = rows.length;
      }
      if (present.has('doc_updates')) await copyDocuments(db, c, counts);
      return counts;
    });
  } finally {
    db.close();
    await pool.end();
  }
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const from = argValue(args, '--from');
  const to = argValue(args, '--to');
  const schema = argValue(args, '--schema') ?? process.env.PG_SCHEMA;
  if (!from || !to) {
    console.error('Usage: npm run migrate -- --from <DATA_DIR> --to postgres://user@host:5432/db [--schema <name>]');
    process.exit(2);
  }
  const counts = await migrateSqliteToPostgres({ dataDir: path.resolve(from), url: to, schema });
  console.log(`Copied ${path.resolve(from)} into ${redactUrl(to)}${schema ? ` (schema ${schema})` : ''}:`);
  for (const [table, n] of Object.entries(counts)) console.log(`  ${table.padEnd(22)} ${n}`);
  console.log('Start the server with DATABASE_URL set to the target.');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
