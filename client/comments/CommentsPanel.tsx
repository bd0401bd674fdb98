/**
 * The comment threads of one item (a line, a verbal instruction, a section, one
 * amount cell): list, add, reply, resolve, and `@navn` mentions of members (the
 * picker in ./MentionTextarea; a mention shows highlighted). Writes go only to the
 * comments doc, so group leaders (commenters) can comment while the content is
 * read-only for them. Viewers (canComment false) read only.
 */
import { useId, useState, type FormEvent } from 'react';
import type * as Y from 'yjs';
import {
  addCommentToDoc,
  addReplyToDoc,
  setCommentResolvedInDoc,
  type CommentAnchor,
  type CommentAuthor,
  type CommentTarget,
  type PlainComment,
} from '../../shared/doc/comments';
import { translate, type Lang } from '../i18n';
import { EMPTY_DRAFT, MentionTextarea, mentionsOf, type MentionDraft } from './MentionTextarea';
import { splitMentions, type MentionMember } from './mentions';
import { displayQuote } from './quote';
import { useComments } from './useComments';
import { formatDateTime } from '../app/format';
import './comments.css';

/** Origin of this tab's writes to the comments doc. */
export const COMMENTS_LOCAL_ORIGIN = { source: 'comments-panel' };

/** A passage selected in a text, waiting for its comment. */
export interface DraftPassage {
  anchor: CommentAnchor;
  quote: string;
}

export interface CommentsPanelProps {
  commentsDoc: Y.Doc;
  target: CommentTarget;
  /** What the comments are about, for the heading ("Kommentarer til …"). */
  targetLabel: string;
  user: CommentAuthor;
  canComment: boolean;
  /** Editors and owners may resolve anyone's comment; a commenter only their own (the server enforces it). */
  canModerate?: boolean;
  lang?: Lang;
  /** A passage chosen with "Kommenter" in the text; the next comment is anchored to it. */
  draftPassage?: DraftPassage | null;
  onDraftPassageDone?: () => void;
  /** Whether a passage still exists in the text (false: "teksten er endret eller slettet"). */
  isPassageLive?: (anchor: CommentAnchor) => boolean;
  /** The package's members, offered after `@` and named in mentions (none: no picker). */
  members?: readonly MentionMember[];
}

const NO_MEMBERS: readonly MentionMember[] = [];

/** A comment's or reply's text with the `@Name` of each member it mentions highlighted. */
function EntryText({ text, mentions, members }: { text: string; mentions: string[] | undefined; members: readonly MentionMember[] }) {
  const named = mentions ? members.filter((m) => mentions.includes(m.userId)) : [];
  return (
    <p className="cm-text">
      {splitMentions(text, named).map((part, i) =>
        part.mention ? (
          <mark key={i} className="cm-mention">
            {part.text}
          </mark>
        ) : (
          part.text
        ),
      )}
    </p>
  );
}

/** The app's one date format with the time: «30.11.2026 14:05», in either language. */
function formatTime(iso: string): string {
  return formatDateTime(iso) ?? '';
}

function Author({ name, party, at }: { name: string; party?: string | undefined; at: string }) {
  return (
    <p className="cm-meta">
      <span className="cm-author">{name}</span>
      {party && <span className="cm-party">{party}</span>}
      <time dateTime={at}>{formatTime(at)}</time>
    </p>
  );
}

function Thread(props: {
  comment: PlainComment;
  doc: Y.Doc;
  user: CommentAuthor;
  canComment: boolean;
  canModerate: boolean;
  lang: Lang;
  isPassageLive: ((anchor: CommentAnchor) => boolean) | undefined;
  members: readonly MentionMember[];
}) {
  const { comment: c, doc, user, canComment, lang, members } = props;
  const canResolve = canComment && (c.authorId === user.id || props.canModerate);
  const [replyOpen, setReplyOpen] = useState(false);
  const [reply, setReply] = useState<MentionDraft>(EMPTY_DRAFT);
  const [error, setError] = useState<string | null>(null);
  const replyId = useId();
  const live = c.anchor && props.isPassageLive ? props.isPassageLive(c.anchor) : true;

  const sendReply = (e: FormEvent) => {
    e.preventDefault();
    const r = addReplyToDoc(doc, c.id, { author: user, text: reply.text, mentions: mentionsOf(reply) }, COMMENTS_LOCAL_ORIGIN);
    if (!r.ok) {
      setError(r.message);
      return;
    }
    setReply(EMPTY_DRAFT);
    setError(null);
    setReplyOpen(false);
  };

  return (
    <article className={`cm-thread${c.resolved ? ' cm-resolved' : ''}`} aria-label={`${c.authorName}: ${c.text.slice(0, 60)}`} data-comment-id={c.id}>
      <Author name={c.authorName} party={c.party} at={c.createdAt} />
      {c.quote && (
        <blockquote className={`cm-quote${live ? '' : ' cm-quote-gone'}`}>
          <span className="cm-quote-label">{translate(lang, 'passage')}: </span>
          {displayQuote(c.quote)}
          {!live && <span className="cm-quote-note"> ({translate(lang, 'passageGone')})</span>}
        </blockquote>
      )}
      <EntryText text={c.text} mentions={c.mentions} members={members} />
      {c.replies.length > 0 && (
        <ol className="cm-replies">
          {c.replies.map((r) => (
            <li key={r.id} className="cm-reply">
              <Author name={r.authorName} party={r.party} at={r.createdAt} />
              <EntryText text={r.text} mentions={r.mentions} members={members} />
            </li>
          ))}
        </ol>
      )}
      {c.resolved && (
        <p className="cm-resolved-note">
          {translate(lang, 'resolved')}
          {c.resolvedBy ? ` — ${c.resolvedBy}` : ''}
        </p>
      )}
      {canComment && (
        <div className="cm-actions">
          {!c.resolved && !replyOpen && (
            <button type="button" onClick={() => setReplyOpen(true)}>
              {translate(lang, 'reply')}
            </button>
          )}
          {canResolve && (
            <button type="button" onClick={() => setCommentResolvedInDoc(doc, c.id, !c.resolved, user, COMMENTS_LOCAL_ORIGIN)}>
              {c.resolved ? translate(lang, 'reopen') : translate(lang, 'resolve')}
            </button>
          )}
        </div>
      )}
      {canComment && replyOpen && (
        <form className="cm-form" onSubmit={sendReply}>
          <label htmlFor={replyId}>{translate(lang, 'replyLabel', { name: c.authorName })}</label>
          <MentionTextarea id={replyId} draft={reply} onDraft={setReply} members={members} selfId={user.id} lang={lang} autoFocus invalid={error !== null} />
          {error && (
            <p className="cm-error" role="alert">
              {error}
            </p>
          )}
          <div className="cm-actions">
            <button type="submit">{translate(lang, 'sendReply')}</button>
            <button type="button" onClick={() => setReplyOpen(false)}>
              {translate(lang, 'cancel')}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}

export function CommentsPanel(props: CommentsPanelProps) {
  const { commentsDoc, target, targetLabel, user, canComment, lang = 'nb', draftPassage } = props;
  const comments = useComments(commentsDoc, target);
  const [draft, setDraft] = useState<MentionDraft>(EMPTY_DRAFT);
  const [error, setError] = useState<string | null>(null);
  const members = props.members ?? NO_MEMBERS;
  const [showResolved, setShowResolved] = useState(false);
  const headingId = useId();
  const newId = useId();
  const open = comments.filter((c) => !c.resolved);
  const resolved = comments.filter((c) => c.resolved);

  const add = (e: FormEvent) => {
    e.preventDefault();
    const r = addCommentToDoc(
      commentsDoc,
      {
        author: user,
        text: draft.text,
        target,
        mentions: mentionsOf(draft),
        ...(draftPassage ? { anchor: draftPassage.anchor, quote: draftPassage.quote } : {}),
      },
      COMMENTS_LOCAL_ORIGIN,
    );
    if (!r.ok) {
      setError(r.message);
      return;
    }
    setDraft(EMPTY_DRAFT);
    setError(null);
    props.onDraftPassageDone?.();
  };

  return (
    <section className="cm-panel" aria-labelledby={headingId}>
      <h3 id={headingId} className="cm-heading">
        {translate(lang, 'commentsOn', { target: targetLabel })}
        {open.length > 0 && <span className="cm-count"> ({open.length})</span>}
      </h3>
      {open.length === 0 && resolved.length === 0 && <p className="cm-empty">{translate(lang, 'noComments')}</p>}
      {open.map((c) => (
        <Thread key={c.id} comment={c} doc={commentsDoc} user={user} canComment={canComment} canModerate={props.canModerate ?? false} lang={lang} isPassageLive={props.isPassageLive} members={members} />
      ))}
      {resolved.length > 0 && (
        <button type="button" className="cm-toggle" aria-expanded={showResolved} onClick={() => setShowResolved((v) => !v)}>
          {showResolved ? translate(lang, 'hideResolved') : translate(lang, 'showResolved', { n: resolved.length })}
        </button>
      )}
      {showResolved &&
        resolved.map((c) => (
          <Thread key={c.id} comment={c} doc={commentsDoc} user={user} canComment={canComment} canModerate={props.canModerate ?? false} lang={lang} isPassageLive={props.isPassageLive} members={members} />
        ))}
      {canComment ? (
        <form className="cm-form cm-new" onSubmit={add}>
          <label htmlFor={newId}>{draftPassage ? translate(lang, 'commentPassageDraft') : translate(lang, 'newComment')}</label>
          {draftPassage && <blockquote className="cm-quote">{displayQuote(draftPassage.quote)}</blockquote>}
          <MentionTextarea id={newId} draft={draft} onDraft={setDraft} members={members} selfId={user.id} lang={lang} autoFocus={!!draftPassage} invalid={error !== null} />
          {error && (
            <p className="cm-error" role="alert">
              {error}
            </p>
          )}
          <div className="cm-actions">
            <button type="submit" className="cm-primary">
              {translate(lang, 'addComment')}
            </button>
            {draftPassage && (
              <button type="button" onClick={() => props.onDraftPassageDone?.()}>
                {translate(lang, 'cancel')}
              </button>
            )}
          </div>
        </form>
      ) : (
        <p className="cm-readonly">{translate(lang, 'commentsReadOnly')}</p>
      )}
    </section>
  );
}
