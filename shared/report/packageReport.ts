import { BalanceEngine, type BalanceMeta } from '../balance';
import { computeLedgerFrames, type LedgerBaselines, type LedgerFrames } from '../doc/baseline';
import { checkProseFiguresOfLines } from '../prose';
import { LEDGERS, type BalanceInput, type BalanceReport, type BalanceWarning, type Ledger, type PackageLine } from '../types';
import { plainEqual } from './plainEqual';

/**
 * The package report: what people see about a package's figures, in one
 * shape for every consumer (the balance worker, `GET /api/packages/:id/balance`,
 * the pre-export check and the import preview). It joins three things that
 * are computed from the same lines:
 * - the balance engine's report (sums, balance rules, line findings),
 * - the prose–figure warnings of each line (a figure in its title or
 *   rationale that matches none of its amounts), appended to the warnings,
 * - the baseline frames per ledger (each drift service area and each
 *   investment area before and after the lines of that ledger linked to it).
 *
 * There is ONE implementation, the incremental `PackageReportBuilder`; a full
 * computation (`packageReportOf`) is a builder fed once.
 */

/**
 * A number per part of the report that changes exactly when that part
 * changes: a ledger's sums and findings (`drift`, `investering`, `fond`), the
 * warning list (engine findings and prose warnings), the prose warnings
 * alone (`prose`), the frames, and the year columns with the plan period
 * (`years`). Numbers come from one counter
 * per builder, so they only grow and the largest is the report's overall
 * revision. Consumers memoise on them instead of comparing contents.
 */
export interface ReportRevisions {
  drift: number;
  investering: number;
  fond: number;
  warnings: number;
  prose: number;
  frames: number;
  years: number;
}

/** The parts of a report that carry a revision. */
export type ReportPart = keyof ReportRevisions;

/** Every part of a report, in a fixed order. */
export const REPORT_PARTS: readonly ReportPart[] = [...LEDGERS, 'warnings', 'prose', 'frames', 'years'];

/** See the module comment. Treat as immutable: unchanged parts are shared between reports. */
export interface PackageReport {
  /** The engine's report with the prose–figure warnings appended: the JSON of `GET /balance`. */
  balance: BalanceReport;
  /** The prose–figure warnings alone (the tail of `balance.warnings`), for the marks on lines. */
  prose: BalanceWarning[];
  /** Per ledger (drift, investering): area name → year → frame before and after the lines (empty without that baseline). */
  frames: LedgerFrames;
  revisions: ReportRevisions;
}

/** Everything a package report is computed from. */
export interface PackageReportInput extends BalanceInput {
  /** The baselines (drift per service area, investering per area); a missing one means no frames for that ledger. */
  baseline?: Partial<LedgerBaselines>;
}

interface Entry {
  line: PackageLine;
  prose: BalanceWarning[];
}

const NO_WARNINGS: BalanceWarning[] = [];

function sameAmounts(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/** Whether the prose check of `next` can differ from that of `prev` (it reads title, text and amounts only). */
function proseInputsDiffer(prev: PackageLine, next: PackageLine): boolean {
  return prev.title !== next.title || prev.description !== next.description || !sameAmounts(prev.amounts, next.amounts);
}

/** Whether the frames can differ: a line linked to an area changed its area, ledger or amounts. */
function framesInputsDiffer(prev: PackageLine | undefined, next: PackageLine | undefined): boolean {
  if (!prev?.area && !next?.area) return false;
  if (!prev || !next) return true;
  return prev.area !== next.area || prev.ledger !== next.ledger || !sameAmounts(prev.amounts, next.amounts);
}

function copyMeta(meta: BalanceMeta): BalanceMeta {
  const copy: BalanceMeta = { years: [...meta.years], planYears: [...meta.planYears] };
  if (meta.fundOpeningBalance !== undefined) copy.fundOpeningBalance = meta.fundOpeningBalance;
  return copy;
}

function copyLine(line: PackageLine): PackageLine {
  return { ...line, amounts: { ...line.amounts } };
}

/**
 * The incremental package report. `setLine`/`deleteLine` update the engine's
 * running sums, re-check the prose of a line only when its title, text or
 * amounts changed, and mark the frames stale only when a line linked to a
 * service area changed; `report()` rebuilds only what is stale. Guarantees
 * (property-tested): `report()` deep-equals `packageReportOf` over the current
 * lines in the order they were first set (revisions aside), returns the same
 * object while nothing changed, keeps unchanged parts as the same objects,
 * and gives a part a new revision exactly when its content differs from the
 * previous report's. Lines are copied on `setLine`.
 */
export class PackageReportBuilder {
  private readonly engine: BalanceEngine;
  private readonly entries = new Map<string, Entry>();
  private meta: BalanceMeta;
  private baseline: Partial<LedgerBaselines>;
  private proseList: BalanceWarning[] | null = null;
  private framesStale = true;
  private clock = 0;
  private last: PackageReport | null = null;
  private lastEngineReport: BalanceReport | null = null;

  constructor(meta: BalanceMeta = { years: [], planYears: [] }, baseline: Partial<LedgerBaselines> = {}) {
    this.meta = copyMeta(meta);
    this.engine = new BalanceEngine(meta);
    this.baseline = baseline;
  }

  /** Adds or replaces a line (by id); a replaced line keeps its place in the warning order. */
  setLine(line: PackageLine): void {
    const copy = copyLine(line);
    const old = this.entries.get(line.id);
    this.engine.setLine(copy);
    let prose = old?.prose ?? NO_WARNINGS;
    if (!old || proseInputsDiffer(old.line, copy)) {
      prose = checkProseFiguresOfLines([copy]);
      if (prose.length === 0) prose = NO_WARNINGS;
      // The joined list is rebuilt only when this line has or had prose warnings.
      if (prose.length > 0 || (old?.prose.length ?? 0) > 0) this.proseList = null;
    }
    if (framesInputsDiffer(old?.line, copy)) this.framesStale = true;
    this.entries.set(line.id, { line: copy, prose });
  }

  /** Removes a line; unknown ids are ignored. */
  deleteLine(id: string): void {
    const old = this.entries.get(id);
    if (!old) return;
    this.engine.deleteLine(id);
    this.entries.delete(id);
    if (old.prose.length > 0) this.proseList = null;
    if (old.line.area) this.framesStale = true;
  }

  /** Replaces years, plan years and the fund's opening balance: a full re-analysis of the lines (rare). */
  setMeta(meta: BalanceMeta): void {
    this.meta = copyMeta(meta);
    this.engine.setMeta(meta);
    this.framesStale = true;
  }

  /** The package-level inputs as last set. */
  currentMeta(): BalanceMeta {
    return this.meta;
  }

  /** Replaces the baselines (the frames are recomputed on the next `report()`). */
  setBaseline(baseline: Partial<LedgerBaselines>): void {
    this.baseline = baseline;
    this.framesStale = true;
  }

  /** The report for the current inputs; the same object as last time when nothing changed. */
  report(): PackageReport {
    const engineReport = this.engine.report();
    const last = this.last;
    if (last && engineReport === this.lastEngineReport && this.proseList !== null && !this.framesStale) return last;
    this.lastEngineReport = engineReport;

    const next = this.clock + 1;
    let changed = false;
    const revisions: ReportRevisions = last ? { ...last.revisions } : { drift: next, investering: next, fond: next, warnings: next, prose: next, frames: next, years: next };
    const take = <T>(part: ReportPart, prev: T | undefined, fresh: T): T => {
      if (prev !== undefined && (prev === fresh || plainEqual(prev, fresh))) return prev;
      revisions[part] = next;
      changed = true;
      return fresh;
    };

    const ledgers = {} as BalanceReport['ledgers'];
    for (const l of LEDGERS) (ledgers as Record<Ledger, unknown>)[l] = take(l, last?.balance.ledgers[l], engineReport.ledgers[l]);

    if (this.proseList === null) {
      const all: BalanceWarning[] = [];
      for (const e of this.entries.values()) for (const w of e.prose) all.push(w);
      this.proseList = all;
    }
    const prose = take('prose', last?.prose, this.proseList);
    this.proseList = prose;
    const joined = prose.length === 0 ? engineReport.warnings : [...engineReport.warnings, ...prose];
    const warnings = take('warnings', last?.balance.warnings, joined);

    let frames = last?.frames;
    if (this.framesStale || !frames) {
      const areaLines: PackageLine[] = [];
      for (const e of this.entries.values()) if (e.line.area) areaLines.push(e.line);
      frames = take('frames', last?.frames, computeLedgerFrames(this.baseline, areaLines, this.meta.years));
      this.framesStale = false;
    }

    const columns = take('years', last ? { years: last.balance.years, planYears: last.balance.planYears } : undefined, { years: engineReport.years, planYears: engineReport.planYears });

    if (!changed && last) return last;
    this.clock = next;
    const balance: BalanceReport = { years: columns.years, planYears: columns.planYears, ledgers, warnings };
    this.last = { balance, prose, frames, revisions };
    return this.last;
  }
}

/**
 * The package report computed from scratch: a `PackageReportBuilder` fed
 * `input` once (lines with the same id count once: first position, last
 * value). Pure and deterministic; every part has revision 1.
 */
export function packageReportOf(input: PackageReportInput): PackageReport {
  const meta: BalanceMeta = { years: input.years, planYears: input.planYears };
  if (input.fundOpeningBalance !== undefined) meta.fundOpeningBalance = input.fundOpeningBalance;
  const builder = new PackageReportBuilder(meta, input.baseline ?? {});
  for (const line of input.lines) builder.setLine(line);
  return builder.report();
}

/**
 * Carries the unchanged parts of `prev` into `next` by revision: every part
 * whose revision is the same in both becomes `prev`'s object, and when no
 * revision differs the result is `prev` itself. For reports that crossed a
 * structured clone (the worker's messages), so a consumer can memoise on
 * object identity again. Both must come from the same builder.
 */
export function carryUnchangedParts(prev: PackageReport | null, next: PackageReport): PackageReport {
  if (!prev) return next;
  const same = (part: ReportPart) => prev.revisions[part] === next.revisions[part];
  if (REPORT_PARTS.every(same)) return prev;
  const ledgers = {} as BalanceReport['ledgers'];
  for (const l of LEDGERS) (ledgers as Record<Ledger, unknown>)[l] = same(l) ? prev.balance.ledgers[l] : next.balance.ledgers[l];
  const columns = same('years') ? prev.balance : next.balance;
  return {
    balance: { years: columns.years, planYears: columns.planYears, ledgers, warnings: same('warnings') ? prev.balance.warnings : next.balance.warnings },
    prose: same('prose') ? prev.prose : next.prose,
    frames: same('frames') ? prev.frames : next.frames,
    revisions: next.revisions,
  };
}
