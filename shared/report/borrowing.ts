import { amountFromString, formatAmount, toCanonical } from '../money';
import type { BalanceReport, DecimalString, Year } from '../types';

/**
 * The borrowing point of the decision: the chief executive's proposed
 * borrowing for the budget year (the first plan year) plus the package's
 * change in borrowing that year (the investment ledger's net), exactly.
 */
export interface BorrowingPoint {
  /** The budget year: the first plan year. */
  year: Year;
  /** The chief executive's proposed borrowing that year (million NOK). */
  proposed: DecimalString;
  /** The package's change in borrowing that year (investering's net). */
  change: DecimalString;
  /** proposed + change: what the decision allows («inntil»). */
  total: DecimalString;
}

/** Why there is no borrowing point: no proposal in the settings, an unreadable one, no plan year, or the year's investment figures are unknown. */
export type BorrowingGap = 'no-proposal' | 'invalid-proposal' | 'no-plan-year' | 'unknown-year';

/**
 * The borrowing point from the proposal in the package settings (a decimal
 * string, or undefined) and a balance report, or why there is none. Pure and
 * exact (decimal.js, no binary float): `total` = `proposed` +
 * `report.ledgers.investering.borrowing[year]`. A budget year listed in the
 * ledger's `unknownYears` (an unreadable amount) gives `unknown-year`, never
 * a figure.
 */
export function borrowingPointOf(proposed: string | undefined, report: BalanceReport): { ok: true; point: BorrowingPoint } | { ok: false; gap: BorrowingGap } {
  if (proposed === undefined || proposed.trim() === '') return { ok: false, gap: 'no-proposal' };
  const base = amountFromString(proposed);
  if (base === null) return { ok: false, gap: 'invalid-proposal' };
  const year = report.planYears[0];
  if (year === undefined) return { ok: false, gap: 'no-plan-year' };
  const inv = report.ledgers.investering;
  const change = inv.unknownYears.includes(year) ? undefined : (inv.borrowing[year] ?? '0');
  const changeValue = change === undefined ? null : amountFromString(change);
  if (changeValue === null) return { ok: false, gap: 'unknown-year' };
  return { ok: true, point: { year, proposed: toCanonical(base), change: toCanonical(changeValue), total: toCanonical(base.plus(changeValue)) } };
}

/** «Lån til investeringer på inntil 1 202,5 millioner kroner.» — the decision point's wording. */
export function borrowingSentence(point: BorrowingPoint): string {
  return `Lån til investeringer på inntil ${formatAmount(point.total)} millioner kroner.`;
}
