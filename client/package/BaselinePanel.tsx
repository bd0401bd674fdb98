/**
 * The chief executive's baseline, one per ledger: the drift frames per
 * service area and the investment frames per area, each imported by paste or
 * file (the server stores it in the doc's meta; importing one never touches
 * the other) and shown with each area's frame before → after the package's
 * lines of that ledger (the after column is computed by the balance worker).
 * Under the investment frames: the borrowing the decision allows — the
 * proposed borrowing from the settings plus the package's change in
 * borrowing that year.
 */
import { useState } from 'react';
import { formatAmount } from '../../shared/money';
import { BASELINE_LEDGERS, type AreaFrames, type BaselineArea, type BaselineLedger, type LedgerBaselines, type LedgerFrames } from '../../shared/doc/baseline';
import { borrowingPointOf } from '../../shared/report/borrowing';
import type { BalanceReport } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import type { ImportErrorDetail } from '../app/transfer';
import { FilePicker, useUpload } from '../app/useUpload';
import { useT } from '../i18n';
import { ImportErrorBox } from './ImportErrorBox';
import { YearColumnHeads } from './YearColumnHeads';

type LedgerChoice = BaselineLedger | 'auto';

export interface BaselinePanelProps {
  conn: PackageConnection;
  baseline: LedgerBaselines;
  frames: LedgerFrames | null;
  /** The proposed borrowing of the first plan year, from the settings (decimal string). */
  proposedBorrowing: string | undefined;
  /** The worker's balance report (for the package's change in borrowing), null while it computes. */
  balance: BalanceReport | null;
  canEdit: boolean;
}

export function BaselinePanel({ conn, baseline, frames, proposedBorrowing, balance, canEdit }: BaselinePanelProps) {
  const t = useT();
  const [text, setText] = useState('');
  const [ledger, setLedger] = useState<LedgerChoice>('auto');
  const [message, setMessage] = useState<{ kind: 'ok'; text: string } | { kind: 'error'; error: ImportErrorDetail } | null>(null);
  const base = `/api/packages/${encodeURIComponent(conn.packageId)}/baseline`;
  const { progress, upload } = useUpload<{ areas: number; years: string[]; ledger: BaselineLedger }>(ledger === 'auto' ? base : `${base}?ledger=${ledger}`);

  // Through the server (POST /baseline), which parses CSV and XLSX alike and writes that ledger's baseline;
  // the change reaches this tab through the sync like anyone else's.
  const importFile = async (file: File) => {
    setMessage(null);
    await upload(
      file,
      (res) => {
        setMessage({ kind: 'ok', text: t(res.ledger === 'investering' ? 'baselineImportedInvestment' : 'baselineImported', { n: res.areas }) });
        setText('');
      },
      (error) => setMessage({ kind: 'error', error }),
    );
  };

  return (
    <div className="panel-page">
      <h2>{t('baselineHeading')}</h2>
      <p className="muted">{t('baselineIntro')}</p>
      {canEdit && (
        <form
          className="card form-stack"
          onSubmit={(e) => {
            e.preventDefault();
            void importFile(new File([text], 'rammer.csv', { type: 'text/csv' }));
          }}
        >
          <fieldset className="row">
            <legend>{t('baselineLedger')}</legend>
            {(['auto', ...BASELINE_LEDGERS] as const).map((choice) => (
              <label className="checkbox" key={choice}>
                <input type="radio" name="baseline-ledger" checked={ledger === choice} onChange={() => setLedger(choice)} />
                {t(choice === 'auto' ? 'baselineLedgerAuto' : choice === 'drift' ? 'baselineLedgerDrift' : 'baselineLedgerInvestment')}
              </label>
            ))}
          </fieldset>
          <label>
            {t('baselinePaste')}
            <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('baselinePastePlaceholder')} />
          </label>
          <label>
            {t('baselineUpload')}
            <FilePicker accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" disabled={progress !== null} onFile={(f) => void importFile(f)} />
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={!text.trim() || progress !== null}>
              {t('baselineImport')}
            </button>
            <span className="hint">{t('baselineReplaceNote')}</span>
          </div>
          {progress !== null && <progress max={1} value={progress} aria-label={t('uploading')} />}
          {message?.kind === 'ok' && (
            <p className="form-ok" role="status">
              {message.text}
            </p>
          )}
          {message?.kind === 'error' && <ImportErrorBox error={message.error} t={t} />}
        </form>
      )}
      <section className="baseline-ledger" data-ledger="drift" aria-labelledby="baseline-drift-h">
        <h3 id="baseline-drift-h">{t('baselineDriftHeading')}</h3>
        <FramesTable areas={baseline.drift} frames={frames?.drift ?? null} caption={t('baselineDriftHeading')} empty={t('baselineEmpty')} />
      </section>
      <section className="baseline-ledger" data-ledger="investering" aria-labelledby="baseline-inv-h">
        <h3 id="baseline-inv-h">{t('baselineInvestmentHeading')}</h3>
        <FramesTable areas={baseline.investering} frames={frames?.investering ?? null} caption={t('baselineInvestmentHeading')} empty={t('baselineInvestmentEmpty')} />
        <BorrowingSummary proposed={proposedBorrowing} balance={balance} />
      </section>
    </div>
  );
}

/** One baseline: each area's frame per year, and → the frame after the package's lines where they change it. */
function FramesTable({ areas, frames, caption, empty }: { areas: BaselineArea[]; frames: AreaFrames | null; caption: string; empty: string }) {
  const t = useT();
  const years = [...new Set(areas.flatMap((a) => Object.keys(a.amounts)))].sort();
  if (areas.length === 0) return <p className="empty-state">{empty}</p>;
  return (
    <div className="table-scroll">
      <table className="list-table numbers">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('area')}</th>
            <YearColumnHeads years={years} />
          </tr>
        </thead>
        <tbody>
          {areas.map((a) => (
            <tr key={a.name}>
              <th scope="row">{a.name}</th>
              {years.map((y) => {
                const f = frames?.[a.name]?.[y];
                const before = a.amounts[y];
                const changed = f && f.change !== '0';
                return (
                  <td key={y} className="num">
                    {before !== undefined ? formatAmount(before) : ''}
                    {changed && f.after !== null && (
                      <span className="frame-after">
                        {' → '}
                        <strong>{formatAmount(f.after)}</strong>
                      </span>
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The borrowing of the budget year: the chief executive's proposal, the package's change (neutral: borrowing is no error), and what the decision allows. */
function BorrowingSummary({ proposed, balance }: { proposed: string | undefined; balance: BalanceReport | null }) {
  const t = useT();
  if (!balance) return null;
  const result = borrowingPointOf(proposed, balance);
  if (!result.ok) {
    const year = balance.planYears[0] ?? '';
    const text = result.gap === 'unknown-year' ? t('borrowingUnknown', { year }) : result.gap === 'no-plan-year' ? null : t('borrowingMissing');
    return text ? <p className={result.gap === 'unknown-year' ? 'hint borrowing-unknown' : 'hint'}>{text}</p> : null;
  }
  const p = result.point;
  return (
    <table className="mini-table borrowing-summary" data-testid="borrowing-summary">
      <caption>{t('borrowingHeading', { year: p.year })}</caption>
      <tbody>
        <tr>
          <th scope="row">{t('borrowingProposed')}</th>
          <td className="num">{formatAmount(p.proposed)}</td>
        </tr>
        <tr>
          <th scope="row">{t('borrowingChange')}</th>
          <td className="num borrowing">{formatAmount(p.change, { decimals: 2, signed: true })}</td>
        </tr>
        <tr className="strong">
          <th scope="row">{t('borrowingTotal')}</th>
          <td className="num">{formatAmount(p.total)}</td>
        </tr>
      </tbody>
    </table>
  );
}
