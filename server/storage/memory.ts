import type { LockLogEntry, LockState } from '../../shared/protocol';
import type { StoredSignoff } from '../../shared/report/agreement';
import { lockRowsOf, resolvedProposal, signoffOf } from './rows';
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

interface MemDoc {
  snapshot: Uint8Array | null;
  snapshotSeq: number;
  updates: Array<{ seq: number; data: Uint8Array }>;
}

/**
 * In-memory `DocStorage` for tests and throw-away runs. Same contract as the
 * durable back-ends (it passes the contract suite) except durability: everything
 * is gone when the process ends. Byte arrays are copied in and out so callers can
 * never mutate stored state by accident.
 */
export class MemoryStorage implements DocStorage {
  private docs = new Map<string, MemDoc>();
  private packages = new Map<string, PackageRecord>();
  private audit: AuditEntry[] = [];
  private conflicts: ConflictRecord[] = [];
  private seq = 0;
  private closed = false;
  /** packageId → `${itemId}\u0000${party}` → sign-off. */
  private signoffs = new Map<string, Map<string, StoredSignoff>>();
  private versions: VersionRecord[] = [];
  private proposals: ProposalRecord[] = [];
  private locks = new Map<string, LockState>();
  private lockLog: Array<{ packageId: string; entry: LockLogEntry }> = [];

  private check(): void {
    if (this.closed) throw new Error('storage is closed');
  }

  private doc(name: string): MemDoc {
    let d = this.docs.get(name);
    if (!d) {
      d = { snapshot: null, snapshotSeq: 0, updates: [] };
      this.docs.set(name, d);
    }
    return d;
  }

  async load(docName: string): Promise<StoredDoc> {
    this.check();
    const d = this.docs.get(docName);
    if (!d) return { snapshot: null, updates: [], lastSeq: 0, logBytes: 0 };
    const updates = d.updates.map((u) => u.data.slice());
    return {
      snapshot: d.snapshot ? d.snapshot.slice() : null,
      updates,
      lastSeq: d.updates.at(-1)?.seq ?? d.snapshotSeq,
      logBytes: updates.reduce((n, u) => n + u.byteLength, 0),
    };
  }

  async append(batch: AppendBatch): Promise<{ lastSeq: number }> {
    this.check();
    if (batch.unlessLocked && this.locks.get(batch.unlessLocked)?.locked) throw new PackageLockedError(batch.unlessLocked);
    const d = this.doc(batch.docName);
    for (const u of batch.updates) d.updates.push({ seq: ++this.seq, data: u.slice() });
    if (batch.audit) this.audit.push(...batch.audit.map((e) => ({ ...e })));
    if (batch.conflicts) this.conflicts.push(...batch.conflicts.map((c) => structuredClone(c)));
    const t = batch.touchPackage;
    if (t) {
      const p = this.packages.get(t.id);
      if (p) this.packages.set(t.id, { ...p, updatedAt: t.at, title: t.title ?? p.title });
    }
    return { lastSeq: d.updates.at(-1)?.seq ?? d.snapshotSeq };
  }

  async compact(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.check();
    const d = this.doc(docName);
    // A compaction that started earlier than the stored snapshot's must not replace it.
    if (throughSeq < d.snapshotSeq) return;
    d.snapshot = snapshot.slice();
    d.snapshotSeq = throughSeq;
    d.updates = d.updates.filter((u) => u.seq > throughSeq);
  }

  async createPackage(record: PackageRecord): Promise<void> {
    this.check();
    if (this.packages.has(record.id)) throw new Error(`package ${record.id} exists`);
    this.packages.set(record.id, { ...record });
  }

  async getPackage(id: string): Promise<PackageRecord | null> {
    this.check();
    const p = this.packages.get(id);
    return p ? { ...p } : null;
  }

  async listPackages(): Promise<PackageRecord[]> {
    this.check();
    return [...this.packages.values()]
      .map((p) => ({ ...p }))
      .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a.id < b.id ? -1 : 1));
  }

  async listAudit(packageId: string, limit = 1000): Promise<AuditEntry[]> {
    this.check();
    const all = this.audit.filter((e) => e.packageId === packageId);
    return all.slice(Math.max(0, all.length - limit)).map(({ snapshot: _snapshot, ...e }) => e);
  }

  async listDeletedLines(packageId: string, limit = 200): Promise<AuditEntry[]> {
    this.check();
    return this.audit
      .filter((e) => e.packageId === packageId && e.field === 'deleted' && e.snapshot !== undefined)
      .reverse()
      .slice(0, limit)
      .map((e) => ({ ...e }));
  }

  async findDeletedLine(packageId: string, lineId: string): Promise<AuditEntry | null> {
    this.check();
    const found = this.audit.findLast((e) => e.packageId === packageId && e.lineId === lineId && e.field === 'deleted' && e.snapshot !== undefined);
    return found ? { ...found } : null;
  }

  async listConflicts(packageId: string, opts: { includeDismissed?: boolean; limit?: number } = {}): Promise<ConflictRecord[]> {
    this.check();
    const all = this.conflicts.filter((c) => c.packageId === packageId && (opts.includeDismissed || c.dismissed === null));
    return all.slice(Math.max(0, all.length - (opts.limit ?? 1000))).map((c) => structuredClone(c));
  }

  async dismissConflict(packageId: string, id: string, userId: string | null, at: string): Promise<ConflictRecord | null> {
    this.check();
    const c = this.conflicts.find((x) => x.packageId === packageId && x.id === id);
    if (!c) return null;
    c.dismissed ??= { userId, at };
    return structuredClone(c);
  }

  async listSignoffs(packageId: string): Promise<StoredSignoff[]> {
    this.check();
    return [...(this.signoffs.get(packageId)?.values() ?? [])].map((x) => ({ ...x }));
  }

  async putSignoffs(packageId: string, changes: SignoffChange[]): Promise<{ updated: number } | { locked: true }> {
    this.check();
    if (this.locks.get(packageId)?.locked) return { locked: true };
    let map = this.signoffs.get(packageId);
    if (!map) this.signoffs.set(packageId, (map = new Map()));
    for (const c of changes) {
      const key = `${c.itemId}\u0000${c.party}`;
      if (c.state === null) map.delete(key);
      else map.set(key, signoffOf(c));
    }
    return { updated: changes.length };
  }

  async createVersion(version: VersionRecord): Promise<void> {
    this.check();
    if (this.versions.some((v) => v.packageId === version.packageId && v.id === version.id)) throw new Error(`version ${version.id} exists`);
    this.versions.push({ ...version });
  }

  async listVersions(packageId: string): Promise<Omit<VersionRecord, 'data'>[]> {
    this.check();
    return this.versions
      .filter((v) => v.packageId === packageId)
      .reverse()
      .map(({ data: _data, ...v }) => ({ ...v }));
  }

  async getVersion(packageId: string, id: string): Promise<VersionRecord | null> {
    this.check();
    const v = this.versions.find((x) => x.packageId === packageId && x.id === id);
    return v ? { ...v } : null;
  }

  async createProposal(proposal: ProposalRecord): Promise<void> {
    this.check();
    this.proposals.push({ ...proposal });
  }

  async listProposals(packageId: string): Promise<ProposalRecord[]> {
    this.check();
    return this.proposals.filter((p) => p.packageId === packageId).map((p) => ({ ...p }));
  }

  async getProposal(packageId: string, id: string): Promise<ProposalRecord | null> {
    this.check();
    const p = this.proposals.find((x) => x.packageId === packageId && x.id === id);
    return p ? { ...p } : null;
  }

  async resolveProposal(packageId: string, id: string, resolution: ProposalResolution): Promise<{ proposal: ProposalRecord; changed: boolean } | null> {
    this.check();
    const i = this.proposals.findIndex((x) => x.packageId === packageId && x.id === id);
    if (i < 0) return null;
    const p = this.proposals[i]!;
    if (p.state !== 'pending') return { proposal: { ...p }, changed: false };
    this.proposals[i] = resolvedProposal(p, resolution);
    return { proposal: { ...this.proposals[i] }, changed: true };
  }

  async getLock(packageId: string): Promise<LockState> {
    this.check();
    return { ...(this.locks.get(packageId) ?? { locked: false }) };
  }

  async setLock(packageId: string, change: LockChange): Promise<boolean> {
    this.check();
    if ((this.locks.get(packageId)?.locked ?? false) === change.locked) return false;
    const { state, entry } = lockRowsOf(change);
    if (change.locked) await this.createVersion(change.seal);
    else if (change.withdrawSeal) this.versions = this.versions.filter((v) => !(v.packageId === packageId && v.id === change.withdrawSeal));
    this.locks.set(packageId, state);
    this.lockLog.push({ packageId, entry });
    return true;
  }

  async appendLockLog(packageId: string, entry: LockLogEntry): Promise<void> {
    this.check();
    this.lockLog.push({ packageId, entry: { ...entry } });
  }

  async listLockLog(packageId: string): Promise<LockLogEntry[]> {
    this.check();
    return this.lockLog.filter((e) => e.packageId === packageId).map((e) => ({ ...e.entry }));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
