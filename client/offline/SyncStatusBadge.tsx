/** The header's sync badge: "synkronisert" or "frakoblet — N endringer ikke sendt". */
import { msg, type Lang } from '../editor/messages';
import type { SyncStatus } from './syncTracker';
import './offline.css';

/** The badge text for a status, in `lang`. */
export function syncStatusText(status: SyncStatus, lang: Lang): string {
  if (status.state === 'synced') return msg(lang, 'synced');
  if (status.state === 'syncing') return status.pending > 0 ? msg(lang, 'syncingPending', { n: status.pending }) : msg(lang, 'syncing');
  if (status.pending === 0) return msg(lang, 'offline');
  return status.pending === 1 ? msg(lang, 'offlinePendingOne') : msg(lang, 'offlinePending', { n: status.pending });
}

export function SyncStatusBadge({ status, lang = 'nb' }: { status: SyncStatus; lang?: Lang }) {
  return (
    <span className={`sync-badge sync-${status.state}`} role="status" aria-live="polite" data-state={status.state} data-pending={status.pending}>
      <span className="sync-dot" aria-hidden="true" />
      {syncStatusText(status, lang)}
    </span>
  );
}
