/**
 * The header's sync badge: "synkronisert", "frakoblet — N endringer ikke sendt",
 * and the server's storage state: "Lagring forsinket — …" while its database is
 * unreachable, then briefly "Lagret".
 */
import { translate, type Lang } from '../i18n';
import type { SyncStatus } from './syncTracker';
import './offline.css';

/** What the server said about storing this package's changes (client/app/connection.ts): delayed, just saved, or nothing to say. */
export type StorageBadge = 'delayed' | 'saved' | null;

/** What the badge shows: offline wins (the changes are not even sent), then the server's storage state, then sync. */
function shownState(status: SyncStatus, storage: StorageBadge): SyncStatus['state'] | 'delayed' | 'saved' {
  return status.state === 'offline' || !storage ? status.state : storage;
}

/** The badge text for a status, in `lang`. */
export function syncStatusText(status: SyncStatus, lang: Lang, storage: StorageBadge = null): string {
  const shown = shownState(status, storage);
  if (shown === 'delayed') return translate(lang, 'storageDelayed');
  if (shown === 'saved') return translate(lang, 'storageSaved');
  if (status.state === 'synced') return translate(lang, 'synced');
  if (status.state === 'syncing') return status.pending > 0 ? translate(lang, 'syncingPending', { n: status.pending }) : translate(lang, 'syncing');
  if (status.pending === 0) return translate(lang, 'offline');
  return status.pending === 1 ? translate(lang, 'offlinePendingOne') : translate(lang, 'offlinePending', { n: status.pending });
}

export function SyncStatusBadge({ status, lang = 'nb', storage = null }: { status: SyncStatus; lang?: Lang; storage?: StorageBadge }) {
  const shown = shownState(status, storage);
  return (
    <span className={`sync-badge sync-${shown}`} role="status" aria-live="polite" data-state={status.state} data-storage={storage ?? undefined} data-pending={status.pending}>
      <span className="sync-dot" aria-hidden="true" />
      {syncStatusText(status, lang, storage)}
    </span>
  );
}
