/**
 * Package settings for owners: title, years, plan period, the reserve fund's
 * opening balance and the coalition parties. Saved as one change to the doc's
 * meta (writeMetaToDoc), so everyone sees it at once and it is one undo step.
 * Below them, the deleted lines an owner can restore.
 */
import { useState, type FormEvent } from 'react';
import { writeMetaToDoc, type PackageMeta } from '../../shared/doc/schema';
import { parseAmount, toCanonical } from '../../shared/money';
import type { Party } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import { useT } from '../i18n';
import { DeletedLinesCard } from './DeletedLinesCard';
import { FundOpeningField, PartiesFieldset, YearRangeFieldset } from './PackageFields';

function range(from: number, to: number): string[] {
  const out: string[] = [];
  for (let y = from; y <= to; y++) out.push(String(y));
  return out;
}

export function SettingsPanel({ conn, meta, canEdit }: { conn: PackageConnection; meta: PackageMeta; canEdit: boolean }) {
  const t = useT();
  const first = (ys: string[], fallback: number) => (ys.length ? Number(ys[0]) : fallback);
  const last = (ys: string[], fallback: number) => (ys.length ? Number(ys[ys.length - 1]) : fallback);
  const now = new Date().getFullYear();
  const [title, setTitle] = useState(meta.title);
  const [from, setFrom] = useState(first(meta.years, now));
  const [to, setTo] = useState(last(meta.years, now + 4));
  const [planFrom, setPlanFrom] = useState(first(meta.planYears, now + 1));
  const [planTo, setPlanTo] = useState(last(meta.planYears, now + 4));
  const [fund, setFund] = useState(meta.fundOpeningBalance?.replace('.', ',') ?? '');
  const [parties, setParties] = useState<Party[]>(meta.parties);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const save = (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    if (to < from || planTo < planFrom || planFrom < from || planTo > to) {
      setMessage({ kind: 'error', text: t('settingsYearsInvalid') });
      return;
    }
    const patch: Partial<PackageMeta> = {
      title: title.trim(),
      years: range(from, to),
      planYears: range(planFrom, planTo),
      parties: parties.filter((p) => p.name.trim()).map((p) => ({ id: p.id || p.name.trim(), name: p.name.trim(), color: p.color })),
    };
    if (fund.trim()) {
      const parsed = parseAmount(fund);
      if (!parsed.ok || parsed.value === null) {
        setMessage({ kind: 'error', text: parsed.ok ? t('settingsFundInvalid') : parsed.message });
        return;
      }
      patch.fundOpeningBalance = toCanonical(parsed.value);
    } else patch.fundOpeningBalance = undefined;
    conn.undoManager.stopCapturing();
    writeMetaToDoc(conn.doc, patch, conn.localOrigin);
    conn.undoManager.stopCapturing();
    setMessage({ kind: 'ok', text: t('settingsSaved') });
  };


  return (
    <div className="panel-page">
      <form className="card form-grid" onSubmit={save} aria-labelledby="settings-h">
        <h2 id="settings-h" className="span-2">
          {t('tabSettings')}
        </h2>
        <label className="span-2">
          {t('colTitle')}
          <input required disabled={!canEdit} value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <YearRangeFieldset legend={t('years')} from={from} to={to} setFrom={setFrom} setTo={setTo} disabled={!canEdit} />
        <YearRangeFieldset legend={t('planYears')} from={planFrom} to={planTo} setFrom={setPlanFrom} setTo={setPlanTo} disabled={!canEdit} />
        <FundOpeningField value={fund} onChange={setFund} hintId="settings-fund-hint" disabled={!canEdit} />
        <PartiesFieldset parties={parties} setParties={setParties} disabled={!canEdit} />
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
      <DeletedLinesCard packageId={conn.packageId} />
    </div>
  );
}
