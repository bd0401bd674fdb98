/**
 * The «Konflikter» tab: the package's unresolved conflicts, shared by its members
 * (the server's list, kept current by its notices), each until someone dismisses
 * it or puts a value back.
 */
import type { PackageConnection } from '../app/connection';
import { useT } from '../i18n';
import { ConflictCard } from './ConflictCard';
import { putBackLostValue, type ConflictSnapshot, type ConflictStore } from './conflictStore';

export interface ConflictsPanelProps {
  conn: PackageConnection;
  store: ConflictStore;
  snapshot: ConflictSnapshot;
  canEdit: boolean;
  onGoToCell(lineId: string, year: string): void;
}

export function ConflictsPanel({ conn, store, snapshot, canEdit, onGoToCell }: ConflictsPanelProps) {
  const t = useT();
  return (
    <div className="panel-page conflicts-panel">
      <h2>{t('tabConflicts')}</h2>
      <p className="muted">{t('conflictsIntro')}</p>
      {snapshot.list.length === 0 ? (
        <p className="empty-state">{t('conflictsEmpty')}</p>
      ) : (
        <div className="conflict-list">
          {[...snapshot.list].reverse().map((c) => (
            <ConflictCard
              key={c.id}
              conflict={c}
              names={snapshot.names}
              canEdit={canEdit}
              onPutBack={() => void putBackLostValue(conn, store, c)}
              onKeep={() => void store.dismiss(c.id).catch(() => {})}
              onGoTo={() => onGoToCell(c.lineId, c.year)}
            />
          ))}
        </div>
      )}
    </div>
  );
}
