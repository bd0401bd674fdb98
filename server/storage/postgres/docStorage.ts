import type pg from 'pg';
import type { LockLogEntry, LockState } from '../../../shared/protocol';
import type { StoredSignoff } from '../../../shared/report/agreement';
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
} from '../types';
import { PackageLockedError } from '../types';
import { inTransaction } from './pool';
import { auditEntryFromRow, lockRowsOf, packageFromRow, resolvedProposal, signoffOf, versionFromRow, versionMetaJson, type AuditRow, type PackageRow } from '../rows';

/** Key of the transaction advisory lock that orders sign-off writes (shared) against lock changes (exclusive) of one package. */
const LOCK_KEY_SQL = "hashtextextended('agreement-lock:' || $1, 0)";

interface ConflictRow {
  data: ConflictRecord;
  dismissed_by: string | null;
  dismissed_at: string | null;
}

function toConflict(r: ConflictRow): ConflictRecord {
  return { ...r.data, dismissed: r.dismissed_at === null ? null : { userId: r.dismissed_by, at: r.dismissed_at } };
}


function toBytes(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/**
 * The PostgreSQL back-end of `DocStorage` (selected by `DATABASE_URL`), shared by
 * every server instance of a scaled-out installation.
 *
 * Guarantees beyond the contract: one document's appends are serialised across
 * instances by a row lock on its `doc_heads` row, which hands out the sequence
 * numbers inside the appending transaction — so sequence numbers commit in order
 * and a compaction through `throughSeq` can never delete an update it did not
 * include (an update committed later always has a higher number). `load` reads the
 * snapshot, the log and the head in one REPEATABLE READ transaction, so it never
 * sees a half-applied compaction. Compactions of one document take a transaction
 * advisory lock, so two instances never swap snapshots at the same time.
 */
export class PostgresStorage implements DocStorage {
  constructor(readonly pool: pg.Pool) {}

  async load(docName: string): Promise<StoredDoc> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snap = await client.query<{ data: Buffer; through_seq: string }>('SELECT data, through_seq FROM doc_snapshots WHERE doc = $1', [docName]);
      const rows = await client.query<{ data: Buffer }>('SELECT data FROM doc_updates WHERE doc = $1 ORDER BY seq', [docName]);
      const head = await client.query<{ last_seq: string }>('SELECT last_seq FROM doc_heads WHERE doc = $1', [docName]);
      await client.query('COMMIT');
      const updates = rows.rows.map((r) => toBytes(r.data));
      const snapRow = snap.rows[0];
      return {
        snapshot: snapRow ? toBytes(snapRow.data) : null,
        updates,
        lastSeq: Number(head.rows[0]?.last_seq ?? snapRow?.through_seq ?? 0),
        logBytes: updates.reduce((n, u) => n + u.byteLength, 0),
      };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async append(batch: AppendBatch): Promise<{ lastSeq: number }> {
    return inTransaction(this.pool, async (c) => {
      if (batch.unlessLocked) {
        // Shared against setLock's exclusive lock: an append either commits before a lock or sees it.
        await c.query(`SELECT pg_advisory_xact_lock_shared(${LOCK_KEY_SQL})`, [batch.unlessLocked]);
        const lock = await c.query<{ data: LockState }>('SELECT data FROM agreement_locks WHERE package_id = $1', [batch.unlessLocked]);
        if (lock.rows[0]?.data.locked) throw new PackageLockedError(batch.unlessLocked);
      }
      let lastSeq: number;
      const n = batch.updates.length;
      if (n > 0) {
        const head = await c.query<{ last_seq: string }>(
          `INSERT INTO doc_heads (doc, last_seq) VALUES ($1, $2)
           ON CONFLICT (doc) DO UPDATE SET last_seq = doc_heads.last_seq + EXCLUDED.last_seq
           RETURNING last_seq`,
          [batch.docName, n],
        );
        lastSeq = Number(head.rows[0]!.last_seq);
        const first = lastSeq - n + 1;
        await c.query('INSERT INTO doc_updates (doc, seq, data) SELECT $1, s, d FROM unnest($2::bigint[], $3::bytea[]) AS t(s, d)', [
          batch.docName,
          batch.updates.map((_, i) => first + i),
          batch.updates.map(toBuffer),
        ]);
      } else {
        const head = await c.query<{ last_seq: string }>('SELECT last_seq FROM doc_heads WHERE doc = $1', [batch.docName]);
        lastSeq = Number(head.rows[0]?.last_seq ?? 0);
      }
      const audit = batch.audit ?? [];
      if (audit.length > 0) {
        await c.query(
          `INSERT INTO audit (package_id, line_id, field, year, old_value, new_value, user_id, at, snapshot)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
          [
            audit.map((e) => e.packageId),
            audit.map((e) => e.lineId),
            audit.map((e) => e.field),
            audit.map((e) => e.year),
            audit.map((e) => e.oldValue),
            audit.map((e) => e.newValue),
            audit.map((e) => e.userId),
            audit.map((e) => e.at),
            audit.map((e) => e.snapshot ?? null),
          ],
        );
      }
      for (const conflict of batch.conflicts ?? []) {
        await c.query('INSERT INTO conflicts (id, package_id, data) VALUES ($1, $2, $3)', [conflict.id, conflict.packageId, JSON.stringify({ ...conflict, dismissed: null })]);
      }
      if (batch.touchPackage) {
        await c.query('UPDATE packages SET updated_at = $1, title = COALESCE($2, title) WHERE id = $3', [
          batch.touchPackage.at,
          batch.touchPackage.title ?? null,
          batch.touchPackage.id,
        ]);
      }
      return { lastSeq };
    });
  }

  async compact(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtextextended('compact:' || $1, 0))", [docName]);
      await c.query(
        `INSERT INTO doc_snapshots (doc, data, through_seq) VALUES ($1, $2, $3)
         ON CONFLICT (doc) DO UPDATE SET data = EXCLUDED.data, through_seq = EXCLUDED.through_seq
         WHERE EXCLUDED.through_seq >= doc_snapshots.through_seq`,
        [docName, toBuffer(snapshot), throughSeq],
      );
      await c.query('DELETE FROM doc_updates WHERE doc = $1 AND seq <= $2', [docName, throughSeq]);
    });
  }

  async createPackage(r: PackageRecord): Promise<void> {
    await this.pool.query('INSERT INTO packages (id, title, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)', [
      r.id,
      r.title,
      r.createdBy,
      r.createdAt,
      r.updatedAt,
    ]);
  }

  async getPackage(id: string): Promise<PackageRecord | null> {
    const r = await this.pool.query<PackageRow>('SELECT * FROM packages WHERE id = $1', [id]);
    return r.rows[0] ? packageFromRow(r.rows[0]) : null;
  }

  async listPackages(): Promise<PackageRecord[]> {
    return (await this.pool.query<PackageRow>('SELECT * FROM packages ORDER BY updated_at DESC, id')).rows.map(packageFromRow);
  }

  async listAudit(packageId: string, limit = 1000): Promise<AuditEntry[]> {
    const r = await this.pool.query<AuditRow>(
      'SELECT package_id, line_id, field, year, old_value, new_value, user_id, at FROM (SELECT * FROM audit WHERE package_id = $1 ORDER BY id DESC LIMIT $2) t ORDER BY id',
      [packageId, limit],
    );
    return r.rows.map(auditEntryFromRow);
  }

  async listDeletedLines(packageId: string, limit = 200): Promise<AuditEntry[]> {
    const r = await this.pool.query<AuditRow>(
      "SELECT * FROM audit WHERE package_id = $1 AND field = 'deleted' AND snapshot IS NOT NULL ORDER BY id DESC LIMIT $2",
      [packageId, limit],
    );
    return r.rows.map(auditEntryFromRow);
  }

  async findDeletedLine(packageId: string, lineId: string): Promise<AuditEntry | null> {
    const r = await this.pool.query<AuditRow>(
      "SELECT * FROM audit WHERE package_id = $1 AND line_id = $2 AND field = 'deleted' AND snapshot IS NOT NULL ORDER BY id DESC LIMIT 1",
      [packageId, lineId],
    );
    return r.rows[0] ? auditEntryFromRow(r.rows[0]) : null;
  }

  async listConflicts(packageId: string, opts: { includeDismissed?: boolean; limit?: number } = {}): Promise<ConflictRecord[]> {
    const r = await this.pool.query<ConflictRow>(
      'SELECT * FROM (SELECT * FROM conflicts WHERE package_id = $1 AND ($2 OR dismissed_at IS NULL) ORDER BY seq DESC LIMIT $3) t ORDER BY seq',
      [packageId, opts.includeDismissed === true, opts.limit ?? 1000],
    );
    return r.rows.map(toConflict);
  }

  async dismissConflict(packageId: string, id: string, userId: string | null, at: string): Promise<ConflictRecord | null> {
    await this.pool.query('UPDATE conflicts SET dismissed_by = $1, dismissed_at = $2 WHERE id = $3 AND package_id = $4 AND dismissed_at IS NULL', [userId, at, id, packageId]);
    const r = await this.pool.query<ConflictRow>('SELECT * FROM conflicts WHERE id = $1 AND package_id = $2', [id, packageId]);
    return r.rows[0] ? toConflict(r.rows[0]) : null;
  }

  async listSignoffs(packageId: string): Promise<StoredSignoff[]> {
    const r = await this.pool.query<{ data: StoredSignoff }>('SELECT data FROM agreement_signoffs WHERE package_id = $1', [packageId]);
    return r.rows.map((x) => x.data);
  }

  async putSignoffs(packageId: string, changes: SignoffChange[]): Promise<{ updated: number } | { locked: true }> {
    return inTransaction(this.pool, async (c): Promise<{ updated: number } | { locked: true }> => {
      await c.query(`SELECT pg_advisory_xact_lock_shared(${LOCK_KEY_SQL})`, [packageId]);
      const lock = await c.query<{ data: LockState }>('SELECT data FROM agreement_locks WHERE package_id = $1', [packageId]);
      if (lock.rows[0]?.data.locked) return { locked: true };
      const removed = changes.filter((x) => x.state === null);
      const set = changes.filter((x) => x.state !== null);
      if (removed.length > 0) {
        await c.query('DELETE FROM agreement_signoffs s USING unnest($2::text[], $3::text[]) AS t(i, p) WHERE s.package_id = $1 AND s.item_id = t.i AND s.party = t.p', [
          packageId,
          removed.map((x) => x.itemId),
          removed.map((x) => x.party),
        ]);
      }
      if (set.length > 0) {
        await c.query(
          `INSERT INTO agreement_signoffs (package_id, item_id, party, data) SELECT $1, i, p, d::jsonb FROM unnest($2::text[], $3::text[], $4::text[]) AS t(i, p, d)
           ON CONFLICT (package_id, item_id, party) DO UPDATE SET data = EXCLUDED.data`,
          [packageId, set.map((x) => x.itemId), set.map((x) => x.party), set.map((x) => JSON.stringify(signoffOf(x)))],
        );
      }
      return { updated: changes.length };
    });
  }

  async createVersion(version: VersionRecord): Promise<void> {
    await this.pool.query('INSERT INTO agreement_versions (package_id, id, meta, data, seal) VALUES ($1, $2, $3, $4, $5)', [
      version.packageId,
      version.id,
      versionMetaJson(version),
      version.data,
      version.seal ?? null,
    ]);
  }

  async listVersions(packageId: string): Promise<Omit<VersionRecord, 'data'>[]> {
    const r = await this.pool.query<{ package_id: string; id: string; meta: string; seal: string | null }>(
      'SELECT package_id, id, meta, seal FROM agreement_versions WHERE package_id = $1 ORDER BY seq DESC',
      [packageId],
    );
    return r.rows.map((row) => {
      const { data: _data, ...v } = versionFromRow(row);
      return v;
    });
  }

  async getVersion(packageId: string, id: string): Promise<VersionRecord | null> {
    const r = await this.pool.query<{ package_id: string; id: string; meta: string; seal: string | null; data: string }>(
      'SELECT package_id, id, meta, seal, data FROM agreement_versions WHERE package_id = $1 AND id = $2',
      [packageId, id],
    );
    return r.rows[0] ? versionFromRow(r.rows[0]) : null;
  }

  async createProposal(proposal: ProposalRecord): Promise<void> {
    await this.pool.query('INSERT INTO agreement_proposals (package_id, id, data) VALUES ($1, $2, $3)', [proposal.packageId, proposal.id, JSON.stringify(proposal)]);
  }

  async listProposals(packageId: string): Promise<ProposalRecord[]> {
    const r = await this.pool.query<{ data: ProposalRecord }>('SELECT data FROM agreement_proposals WHERE package_id = $1 ORDER BY seq', [packageId]);
    return r.rows.map((x) => x.data);
  }

  async getProposal(packageId: string, id: string): Promise<ProposalRecord | null> {
    const r = await this.pool.query<{ data: ProposalRecord }>('SELECT data FROM agreement_proposals WHERE package_id = $1 AND id = $2', [packageId, id]);
    return r.rows[0]?.data ?? null;
  }

  async resolveProposal(packageId: string, id: string, resolution: ProposalResolution): Promise<{ proposal: ProposalRecord; changed: boolean } | null> {
    return inTransaction(this.pool, async (c) => {
      const r = await c.query<{ data: ProposalRecord }>('SELECT data FROM agreement_proposals WHERE package_id = $1 AND id = $2 FOR UPDATE', [packageId, id]);
      const p = r.rows[0]?.data;
      if (!p) return null;
      if (p.state !== 'pending') return { proposal: p, changed: false };
      const next = resolvedProposal(p, resolution);
      await c.query('UPDATE agreement_proposals SET data = $1 WHERE package_id = $2 AND id = $3', [JSON.stringify(next), packageId, id]);
      return { proposal: next, changed: true };
    });
  }

  async getLock(packageId: string): Promise<LockState> {
    const r = await this.pool.query<{ data: LockState }>('SELECT data FROM agreement_locks WHERE package_id = $1', [packageId]);
    return r.rows[0]?.data ?? { locked: false };
  }

  async setLock(packageId: string, change: LockChange): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      await c.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY_SQL})`, [packageId]);
      const cur = await c.query<{ data: LockState }>('SELECT data FROM agreement_locks WHERE package_id = $1', [packageId]);
      if ((cur.rows[0]?.data.locked ?? false) === change.locked) return false;
      const { state, entry } = lockRowsOf(change);
      if (change.locked) {
        const v = change.seal;
        await c.query('INSERT INTO agreement_versions (package_id, id, meta, data, seal) VALUES ($1, $2, $3, $4, $5)', [v.packageId, v.id, versionMetaJson(v), v.data, v.seal ?? null]);
      } else if (change.withdrawSeal) {
        await c.query('DELETE FROM agreement_versions WHERE package_id = $1 AND id = $2', [packageId, change.withdrawSeal]);
      }
      await c.query('INSERT INTO agreement_locks (package_id, data) VALUES ($1, $2) ON CONFLICT (package_id) DO UPDATE SET data = EXCLUDED.data', [packageId, JSON.stringify(state)]);
      await c.query('INSERT INTO agreement_lock_log (package_id, data) VALUES ($1, $2)', [packageId, JSON.stringify(entry)]);
      return true;
    });
  }

  async appendLockLog(packageId: string, entry: LockLogEntry): Promise<void> {
    await this.pool.query('INSERT INTO agreement_lock_log (package_id, data) VALUES ($1, $2)', [packageId, JSON.stringify(entry)]);
  }

  async listLockLog(packageId: string): Promise<LockLogEntry[]> {
    const r = await this.pool.query<{ data: LockLogEntry }>('SELECT data FROM agreement_lock_log WHERE package_id = $1 ORDER BY seq', [packageId]);
    return r.rows.map((x) => x.data);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
