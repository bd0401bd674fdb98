import type { ConflictView, LockLogEntry, LockState, ProposalState } from '../../shared/protocol';
import type { StoredSignoff } from '../../shared/report/agreement';

/**
 * The storage contract of the collaboration server: an append-only log of Yjs
 * updates per document plus a compacted snapshot, a small package registry, the
 * audit trail and the conflicts on amount cells. Every back-end (in-memory, SQLite, later PostgreSQL) passes the same
 * contract suite (test/server/storageContract.ts).
 *
 * Guarantees every back-end must give:
 * - `append` is atomic: either all updates (and audit entries, conflicts) of a batch are stored
 *   or none; once its promise resolves, a crash of the server process loses nothing
 *   of it.
 * - `load` returns the snapshot plus every update appended after the snapshot's
 *   `throughSeq`, in append order; applying them in order reproduces the document.
 * - `compact` atomically replaces the snapshot and removes the updates it covers;
 *   updates appended after `throughSeq` survive it.
 */

/** A package as the registry knows it (the content lives in its document). */
export interface PackageRecord {
  id: string;
  title: string;
  createdBy: string | null;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
}

/**
 * One row of the audit trail: who changed which amount or status, when, from what
 * to what; when the server received a comment or reply; which malformed entry an
 * owner removed.
 */
export interface AuditEntry {
  packageId: string;
  /** The line — or for `comment`/`reply` the comment or reply, for `removed` the entry — the row is about. */
  lineId: string;
  /**
   * `amount` (with `year`), `status`, or `created` / `deleted` for whole lines;
   * `comment` (`newValue`: its target, `kind:id`) and `reply` (`newValue`: its
   * comment's id) when the server received one; `removed` when an owner removed a
   * malformed entry (`oldValue`: where it was and what it held, cut short).
   */
  field: 'amount' | 'status' | 'created' | 'deleted' | 'comment' | 'reply' | 'removed';
  year: string | null;
  oldValue: string | null;
  newValue: string | null;
  /** The user behind the change; null when the server itself made it. */
  userId: string | null;
  /** ISO 8601 timestamp. */
  at: string;
  /**
   * `deleted` entries only: the line as it was (a `LineSnapshot`, shared/doc/deletedLine.ts,
   * as JSON), so it can be restored. `listAudit` leaves it out; `listDeletedLines`
   * and `findDeletedLine` return it.
   */
  snapshot?: string;
}

/**
 * A conflict on an amount cell as stored (docs/schema.md, "Conflicts"): the same
 * shape the API answers with. `dismissed` is null when appended.
 */
export type ConflictRecord = ConflictView;

/** What `load` returns: snapshot (or null) and the tail of the log after it. */
export interface StoredDoc {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** Sequence number of the last stored entry (snapshot or update); 0 for a new doc. */
  lastSeq: number;
  /** Total bytes of `updates` (the uncompacted tail). */
  logBytes: number;
}

/** A batch written in one transaction. */
export interface AppendBatch {
  docName: string;
  updates: Uint8Array[];
  audit?: AuditEntry[];
  /** Conflicts the change caused, stored with it (never without it). */
  conflicts?: ConflictRecord[];
  /** When set, the package's `updatedAt` (and `title` when given) change in the same transaction. */
  touchPackage?: { id: string; at: string; title?: string };
  /**
   * The package whose lock this batch must respect (set for people's writes to a
   * content document): when that package is locked, `append` stores nothing and
   * rejects with `PackageLockedError`. Ordered against `setLock` in storage, so
   * once a lock has committed no such append commits on any instance.
   */
  unlessLocked?: string;
}

/** `append` refused a batch because its package (`unlessLocked`) is locked. */
export class PackageLockedError extends Error {
  constructor(readonly packageId: string) {
    super(`package ${packageId} is locked`);
    this.name = 'PackageLockedError';
  }
}

export interface DocStorage {
  /** Reads a document's snapshot and log tail. A doc never written loads as empty. */
  load(docName: string): Promise<StoredDoc>;
  /** Appends a batch atomically; resolves with the sequence number of its last update. */
  append(batch: AppendBatch): Promise<{ lastSeq: number }>;
  /**
   * Replaces the snapshot with `snapshot` (which must contain every update with
   * seq ≤ `throughSeq`) and deletes those updates, atomically. A call whose
   * `throughSeq` is below the stored snapshot's changes nothing (a slower, older
   * compaction must not overwrite a newer one).
   */
  compact(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;

  /** Registers a new package; fails when the id exists. */
  createPackage(record: PackageRecord): Promise<void>;
  getPackage(id: string): Promise<PackageRecord | null>;
  /** All packages, most recently updated first. */
  listPackages(): Promise<PackageRecord[]>;

  /** The audit trail of a package, oldest first (at most `limit` newest entries), without snapshots. */
  listAudit(packageId: string, limit?: number): Promise<AuditEntry[]>;
  /** The `deleted` entries of a package that carry a snapshot, newest first (at most `limit`), with their snapshots. */
  listDeletedLines(packageId: string, limit?: number): Promise<AuditEntry[]>;
  /** The newest `deleted` entry of a line that carries a snapshot, or null. */
  findDeletedLine(packageId: string, lineId: string): Promise<AuditEntry | null>;

  /**
   * The conflicts of a package, oldest first (at most `limit` newest): the
   * unresolved ones, or all with `includeDismissed`.
   */
  listConflicts(packageId: string, opts?: { includeDismissed?: boolean; limit?: number }): Promise<ConflictRecord[]>;
  /**
   * Marks a conflict of the package dismissed by `userId` at `at` (ISO) and returns
   * it; a conflict dismissed before keeps its first dismissal. Null when the package
   * has no conflict with that id.
   */
  dismissConflict(packageId: string, id: string, userId: string | null, at: string): Promise<ConflictRecord | null>;

  // ─── Agreement (issue 13): kept next to the audit, never in a Yjs document ───

  /** Every sign-off of a package (one per item and party). */
  listSignoffs(packageId: string): Promise<StoredSignoff[]>;
  /**
   * Writes sign-offs atomically: each change sets the (item, party) row, or removes
   * it when `state` is null. Nothing is written, and `{ locked: true }` returned,
   * when the package is locked at that moment (checked in the same transaction).
   */
  putSignoffs(packageId: string, changes: SignoffChange[]): Promise<{ updated: number } | { locked: true }>;

  /** Stores a new version (round) of a package. */
  createVersion(version: VersionRecord): Promise<void>;
  /** A package's versions, newest first, without their data. */
  listVersions(packageId: string): Promise<Omit<VersionRecord, 'data'>[]>;
  getVersion(packageId: string, id: string): Promise<VersionRecord | null>;

  createProposal(proposal: ProposalRecord): Promise<void>;
  /** A package's proposals, oldest first. */
  listProposals(packageId: string): Promise<ProposalRecord[]>;
  getProposal(packageId: string, id: string): Promise<ProposalRecord | null>;
  /**
   * Moves a pending proposal to `resolution.state` and returns it; a proposal that is
   * not pending (anymore) is returned unchanged with `changed: false`; null when unknown.
   */
  resolveProposal(packageId: string, id: string, resolution: ProposalResolution): Promise<{ proposal: ProposalRecord; changed: boolean } | null>;

  /** The package's lock state (`{ locked: false }` when never locked). */
  getLock(packageId: string): Promise<LockState>;
  /**
   * Locks (storing `seal` — the sealed version — in the same transaction) or
   * unlocks, and appends the lock log entry. Returns false, changing nothing, when the
   * package already is in that state.
   */
  setLock(packageId: string, change: LockChange): Promise<boolean>;
  /** Appends an entry to the lock log without changing the lock (e.g. an owner changed the parties). */
  appendLockLog(packageId: string, entry: LockLogEntry): Promise<void>;
  /** The lock log, oldest first. */
  listLockLog(packageId: string): Promise<LockLogEntry[]>;

  /** Releases the back-end; further calls fail. */
  close(): Promise<void>;
}

/** One change of `putSignoffs`: `state` null removes the party's sign-off on the item. */
export type SignoffChange = Omit<StoredSignoff, 'state'> & { state: StoredSignoff['state'] | null };

/**
 * A stored round: the package as the JSON package file (`writePackageJson`, the full
 * content with rich texts — not a Yjs snapshot, so it survives compaction and
 * garbage collection) and, for the round a lock saved, the seal (a `SealRecord` as JSON).
 */
export interface VersionRecord {
  packageId: string;
  id: string;
  name: string;
  createdAt: string;
  createdBy: string | null;
  createdByName?: string;
  /** The package file text. */
  data: string;
  /** `SealRecord` JSON when sealed. */
  seal?: string;
}

/** A counter-offer as stored; `outdated` is derived on read, never stored. */
export interface ProposalRecord {
  packageId: string;
  id: string;
  lineId: string;
  year: string;
  amount: string;
  against: string | null;
  note?: string;
  party: string | null;
  by: string;
  byName?: string;
  at: string;
  state: ProposalState;
  resolvedBy?: string;
  resolvedByName?: string;
  resolvedAt?: string;
  resolveNote?: string;
}

export interface ProposalResolution {
  state: Exclude<ProposalState, 'pending'>;
  by: string;
  byName?: string;
  at: string;
  note?: string;
}

/**
 * `setLock`'s change: lock with its sealed version, or unlock with a reason. An
 * unlock may withdraw the seal it undoes (`withdrawSeal`, the sealed version's id):
 * that version is deleted in the same transaction — a lock undone at once because
 * the package moved while it was being sealed leaves no sealed round behind.
 */
export type LockChange =
  | { locked: true; by: string; byName?: string; at: string; override?: string; seal: VersionRecord }
  | { locked: false; by: string; byName?: string; at: string; reason: string; withdrawSeal?: string };
