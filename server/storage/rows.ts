import type { AuditEntry, PackageRecord } from './types';

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
