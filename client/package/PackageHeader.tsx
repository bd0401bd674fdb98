/**
 * The workspace header: back link, the package title, the connection and sync
 * state (with the server's "saving delayed" / "saved"), my role when I cannot edit, who is here, undo/redo, the members link
 * (owners), the language toggle and log-out; and below it the server's
 * read-only notice, the request to reload a tab older than the server (4426) and
 * the error of a document the server cannot load, when there is one.
 */
import { CLOSE_OUTDATED_CLIENT } from '../../shared/protocol';
import type { PackageConnection, ConnectionStatus } from '../app/connection';
import { AppLink } from '../app/AppLink';
import { navigate } from '../app/router';
import { logout } from '../app/session';
import { setLang, useLang, useT } from '../i18n';
import { SyncStatusBadge } from '../offline/SyncStatusBadge';
import type { SyncStatus } from '../offline/syncTracker';
import { PresenceBar } from '../presence/PresenceBar';
import type { UndoAvailability } from './useUndo';

export interface PackageHeaderProps {
  conn: PackageConnection;
  title: string;
  status: ConnectionStatus;
  sync: SyncStatus;
  canEdit: boolean;
  undo: UndoAvailability;
}

export function PackageHeader({ conn, title, status, sync, canEdit, undo }: PackageHeaderProps) {
  const t = useT();
  const lang = useLang();
  return (
    <>
      <header className="pkg-header">
        <AppLink className="back-link" href="/">
          ← {t('backToList')}
        </AppLink>
        <h1 className="pkg-title">{title || '…'}</h1>
        <span data-testid="connection-status" data-state={status.phase === 'closed' ? 'closed' : sync.state}>
          {status.phase === 'closed' ? (
            <span className="conn-status conn-bad" role="status">
              {status.closedReason || t('accessLost')}
            </span>
          ) : (
            <SyncStatusBadge status={sync} lang={lang} storage={status.storageDelayed ? 'delayed' : status.storageSaved ? 'saved' : null} />
          )}
        </span>
        {!canEdit && <span className="pill pill-muted">{status.readOnlyReason ? t('readOnly') : t(`role_${status.role}`)}</span>}
        <PresenceBar provider={conn.provider} doc={conn.doc} lang={lang} />
        <div className="header-actions">
          <button type="button" className="ghost" disabled={!undo.undo || !canEdit} onClick={() => conn.undoManager.undo()} title={`${t('undo')} (Ctrl+Z)`}>
            <span aria-hidden="true">↶</span> <span className="btn-label">{t('undo')}</span>
          </button>
          <button type="button" className="ghost" disabled={!undo.redo || !canEdit} onClick={() => conn.undoManager.redo()} title={`${t('redo')} (Ctrl+Shift+Z)`}>
            <span aria-hidden="true">↷</span> <span className="btn-label">{t('redo')}</span>
          </button>
          {status.role === 'owner' && (
            <AppLink className="button ghost" href={`/packages/${encodeURIComponent(conn.packageId)}/members`}>
              {t('tabMembers')}
            </AppLink>
          )}
          <button type="button" className="ghost" onClick={() => setLang(lang === 'nb' ? 'en' : 'nb')} aria-label={t('langToggleLabel')}>
            {t('langToggle')}
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              void logout().then(() => navigate('/login', true));
            }}
          >
            {t('logout')}
          </button>
        </div>
      </header>
      {status.readOnlyReason && (
        <p className="notice" role="status">
          {status.readOnlyReason}
        </p>
      )}
      {status.closedCode === CLOSE_OUTDATED_CLIENT && (
        <p className="notice notice-error" role="alert" data-testid="outdated-notice">
          {t('outdatedClient')}{' '}
          <button type="button" onClick={() => location.reload()}>
            {t('reloadPage')}
          </button>
        </p>
      )}
      {status.loadError && status.phase !== 'closed' && (
        <p className="notice notice-error" role="alert" data-testid="load-error">
          {status.loadError}
        </p>
      )}
    </>
  );
}
