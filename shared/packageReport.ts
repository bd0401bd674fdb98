import { computeBalance } from './balance';
import { checkProseFiguresOfLines } from './prose';
import type { BalanceInput, BalanceReport, PackageLine } from './types';

/**
 * The report people see: the engine's balance report with the prose–figure
 * warnings of the lines appended (a figure in a rationale that matches none of
 * the line's amounts). The engine stays pure over amounts; this is the one
 * place that joins the two, used by the HTTP API and the balance worker alike,
 * so both show the same warnings.
 */
export function withProseWarnings(report: BalanceReport, lines: readonly PackageLine[]): BalanceReport {
  const prose = checkProseFiguresOfLines(lines);
  return prose.length === 0 ? report : { ...report, warnings: [...report.warnings, ...prose] };
}

/** `computeBalance` plus the prose–figure warnings; see `withProseWarnings`. */
export function computePackageReport(input: BalanceInput): BalanceReport {
  return withProseWarnings(computeBalance(input), input.lines);
}
