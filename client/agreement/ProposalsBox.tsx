/**
 * Counter-offers on the selected line (in its details): propose an amount for a
 * year without changing the cell; the pending offers with the figure they were
 * made against (outdated when the cell changed since); a member of another party
 * accepts one (the server writes the amount as an ordinary edit by the accepter)
 * or declines it, and the proposer may withdraw it.
 */
import { useState } from 'react';
import type { CreateProposalRequest, ProposalView } from '../../shared/protocol/agreement';
import { formatAmount, parseAmount } from '../../shared/money';
import type { PackageLine, Party, Year } from '../../shared/types';
import { apiSend } from '../app/api';
import { useT } from '../i18n';

export interface ProposalsBoxProps {
  packageId: string;
  line: PackageLine;
  years: Year[];
  proposals: ProposalView[];
  parties: Party[];
  me: { id: string; party?: string | undefined };
  /** Editor or owner with a party, and not locked. */
  canPropose: boolean;
  onChanged(): void;
}

export function ProposalsBox({ packageId, line, years, proposals, parties, me, canPropose, onChanged }: ProposalsBoxProps) {
  const t = useT();
  const [year, setYear] = useState(years[0] ?? '');
  const [amount, setAmount] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const base = `/api/packages/${encodeURIComponent(packageId)}/proposals`;
  const mine = proposals.filter((p) => p.lineId === line.id && p.state === 'pending');
  const partyName = (id: string | null) => parties.find((p) => p.id === id)?.name ?? id ?? '?';

  const run = (p: Promise<unknown>, ok: string) => {
    setBusy(true);
    setMessage(null);
    p.then(() => {
      setMessage({ kind: 'ok', text: ok });
      onChanged();
    })
      .catch((e: Error) => setMessage({ kind: 'error', text: t('genericError', { message: e.message }) }))
      .finally(() => setBusy(false));
  };
  const propose = () => {
    const parsed = parseAmount(amount);
    if (!parsed.ok || parsed.value === null) {
      setMessage({ kind: 'error', text: t('proposalInvalid') });
      return;
    }
    const body: CreateProposalRequest = { lineId: line.id, year, amount };
    run(
      apiSend('POST', base, body).then(() => setAmount('')),
      t('proposalShort', { value: formatAmount(parsed.value), party: partyName(me.party ?? null) }),
    );
  };

  return (
    <section className="proposals-box" aria-labelledby={`proposals-${line.id}`}>
      <h3 className="field-heading" id={`proposals-${line.id}`}>
        {t('proposalsHeading')}
      </h3>
      {mine.length === 0 ? (
        <p className="muted">{t('proposalNone')}</p>
      ) : (
        <ul className="proposal-list">
          {mine.map((p) => {
            const current = line.amounts[p.year];
            const own = p.by === me.id;
            const otherParty = !!me.party && p.party !== me.party;
            return (
              <li key={p.id} data-proposal-id={p.id} className={p.outdated ? 'outdated' : undefined}>
                {t('proposalLine', { year: p.year, value: formatAmount(p.amount), current: current === undefined ? t('diffEmptyCell') : formatAmount(current), party: partyName(p.party), name: p.byName ?? '' })}
                {p.outdated && <span className="signoff-changed"> {t('proposalOutdated')}</span>}
                <span className="row">
                  {canPropose && otherParty && !p.outdated && (
                    <button type="button" className="primary small" disabled={busy} onClick={() => run(apiSend('POST', `${base}/${encodeURIComponent(p.id)}/accept`, {}), t('proposalAccepted'))}>
                      {t('proposalAccept')}
                    </button>
                  )}
                  {canPropose && otherParty && (
                    <button type="button" className="secondary small" disabled={busy} onClick={() => run(apiSend('POST', `${base}/${encodeURIComponent(p.id)}/decline`, {}), t('proposalDeclined'))}>
                      {t('proposalDecline')}
                    </button>
                  )}
                  {own && (
                    <button type="button" className="ghost small" disabled={busy} onClick={() => run(apiSend('POST', `${base}/${encodeURIComponent(p.id)}/withdraw`, {}), t('proposalDeclined'))}>
                      {t('proposalWithdraw')}
                    </button>
                  )}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {canPropose && (
        <form
          className="row wrap"
          onSubmit={(e) => {
            e.preventDefault();
            propose();
          }}
        >
          <label>
            {t('proposalYear')}
            <select value={year} onChange={(e) => setYear(e.target.value)}>
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('proposalAmount', { year })}
            <input value={amount} onChange={(e) => setAmount(e.target.value)} inputMode="decimal" size={8} />
          </label>
          <button type="submit" className="secondary small" disabled={busy || !amount.trim()}>
            {t('proposalPropose')}
          </button>
        </form>
      )}
      {message && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
