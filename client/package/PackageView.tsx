/**
 * The route `/packages/:id`: finds this user's membership (asking the server
 * once more for a package created or joined after log-in), then opens one live
 * connection to the package for as long as the workspace is shown.
 */
import { useEffect, useState } from 'react';
import type { Role } from '../../shared/protocol';
import { createPackageConnection, type PackageConnection } from '../app/connection';
import { navigate } from '../app/router';
import { refreshSession, useSession } from '../app/session';
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
  return <Connected key={id} id={id} role={membership.role} party={membership.party ?? undefined} userName={session.user?.name || session.user?.email || '?'} userId={session.user?.userId ?? ''} />;
}

/** Holds the package connection (content, comments, presence, undo) while mounted. */
function Connected({ id, role, party, userName, userId }: { id: string; role: Role; party: string | undefined; userName: string; userId: string }) {
  const [conn, setConn] = useState<PackageConnection | null>(null);
  useEffect(() => {
    const c = createPackageConnection({ packageId: id, role, user: { id: userId, name: userName, ...(party ? { party } : {}) } });
    setConn(c);
    return () => c.destroy();
  }, [id, role, party, userName, userId]);
  if (!conn) return null;
  return <Workspace conn={conn} />;
}
