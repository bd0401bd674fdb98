/**
 * Plain snapshots of the package doc for rendering. The doc is read through
 * the shared/doc helpers after each transaction (batched to one read per
 * task, and only the parts a transaction touched), so React never holds Y
 * types in state.
 */
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import {
  entriesOf,
  entryOf,
  getLinesMap,
  getSectionsMap,
  getVerbalMap,
  observeLineChanges,
  orderOf,
  readLineFromMap,
  readMetaFromDoc,
  readSectionsFromDoc,
  readVerbalFromDoc,
  type LineChanges,
  type PackageMeta,
} from '../../shared/doc/schema';
import { readBaselinesFromDoc, type LedgerBaselines } from '../../shared/doc/baseline';
import type { PackageLine, PackageSection, VerbalInstruction } from '../../shared/types';

export interface PackageSnapshot {
  meta: PackageMeta;
  sections: PackageSection[];
  lines: PackageLine[];
  verbal: VerbalInstruction[];
  /** The baselines per ledger (drift frames per service area, investment frames per area). */
  baseline: LedgerBaselines;
  /** Increases with every transaction seen. */
  version: number;
}

/**
 * Keeps plain copies of the doc's parts and refreshes only what a transaction
 * touched: the changed lines (by id, via observeLineChanges), sections, verbal
 * instructions or meta. A keystroke in one rationale re-reads one line, not
 * the whole package.
 */
export class SnapshotReader {
  private lines = new Map<string, PackageLine>();
  private orders = new Map<string, number>();
  private snap: PackageSnapshot;
  private dirty = { lines: false, sections: false, verbal: false, meta: false };

  constructor(private readonly doc: Y.Doc) {
    for (const [id, m] of entriesOf(getLinesMap(doc))) this.readLine(id, m);
    this.snap = {
      meta: readMetaFromDoc(doc),
      sections: readSectionsFromDoc(doc),
      lines: this.sortedLines(),
      verbal: readVerbalFromDoc(doc),
      baseline: readBaselinesFromDoc(doc),
      version: 0,
    };
  }

  private readLine(id: string, m: Y.Map<unknown>): void {
    this.lines.set(id, readLineFromMap(id, m));
    this.orders.set(id, orderOf(m));
  }

  private sortedLines(): PackageLine[] {
    // Same order as readLinesFromDoc: by `order`, then id.
    return [...this.lines.values()].sort((a, b) => (this.orders.get(a.id) ?? 0) - (this.orders.get(b.id) ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  onLineChanges(changes: LineChanges): void {
    if (changes.metaChanged) this.dirty.meta = true;
    const map = getLinesMap(this.doc);
    for (const id of changes.deleted) {
      this.lines.delete(id);
      this.orders.delete(id);
    }
    for (const id of changes.changed) {
      const m = entryOf(map, id);
      if (m) this.readLine(id, m);
      else {
        this.lines.delete(id);
        this.orders.delete(id);
      }
    }
    if (changes.changed.size || changes.deleted.size) this.dirty.lines = true;
  }

  markSections(): void {
    this.dirty.sections = true;
  }
  markVerbal(): void {
    this.dirty.verbal = true;
  }

  /** A new snapshot object if anything changed (unchanged parts keep their identity). */
  take(version: number): PackageSnapshot {
    const d = this.dirty;
    if (!d.lines && !d.sections && !d.verbal && !d.meta) return this.snap;
    this.snap = {
      meta: d.meta ? readMetaFromDoc(this.doc) : this.snap.meta,
      sections: d.sections ? readSectionsFromDoc(this.doc) : this.snap.sections,
      lines: d.lines ? this.sortedLines() : this.snap.lines,
      verbal: d.verbal ? readVerbalFromDoc(this.doc) : this.snap.verbal,
      baseline: d.meta ? readBaselinesFromDoc(this.doc) : this.snap.baseline,
      version,
    };
    this.dirty = { lines: false, sections: false, verbal: false, meta: false };
    return this.snap;
  }
}

/**
 * Wires a SnapshotReader to `doc`: every transaction that touches lines or
 * meta, sections or verbal instructions marks that part dirty, and
 * `onSnapshot` gets a new snapshot once per task (however many transactions
 * it carried), and once at the start. Returns the function that stops it.
 */
export function watchPackageSnapshot(doc: Y.Doc, onSnapshot: (snap: PackageSnapshot) => void): () => void {
  const reader = new SnapshotReader(doc);
  let version = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const schedule = () => {
    version++;
    if (timer) return;
    // One read and render per task, however many transactions it carried. (An
    // animation frame was measured to add ~30 ms before a remote edit showed.)
    timer = setTimeout(() => {
      timer = null;
      onSnapshot(reader.take(version));
    }, 0);
  };
  const stopLines = observeLineChanges(doc, (changes) => {
    reader.onLineChanges(changes);
    schedule();
  });
  const sections = getSectionsMap(doc);
  const verbal = getVerbalMap(doc);
  const onSections = () => {
    reader.markSections();
    schedule();
  };
  const onVerbal = () => {
    reader.markVerbal();
    schedule();
  };
  sections.observeDeep(onSections);
  verbal.observeDeep(onVerbal);
  onSnapshot(reader.take(++version));
  return () => {
    stopLines();
    sections.unobserveDeep(onSections);
    verbal.unobserveDeep(onVerbal);
    if (timer) clearTimeout(timer);
  };
}

export function usePackageSnapshot(doc: Y.Doc): PackageSnapshot {
  const [snap, setSnap] = useState<PackageSnapshot>(() => new SnapshotReader(doc).take(0));
  useEffect(() => watchPackageSnapshot(doc, setSnap), [doc]);
  return snap;
}
