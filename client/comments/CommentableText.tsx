/**
 * A rich text with its comments: the RichTextField of a line's rationale, a
 * verbal instruction or a section introduction, and the CommentsPanel of that
 * item. Selecting a passage and pressing "Kommenter" anchors the next comment
 * to it (Y.RelativePosition into the content doc's XmlText); open passage
 * comments are highlighted in the text.
 */
import { useCallback, useMemo, useState } from 'react';
import type * as Y from 'yjs';
import { RichTextField, type PassageHighlight, type RichTextFieldProps } from '../editor/RichTextField';
import type { PassageAnchor } from '../editor/anchors';
import { textIdFor, type TextKind } from '../editor/ids';
import { translate } from '../i18n';
import {
  decodeRelativePosition,
  encodeRelativePosition,
  resolveAnchorInDoc,
  type CommentAnchor,
  type CommentAuthor,
} from '../../shared/doc/comments';
import { CommentsPanel, type DraftPassage } from './CommentsPanel';
import type { MentionMember } from './mentions';
import { useComments } from './useComments';

export interface CommentableTextProps extends Omit<RichTextFieldProps, 'id' | 'onCommentPassage' | 'highlights'> {
  kind: TextKind;
  itemId: string;
  /** The package's comments doc; null while it is not connected (no comments shown). */
  commentsDoc: Y.Doc | null;
  commentUser: CommentAuthor;
  /** Owners, editors and commenters may comment; viewers only read. */
  canComment: boolean;
  /** Editors and owners may resolve anyone's comment. */
  canModerate?: boolean;
  /** Start with the comments open (they open by themselves for a new passage). */
  commentsOpen?: boolean;
  /** The package's members, for `@navn` mentions. */
  members?: readonly MentionMember[];
}

/** Whether a stored passage still covers at least one character of the content doc. */
export function isPassageLiveInDoc(contentDoc: Y.Doc, anchor: CommentAnchor): boolean {
  const r = resolveAnchorInDoc(contentDoc, anchor);
  if (!r) return false;
  return r.start.type !== r.end.type || r.start.index < r.end.index;
}

export function CommentableText(props: CommentableTextProps) {
  const { kind, itemId, commentsDoc, commentUser, canComment, canModerate, commentsOpen, members, ...fieldProps } = props;
  const lang = props.lang ?? 'nb';
  const target = useMemo(() => ({ kind, id: itemId }), [kind, itemId]);
  const comments = useComments(commentsDoc, target);
  const [draft, setDraft] = useState<DraftPassage | null>(null);
  const [open, setOpen] = useState(commentsOpen ?? false);

  const onCommentPassage = useCallback((p: PassageAnchor) => {
    setDraft({ anchor: { start: encodeRelativePosition(p.start), end: encodeRelativePosition(p.end) }, quote: p.quote });
    setOpen(true);
  }, []);

  const highlights = useMemo<PassageHighlight[]>(() => {
    const out: PassageHighlight[] = [];
    const anchors = comments.filter((c) => !c.resolved && c.anchor).map((c) => ({ id: c.id, anchor: c.anchor! }));
    if (draft) anchors.push({ id: 'draft', anchor: draft.anchor });
    for (const { id, anchor } of anchors) {
      const start = decodeRelativePosition(anchor.start);
      const end = decodeRelativePosition(anchor.end);
      if (start && end) out.push({ id, start, end });
    }
    return out;
  }, [comments, draft]);

  const isPassageLive = useCallback((anchor: CommentAnchor) => isPassageLiveInDoc(props.doc, anchor), [props.doc]);
  const openCount = comments.filter((c) => !c.resolved).length;

  return (
    <div className="cm-commentable" data-text-id={textIdFor(kind, itemId)}>
      <RichTextField
        {...fieldProps}
        id={textIdFor(kind, itemId)}
        highlights={highlights}
        {...(commentsDoc && canComment ? { onCommentPassage } : {})}
      />
      {commentsDoc && (
        <div className="cm-drawer">
          <button type="button" className="cm-toggle" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
            {translate(lang, 'comments')} {openCount > 0 ? `(${openCount})` : ''}
          </button>
          {open && (
            <CommentsPanel
              commentsDoc={commentsDoc}
              target={target}
              targetLabel={props.label}
              user={commentUser}
              canComment={canComment}
              canModerate={canModerate ?? false}
              lang={lang}
              draftPassage={draft}
              onDraftPassageDone={() => setDraft(null)}
              isPassageLive={isPassageLive}
              {...(members ? { members } : {})}
            />
          )}
        </div>
      )}
    </div>
  );
}
