/**
 * The route `/packages/:id`: finds this user's membership (asking the server
 * once more for a package created or joined after log-in), then opens one live
 * connection to the package for as long as the workspace is shown.
 */
import { useEffect, useState } from 'react';
import { displayName, type Role } from '../../shared/protocol';
import { navigate } from '../app/router';
import { refreshSession, useSession } from '../app/session';
import { useRecoveringConnection, type RecoveryNotice } from '../app/useRecoveringConnection';
import { useT } from '../i18n';
import { Workspace } from './Workspace';

export function PackageView({ id }: { id: string }) {
  const t = useT();
  const session = useSession();
  const membership = session.memberships.find((m) => m.packageId === id);
  // A package created or joined after log-in is not in the session yet: ask once more.
  const [rechecked, setRechecked] = useState(false);
  useEffect(() => {
    if (membership || rechecked) return;
    void refreshSession().finally(() => setRechecked(true));
  }, [membership, rechecked]);
  if (!membership && !rechecked) return <p className="page muted">{t('loading')}</p>;
  if (!membership) {
    return (
      <main className="page" id="main">
        <p className="form-error" role="alert">
          {t('notFound')}
        </p>
        <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          ← {t('backToList')}
        </a>
      </main>
    );
  }
  return <Connected key={id} id={id} role={membership.role} party={membership.party ?? undefined} userName={session.user ? displayName(session.user) || '?' : '?'} userId={session.user?.userId ?? ''} />;
}

/** Holds the package connection (content, comments, presence, undo) while mounted, and replaces it after a refused change. */
function Connected({ id, role, party, userName, userId }: { id: string; role: Role; party: string | undefined; userName: string; userId: string }) {
  const { conn, notice, dismiss } = useRecoveringConnection({ packageId: id, role, user: { id: userId, name: userName, ...(party ? { party } : {}) } });
  return (
    <>
      {notice && <RefusedNotice notice={notice} onDismiss={dismiss} />}
      {conn && <Workspace conn={conn} />}
    </>
  );
}

/** Says, plainly, that the server refused a change, that the local copy was replaced, and what was not saved. */
function RefusedNotice({ notice, onDismiss }: { notice: RecoveryNotice; onDismiss: () => void }) {
  const t = useT();
  const what = notice.source === 'peer' ? t('refusedPeer') : notice.doc === 'comments' ? t('refusedSelfComments') : t('refusedSelf');
  const lost = notice.pending ? t('refusedNotSavedCount', { count: notice.pending }) : t('refusedNotSaved');
  return (
    <div className="notice notice-error" role="alert" data-testid="refused-notice">
      <p>
        {what} {lost}
      </p>
      {notice.gaveUp ? (
        <p>
          {t('refusedGaveUp')}{' '}
          <button type="button" onClick={() => location.reload()}>
            {t('reloadPage')}
          </button>
        </p>
      ) : (
        <button type="button" className="ghost small" onClick={onDismiss}>
          {t('close')}
        </button>
      )}
    </div>
  );
}
