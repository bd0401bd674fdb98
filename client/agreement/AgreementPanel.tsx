/**
 * The «Enighet» tab: how far the parties have come — agreed and open items, the
 * counts per party and per section, the balance of the agreed items alone, the
 * open items (each leads to its line) — and, for owners, lock and seal (the
 * server's 409 list of what blocks it, and locking anyway with a reason) and
 * unlock with a reason. A sealed round shows its checksum and each party's
 * acceptance.
 */
import { useEffect, useState } from 'react';
import type { LockRefusal, LockResponse, SealRecord } from '../../shared/protocol/agreement';
import { LEDGERS, type PackageLine, type PackageSection, type Party, type VerbalInstruction } from '../../shared/types';
import { ApiError, apiGet, apiSend } from '../app/api';
import type { PackageConnection } from '../app/connection';
import { BalanceStateTable } from '../balance/BalanceStateTable';
import { useLang, useT } from '../i18n';
import { lineInfos, verbalInfo } from './derive';
import { formatWhen } from './LockBanner';
import type { AgreementData } from './useAgreement';
import { useMembers } from './useMembers';

export interface AgreementPanelProps {
  conn: PackageConnection;
  data: AgreementData;
  lines: PackageLine[];
  verbal: VerbalInstruction[];
  sections: PackageSection[];
  parties: Party[];
  isOwner: boolean;
  onGoToLine(lineId: string): void;
}

interface Row {
  key: string;
  title: string;
  agreed: number;
  open: number;
  stale: number;
}

export function AgreementPanel({ conn, data, lines, verbal, sections, parties, isOwner, onGoToLine }: AgreementPanelProps) {
  const t = useT();
  const members = useMembers(conn.packageId);
  const view = data.view;
  if (!view) {
    return (
      <section className="panel-page agreement-panel" aria-labelledby="agreement-h">
        <h2 id="agreement-h">{t('agreementHeading')}</h2>
        {data.error ? <p className="form-error">{t('agreementError', { message: data.error })}</p> : <p className="muted">{t('agreementLoading')}</p>}
      </section>
    );
  }
  // The same rule as the server, on the document as shown now.
  const infos = lineInfos(view, lines, parties, new Map());
  const items = [
    ...lines.map((l) => ({ id: l.id, kind: 'line' as const, title: l.title, section: l.section, info: infos.get(l.id)! })),
    ...verbal.map((v) => ({ id: v.id, kind: 'verbal' as const, title: v.title, section: v.section, info: verbalInfo(view, v, parties) })),
  ];
  const agreed = items.filter((i) => i.info.agreed).length;
  const known = new Set(sections.map((s) => s.id));
  const bySection: Row[] = [...sections.map((s) => ({ key: s.id, title: s.title || t('untitled') })), { key: '', title: t('noSection') }].map(({ key, title }) => {
    const its = items.filter((i) => (key === '' ? !i.section || !known.has(i.section) : i.section === key));
    return { key, title, agreed: its.filter((i) => i.info.agreed).length, open: its.filter((i) => !i.info.agreed).length, stale: its.filter((i) => i.info.changedAfterSigning).length };
  }).filter((r) => r.agreed + r.open > 0);
  const open = items.filter((i) => !i.info.agreed);
  const ledgersShown = LEDGERS.filter((l) => l === 'drift' || lines.some((x) => x.ledger === l));

  return (
    <section className="panel-page agreement-panel" aria-labelledby="agreement-h">
      <h2 id="agreement-h">{t('agreementHeading')}</h2>
      <p className="muted">{t('agreementIntro')}</p>
      {parties.length === 0 && <p className="hint">{t('agreementNoParties')}</p>}
      <p className="strong" data-testid="agreement-counts">
        {t('agreementCounts', { agreed, total: items.length, open: items.length - agreed })}
      </p>
      <div className="agreement-tables">
        <table className="list-table numbers" aria-labelledby="agreement-party-h">
          <caption id="agreement-party-h">{t('agreementByParty')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('agreementColParty')}</th>
              <th scope="col" className="num">{t('signoff_accepted')}</th>
              <th scope="col" className="num">{t('signoff_reservation')}</th>
              <th scope="col" className="num">{t('signoff_declined')}</th>
              <th scope="col" className="num">{t('signoff_none')}</th>
            </tr>
          </thead>
          <tbody>
            {parties.map((p) => {
              // Counted on the document as shown now (a stale sign-off counts as none), like the server's summary.
              const c = { accepted: 0, reservation: 0, declined: 0, none: 0 };
              for (const i of items) {
                const m = i.info.marks.find((x) => x.party === p.id);
                c[m && !m.stale ? m.state : 'none']++;
              }
              return (
                <tr key={p.id} data-party={p.id}>
                  <th scope="row">
                    <span className="party-chip" style={{ background: p.color }} aria-hidden="true" /> {p.name}
                  </th>
                  <td className="num">{c.accepted}</td>
                  <td className="num">{c.reservation}</td>
                  <td className="num">{c.declined}</td>
                  <td className="num">{c.none}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <table className="list-table numbers" aria-labelledby="agreement-section-h">
          <caption id="agreement-section-h">{t('agreementBySection')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('agreementColSection')}</th>
              <th scope="col" className="num">{t('agreementColAgreed')}</th>
              <th scope="col" className="num">{t('agreementColOpen')}</th>
              <th scope="col" className="num">{t('agreementColStale')}</th>
            </tr>
          </thead>
          <tbody>
            {bySection.map((r) => (
              <tr key={r.key || '-'}>
                <th scope="row">{r.title}</th>
                <td className="num">{r.agreed}</td>
                <td className="num">{r.open}</td>
                <td className="num">{r.stale}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>{t('agreementAgreedBalance')}</h3>
      <BalanceStateTable report={view.agreedBalance} ledgers={ledgersShown} label={t('agreementAgreedBalance')} />
      <h3>{t('agreementOpenItems')}</h3>
      {open.length === 0 ? (
        <p className="form-ok">{t('agreementNoOpen')}</p>
      ) : (
        <ul className="open-items">
          {open.slice(0, 200).map((i) => (
            <li key={i.id}>
              <span className="muted">{i.kind === 'line' ? t('agreementLine') : t('agreementVerbal')}: </span>
              {i.kind === 'line' ? (
                <button type="button" className="link-button" onClick={() => onGoToLine(i.id)}>
                  {i.title || t('untitled')}
                </button>
              ) : (
                <span>{i.title || t('untitled')}</span>
              )}{' '}
              <span className="signoff-summary">
                {i.info.marks.map((m) => (
                  <span key={m.party} className={`signoff-mark signoff-${m.state}${m.stale ? ' stale' : ''}`} style={{ borderColor: m.color }}>
                    {m.name}: {t(`signoff_${m.state}`)}
                    {m.note ? ` — ${m.note}` : ''}
                  </span>
                ))}
                {i.info.changedAfterSigning && <span className="signoff-changed">{t('changedAfterSigning')}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
      <LockControls conn={conn} data={data} isOwner={isOwner} members={members.map((m) => ({ id: m.userId, name: m.name || m.email }))} />
    </section>
  );
}

function LockControls({ conn, data, isOwner, members }: { conn: PackageConnection; data: AgreementData; isOwner: boolean; members: { id: string; name: string }[] }) {
  const t = useT();
  const lang = useLang();
  const base = `/api/packages/${encodeURIComponent(conn.packageId)}`;
  const lock = data.view?.lock;
  const [refusal, setRefusal] = useState<LockRefusal | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [seal, setSeal] = useState<SealRecord | null>(null);
  const who = (id: string | undefined) => members.find((m) => m.id === id)?.name ?? id ?? '?';

  // The sealed round of the current lock: its checksum and the parties' acceptance.
  useEffect(() => {
    if (!lock?.locked || !lock.versionId) {
      setSeal(null);
      return;
    }
    let live = true;
    apiGet<SealRecord>(`${base}/versions/${encodeURIComponent(lock.versionId)}/seal`)
      .then((s) => live && setSeal(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [base, lock?.locked, lock?.versionId]);

  const doLock = (override?: string) => {
    setBusy(true);
    setMessage(null);
    apiSend<LockResponse>('POST', `${base}/lock`, override ? { override } : {})
      .then((r) => {
        setRefusal(null);
        setReason('');
        setSeal(r.seal);
        setMessage({ kind: 'ok', text: t('lockDone') });
        data.refresh();
      })
      .catch((e: Error) => {
        if (e instanceof ApiError && e.status === 409) {
          const body = e.body as Partial<LockRefusal> | null;
          setRefusal({ error: { message: e.message }, open: Array.isArray(body?.open) ? body.open : [], unbalancedYears: Array.isArray(body?.unbalancedYears) ? body.unbalancedYears : [], unreadable: Array.isArray(body?.unreadable) ? body.unreadable : [] });
        } else setMessage({ kind: 'error', text: t('genericError', { message: e.message }) });
      })
      .finally(() => setBusy(false));
  };
  const doUnlock = () => {
    if (!reason.trim()) {
      setMessage({ kind: 'error', text: t('reasonRequired') });
      return;
    }
    setBusy(true);
    setMessage(null);
    apiSend('POST', `${base}/unlock`, { reason: reason.trim() })
      .then(() => {
        setReason('');
        setMessage({ kind: 'ok', text: t('unlockDone') });
        data.refresh();
      })
      .catch((e: Error) => setMessage({ kind: 'error', text: t('genericError', { message: e.message }) }))
      .finally(() => setBusy(false));
  };

  return (
    <>
      {seal && (
        <section className="card seal-card" aria-labelledby="seal-h">
          <h3 id="seal-h">{t('sealHeading')}</h3>
          <p>
            {formatWhen(seal.lockedAt, lang)}, {seal.lockedByName ?? who(seal.lockedBy)}
            {seal.override ? ` — ${t('lockOverrideLabel')}: ${seal.override}` : ''}
          </p>
          <p>
            {t('sealChecksum')}: <code className="checksum">{seal.checksum}</code>
          </p>
          <h4>{t('sealAcceptances')}</h4>
          <ul>
            {seal.parties.map((p) => (
              <li key={p.id}>
                {p.name}: {p.accepted} {t('signoff_accepted').toLowerCase()}
              </li>
            ))}
          </ul>
        </section>
      )}
      {isOwner && lock && !lock.locked && (
        <section className="card lock-card" aria-labelledby="lock-h">
          <h3 id="lock-h">{t('lockHeading')}</h3>
          <p className="muted">{t('lockIntro')}</p>
          <button type="button" className="primary" disabled={busy} onClick={() => doLock()}>
            {t('lockButton')}
          </button>
          {refusal && (
            <div className="lock-refusal" role="alert">
              <p className="strong">
                {t('lockRefused')} {refusal.error.message}
              </p>
              <ul>
                {refusal.open.slice(0, 50).map((o) => (
                  <li key={o.id}>
                    {o.kind === 'line' ? t('agreementLine') : t('agreementVerbal')}: {o.title || t('untitled')}
                  </li>
                ))}
                {refusal.open.length > 50 && <li>…</li>}
                {refusal.unbalancedYears.map((y) => (
                  <li key={y}>
                    {t('ledger_drift')} {y}: {t('notBalanced')}
                  </li>
                ))}
                {refusal.unreadable.map((u) => (
                  <li key={`${u.lineId}|${u.year}`}>
                    {u.year}: {t('balanceUnknown')}
                  </li>
                ))}
              </ul>
              <form
                className="row wrap"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (!reason.trim()) setMessage({ kind: 'error', text: t('reasonRequired') });
                  else doLock(reason.trim());
                }}
              >
                <label className="grow">
                  {t('lockOverrideLabel')}
                  <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
                </label>
                <button type="submit" className="danger" disabled={busy}>
                  {t('lockOverrideButton')}
                </button>
              </form>
            </div>
          )}
        </section>
      )}
      {isOwner && lock?.locked && (
        <section className="card lock-card" aria-labelledby="unlock-h">
          <h3 id="unlock-h">{t('unlockHeading')}</h3>
          <form
            className="row wrap"
            onSubmit={(e) => {
              e.preventDefault();
              doUnlock();
            }}
          >
            <label className="grow">
              {t('unlockReason')}
              <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
            </label>
            <button type="submit" className="secondary" disabled={busy}>
              {t('unlockButton')}
            </button>
          </form>
        </section>
      )}
      {message && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </>
  );
}
