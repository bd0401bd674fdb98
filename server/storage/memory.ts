import type { AppendBatch, AuditEntry, ConflictRecord, DocStorage, PackageRecord, StoredDoc } from './types';

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

  async close(): Promise<void> {
    this.closed = true;
  }
}
