/**
 * Package settings. The package's frame — title, years, plan period, the
 * reserve fund's opening balance and the coalition parties — is the owner's;
 * the decision — its opening sentence, the decision points the package
 * changes (number and new text) and the chief executive's proposed borrowing
 * for the budget year — is edited by the negotiators too. Saved as one change
 * to the doc's meta (writeMetaToDoc), so everyone sees it at once and it is
 * one undo step — except the title, which is bound to its `Y.Text` as it is typed
 * (merged by character, like every title). The borrowing point of the decision is shown as it will be
 * printed, computed from the proposal and the worker's report.
 * Below them, the deleted lines an owner can restore.
 */
import { useState, type FormEvent } from 'react';
import { MAX_DECISION_POINTS, getMetaMap, writeMetaToDoc, type PackageMeta } from '../../shared/doc/schema';
import { defaultDecisionOpening, decisionPointText } from '../../shared/export/model';
import { parseAmount, toCanonical } from '../../shared/money';
import { borrowingPointOf, borrowingSentence } from '../../shared/report/borrowing';
import type { BalanceReport, DecisionPoint, Party } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import { useT } from '../i18n';
import { DeletedLinesCard } from './DeletedLinesCard';
import { FundOpeningField, PartiesFieldset, YearRangeFieldset } from './PackageFields';
import { TitleInput } from './TitleInput';

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let y = from; y <= to; y++) out.push(String(y));
  return out;
}

export interface SettingsPanelProps {
  conn: PackageConnection;
  meta: PackageMeta;
  /** May change the decision (owners and negotiators). */
  canEdit: boolean;
  /** May change the package's frame: title, years, fund, parties (owners). */
  canEditFrame: boolean;
  /** The worker's balance report, for the borrowing point's preview (null while computing). */
  balance: BalanceReport | null;
}

export function SettingsPanel({ conn, meta, canEdit, canEditFrame, balance }: SettingsPanelProps) {
  const t = useT();
  const first = (ys: string[], fallback: number) => (ys.length ? Number(ys[0]) : fallback);
  const last = (ys: string[], fallback: number) => (ys.length ? Number(ys[ys.length - 1]) : fallback);
  const now = new Date().getFullYear();
  const [from, setFrom] = useState(first(meta.years, now));
  const [to, setTo] = useState(last(meta.years, now + 4));
  const [planFrom, setPlanFrom] = useState(first(meta.planYears, now + 1));
  const [planTo, setPlanTo] = useState(last(meta.planYears, now + 4));
  const [fund, setFund] = useState(meta.fundOpeningBalance?.replace('.', ',') ?? '');
  const [parties, setParties] = useState<Party[]>(meta.parties);
  const [opening, setOpening] = useState(meta.decisionOpening ?? '');
  const [points, setPoints] = useState<DecisionPoint[]>(meta.decisionPoints);
  const [borrowing, setBorrowing] = useState(meta.proposedBorrowing?.replace('.', ',') ?? '');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const budgetYear = String(planFrom);

  const save = (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const patch: Partial<PackageMeta> = {};
    if (canEditFrame) {
      if (to < from || planTo < planFrom || planFrom < from || planTo > to) {
        setMessage({ kind: 'error', text: t('settingsYearsInvalid') });
        return;
      }
      Object.assign(patch, {
        years: range(from, to),
        planYears: range(planFrom, planTo),
        parties: parties.filter((p) => p.name.trim()).map((p) => ({ id: p.id || p.name.trim(), name: p.name.trim(), color: p.color })),
      });
      if (fund.trim()) {
        const parsed = parseAmount(fund);
        if (!parsed.ok || parsed.value === null) {
          setMessage({ kind: 'error', text: parsed.ok ? t('settingsFundInvalid') : parsed.message });
          return;
        }
        patch.fundOpeningBalance = toCanonical(parsed.value);
      } else patch.fundOpeningBalance = undefined;
    }
    if (borrowing.trim()) {
      const parsed = parseAmount(borrowing);
      if (!parsed.ok || parsed.value === null) {
        setMessage({ kind: 'error', text: parsed.ok ? t('settingsBorrowingInvalid') : parsed.message });
        return;
      }
      patch.proposedBorrowing = toCanonical(parsed.value);
    } else patch.proposedBorrowing = undefined;
    patch.decisionOpening = opening.trim() || undefined;
    // A plain array replaced as a whole: the decision points are few and edited in this one form.
    patch.decisionPoints = points.map((p) => ({ number: p.number.trim(), text: p.text.trim() })).filter((p) => p.number !== '' || p.text !== '');
    conn.undoManager.stopCapturing();
    writeMetaToDoc(conn.doc, patch, conn.localOrigin);
    conn.undoManager.stopCapturing();
    setMessage({ kind: 'ok', text: t('settingsSaved') });
  };

  const setPoint = (i: number, change: Partial<DecisionPoint>) => setPoints((ps) => ps.map((p, j) => (j === i ? { ...p, ...change } : p)));
  const defaultOpening = defaultDecisionOpening({ planYears: range(planFrom, planTo), years: range(from, to), parties: meta.parties });
  const proposed = borrowing.trim() ? parseAmount(borrowing) : null;
  const point = balance && proposed?.ok && proposed.value !== null ? borrowingPointOf(toCanonical(proposed.value), balance) : null;

  return (
    <div className="panel-page">
      <form className="card form-grid" onSubmit={save} aria-labelledby="settings-h">
        <h2 id="settings-h" className="span-2">
          {t('tabSettings')}
        </h2>
        <label className="span-2">
          {t('colTitle')}
          <TitleInput disabled={!canEditFrame} conn={conn} map={getMetaMap(conn.doc)} />
        </label>
        <YearRangeFieldset legend={t('years')} from={from} to={to} setFrom={setFrom} setTo={setTo} disabled={!canEditFrame} />
        <YearRangeFieldset legend={t('planYears')} from={planFrom} to={planTo} setFrom={setPlanFrom} setTo={setPlanTo} disabled={!canEditFrame} />
        <FundOpeningField value={fund} onChange={setFund} hintId="settings-fund-hint" disabled={!canEditFrame} />
        <PartiesFieldset parties={parties} setParties={setParties} disabled={!canEditFrame} />
        <fieldset className="span-2 decision-settings">
          <legend>{t('decisionHeading')}</legend>
          <p className="hint">{t('decisionIntro')}</p>
          <label>
            {t('decisionOpening')}
            <textarea rows={3} disabled={!canEdit} value={opening} placeholder={defaultOpening} onChange={(e) => setOpening(e.target.value)} />
          </label>
          <ol className="decision-points">
            {points.map((p, i) => (
              <li key={i} className="decision-point">
                <label>
                  {t('decisionPointNumber')}
                  <input disabled={!canEdit} value={p.number} placeholder="2.4.1" onChange={(e) => setPoint(i, { number: e.target.value })} />
                </label>
                <label>
                  {t('decisionPointText')}
                  <textarea rows={2} disabled={!canEdit} value={p.text} onChange={(e) => setPoint(i, { text: e.target.value })} />
                </label>
                <p className="hint decision-preview">{decisionPointText(p, budgetYear)}</p>
                {canEdit && (
                  <button type="button" className="ghost" onClick={() => setPoints((ps) => ps.filter((_, j) => j !== i))} aria-label={t('decisionPointRemove', { n: i + 1 })}>
                    ✕
                  </button>
                )}
              </li>
            ))}
          </ol>
          {canEdit && points.length < MAX_DECISION_POINTS && (
            <button type="button" className="secondary" onClick={() => setPoints((ps) => [...ps, { number: '', text: '' }])}>
              + {t('decisionPointAdd')}
            </button>
          )}
          <label>
            {t('proposedBorrowing', { year: budgetYear })}
            <input inputMode="decimal" disabled={!canEdit} value={borrowing} onChange={(e) => setBorrowing(e.target.value)} aria-describedby="settings-borrowing-hint" />
          </label>
          <p id="settings-borrowing-hint" className="hint" data-testid="borrowing-preview">
            {point?.ok ? `${t('borrowingPointPreview')}: ${borrowingSentence(point.point)}` : point && !point.ok && point.gap === 'unknown-year' ? t('borrowingUnknown', { year: budgetYear }) : t('proposedBorrowingHint')}
          </p>
        </fieldset>
        {message && (
          <p className={`span-2 ${message.kind === 'ok' ? 'form-ok' : 'form-error'}`} role={message.kind === 'ok' ? 'status' : 'alert'}>
            {message.text}
          </p>
        )}
        {canEdit && (
          <div className="span-2">
            <button type="submit" className="primary">
              {t('save')}
            </button>
          </div>
        )}
      </form>
      {canEditFrame && <DeletedLinesCard packageId={conn.packageId} />}
    </div>
  );
}
