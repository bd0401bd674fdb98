/**
 * Package settings for owners: title, years, plan period, the reserve fund's
 * opening balance and the coalition parties. Saved as one change to the doc's
 * meta (writeMetaToDoc), so everyone sees it at once and it is one undo step.
 */
import { useState, type FormEvent } from 'react';
import { writeMetaToDoc, type PackageMeta } from '../../shared/doc/schema';
import { parseAmount, toCanonical } from '../../shared/money';
import type { Party } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import { useT } from '../i18n';

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

  const setParty = (i: number, p: Partial<Party>) => setParties((ps) => ps.map((x, j) => (j === i ? { ...x, ...p } : x)));
  const yearInput = (label: string, value: number, set: (n: number) => void) => (
    <label>
      {label}
      <input type="number" min={2000} max={2100} disabled={!canEdit} value={value} onChange={(e) => set(Number(e.target.value))} />
    </label>
  );

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
        <fieldset>
          <legend>{t('years')}</legend>
          <div className="row">
            {yearInput(t('fromYear'), from, setFrom)}
            {yearInput(t('toYear'), to, setTo)}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('planYears')}</legend>
          <div className="row">
            {yearInput(t('fromYear'), planFrom, setPlanFrom)}
            {yearInput(t('toYear'), planTo, setPlanTo)}
          </div>
        </fieldset>
        <div className="span-2 field">
          <label>
            {t('fundOpening')}
            <input inputMode="decimal" disabled={!canEdit} value={fund} onChange={(e) => setFund(e.target.value)} aria-describedby="settings-fund-hint" />
          </label>
          <span id="settings-fund-hint" className="hint">
            {t('fundOpeningHint')}
          </span>
        </div>
        <fieldset className="span-2">
          <legend>{t('parties')}</legend>
          {parties.map((p, i) => (
            <div className="row party-row" key={i}>
              <label>
                {t('partyName')}
                <input disabled={!canEdit} value={p.name} onChange={(e) => setParty(i, { name: e.target.value })} />
              </label>
              <label>
                {t('partyColor')}
                <input type="color" disabled={!canEdit} value={p.color} onChange={(e) => setParty(i, { color: e.target.value })} />
              </label>
            </div>
          ))}
          {canEdit && (
            <button type="button" className="secondary" onClick={() => setParties((ps) => [...ps, { id: '', name: '', color: '#4a6fa5' }])}>
              + {t('addParty')}
            </button>
          )}
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
    </div>
  );
}
