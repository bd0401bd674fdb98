/**
 * What the balance shows for one ledger and year, in one place for the
 * balance bar, its chart and the import preview: known and keeping the rule,
 * breaking it, unknown (an unreadable amount: never ✓), or — for investering —
 * a change in borrowing, which is shown neutrally because it breaks no rule.
 */
import { formatAmount } from '../../shared/money';
import type { BalanceReport, Ledger, Year } from '../../shared/types';
import type { TFunction } from '../i18n';

/** What a flag says about one ledger and year, from the report. */
export type FlagState = 'ok' | 'off' | 'unknown' | 'borrow';

/**
 * The state of one ledger's year: `unknown` when the year is in the ledger's
 * `unknownYears` (never ✓), `off` when in `unbalancedYears`, `borrow` for an
 * investment year with a non-zero change in borrowing, otherwise `ok`.
 */
export function flagStateOf(report: BalanceReport, ledger: Ledger, year: Year): FlagState {
  const lr = report.ledgers[ledger];
  if (lr.unknownYears.includes(year)) return 'unknown';
  if (lr.unbalancedYears.includes(year)) return 'off';
  if (ledger === 'investering') {
    const b = report.ledgers.investering.borrowing[year];
    if (b !== undefined && b !== '0') return 'borrow';
  }
  return 'ok';
}

/** «Lån +12,50»: an investment year's change in borrowing as the flags, chart and lists show it. */
export function borrowingLabel(t: TFunction, amount: string): string {
  return `${t('borrowingShort')} ${formatAmount(amount, { decimals: 2, signed: true })}`;
}


/** What the list says about a package's balance: `unknown` when a ledger holds unreadable amounts, `off` when drift or the fund breaks its rule (investering's borrowing breaks none). */
export type ListBalance = { state: 'ok' | 'off' } | { state: 'unknown'; cells: number };

/** The list's verdict from the API's balance report (see `ListBalance`). */
export function listBalanceOf(r: BalanceReport): ListBalance {
  const ledgers = [r.ledgers.drift, r.ledgers.investering, r.ledgers.fond];
  if (ledgers.some((l) => l.unknownYears.length > 0)) {
    return { state: 'unknown', cells: ledgers.reduce((n, l) => n + Object.values(l.unreadableCells).reduce((a, b) => a + b, 0), 0) };
  }
  return { state: ledgers.some((l) => l.unbalancedYears.length > 0) ? 'off' : 'ok' };
}
