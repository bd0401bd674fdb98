/**
 * Deleted lines, for owners (in the settings tab): every line deleted from the
 * package that is not back, with who deleted it and when, and a button that
 * restores it exactly as it was (amounts, invalid cells, rationale) for everyone.
 * The server keeps what is needed (GET/POST /api/packages/:id/deleted-lines).
 */
import { useCallback, useEffect, useState } from 'react';
import { formatAmount } from '../../shared/money';
import type { DeletedLineView, MemberView } from '../../shared/protocol';
import { apiGet, apiSend } from '../app/api';
import { useLang, useT, type MessageId } from '../i18n';

export function DeletedLinesCard({ packageId }: { packageId: string }) {
  const t = useT();
  const lang = useLang();
  const base = `/api/packages/${encodeURIComponent(packageId)}`;
  const [lines, setLines] = useState<DeletedLineView[] | null>(null);
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    apiGet<{ lines: DeletedLineView[] }>(`${base}/deleted-lines`)
      .then((r) => setLines(r.lines))
      .catch((e: Error) => setMessage({ kind: 'error', text: t('genericError', { message: e.message }) }));
    // Names of who deleted what; without them the list still works.
    apiGet<{ members: MemberView[] }>(`${base}/members`)
      .then((r) => setNames(new Map(r.members.map((m) => [m.userId, m.name || m.email]))))
      .catch(() => {});
  }, [base, t]);
  useEffect(load, [load]);

  const restore = (line: DeletedLineView) => {
    setBusy(line.lineId);
    setMessage(null);
    apiSend(`POST`, `${base}/deleted-lines/${encodeURIComponent(line.lineId)}/restore`)
      .then(() => {
        setMessage({ kind: 'ok', text: t('deletedLineRestored', { title: line.title || t('untitled') }) });
        load();
      })
      .catch((e: Error) => setMessage({ kind: 'error', text: t('genericError', { message: e.message }) }))
      .finally(() => setBusy(null));
  };

  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'nb' ? 'nb-NO' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
  const amounts = (line: DeletedLineView) =>
    Object.entries(line.amounts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([year, v]) => `${year}: ${formatAmount(v)}`)
      .join(', ');

  return (
    <section className="card" aria-labelledby="deleted-lines-h">
      <h2 id="deleted-lines-h">{t('deletedLinesTitle')}</h2>
      <p className="muted">{t('deletedLinesIntro')}</p>
      {lines === null ? (
        <p className="muted">{t('loading')}</p>
      ) : lines.length === 0 ? (
        <p className="muted">{t('deletedLinesNone')}</p>
      ) : (
        <ul className="deleted-lines" aria-label={t('deletedLinesTitle')}>
          {lines.map((line) => (
            <li key={line.lineId} data-line-id={line.lineId}>
              <div>
                <strong>{line.title || t('untitled')}</strong> <span className="muted">({t(`ledger_${line.ledger}` as MessageId)}, {t(`group_${line.group}` as MessageId)})</span>
                <div className="muted">
                  {amounts(line) || t('deletedLinesNoAmounts')} ·{' '}
                  {t('deletedLinesBy', { name: line.deletedBy ? (names.get(line.deletedBy) ?? t('deletedLinesUnknownUser')) : t('deletedLinesServer'), when: when(line.deletedAt) })}
                </div>
              </div>
              <button type="button" disabled={busy !== null} onClick={() => restore(line)} aria-label={t('deletedLinesRestoreLabel', { title: line.title || t('untitled') })}>
                {t('deletedLinesRestore')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {message && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
