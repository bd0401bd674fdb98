/** One column head per year, right-aligned like the amounts below it (import preview, balance after, baseline tables). */
import type { Year } from '../../shared/types';

export function YearColumnHeads({ years }: { years: readonly Year[] }) {
  return (
    <>
      {years.map((y) => (
        <th scope="col" key={y} className="num">
          {y}
        </th>
      ))}
    </>
  );
}
