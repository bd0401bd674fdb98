import type * as Y from 'yjs';
import type { BalanceMeta } from '../balance';
import { readBaselinesFromDoc, type LedgerBaselines } from '../doc/baseline';
import { getLinesMap, getVerbalMap, observeLineChanges, entryOf, readLineFromMap, readMetaFromDoc, readVerbalFromDoc, type LineChanges } from '../doc/schema';
import type { ExportScope } from '../export/model';
import { acceptedByAll, fingerprintLine, fingerprintVerbal, NO_ACCEPTANCES, type Acceptances } from './agreement';
import { exportCheckOf, type PreExportCheck } from './exportCheck';
import { PackageReportBuilder, type PackageReport } from './packageReport';
import { plainEqual } from './plainEqual';

/**
 * The package report of a live Y.Doc, kept current incrementally; see
 * `createBalanceReplica`.
 */
export interface BalanceReplica {
  /** The current package report; the same object while nothing in it changed. */
  report(): PackageReport;
  /** The current pre-export check of `scope`; the same object while it did not change. */
  check(scope: ExportScope): PreExportCheck;
  /**
   * Sets the sign-offs agreement is derived from (shared/report/agreement.ts):
   * a line or verbal instruction is agreed when every party accepted its current
   * content; a status `agreed` in the document counts for nothing. Until called,
   * nothing is agreed.
   */
  setAcceptances(acc: Acceptances): void;
  /**
   * Calls `listener` after each transaction that may have changed the report
   * or a check (compare identities to know). Returns the unsubscribe function.
   */
  onChange(listener: () => void): () => void;
  /** Stops observing the doc; the last report stays readable. */
  destroy(): void;
}

function countVerbalNotAgreed(doc: Y.Doc, acc: Acceptances): number {
  let n = 0;
  for (const v of readVerbalFromDoc(doc)) if (!acceptedByAll(acc, v.id, () => fingerprintVerbal(v))) n++;
  return n;
}

function balanceMetaOf(doc: Y.Doc): BalanceMeta {
  const meta = readMetaFromDoc(doc);
  const out: BalanceMeta = { years: meta.years, planYears: meta.planYears };
  // An absent opening balance stays absent, so the builders drop an old one.
  if (meta.fundOpeningBalance !== undefined) out.fundOpeningBalance = meta.fundOpeningBalance;
  return out;
}

/**
 * Observes `doc` (a package document) and keeps its package report and its
 * pre-export checks current: each transaction's changed lines go to a
 * `PackageReportBuilder` over all lines and to one over the agreed lines (the
 * `agreed` export; agreed as derived from the sign-offs set by `setAcceptances`), meta and baseline changes are applied only when years,
 * plan years, opening balance or baseline really changed, and the verbal
 * instructions are recounted only when they change. Pure apart from the
 * observers it registers (no DOM, no timers): the balance worker wires it to
 * its provider and ports; coalescing transactions is up to the caller.
 * Guarantee (tested with two docs exchanging updates): `report()` equals
 * `packageReportOf` of the doc's current lines, meta and baseline, and
 * `check(scope)` equals `preExportCheck` of the doc's package with its agreement
 * derived from the acceptances (`withDerivedAgreement`).
 */
export function createBalanceReplica(doc: Y.Doc): BalanceReplica {
  const all = new PackageReportBuilder();
  const agreed = new PackageReportBuilder();
  const notAgreedLines = new Set<string>();
  let acceptances: Acceptances = NO_ACCEPTANCES;
  let verbalNotAgreed = countVerbalNotAgreed(doc, acceptances);
  let baseline: LedgerBaselines = { drift: [], investering: [] };
  const listeners = new Set<() => void>();
  const checks = new Map<ExportScope, { report: PackageReport; lines: number; verbal: number; check: PreExportCheck }>();

  const applyMeta = () => {
    const meta = balanceMetaOf(doc);
    if (!plainEqual(meta, all.currentMeta())) {
      all.setMeta(meta);
      agreed.setMeta(meta);
    }
    const nextBaseline = readBaselinesFromDoc(doc);
    if (!plainEqual(nextBaseline, baseline)) {
      baseline = nextBaseline;
      all.setBaseline(baseline);
    }
  };

  const applyLine = (id: string) => {
    // A malformed entry (not a map) counts as no line: the balance never throws on it.
    const m = entryOf(getLinesMap(doc), id);
    if (!m) {
      removeLine(id);
      return;
    }
    const line = readLineFromMap(id, m);
    all.setLine(line);
    if (acceptedByAll(acceptances, id, () => fingerprintLine(line))) {
      agreed.setLine(line);
      notAgreedLines.delete(id);
    } else {
      agreed.deleteLine(id);
      notAgreedLines.add(id);
    }
  };

  const removeLine = (id: string) => {
    all.deleteLine(id);
    agreed.deleteLine(id);
    notAgreedLines.delete(id);
  };

  const notify = () => {
    for (const l of listeners) l();
  };

  applyMeta();
  for (const id of getLinesMap(doc).keys()) applyLine(id);

  const stopLines = observeLineChanges(doc, (changes: LineChanges) => {
    if (changes.metaChanged) applyMeta();
    for (const id of changes.deleted) removeLine(id);
    for (const id of changes.changed) applyLine(id);
    notify();
  });
  const verbal = getVerbalMap(doc);
  // Typing in a verbal instruction's text is a verbal change too; only a changed count matters.
  const onVerbal = () => {
    const n = countVerbalNotAgreed(doc, acceptances);
    if (n === verbalNotAgreed) return;
    verbalNotAgreed = n;
    notify();
  };
  verbal.observeDeep(onVerbal);

  return {
    report: () => all.report(),
    setAcceptances(acc) {
      // Tabs pass the sign-offs on at every fetch; only a change is worth a recount.
      if (plainEqual(acc, acceptances)) return;
      acceptances = acc;
      for (const id of getLinesMap(doc).keys()) applyLine(id);
      verbalNotAgreed = countVerbalNotAgreed(doc, acceptances);
      notify();
    },
    check(scope) {
      const report = (scope === 'agreed' ? agreed : all).report();
      const cached = checks.get(scope);
      if (cached && cached.report === report && cached.lines === notAgreedLines.size && cached.verbal === verbalNotAgreed) return cached.check;
      const check = exportCheckOf(report.balance, { lines: notAgreedLines.size, verbal: verbalNotAgreed }, scope);
      checks.set(scope, { report, lines: notAgreedLines.size, verbal: verbalNotAgreed, check });
      return check;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    destroy() {
      stopLines();
      verbal.unobserveDeep(onVerbal);
      listeners.clear();
    },
  };
}
