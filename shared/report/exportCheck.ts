import type { ExportScope } from '../export/model';
import type { BalanceReport, BalanceWarning, PlainPackage } from '../types';
import { packageReportOf } from './packageReport';

/** How many items are not agreed: left out of an `agreed` export, marked with their status in an `all` export. */
export interface NotAgreed {
  lines: number;
  verbal: number;
}

/** What the UI shows before an export: what is wrong, and what will be left out. */
export interface PreExportCheck {
  /** The package report's warnings over the exported lines (engine findings, then prose–figure mismatches), then a `not-agreed` note. */
  warnings: BalanceWarning[];
  notAgreed: NotAgreed;
  /** The package report's balance over exactly the exported lines. */
  report: BalanceReport;
  /** True when nothing has severity `error`. */
  ok: boolean;
}

/** Whether an item with this status (a `Status`, or whatever a document holds) goes into an `agreed` export. */
export function isAgreed(status: unknown): boolean {
  return status === 'agreed';
}

function countWhat(notAgreed: NotAgreed): string {
  return [
    notAgreed.lines > 0 ? `${notAgreed.lines} ${notAgreed.lines === 1 ? 'linje' : 'linjer'}` : '',
    notAgreed.verbal > 0 ? `${notAgreed.verbal} ${notAgreed.verbal === 1 ? 'verbal føring' : 'verbale føringer'}` : '',
  ]
    .filter(Boolean)
    .join(' og ');
}

/**
 * The pre-export check of `scope` from the balance of exactly the lines that
 * will be exported (a package report's `balance`) and the count of items not
 * agreed: the report's warnings, then, when anything is not agreed, one
 * `not-agreed` warning (severity `warning`, Norwegian) saying it is left out
 * (`agreed`) or exported with its status (`all`). `ok` is false as soon as
 * one warning is an error. Pure.
 */
export function exportCheckOf(report: BalanceReport, notAgreed: NotAgreed, scope: ExportScope): PreExportCheck {
  const warnings: BalanceWarning[] = [...report.warnings];
  if (notAgreed.lines + notAgreed.verbal > 0) {
    const what = countWhat(notAgreed);
    warnings.push({
      code: 'not-agreed',
      severity: 'warning',
      message: scope === 'agreed' ? `${what} er ikke enighet om og kommer ikke med i eksporten.` : `${what} er ikke enighet om; de eksporteres med status.`,
    });
  }
  return { warnings, notAgreed: { ...notAgreed }, report, ok: !warnings.some((w) => w.severity === 'error') };
}

/**
 * The check before an export of `scope` (default `agreed`), computed from
 * scratch: the package report over exactly the lines that will be exported
 * (only agreed ones for `agreed`) and the count of lines and verbal
 * instructions that are not agreed; see `exportCheckOf`. The balance worker
 * computes the same check incrementally (`createBalanceReplica`).
 */
export function preExportCheck(pkg: PlainPackage, scope: ExportScope = 'agreed'): PreExportCheck {
  const lines = scope === 'agreed' ? pkg.lines.filter((l) => isAgreed(l.status)) : pkg.lines;
  const notAgreed = { lines: pkg.lines.filter((l) => !isAgreed(l.status)).length, verbal: pkg.verbal.filter((v) => !isAgreed(v.status)).length };
  return exportCheckOf(packageReportOf({ ...pkg, lines }).balance, notAgreed, scope);
}
