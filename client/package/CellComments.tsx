/**
 * The comments of one amount cell (a line's figure for one year) in the details
 * panel, opened from the grid — Shift+F2, «Kommenter beløpet» on the focused cell,
 * or the cell's marker — for everyone who may read them (group leaders write, the
 * grid staying read-only for them). The focus moves into them; Esc (with nothing
 * typed) or «Lukk» closes them, Esc back to the cell.
 */
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import type { CommentTarget } from '../../shared/doc/comments';
import type { Year } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import { CommentsPanel } from '../comments/CommentsPanel';
import { useMentionMembers } from '../agreement/useMembers';
import { useLang, useT } from '../i18n';

/** Which cell's comments are open; `nonce` changes on every request to open them (the focus moves in again). */
export interface CellThread {
  lineId: string;
  year: Year;
  nonce: number;
}

export interface CellCommentsProps {
  conn: PackageConnection;
  thread: CellThread;
  lineTitle: string;
  me: { id: string; name: string; party?: string | undefined };
  /** `backToCell`: closed with Esc, the focus returns to the cell. */
  onClose(backToCell: boolean): void;
}

export function CellComments({ conn, thread, lineTitle, me, onClose }: CellCommentsProps) {
  const t = useT();
  const lang = useLang();
  const members = useMentionMembers(conn.packageId);
  const ref = useRef<HTMLElement>(null);
  const { lineId, year, nonce } = thread;
  const target = useMemo<CommentTarget>(() => ({ kind: 'cell', id: lineId, year }), [lineId, year]);

  useEffect(() => {
    const el = ref.current;
    (el?.querySelector<HTMLElement>('.cm-new textarea') ?? el)?.focus({ preventScroll: false });
  }, [nonce]);

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Escape') return;
    // Esc does not throw away what has been typed.
    if (e.target instanceof HTMLTextAreaElement && e.target.value.trim() !== '') return;
    e.preventDefault();
    onClose(true);
  };

  return (
    <section ref={ref} tabIndex={-1} className="cell-comments" data-cell-comments={`${lineId}|${year}`} onKeyDown={onKeyDown}>
      <button type="button" className="link-button cell-comments-close" aria-label={t('cellCommentsCloseLabel')} title={t('cellCommentsCloseLabel')} onClick={() => onClose(false)}>
        {t('cellCommentsClose')}
      </button>
      <CommentsPanel
        commentsDoc={conn.commentsDoc}
        target={target}
        targetLabel={t('commentCellTarget', { title: lineTitle || t('untitled'), year })}
        user={{ id: me.id, name: me.name, ...(me.party ? { party: me.party } : {}) }}
        canComment={conn.canComment}
        canModerate={conn.canEdit}
        lang={lang}
        members={members}
      />
    </section>
  );
}
