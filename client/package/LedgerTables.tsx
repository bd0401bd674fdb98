/**
 * The «Tabeller» tab: one printed table per ledger (tiltak, inndekning, their
 * sums and the net, the sums from the worker's report), or one quiet line for
 * an empty investering or fond ledger. Tables are memoised: a ledger whose
 * lines and report part did not change does not re-render.
 */
import { memo, useMemo, useRef } from 'react';
import { GROUPS, LEDGERS, type BalanceReport, type Ledger, type LedgerReport, type PackageLine, type Year } from '../../shared/types';
import { LedgerGrid } from '../grid/LedgerGrid';
import type { GridBlock, GridSharedProps, GridSums } from '../grid/types';
import { termExplanation, useLang, useT } from '../i18n';

export interface LedgerTablesProps extends GridSharedProps {
  lines: PackageLine[];
  /** The worker's balance (its ledger parts keep their identity while unchanged), null while computing. */
  balance: BalanceReport | null;
}

const EMPTY_LINES: PackageLine[] = [];
/** The grouping key of the ledger tables (module-level, so its identity never changes). */
const ledgerOfLine = (l: PackageLine): string => l.ledger;

export function LedgerTables({ lines, balance, ...rest }: LedgerTablesProps) {
  const t = useT();
  const lang = useLang();
  const linesByLedger = useStableGroups(lines, ledgerOfLine);
  return (
    <>
      {LEDGERS.map((ledger) => {
        if (ledger !== 'drift' && !linesByLedger[ledger]) {
          // An empty ledger is one quiet line, not an empty printed table.
          return (
            <section key={ledger} className="ledger-section ledger-empty" aria-labelledby={`ledger-${ledger}`}>
              <h2 id={`ledger-${ledger}`} title={termExplanation(lang, 'Ledger', ledger)}>
                {t(`ledger_${ledger}`)}
              </h2>
              <span className="muted">{t('noLines')}</span>
              {rest.canEdit &&
                GROUPS.map((group) => (
                  <button key={group} type="button" className="link-button" onClick={() => rest.onAddLine({ ledger, group })} aria-label={t('addLineIn', { ledger: t(`ledger_${ledger}`), group: t(`group_${group}`) })}>
                    + {t(`group_${group}`)}
                  </button>
                ))}
            </section>
          );
        }
        return <LedgerTable key={ledger} ledger={ledger} lines={linesByLedger[ledger] ?? EMPTY_LINES} sums={balance?.ledgers[ledger] ?? null} {...rest} />;
      })}
    </>
  );
}

/**
 * Splits a list into groups by key, keeping each group's array identity while
 * its elements are the same objects (the doc snapshot keeps unchanged lines as
 * the same objects), so memoised tables of untouched ledgers skip rendering.
 */
function useStableGroups<T>(list: T[], keyOf: (item: T) => string): Record<string, T[]> {
  const prev = useRef<Record<string, T[]>>({});
  return useMemo(() => {
    const next: Record<string, T[]> = {};
    for (const item of list) (next[keyOf(item)] ??= []).push(item);
    for (const [k, arr] of Object.entries(next)) {
      const old = prev.current[k];
      if (old && old.length === arr.length && old.every((x, i) => x === arr[i])) next[k] = old;
    }
    prev.current = next;
    return next;
  }, [list, keyOf]);
}

interface LedgerTableProps extends Omit<LedgerTablesProps, 'lines' | 'balance'> {
  ledger: Ledger;
  lines: PackageLine[];
  /** This ledger's part of the worker's report (same object while its revision is unchanged), null while computing. */
  sums: LedgerReport | null;
}

function pick(sums: LedgerReport, key: 'tiltak' | 'inndekning' | 'net'): Record<Year, string> {
  return Object.fromEntries(Object.entries(sums.byYear).map(([y, s]) => [y, s[key]]));
}

/** One ledger as a printed table: tiltak, inndekning, their sums and the net, from the worker's sums. */
const LedgerTable = memo(function LedgerTable({ ledger, lines, sums, ...grid }: LedgerTableProps) {
  const t = useT();
  const lang = useLang();
  const blocks = useMemo(
    () =>
      GROUPS.map((group) => {
        const block: GridBlock = {
          key: `${ledger}-${group}`,
          heading: t(`group_${group}`),
          headingTitle: termExplanation(lang, 'Group', group),
          template: { ledger, group },
          lines: lines.filter((l) => l.group === group),
        };
        if (sums) block.sums = { label: t('sumGroup', { group: t(`group_${group}`).toLowerCase() }), byYear: pick(sums, group), unknown: sums.unknownYears };
        return block;
      }),
    [ledger, lines, sums, t, lang],
  );
  const footer = useMemo<GridSums | undefined>(
    () => (sums ? { label: ledger === 'investering' ? `${t('net')} (${t('borrowing').toLowerCase()})` : t('net'), byYear: pick(sums, 'net'), unknown: sums.unknownYears } : undefined),
    [ledger, sums, t],
  );
  return (
    <section className="ledger-section" aria-labelledby={`ledger-${ledger}`}>
      <h2 id={`ledger-${ledger}`} title={termExplanation(lang, 'Ledger', ledger)}>
        {t(`ledger_${ledger}`)}
      </h2>
      <LedgerGrid label={t('gridLabel', { ledger: t(`ledger_${ledger}`) })} blocks={blocks} {...(footer ? { footer } : {})} {...grid} />
    </section>
  );
});
