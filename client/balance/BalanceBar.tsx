/**
 * The always-visible balance: one row of flags per ledger, one flag per year —
 * green when the year keeps the ledger's rule, red with the signed amount when
 * it breaks it ("2024: +1,20"), red «2024: ?» with the count of unreadable
 * cells when the year's figures are unknown, and for investering a neutral
 * «2024: Lån +12,50» (borrowing breaks no rule) — a small chart of net by
 * year, and the warnings, each leading to its line. Every number here comes
 * from the worker's report. A flag's lines and the warnings open in a panel
 * over the page (one at a time), which never pushes the grid down, and closes
 * with its ✕, Escape, on going to a line, and when the workspace changes tab
 * (`context`).
 */
import { useEffect, useRef, useState } from 'react';
import { formatAmount } from '../../shared/money';
import { LEDGERS, type BalanceReport, type BalanceWarning, type Ledger, type PackageLine, type Year } from '../../shared/types';
import { useT } from '../i18n';
import { borrowingLabel, flagStateOf, type FlagState } from './flags';
import { warningText } from './warningText';

export interface FlagSelection {
  ledger: Ledger;
  year: Year;
}

interface BalanceBarProps {
  report: BalanceReport | null;
  lines: PackageLine[];
  onGoToLine(lineId: string, year?: Year): void;
  /** What the workspace shows (its tab): an open panel belongs to it and closes when it changes. */
  context?: string;
}

/** The open panel: a flag's lines or the warnings. */
type OpenPanel = { kind: 'flag'; flag: FlagSelection } | { kind: 'warnings' };

/** "+1,20" style signed amount with two decimals, as the flags show it. */
export function signedAmount(v: string): string {
  return formatAmount(v, { decimals: 2, signed: true });
}

export function BalanceBar({ report, lines, onGoToLine, context }: BalanceBarProps) {
  const t = useT();
  const [panel, setPanel] = useState<OpenPanel | null>(null);
  // The workspace changed tab: the panel closes (adjusted while rendering, React's pattern
  // for state that follows a prop, so the old panel is never drawn on the new tab).
  const [shownContext, setShownContext] = useState(context);
  if (shownContext !== context) {
    setShownContext(context);
    setPanel(null);
  }
  const openerRef = useRef<HTMLElement | null>(null);
  const panelRef = useRef<HTMLDivElement | null>(null);

  const close = (refocus: boolean) => {
    setPanel(null);
    if (refocus) openerRef.current?.focus();
  };
  useEffect(() => {
    if (!panel) return undefined;
    // Escape closes the panel unless something else (an open cell, an editor) used the key.
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      const inside = panelRef.current?.contains(document.activeElement) || document.activeElement === openerRef.current;
      setPanel(null);
      if (inside) openerRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [panel]);

  if (!report) {
    return (
      <section className="balance-bar" aria-label={t('balanceHeading')}>
        <p className="muted">{t('balanceWaiting')}</p>
      </section>
    );
  }
  const ledgersShown = LEDGERS.filter((l) => l === 'drift' || lines.some((x) => x.ledger === l) || !report.ledgers[l].balanced);
  const warnings = report.warnings;
  const errors = warnings.filter((w) => w.severity === 'error').length;
  const cautions = warnings.filter((w) => w.severity === 'warning').length;
  const goToLine = (lineId: string, year?: Year) => {
    setPanel(null);
    onGoToLine(lineId, year);
  };
  const toggle = (next: OpenPanel, opener: HTMLElement, isOpen: boolean) => {
    openerRef.current = opener;
    setPanel(isOpen ? null : next);
  };
  const warningsOpen = panel?.kind === 'warnings' && warnings.length > 0;
  return (
    <section className="balance-bar" aria-label={t('balanceHeading')}>
      <div className="balance-rows">
        {ledgersShown.map((ledger) => {
          return (
            <div className="balance-row" key={ledger} data-ledger={ledger}>
              <span className="balance-ledger">{t(`ledger_${ledger}`)}</span>
              <ul className="flags" aria-label={t(`ledger_${ledger}`)}>
                {report.years.map((year) => {
                  const state = flagStateOf(report, ledger, year);
                  const isOpen = panel?.kind === 'flag' && panel.flag.ledger === ledger && panel.flag.year === year;
                  return (
                    <li key={year}>
                      <button
                        type="button"
                        className={`flag flag-${state}`}
                        data-year={year}
                        data-state={state}
                        aria-expanded={isOpen}
                        onClick={(e) => toggle({ kind: 'flag', flag: { ledger, year } }, e.currentTarget, isOpen)}
                      >
                        <span className="sr-only">{t(`ledger_${ledger}`)} </span>
                        <FlagText state={state} year={year} report={report} ledger={ledger} />
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          );
        })}
      </div>
      <div className="balance-aside">
        <NetChart report={report} />
        <button
          type="button"
          className={errors ? 'warn-toggle has-errors' : cautions ? 'warn-toggle has-warnings' : warnings.length ? 'warn-toggle has-info' : 'warn-toggle'}
          aria-expanded={warningsOpen}
          onClick={(e) => toggle({ kind: 'warnings' }, e.currentTarget, warningsOpen)}
        >
          {warnings.length ? t('warnings', { n: warnings.length }) : t('noWarnings')}
        </button>
      </div>
      {panel?.kind === 'flag' && (
        <div className="balance-popover flag-popover" ref={panelRef}>
          <FlagLines selection={panel.flag} lines={lines} onClose={() => close(true)} onGoToLine={goToLine} report={report} />
        </div>
      )}
      {warningsOpen && (
        <div className="balance-popover warnings-popover" ref={panelRef}>
          <WarningList warnings={warnings} lines={lines} onGoToLine={goToLine} onClose={() => close(true)} />
        </div>
      )}
    </section>
  );
}

/** The words of one flag: «2024 ✓», «▲ 2024: +1,20», «2024: ? · 1 uleselig», «2024: Lån +12,50». */
function FlagText({ state, year, report, ledger }: { state: FlagState; year: Year; report: BalanceReport; ledger: Ledger }) {
  const t = useT();
  const lr = report.ledgers[ledger];
  if (state === 'unknown') {
    const n = lr.unreadableCells[year] ?? 0;
    return (
      <>
        {year}: ?{n > 0 && <span className="flag-count"> · {n === 1 ? t('unreadableOne') : t('unreadableMany', { n })}</span>}
        <span className="sr-only"> — {t('balanceUnknown')}</span>
      </>
    );
  }
  if (state === 'off') {
    return (
      <>
        <span aria-hidden="true">▲ </span>
        {year}: {signedAmount(lr.byYear[year]?.net ?? '0')}
        <span className="sr-only"> — {t('notBalanced')}</span>
      </>
    );
  }
  if (state === 'borrow') {
    return (
      <>
        {year}: {borrowingLabel(t, report.ledgers.investering.borrowing[year] ?? '0')}
        <span className="sr-only"> — {t('financedByBorrowing')}</span>
      </>
    );
  }
  return (
    <>
      {year}
      <span aria-hidden="true"> ✓</span>
      <span className="sr-only"> — {t('balanced')}</span>
    </>
  );
}

function FlagLines({ selection, lines, onClose, onGoToLine, report }: { selection: FlagSelection; lines: PackageLine[]; onClose(): void; onGoToLine(id: string, year?: Year): void; report: BalanceReport }) {
  const t = useT();
  const { ledger, year } = selection;
  const shown = lines.filter((l) => l.ledger === ledger && (l.amounts[year] !== undefined || l.invalid?.[year] !== undefined));
  const sums = report.ledgers[ledger].byYear[year];
  const title = t('linesOf', { ledger: t(`ledger_${ledger}`), year });
  return (
    <div className="flag-panel" role="region" aria-label={title}>
      <div className="panel-head">
        <h2>{title}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label={t('close')}>
          ✕
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="muted">{t('noLines')}</p>
      ) : (
        <table className="mini-table">
          <tbody>
            {shown.map((l) => (
              <tr key={l.id}>
                <td>
                  <button type="button" className="link-button" onClick={() => onGoToLine(l.id, year)}>
                    {l.title || t('untitled')}
                  </button>
                </td>
                <td className="muted">{t(`group_${l.group}`)}</td>
                <td className={l.invalid?.[year] !== undefined ? 'num invalid-text' : 'num'}>{l.invalid?.[year] ?? formatAmount(l.amounts[year]!)}</td>
              </tr>
            ))}
          </tbody>
          {sums && (
            <tfoot>
              <tr>
                <th scope="row">{t('net')}</th>
                <td />
                <td className="num">{formatAmount(sums.net)}</td>
              </tr>
            </tfoot>
          )}
        </table>
      )}
    </div>
  );
}

function WarningList({ warnings, lines, onGoToLine, onClose }: { warnings: BalanceWarning[]; lines: PackageLine[]; onGoToLine(id: string, year?: Year): void; onClose(): void }) {
  const t = useT();
  const title = t('warnings', { n: warnings.length });
  const titleOf = (id: string) => lines.find((l) => l.id === id)?.title ?? '';
  return (
    <div className="warning-panel" role="region" aria-label={title}>
      <div className="panel-head">
        <h2>{title}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label={t('close')}>
          ✕
        </button>
      </div>
      <ul className="warning-list">
        {warnings.map((w, i) => (
          <li key={`${w.code}-${w.lineId ?? ''}-${w.year ?? ''}-${i}`} className={`warning warning-${w.severity}`}>
            <span className="warning-icon" aria-hidden="true">
              {w.severity === 'error' ? '!' : 'i'}
            </span>
            <span className="warning-text">
              {w.code === 'prose-figure-mismatch' && <span className="warning-kind">{t('proseMismatchHeading')}: </span>}
              {warningText(w.message, w.lineId ? titleOf(w.lineId) : null, t('untitled'))}
            </span>
            {w.lineId && (
              <button type="button" className="link-button" onClick={() => onGoToLine(w.lineId!, w.year)}>
                {t('goToLine')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Drift per year: measures up, financing down, the net as a dot (red off
 * zero in a plan year), a red «?» for a year whose figures are unknown, and
 * the investment net as a neutral hollow diamond labelled as borrowing (SVG,
 * no library).
 */
export function NetChart({ report }: { report: BalanceReport }) {
  const t = useT();
  const years = report.years;
  const W = 220;
  const H = 64;
  const pad = 4;
  const drift = report.ledgers.drift;
  const borrowing = report.ledgers.investering.borrowing;
  const values = years.map((y) => {
    const s = drift.byYear[y];
    const b = borrowing[y];
    return {
      year: y,
      tiltak: Number(s?.tiltak ?? 0),
      inndekning: Number(s?.inndekning ?? 0),
      net: Number(s?.net ?? 0),
      state: flagStateOf(report, 'drift', y),
      borrow: b !== undefined && b !== '0' ? Number(b) : null,
      borrowUnknown: report.ledgers.investering.unknownYears.includes(y),
    };
  });
  // Display scaling only; the amounts themselves are the worker's decimal strings.
  const max = Math.max(1, ...values.map((v) => Math.max(Math.abs(v.tiltak), Math.abs(v.inndekning), Math.abs(v.net), Math.abs(v.borrow ?? 0))));
  const mid = H / 2;
  const scale = (mid - pad) / max;
  const slot = (W - pad * 2) / Math.max(1, years.length);
  const desc = values
    .map((v) => {
      const d = v.state === 'unknown' ? `${t('ledger_drift')} ?` : `${t('ledger_drift')} ${formatAmount(drift.byYear[v.year]?.net ?? '0')}`;
      const b = v.borrowUnknown ? `, ${t('borrowingShort')} ?` : v.borrow !== null ? `, ${borrowingLabel(t, borrowing[v.year] ?? '0')}` : '';
      return `${v.year}: ${d}${b}`;
    })
    .join('; ');
  return (
    <figure className="net-chart">
      <svg width={W} height={H + 14} viewBox={`0 0 ${W} ${H + 14}`} role="img" aria-label={`${t('netChart')}: ${desc}`}>
        <line x1={pad} x2={W - pad} y1={mid} y2={mid} className="axis" />
        {values.map((v, i) => {
          const x = pad + i * slot + slot / 2;
          const bw = Math.min(14, slot / 3);
          const up = Math.abs(v.tiltak) * scale;
          const down = Math.abs(v.inndekning) * scale;
          const ny = mid - v.net * scale;
          const by = v.borrow === null ? 0 : mid - v.borrow * scale;
          return (
            <g key={v.year} data-year={v.year} data-state={v.state}>
              <rect x={x - bw} y={mid - up} width={bw} height={up} className="bar-up" />
              <rect x={x} y={mid} width={bw} height={down} className="bar-down" />
              {v.borrow !== null && <path d={`M ${x + bw + 3} ${by - 3.5} l 3.5 3.5 l -3.5 3.5 l -3.5 -3.5 z`} className="borrow-mark" />}
              {v.state === 'unknown' ? (
                <text x={x} y={mid + 4} textAnchor="middle" className="net-unknown">
                  ?
                </text>
              ) : (
                <circle cx={x} cy={ny} r={3.2} className={v.state === 'off' ? 'net-dot off' : 'net-dot ok'} />
              )}
              <text x={x} y={H + 11} textAnchor="middle" className="tick">
                {v.year}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">{t('netChart')}</figcaption>
    </figure>
  );
}
