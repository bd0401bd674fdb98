/**
 * The bulk sign-off bar: shown while lines are chosen (checkbox, Shift-click for
 * a range, Ctrl-click), it signs them for the user's party in one request —
 * «Godta for SV», «Forbehold …» (a note is required), «Avslå» (note optional)
 * or clear — and sends the fingerprint of each line as this client shows it
 * (`seen`), so the server refuses (409) a sign-off on a figure that changed
 * before the user saw it. Refusals are said in words, not codes.
 */
import { useState } from 'react';
import type { SignoffRequest, SignoffResponse, SignoffStateInput } from '../../shared/protocol/agreement';
import type { PackageLine, Party, VerbalInstruction } from '../../shared/types';
import { ApiError, apiSend } from '../app/api';
import { useT, type TFunction } from '../i18n';
import { currentLineFingerprint, currentVerbalFingerprint } from './derive';

/** Signs `items` for `party`; resolves to a message for the user (ok or error). */
export async function sendSignoffs(
  t: TFunction,
  packageId: string,
  items: { lines: PackageLine[]; verbal?: VerbalInstruction[] },
  party: Party,
  state: SignoffStateInput,
  note?: string,
): Promise<{ kind: 'ok' | 'error'; text: string }> {
  const seen: Record<string, string> = {};
  for (const l of items.lines) seen[l.id] = currentLineFingerprint(l);
  for (const v of items.verbal ?? []) seen[v.id] = currentVerbalFingerprint(v);
  const body: SignoffRequest = { items: Object.keys(seen), party: party.id, state, seen };
  if (note) body.note = note;
  try {
    const r = await apiSend<SignoffResponse>('PUT', `/api/packages/${encodeURIComponent(packageId)}/signoffs`, body);
    return { kind: 'ok', text: t('bulkDone', { n: r.updated, party: party.name }) };
  } catch (e) {
    if (!(e instanceof ApiError)) return { kind: 'error', text: t('genericError', { message: (e as Error).message }) };
    if (e.status === 403) return { kind: 'error', text: t('bulkForbidden', { party: party.name }) };
    if (e.status === 404) return { kind: 'error', text: t('bulkUnknown') };
    // A 409 lists the items that changed since they were seen (`changed`); without that list it is the lock.
    if (e.status === 409) return { kind: 'error', text: Array.isArray((e.body as { changed?: unknown } | null)?.changed) ? t('bulkChanged') : t('bulkLocked') };
    return { kind: 'error', text: t('genericError', { message: e.message }) };
  }
}

export interface SignoffBarProps {
  packageId: string;
  /** The chosen lines as this client shows them now. */
  lines: PackageLine[];
  /** Parties the user may sign for (members of them). */
  parties: Party[];
  locked: boolean;
  onClearChoice(): void;
  /** After a sign-off was saved: the agreement is fetched again. */
  onSaved(): void;
}

export function SignoffBar({ packageId, lines, parties, locked, onClearChoice, onSaved }: SignoffBarProps) {
  const t = useT();
  const [partyId, setPartyId] = useState(parties[0]?.id ?? '');
  const [asking, setAsking] = useState<'reservation' | 'declined' | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const party = parties.find((p) => p.id === partyId) ?? parties[0];
  if (!party) return null;

  const send = (state: SignoffStateInput, withNote?: string) => {
    if (state === 'reservation' && !withNote?.trim()) {
      setMessage({ kind: 'error', text: t('bulkNoteRequired') });
      return;
    }
    setBusy(true);
    setMessage(null);
    void sendSignoffs(t, packageId, { lines }, party, state, withNote?.trim() || undefined)
      .then((m) => {
        setMessage(m);
        if (m.kind === 'ok') {
          setAsking(null);
          setNote('');
          onSaved();
        }
      })
      .finally(() => setBusy(false));
  };

  return (
    <section className="signoff-bar" aria-label={t('bulkLabel')}>
      <div className="signoff-bar-row">
        <strong>{lines.length === 1 ? t('bulkChosenOne') : t('bulkChosenMany', { n: lines.length })}</strong>
        {parties.length > 1 && (
          <label>
            {t('bulkParty')}{' '}
            <select value={party.id} onChange={(e) => setPartyId(e.target.value)}>
              {parties.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="button" className="primary small" disabled={busy || locked || lines.length === 0} onClick={() => send('accepted')}>
          {t('bulkAccept', { party: party.name })}
        </button>
        <button type="button" className="secondary small" disabled={busy || locked || lines.length === 0} onClick={() => setAsking('reservation')} aria-expanded={asking === 'reservation'}>
          {t('bulkReserve')}
        </button>
        <button type="button" className="secondary small" disabled={busy || locked || lines.length === 0} onClick={() => setAsking('declined')} aria-expanded={asking === 'declined'}>
          {t('bulkDecline')}
        </button>
        <button type="button" className="ghost small" disabled={busy || locked || lines.length === 0} onClick={() => send('none')}>
          {t('bulkClear')}
        </button>
        <button type="button" className="link-button" onClick={onClearChoice}>
          {t('bulkClearChoice')}
        </button>
      </div>
      {asking && (
        <form
          className="signoff-bar-row"
          onSubmit={(e) => {
            e.preventDefault();
            send(asking, note);
          }}
        >
          <label className="grow">
            {asking === 'reservation' ? t('bulkNoteLabel') : t('bulkNoteOptional')}
            <input value={note} onChange={(e) => setNote(e.target.value)} required={asking === 'reservation'} maxLength={2000} autoFocus />
          </label>
          <button type="submit" className="primary small" disabled={busy}>
            {asking === 'reservation' ? t('signoff_reservation') : t('bulkDecline')}
          </button>
          <button type="button" className="ghost small" onClick={() => setAsking(null)}>
            {t('bulkCancel')}
          </button>
        </form>
      )}
      {locked && <p className="form-error">{t('bulkLocked')}</p>}
      {message && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
