/** A read-only grid row of sums: a block's group sums or the ledger's net, from the worker's report. */
import { formatAmount } from '../../shared/money';
import type { Year } from '../../shared/types';
import type { GridSums } from './types';

/** The label as row header, then each year's amount (blank where the report has none). */
export function SumsRow({ className, sums, years }: { className: string; sums: GridSums; years: Year[] }) {
  return (
    <tr role="row" className={className}>
      <th role="rowheader" scope="row">
        {sums.label}
      </th>
      {years.map((y) => {
        if (sums.unknown?.includes(y)) {
          return (
            <td role="gridcell" key={y} className="num sum-unknown">
              ?
            </td>
          );
        }
        const amount = sums.byYear[y];
        return (
          <td role="gridcell" key={y} className="num">
            {amount !== undefined ? formatAmount(amount) : ''}
          </td>
        );
      })}
    </tr>
  );
}
