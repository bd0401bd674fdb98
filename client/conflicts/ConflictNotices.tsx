/**
 * The notices of conflicts I am part of (I wrote one of the two values): shown
 * until I act on them or close them here, after a remote overwrite, after I come
 * back online, or when I open the package while one is unresolved.
 */
import type { PackageConnection } from '../app/connection';
import { useT } from '../i18n';
import { ConflictCard } from './ConflictCard';
import { putBackLostValue, type ConflictSnapshot, type ConflictStore } from './conflictStore';

export interface ConflictNoticesProps {
  conn: PackageConnection;
  store: ConflictStore;
  snapshot: ConflictSnapshot;
  canEdit: boolean;
  onGoToCell(lineId: string, year: string): void;
}

export function ConflictNotices({ conn, store, snapshot, canEdit, onGoToCell }: ConflictNoticesProps) {
  const t = useT();
  if (snapshot.mine.length === 0) return null;
  return (
    <section className="conflict-notices" aria-label={t('conflictsNotices')} role="alert">
      {snapshot.mine.map((c) => (
        <ConflictCard
          key={c.id}
          conflict={c}
          names={snapshot.names}
          canEdit={canEdit}
          onPutBack={() => void putBackLostValue(conn, store, c)}
          onKeep={() => void store.dismiss(c.id).catch(() => {})}
          onGoTo={() => onGoToCell(c.lineId, c.year)}
          onClose={() => store.close(c.id)}
        />
      ))}
    </section>
  );
}
