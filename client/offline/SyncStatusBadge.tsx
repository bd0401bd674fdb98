/** The header's sync badge: "synkronisert" or "frakoblet — N endringer ikke sendt". */
import { translate, type Lang } from '../i18n';
import type { SyncStatus } from './syncTracker';
import './offline.css';

/** The badge text for a status, in `lang`. */
export function syncStatusText(status: SyncStatus, lang: Lang): string {
  if (status.state === 'synced') return translate(lang, 'synced');
  if (status.state === 'syncing') return status.pending > 0 ? translate(lang, 'syncingPending', { n: status.pending }) : translate(lang, 'syncing');
  if (status.pending === 0) return translate(lang, 'offline');
  return status.pending === 1 ? translate(lang, 'offlinePendingOne') : translate(lang, 'offlinePending', { n: status.pending });
}

export function SyncStatusBadge({ status, lang = 'nb' }: { status: SyncStatus; lang?: Lang }) {
  return (
    <span className={`sync-badge sync-${status.state}`} role="status" aria-live="polite" data-state={status.state} data-pending={status.pending}>
      <span className="sync-dot" aria-hidden="true" />
      {syncStatusText(status, lang)}
    </span>
  );
}
