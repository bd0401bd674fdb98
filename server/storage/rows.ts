import type { LockLogEntry, LockState } from '../../shared/protocol';
import type { StoredSignoff } from '../../shared/report/agreement';
import type { AuditEntry, LockChange, PackageRecord, ProposalRecord, ProposalResolution, SignoffChange, VersionRecord } from './types';

/** A `packages` row as every SQL back-end stores it. */
export interface PackageRow {
  id: string;
  title: string;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** An `audit` row as every SQL back-end stores it. */
export interface AuditRow {
  package_id: string;
  line_id: string;
  field: AuditEntry['field'];
  year: string | null;
  old_value: string | null;
  new_value: string | null;
  user_id: string | null;
  at: string;
  /** JSON snapshot of a deleted line (only on `deleted` rows; absent when not selected). */
  snapshot?: string | null;
}

/** A `packages` row as the registry record the rest of the server sees. */
export function packageFromRow(r: PackageRow): PackageRecord {
  return { id: r.id, title: r.title, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at };
}

/** An `audit` row as the audit entry the API returns. */
export function auditEntryFromRow(r: AuditRow): AuditEntry {
  const e: AuditEntry = { packageId: r.package_id, lineId: r.line_id, field: r.field, year: r.year, oldValue: r.old_value, newValue: r.new_value, userId: r.user_id, at: r.at };
  if (typeof r.snapshot === 'string') e.snapshot = r.snapshot;
  return e;
}

/** The metadata of a version row (`meta` column): everything but the package text. */
export function versionMetaJson(v: VersionRecord): string {
  const { data: _data, seal: _seal, packageId: _p, id: _id, ...meta } = v;
  return JSON.stringify(meta);
}

/** A version row (`meta` JSON, optional `data` and `seal`) as the record. */
export function versionFromRow(r: { package_id: string; id: string; meta: string; seal: string | null; data?: string }): VersionRecord {
  const meta = JSON.parse(r.meta) as Omit<VersionRecord, 'packageId' | 'id' | 'data' | 'seal'>;
  return { ...meta, packageId: r.package_id, id: r.id, data: r.data ?? '', ...(r.seal ? { seal: r.seal } : {}) };
}

/** The lock state a lock change leaves, and its log entry. */
export function lockRowsOf(change: LockChange): { state: LockState; entry: LockLogEntry } {
  if (change.locked) {
    return {
      state: { locked: true, lockedBy: change.by, ...(change.byName ? { lockedByName: change.byName } : {}), lockedAt: change.at, ...(change.override ? { override: change.override } : {}), versionId: change.seal.id },
      entry: { action: 'lock', by: change.by, ...(change.byName ? { byName: change.byName } : {}), at: change.at, ...(change.override ? { reason: change.override } : {}), versionId: change.seal.id },
    };
  }
  return { state: { locked: false }, entry: { action: 'unlock', by: change.by, ...(change.byName ? { byName: change.byName } : {}), at: change.at, reason: change.reason } };
}

/** A pending proposal after `resolution`. */
export function resolvedProposal(p: ProposalRecord, resolution: ProposalResolution): ProposalRecord {
  return {
    ...p,
    state: resolution.state,
    resolvedBy: resolution.by,
    ...(resolution.byName ? { resolvedByName: resolution.byName } : {}),
    resolvedAt: resolution.at,
    ...(resolution.note ? { resolveNote: resolution.note } : {}),
  };
}

/** A sign-off change as the stored sign-off (state non-null). */
export function signoffOf(c: SignoffChange): StoredSignoff {
  const { state, ...rest } = c;
  return { ...rest, state: state! };
}
