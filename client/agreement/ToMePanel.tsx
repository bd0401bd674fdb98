/**
 * «Til meg»: the comment threads that mention this user (`@navn`) in this package,
 * newest first, each leading to its line. The server finds them (GET /api/mentions);
 * there is no mail. Fetched again when the comments change.
 */
import { useEffect, useState } from 'react';
import type { MentionList, MentionThread } from '../../shared/protocol/agreement';
import { apiGet } from '../app/api';
import type { PackageConnection } from '../app/connection';
import { useLang, useT } from '../i18n';
import { formatWhen } from './LockBanner';

export function ToMePanel({ conn, onGoToLine }: { conn: PackageConnection; onGoToLine(lineId: string, year?: string): void }) {
  const t = useT();
  const lang = useLang();
  const [threads, setThreads] = useState<MentionThread[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      apiGet<MentionList>('/api/mentions')
        .then((r) => live && setThreads(r.threads.filter((x) => x.packageId === conn.packageId)))
        .catch((e: Error) => live && setError(e.message));
    void load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onUpdate = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void load(), 800);
    };
    conn.commentsDoc.on('update', onUpdate);
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
      conn.commentsDoc.off('update', onUpdate);
    };
  }, [conn]);
  return (
    <section className="panel-page" aria-labelledby="tome-h">
      <h2 id="tome-h">{t('toMeHeading')}</h2>
      {error && <p className="form-error">{t('genericError', { message: error })}</p>}
      {threads === null ? (
        <p className="muted">{t('loading')}</p>
      ) : threads.length === 0 ? (
        <p className="muted">{t('toMeNone')}</p>
      ) : (
        <ul className="to-me-list">
          {threads.map((th) => (
            <li key={th.commentId} className={th.resolved ? 'muted' : undefined}>
              <strong>{th.authorName}</strong> <span className="muted">{formatWhen(th.lastAt, lang)}</span>
              <p>{th.text}</p>
              {(th.target.kind === 'line' || th.target.kind === 'cell') && (
                <button type="button" className="link-button" onClick={() => onGoToLine(th.target.id, th.target.year)}>
                  {t('toMeGoTo')}
                  {th.target.year ? ` (${th.target.year})` : ''}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
