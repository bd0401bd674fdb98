/**
 * A balance report as a small table: per ledger and year ✓, the signed net where
 * a year breaks the ledger's rule, «?» where it is unknown, and investering's
 * change in borrowing (the import preview's balance after, the agreed balance).
 */
import { formatAmount } from '../../shared/money';
import type { BalanceReport, Ledger } from '../../shared/types';
import { useT } from '../i18n';
import { YearColumnHeads } from '../package/YearColumnHeads';
import { borrowingLabel, flagStateOf } from './flags';

export function BalanceStateTable({ report, ledgers, label }: { report: BalanceReport; ledgers: readonly Ledger[]; label?: string }) {
  const t = useT();
  const years = report.years;
  return (
    <table className="list-table numbers balance-after" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">{t('ledger')}</th>
          <YearColumnHeads years={years} />
        </tr>
      </thead>
      <tbody>
        {ledgers.map((ledger) => {
          const lr = report.ledgers[ledger];
          return (
            <tr key={ledger} data-ledger={ledger}>
              <th scope="row">{t(`ledger_${ledger}`)}</th>
              {years.map((y) => {
                const state = flagStateOf(report, ledger, y);
                const text =
                  state === 'off'
                    ? formatAmount(lr.byYear[y]?.net ?? '0', { decimals: 2, signed: true })
                    : state === 'unknown'
                      ? '?'
                      : state === 'borrow'
                        ? borrowingLabel(t, report.ledgers.investering.borrowing[y] ?? '0')
                        : '✓';
                const said = state === 'off' ? t('notBalanced') : state === 'unknown' ? t('balanceUnknown') : state === 'borrow' ? t('financedByBorrowing') : t('balanced');
                return (
                  <td key={y} className={`num cell-${state}`} data-state={state} data-year={y}>
                    {text}
                    <span className="sr-only"> — {said}</span>
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
