/** Open comment threads per target (`line:<id>` → n) from the comments doc, live. */
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import { countOpenCommentsByTarget } from '../../shared/doc/comments';

export function useCommentCounts(commentsDoc: Y.Doc): Map<string, number> {
  const [counts, setCounts] = useState<Map<string, number>>(() => countOpenCommentsByTarget(commentsDoc));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastKey = '';
    const recompute = () => {
      timer = null;
      const next = countOpenCommentsByTarget(commentsDoc);
      // Same counts, same object: the grids skip re-rendering.
      const key = JSON.stringify([...next]);
      if (key !== lastKey) {
        lastKey = key;
        setCounts(next);
      }
    };
    const onUpdate = () => {
      timer ??= setTimeout(recompute, 0);
    };
    recompute();
    commentsDoc.on('update', onUpdate);
    return () => {
      commentsDoc.off('update', onUpdate);
      if (timer) clearTimeout(timer);
    };
  }, [commentsDoc]);
  return counts;
}
