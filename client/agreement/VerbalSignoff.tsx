/** A verbal instruction's sign-offs in the sections view: each party's mark, and for a member of a party, accept / reservation (note) / decline / clear. */
import { useState } from 'react';
import type { AgreementView } from '../../shared/protocol/agreement';
import type { Party, VerbalInstruction } from '../../shared/types';
import { useT } from '../i18n';
import { verbalInfo } from './derive';
import { sendSignoffs } from './SignoffBar';

export interface VerbalSignoffProps {
  packageId: string;
  verbal: VerbalInstruction;
  view: AgreementView | null;
  parties: Party[];
  signable: Party[];
  locked: boolean;
  onSaved(): void;
}

export function VerbalSignoff({ packageId, verbal, view, parties, signable, locked, onSaved }: VerbalSignoffProps) {
  const t = useT();
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const info = verbalInfo(view, verbal, parties);
  const party = signable[0];
  const sign = (state: 'accepted' | 'reservation' | 'declined' | 'none') => {
    if (!party) return;
    let note: string | undefined;
    if (state === 'reservation' || state === 'declined') {
      const typed = window.prompt(state === 'reservation' ? t('bulkNoteLabel') : t('bulkNoteOptional'));
      if (typed === null) return;
      if (state === 'reservation' && !typed.trim()) {
        setMessage({ kind: 'error', text: t('bulkNoteRequired') });
        return;
      }
      note = typed.trim() || undefined;
    }
    void sendSignoffs(t, packageId, { lines: [], verbal: [verbal] }, party, state, note).then((m) => {
      setMessage(m.kind === 'error' ? m : null);
      if (m.kind === 'ok') onSaved();
    });
  };
  return (
    <div className="verbal-signoff" role="group" aria-label={t('verbalSignoffLabel', { title: verbal.title || t('untitled') })}>
      {info.agreed && <span className="status-badge status-agreed">{t('status_agreed')}</span>}
      <span className="signoff-marks">
        {info.marks.map((m) => (
          <span key={m.party} className={`signoff-mark signoff-${m.state}${m.stale ? ' stale' : ''}`} style={{ borderColor: m.color, ...(m.state === 'accepted' && !m.stale ? { background: m.color } : {}) }} title={`${m.name}: ${t(`signoff_${m.state}`)}${m.note ? ` — ${m.note}` : ''}`} data-party={m.party} data-state={m.state}>
            {m.state === 'accepted' ? '✓' : m.state === 'reservation' ? '!' : '✕'} {m.name}
          </span>
        ))}
        {info.changedAfterSigning && <span className="signoff-changed">{t('changedAfterSigning')}</span>}
      </span>
      {party && !locked && (
        <>
          <button type="button" className="secondary small" onClick={() => sign('accepted')}>
            {t('bulkAccept', { party: party.name })}
          </button>
          <button type="button" className="ghost small" onClick={() => sign('reservation')}>
            {t('bulkReserve')}
          </button>
          <button type="button" className="ghost small" onClick={() => sign('declined')}>
            {t('bulkDecline')}
          </button>
          <button type="button" className="ghost small" onClick={() => sign('none')}>
            {t('bulkClear')}
          </button>
        </>
      )}
      {message && (
        <span className="form-error" role="alert">
          {message.text}
        </span>
      )}
    </div>
  );
}
