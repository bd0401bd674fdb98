/**
 * One conflict with what to do about it: who wrote which value when, what the
 * cell shows, and one click to put the other value back (an ordinary, undoable
 * edit of mine), keep the shown one, or go to the cell. The notice (mine) and the
 * «Konflikter» list (everyone's) show the same card.
 */
import type { ConflictView } from '../../shared/protocol';
import { keptAndLost } from '../../shared/protocol';
import { useT } from '../i18n';
import { conflictLines, valueText } from './describe';

export interface ConflictCardProps {
  conflict: ConflictView;
  names: ReadonlyMap<string, string>;
  canEdit: boolean;
  onPutBack(): void;
  onKeep(): void;
  onGoTo(): void;
  /** Only on a notice: hides it here (the conflict stays in the list). */
  onClose?: () => void;
}

export function ConflictCard({ conflict, names, canEdit, onPutBack, onKeep, onGoTo, onClose }: ConflictCardProps) {
  const t = useT();
  const lines = conflictLines(t, names, conflict);
  const { kept, lost } = keptAndLost(conflict);
  return (
    <article className="conflict-card" data-conflict-id={conflict.id} aria-label={lines.title}>
      <header className="conflict-head">
        <h3>{lines.title}</h3>
        {onClose && (
          <button type="button" className="ghost small" aria-label={t('conflictClose')} title={t('conflictClose')} onClick={onClose}>
            ✕
          </button>
        )}
      </header>
      <p className="conflict-line">{lines.other}</p>
      <p className="conflict-line">{lines.written}</p>
      <p className="conflict-now strong">{lines.now}</p>
      <div className="conflict-actions">
        {canEdit && (
          <>
            <button type="button" className="primary small" onClick={onPutBack}>
              {t('conflictPutBack', { value: valueText(t, lost.value) })}
            </button>
            <button type="button" className="secondary small" onClick={onKeep}>
              {t('conflictKeep', { value: valueText(t, kept.value) })}
            </button>
          </>
        )}
        <button type="button" className="ghost small" onClick={onGoTo}>
          {t('conflictGoTo')}
        </button>
      </div>
    </article>
  );
}
