import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LockLogEntry, LockState } from '../../shared/protocol';
import type { StoredSignoff } from '../../shared/report/agreement';
import type {
  AppendBatch,
  AuditEntry,
  ConflictRecord,
  DocStorage,
  LockChange,
  PackageRecord,
  ProposalRecord,
  ProposalResolution,
  SignoffChange,
  StoredDoc,
  VersionRecord,
} from './types';
import { PackageLockedError } from './types';
import {
  auditEntryFromRow,
  lockRowsOf,
  packageFromRow,
  resolvedProposal,
  signoffOf,
  versionFromRow,
  versionMetaJson,
  type AuditRow,
  type PackageRow,
} from './rows';

/** File name of the embedded database inside `DATA_DIR`. */
export const SQLITE_FILENAME = 'budsjettverksted.sqlite';

/**
 * `synchronous` levels we accept. With WAL, NORMAL writes every commit to the WAL
 * file before the commit returns, so a crash of the *process* (kill -9) loses
 * nothing; only an OS crash or power loss can lose the last commits. FULL also
 * fsyncs the WAL on every commit and survives power loss, at the cost of one
 * fsync per batch.
 */
export type SqliteSynchronous = 'NORMAL' | 'FULL';

export interface SqliteStorageOptions {
  /** Default NORMAL (see `SqliteSynchronous`). */
  synchronous?: SqliteSynchronous;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS packages (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  created_by TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS doc_updates (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  doc TEXT NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS doc_updates_by_doc ON doc_updates (doc, seq);
CREATE TABLE IF NOT EXISTS doc_snapshots (
  doc TEXT PRIMARY KEY,
  data BLOB NOT NULL,
  through_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  package_id TEXT NOT NULL,
  line_id TEXT NOT NULL,
  field TEXT NOT NULL,
  year TEXT,
  old_value TEXT,
  new_value TEXT,
  user_id TEXT,
  at TEXT NOT NULL,
  snapshot TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_package ON audit (package_id, id);
CREATE TABLE IF NOT EXISTS conflicts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  package_id TEXT NOT NULL,
  data TEXT NOT NULL,
  dismissed_by TEXT,
  dismissed_at TEXT
);
CREATE INDEX IF NOT EXISTS conflicts_by_package ON conflicts (package_id, seq);
CREATE TABLE IF NOT EXISTS agreement_signoffs (
  package_id TEXT NOT NULL,
  item_id TEXT NOT NULL,
  party TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (package_id, item_id, party)
);
CREATE TABLE IF NOT EXISTS agreement_versions (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  package_id TEXT NOT NULL,
  id TEXT NOT NULL,
  meta TEXT NOT NULL,
  data TEXT NOT NULL,
  seal TEXT,
  UNIQUE (package_id, id)
);
CREATE TABLE IF NOT EXISTS agreement_proposals (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  package_id TEXT NOT NULL,
  id TEXT NOT NULL,
  data TEXT NOT NULL,
  UNIQUE (package_id, id)
);
CREATE TABLE IF NOT EXISTS agreement_locks (
  package_id TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS agreement_lock_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  package_id TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS agreement_lock_log_by_package ON agreement_lock_log (package_id, seq);
`;

interface VersionRow {
  package_id: string;
  id: string;
  meta: string;
  seal: string | null;
  data?: string;
}

interface ConflictRow {
  data: string;
  dismissed_by: string | null;
  dismissed_at: string | null;
}

/** A stored conflict: its facts as JSON (`dismissed` kept in its own columns, so dismissing never rewrites them). */
function toConflict(r: ConflictRow): ConflictRecord {
  const c = JSON.parse(r.data) as ConflictRecord;
  return { ...c, dismissed: r.dismissed_at === null ? null : { userId: r.dismissed_by, at: r.dismissed_at } };
}

function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * The embedded default back-end: one SQLite file in WAL mode (better-sqlite3).
 * Each `append` is one transaction; the promise resolves only after the commit,
 * so the room never broadcasts an update before it is in the file. The database
 * handle is exposed as `db` so other server modules (accounts, sessions) can keep
 * their tables in the same file.
 */
export class SqliteStorage implements DocStorage {
  readonly db: Database.Database;
  private stmts;

  constructor(file: string, options: SqliteStorageOptions = {}) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    // Files from before deleted lines kept their snapshot.
    const auditColumns = this.db.prepare<[], { name: string }>('PRAGMA table_info(audit)').all();
    if (!auditColumns.some((c) => c.name === 'snapshot')) this.db.exec('ALTER TABLE audit ADD COLUMN snapshot TEXT');
    const db = this.db;
    this.stmts = {
      snapshot: db.prepare<[string], { data: Buffer; through_seq: number }>('SELECT data, through_seq FROM doc_snapshots WHERE doc = ?'),
      updates: db.prepare<[string], { seq: number; data: Buffer }>('SELECT seq, data FROM doc_updates WHERE doc = ? ORDER BY seq'),
      insertUpdate: db.prepare<[string, Buffer]>('INSERT INTO doc_updates (doc, data) VALUES (?, ?)'),
      insertAudit: db.prepare<[string, string, string, string | null, string | null, string | null, string | null, string, string | null]>(
        'INSERT INTO audit (package_id, line_id, field, year, old_value, new_value, user_id, at, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      touch: db.prepare<[string, string | null, string]>('UPDATE packages SET updated_at = ?, title = COALESCE(?, title) WHERE id = ?'),
      maxSeq: db.prepare<[string], { seq: number | null }>('SELECT MAX(seq) AS seq FROM doc_updates WHERE doc = ?'),
      upsertSnapshot: db.prepare<[string, Buffer, number]>(
        // A compaction that started earlier than the stored snapshot's must not replace it.
        'INSERT INTO doc_snapshots (doc, data, through_seq) VALUES (?, ?, ?) ON CONFLICT (doc) DO UPDATE SET data = excluded.data, through_seq = excluded.through_seq WHERE excluded.through_seq >= doc_snapshots.through_seq',
      ),
      deleteUpdates: db.prepare<[string, number]>('DELETE FROM doc_updates WHERE doc = ? AND seq <= ?'),
      insertPackage: db.prepare<[string, string, string | null, string, string]>(
        'INSERT INTO packages (id, title, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      ),
      getPackage: db.prepare<[string], PackageRow>('SELECT * FROM packages WHERE id = ?'),
      listPackages: db.prepare<[], PackageRow>('SELECT * FROM packages ORDER BY updated_at DESC, id'),
      insertConflict: db.prepare<[string, string, string]>('INSERT INTO conflicts (id, package_id, data) VALUES (?, ?, ?)'),
      listConflicts: db.prepare<[string, number, number], ConflictRow>(
        'SELECT * FROM (SELECT * FROM conflicts WHERE package_id = ? AND (? = 1 OR dismissed_at IS NULL) ORDER BY seq DESC LIMIT ?) ORDER BY seq',
      ),
      dismissConflict: db.prepare<[string | null, string, string, string]>(
        'UPDATE conflicts SET dismissed_by = ?, dismissed_at = ? WHERE id = ? AND package_id = ? AND dismissed_at IS NULL',
      ),
      getConflict: db.prepare<[string, string], ConflictRow>('SELECT * FROM conflicts WHERE id = ? AND package_id = ?'),
      listAudit: db.prepare<[string, number], AuditRow>(
        'SELECT package_id, line_id, field, year, old_value, new_value, user_id, at FROM (SELECT * FROM audit WHERE package_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
      ),
      listDeleted: db.prepare<[string, number], AuditRow>(
        "SELECT * FROM audit WHERE package_id = ? AND field = 'deleted' AND snapshot IS NOT NULL ORDER BY id DESC LIMIT ?",
      ),
      listSignoffs: db.prepare<[string], { data: string }>('SELECT data FROM agreement_signoffs WHERE package_id = ?'),
      upsertSignoff: db.prepare<[string, string, string, string]>(
        'INSERT INTO agreement_signoffs (package_id, item_id, party, data) VALUES (?, ?, ?, ?) ON CONFLICT (package_id, item_id, party) DO UPDATE SET data = excluded.data',
      ),
      deleteSignoff: db.prepare<[string, string, string]>('DELETE FROM agreement_signoffs WHERE package_id = ? AND item_id = ? AND party = ?'),
      insertVersion: db.prepare<[string, string, string, string, string | null]>('INSERT INTO agreement_versions (package_id, id, meta, data, seal) VALUES (?, ?, ?, ?, ?)'),
      listVersions: db.prepare<[string], VersionRow>('SELECT package_id, id, meta, seal FROM agreement_versions WHERE package_id = ? ORDER BY seq DESC'),
      getVersion: db.prepare<[string, string], VersionRow>('SELECT package_id, id, meta, seal, data FROM agreement_versions WHERE package_id = ? AND id = ?'),
      insertProposal: db.prepare<[string, string, string]>('INSERT INTO agreement_proposals (package_id, id, data) VALUES (?, ?, ?)'),
      listProposals: db.prepare<[string], { data: string }>('SELECT data FROM agreement_proposals WHERE package_id = ? ORDER BY seq'),
      getProposal: db.prepare<[string, string], { data: string }>('SELECT data FROM agreement_proposals WHERE package_id = ? AND id = ?'),
      updateProposal: db.prepare<[string, string, string]>('UPDATE agreement_proposals SET data = ? WHERE package_id = ? AND id = ?'),
      getLock: db.prepare<[string], { data: string }>('SELECT data FROM agreement_locks WHERE package_id = ?'),
      deleteVersion: db.prepare<[string, string]>('DELETE FROM agreement_versions WHERE package_id = ? AND id = ?'),
      setLock: db.prepare<[string, string]>('INSERT INTO agreement_locks (package_id, data) VALUES (?, ?) ON CONFLICT (package_id) DO UPDATE SET data = excluded.data'),
      insertLockLog: db.prepare<[string, string]>('INSERT INTO agreement_lock_log (package_id, data) VALUES (?, ?)'),
      listLockLog: db.prepare<[string], { data: string }>('SELECT data FROM agreement_lock_log WHERE package_id = ? ORDER BY seq'),
      findDeleted: db.prepare<[string, string], AuditRow>(
        "SELECT * FROM audit WHERE package_id = ? AND line_id = ? AND field = 'deleted' AND snapshot IS NOT NULL ORDER BY id DESC LIMIT 1",
      ),
    };
  }

  async load(docName: string): Promise<StoredDoc> {
    return this.db.transaction(() => {
      const snap = this.stmts.snapshot.get(docName);
      const rows = this.stmts.updates.all(docName);
      const updates = rows.map((r) => bytes(r.data));
      return {
        snapshot: snap ? bytes(snap.data) : null,
        updates,
        lastSeq: rows.at(-1)?.seq ?? snap?.through_seq ?? 0,
        logBytes: updates.reduce((n, u) => n + u.byteLength, 0),
      };
    })();
  }

  private appendTx = (batch: AppendBatch): { lastSeq: number } => {
    if (batch.unlessLocked && this.lockOf(batch.unlessLocked).locked) throw new PackageLockedError(batch.unlessLocked);
    let lastSeq = 0;
    for (const u of batch.updates) {
      lastSeq = Number(this.stmts.insertUpdate.run(batch.docName, Buffer.from(u.buffer, u.byteOffset, u.byteLength)).lastInsertRowid);
    }
    for (const e of batch.audit ?? []) {
      this.stmts.insertAudit.run(e.packageId, e.lineId, e.field, e.year, e.oldValue, e.newValue, e.userId, e.at, e.snapshot ?? null);
    }
    for (const c of batch.conflicts ?? []) this.stmts.insertConflict.run(c.id, c.packageId, JSON.stringify({ ...c, dismissed: null }));
    if (batch.touchPackage) this.stmts.touch.run(batch.touchPackage.at, batch.touchPackage.title ?? null, batch.touchPackage.id);
    if (batch.updates.length === 0) lastSeq = this.stmts.maxSeq.get(batch.docName)?.seq ?? this.stmts.snapshot.get(batch.docName)?.through_seq ?? 0;
    return { lastSeq };
  };

  async append(batch: AppendBatch): Promise<{ lastSeq: number }> {
    return this.db.transaction(this.appendTx)(batch);
  }

  async compact(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.db.transaction(() => {
      this.stmts.upsertSnapshot.run(docName, Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength), throughSeq);
      this.stmts.deleteUpdates.run(docName, throughSeq);
    })();
  }

  async createPackage(r: PackageRecord): Promise<void> {
    this.stmts.insertPackage.run(r.id, r.title, r.createdBy, r.createdAt, r.updatedAt);
  }

  async getPackage(id: string): Promise<PackageRecord | null> {
    const row = this.stmts.getPackage.get(id);
    return row ? packageFromRow(row) : null;
  }

  async listPackages(): Promise<PackageRecord[]> {
    return this.stmts.listPackages.all().map(packageFromRow);
  }

  async listAudit(packageId: string, limit = 1000): Promise<AuditEntry[]> {
    return this.stmts.listAudit.all(packageId, limit).map(auditEntryFromRow);
  }

  async listDeletedLines(packageId: string, limit = 200): Promise<AuditEntry[]> {
    return this.stmts.listDeleted.all(packageId, limit).map(auditEntryFromRow);
  }

  async findDeletedLine(packageId: string, lineId: string): Promise<AuditEntry | null> {
    const row = this.stmts.findDeleted.get(packageId, lineId);
    return row ? auditEntryFromRow(row) : null;
  }

  async listConflicts(packageId: string, opts: { includeDismissed?: boolean; limit?: number } = {}): Promise<ConflictRecord[]> {
    return this.stmts.listConflicts.all(packageId, opts.includeDismissed ? 1 : 0, opts.limit ?? 1000).map(toConflict);
  }

  async dismissConflict(packageId: string, id: string, userId: string | null, at: string): Promise<ConflictRecord | null> {
    return this.db.transaction(() => {
      this.stmts.dismissConflict.run(userId, at, id, packageId);
      const row = this.stmts.getConflict.get(id, packageId);
      return row ? toConflict(row) : null;
    })();
  }

  async listSignoffs(packageId: string): Promise<StoredSignoff[]> {
    return this.stmts.listSignoffs.all(packageId).map((r) => JSON.parse(r.data) as StoredSignoff);
  }

  private lockOf(packageId: string): LockState {
    const row = this.stmts.getLock.get(packageId);
    return row ? (JSON.parse(row.data) as LockState) : { locked: false };
  }

  async putSignoffs(packageId: string, changes: SignoffChange[]): Promise<{ updated: number } | { locked: true }> {
    return this.db.transaction((): { updated: number } | { locked: true } => {
      if (this.lockOf(packageId).locked) return { locked: true };
      for (const c of changes) {
        if (c.state === null) this.stmts.deleteSignoff.run(packageId, c.itemId, c.party);
        else this.stmts.upsertSignoff.run(packageId, c.itemId, c.party, JSON.stringify(signoffOf(c)));
      }
      return { updated: changes.length };
    })();
  }

  private insertVersion(v: VersionRecord): void {
    this.stmts.insertVersion.run(v.packageId, v.id, versionMetaJson(v), v.data, v.seal ?? null);
  }

  async createVersion(version: VersionRecord): Promise<void> {
    this.insertVersion(version);
  }

  async listVersions(packageId: string): Promise<Omit<VersionRecord, 'data'>[]> {
    return this.stmts.listVersions.all(packageId).map((r) => {
      const { data: _data, ...v } = versionFromRow(r);
      return v;
    });
  }

  async getVersion(packageId: string, id: string): Promise<VersionRecord | null> {
    const row = this.stmts.getVersion.get(packageId, id);
    return row ? versionFromRow(row) : null;
  }

  async createProposal(proposal: ProposalRecord): Promise<void> {
    this.stmts.insertProposal.run(proposal.packageId, proposal.id, JSON.stringify(proposal));
  }

  async listProposals(packageId: string): Promise<ProposalRecord[]> {
    return this.stmts.listProposals.all(packageId).map((r) => JSON.parse(r.data) as ProposalRecord);
  }

  async getProposal(packageId: string, id: string): Promise<ProposalRecord | null> {
    const row = this.stmts.getProposal.get(packageId, id);
    return row ? (JSON.parse(row.data) as ProposalRecord) : null;
  }

  async resolveProposal(packageId: string, id: string, resolution: ProposalResolution): Promise<{ proposal: ProposalRecord; changed: boolean } | null> {
    return this.db.transaction(() => {
      const row = this.stmts.getProposal.get(packageId, id);
      if (!row) return null;
      const p = JSON.parse(row.data) as ProposalRecord;
      if (p.state !== 'pending') return { proposal: p, changed: false };
      const next = resolvedProposal(p, resolution);
      this.stmts.updateProposal.run(JSON.stringify(next), packageId, id);
      return { proposal: next, changed: true };
    })();
  }

  async getLock(packageId: string): Promise<LockState> {
    return this.lockOf(packageId);
  }

  async setLock(packageId: string, change: LockChange): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.lockOf(packageId).locked === change.locked) return false;
      const { state, entry } = lockRowsOf(change);
      if (change.locked) this.insertVersion(change.seal);
      else if (change.withdrawSeal) this.stmts.deleteVersion.run(packageId, change.withdrawSeal);
      this.stmts.setLock.run(packageId, JSON.stringify(state));
      this.stmts.insertLockLog.run(packageId, JSON.stringify(entry));
      return true;
    })();
  }

  async appendLockLog(packageId: string, entry: LockLogEntry): Promise<void> {
    this.stmts.insertLockLog.run(packageId, JSON.stringify(entry));
  }

  async listLockLog(packageId: string): Promise<LockLogEntry[]> {
    return this.stmts.listLockLog.all(packageId).map((r) => JSON.parse(r.data) as LockLogEntry);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
