/** React binding of the comments doc: the comments on a target, re-read on every change. */
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { observeComments, readCommentsFromDoc, type CommentTarget, type PlainComment } from '../../shared/doc/comments';

/** Comments on `target` (all comments when omitted), oldest first. */
export function useComments(doc: Y.Doc | null | undefined, target?: CommentTarget): PlainComment[] {
  const kind = target?.kind;
  const id = target?.id;
  const year = target?.year;
  const [comments, setComments] = useState<PlainComment[]>(() => (doc ? readCommentsFromDoc(doc, target) : []));
  useEffect(() => {
    if (!doc) {
      setComments([]);
      return undefined;
    }
    const t = kind && id ? { kind, id, ...(year ? { year } : {}) } : undefined;
    const read = (): void => setComments(readCommentsFromDoc(doc, t));
    read();
    return observeComments(doc, read);
  }, [doc, kind, id, year]);
  return comments;
}
