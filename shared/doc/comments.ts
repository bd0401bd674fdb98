import * as Y from 'yjs';
import { fromBase64, toBase64 } from 'lib0/buffer';

/**
 * The comments document of a package (a second Y.Doc, room
 * `${packageId}/comments`) and the only module that knows its Y types.
 * Commenters may write this doc while the content doc is read-only for them.
 *
 * - `comments`: id → Y.Map { id, authorId, authorName, party, text,
 *   createdAt (ISO string), resolved (boolean), resolvedBy?, resolvedAt?,
 *   target: { kind: 'line'|'verbal'|'section', id } (plain object),
 *   anchor?: { start, end } (base64 of `Y.relativePositionToJSON` into the
 *   content doc's XmlText of that target), quote? (the passage as it read
 *   when the comment was made), replies: Y.Array<plain reply> }
 *
 * A map keyed by id (not an array) so that concurrent additions never
 * conflict; comments and replies are ordered by `createdAt`, then id. Text of
 * a comment is immutable once written; only `resolved` changes.
 */

/** Name of the top-level map holding the comments. */
export const COMMENTS = 'comments';

/** Longest comment or reply text accepted, in characters. */
export const COMMENT_MAX_CHARS = 4000;

/** The kinds of item a comment can be about. */
export type CommentTargetKind = 'line' | 'verbal' | 'section' | 'cell';

/** What a comment is about: a line, a verbal instruction, a section, or one amount cell (`kind: 'cell'`, `id` the line, `year`). */
export interface CommentTarget {
  kind: CommentTargetKind;
  id: string;
  /** Only for `cell`: the four-digit year of the amount. */
  year?: string;
}

/** A passage of the target's text: base64-encoded relative positions. */
export interface CommentAnchor {
  start: string;
  end: string;
}

/** Who writes a comment or reply (the signed-in user). */
export interface CommentAuthor {
  id: string;
  name: string;
  party?: string;
}

/** What a comment and a reply both carry: who wrote which text, and when. The text never changes once written. */
export interface CommentEntry {
  id: string;
  authorId: string;
  authorName: string;
  party?: string;
  text: string;
  createdAt: string;
  /** User ids of the members the text mentions (`@navn`), checked by the server; absent when none. */
  mentions?: string[];
}

/** A reply as plain data; replies are immutable once written. */
export type CommentReply = CommentEntry;

/** A comment as plain data: an entry, plus whether it is resolved, what it is about and its replies. */
export interface PlainComment extends CommentEntry {
  resolved: boolean;
  resolvedBy?: string;
  resolvedAt?: string;
  target: CommentTarget;
  anchor?: CommentAnchor;
  quote?: string;
  replies: CommentReply[];
}

/** The outcome of a write: the new id, or a Norwegian message saying what was wrong. */
export type CommentWriteResult = { ok: true; id: string } | { ok: false; message: string };

/** The comments map of a comments doc (created empty on first use). */
export function getCommentsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(COMMENTS);
}

/** Encodes a relative position for storage in a comment (base64 of its JSON). */
export function encodeRelativePosition(pos: Y.RelativePosition): string {
  return toBase64(new TextEncoder().encode(JSON.stringify(Y.relativePositionToJSON(pos))));
}

/** Decodes what `encodeRelativePosition` made; null for anything malformed. */
export function decodeRelativePosition(encoded: string): Y.RelativePosition | null {
  try {
    const json: unknown = JSON.parse(new TextDecoder().decode(fromBase64(encoded)));
    if (typeof json !== 'object' || json === null) return null;
    return Y.createRelativePositionFromJSON(json);
  } catch {
    return null;
  }
}

/**
 * Where an anchor points in the content doc now: the XmlText and index of each
 * end, or null when either end no longer resolves (its text was deleted).
 */
export function resolveAnchorInDoc(
  contentDoc: Y.Doc,
  anchor: CommentAnchor,
): { start: Y.AbsolutePosition; end: Y.AbsolutePosition } | null {
  const s = decodeRelativePosition(anchor.start);
  const e = decodeRelativePosition(anchor.end);
  if (!s || !e) return null;
  const start = Y.createAbsolutePositionFromRelativePosition(s, contentDoc);
  const end = Y.createAbsolutePositionFromRelativePosition(e, contentDoc);
  return start && end ? { start, end } : null;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

function cleanText(text: string): CommentWriteResult | { ok: true; text: string } {
  const t = text.replace(/\r\n/g, '\n').trim();
  if (t === '') return { ok: false, message: 'Kommentaren er tom.' };
  if (t.length > COMMENT_MAX_CHARS) return { ok: false, message: `Kommentaren er for lang (over ${COMMENT_MAX_CHARS} tegn).` };
  return { ok: true, text: t };
}

/** Input of `addCommentToDoc`. `createdAt` defaults to now. */
export interface NewComment {
  author: CommentAuthor;
  text: string;
  target: CommentTarget;
  anchor?: CommentAnchor;
  quote?: string;
  createdAt?: string;
  id?: string;
  /** User ids of mentioned members (at most `MAX_MENTIONS`, each once). */
  mentions?: string[];
}

/** Adds a comment in one transaction. Empty or overlong text is refused, never stored. */
export function addCommentToDoc(doc: Y.Doc, input: NewComment, origin?: unknown): CommentWriteResult {
  const cleaned = cleanText(input.text);
  if (!('text' in cleaned)) return cleaned;
  const id = input.id ?? newId();
  doc.transact(() => {
    const m = new Y.Map<unknown>();
    m.set('id', id);
    m.set('authorId', input.author.id);
    m.set('authorName', input.author.name);
    if (input.author.party) m.set('party', input.author.party);
    m.set('text', cleaned.text);
    m.set('createdAt', input.createdAt ?? new Date().toISOString());
    m.set('resolved', false);
    m.set('target', input.target.kind === 'cell' ? { kind: 'cell', id: input.target.id, year: input.target.year ?? '' } : { kind: input.target.kind, id: input.target.id });
    if (input.mentions && input.mentions.length > 0) m.set('mentions', [...new Set(input.mentions)]);
    if (input.anchor) m.set('anchor', { start: input.anchor.start, end: input.anchor.end });
    if (input.quote) m.set('quote', input.quote.slice(0, COMMENT_MAX_CHARS));
    m.set('replies', new Y.Array<unknown>());
    getCommentsMap(doc).set(id, m);
  }, origin);
  return { ok: true, id };
}

/** Appends a reply to a comment; refuses empty text and unknown comments. */
export function addReplyToDoc(
  doc: Y.Doc,
  commentId: string,
  input: { author: CommentAuthor; text: string; createdAt?: string; id?: string; mentions?: string[] },
  origin?: unknown,
): CommentWriteResult {
  const cleaned = cleanText(input.text);
  if (!('text' in cleaned)) return cleaned;
  const m = getCommentsMap(doc).get(commentId);
  const replies = m?.get('replies');
  if (!(replies instanceof Y.Array)) return { ok: false, message: 'Kommentaren finnes ikke.' };
  const id = input.id ?? newId();
  const reply: CommentReply = {
    id,
    authorId: input.author.id,
    authorName: input.author.name,
    text: cleaned.text,
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  if (input.author.party) reply.party = input.author.party;
  if (input.mentions && input.mentions.length > 0) reply.mentions = [...new Set(input.mentions)];
  doc.transact(() => replies.push([reply]), origin);
  return { ok: true, id };
}

/** Marks a comment resolved (or open again), recording who and when. */
export function setCommentResolvedInDoc(doc: Y.Doc, commentId: string, resolved: boolean, by: CommentAuthor, origin?: unknown, at = new Date().toISOString()): boolean {
  const m = getCommentsMap(doc).get(commentId);
  if (!m) return false;
  doc.transact(() => {
    m.set('resolved', resolved);
    if (resolved) {
      m.set('resolvedBy', by.name);
      m.set('resolvedAt', at);
    } else {
      m.delete('resolvedBy');
      m.delete('resolvedAt');
    }
  }, origin);
  return true;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function readTarget(v: unknown): CommentTarget | null {
  if (typeof v !== 'object' || v === null) return null;
  const t = v as Record<string, unknown>;
  if ((t.kind === 'line' || t.kind === 'verbal' || t.kind === 'section') && typeof t.id === 'string') return { kind: t.kind, id: t.id };
  if (t.kind === 'cell' && typeof t.id === 'string' && typeof t.year === 'string' && /^\d{4}$/.test(t.year)) return { kind: 'cell', id: t.id, year: t.year };
  return null;
}

/** A stored `mentions` value: the user-id strings of a plain array, each once; undefined when none. */
export function readMentions(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const ids = [...new Set(v.filter((x): x is string => typeof x === 'string' && x !== ''))];
  return ids.length > 0 ? ids : undefined;
}

function readReply(v: unknown): CommentReply | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  const id = str(r.id);
  const text = str(r.text);
  const authorId = str(r.authorId);
  if (!id || !text || !authorId) return null;
  const reply: CommentReply = { id, authorId, authorName: str(r.authorName) ?? '', text, createdAt: str(r.createdAt) ?? '' };
  const party = str(r.party);
  if (party) reply.party = party;
  const mentions = readMentions(r.mentions);
  if (mentions) reply.mentions = mentions;
  return reply;
}

const byTimeThenId = (a: { createdAt: string; id: string }, b: { createdAt: string; id: string }): number =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** Reads one comment; null when it is malformed (a peer wrote something else). */
export function readCommentFromMap(id: string, m: Y.Map<unknown>): PlainComment | null {
  const target = readTarget(m.get('target'));
  const text = str(m.get('text'));
  if (!target || !text) return null;
  const c: PlainComment = {
    id,
    authorId: str(m.get('authorId')) ?? '',
    authorName: str(m.get('authorName')) ?? '',
    text,
    createdAt: str(m.get('createdAt')) ?? '',
    resolved: m.get('resolved') === true,
    target,
    replies: [],
  };
  const party = str(m.get('party'));
  if (party) c.party = party;
  const resolvedBy = str(m.get('resolvedBy'));
  if (c.resolved && resolvedBy) c.resolvedBy = resolvedBy;
  const resolvedAt = str(m.get('resolvedAt'));
  if (c.resolved && resolvedAt) c.resolvedAt = resolvedAt;
  const anchor = m.get('anchor') as Record<string, unknown> | undefined;
  if (anchor && typeof anchor.start === 'string' && typeof anchor.end === 'string') c.anchor = { start: anchor.start, end: anchor.end };
  const quote = str(m.get('quote'));
  if (quote) c.quote = quote;
  const mentions = readMentions(m.get('mentions'));
  if (mentions) c.mentions = mentions;
  const replies = m.get('replies');
  if (replies instanceof Y.Array) {
    c.replies = replies
      .toArray()
      .map(readReply)
      .filter((r): r is CommentReply => r !== null)
      .sort(byTimeThenId);
  }
  return c;
}

/** All comments (or those on `target`), oldest first. */
export function readCommentsFromDoc(doc: Y.Doc, target?: CommentTarget): PlainComment[] {
  const out: PlainComment[] = [];
  for (const [id, m] of getCommentsMap(doc).entries()) {
    if (!(m instanceof Y.Map)) continue;
    const c = readCommentFromMap(id, m);
    if (!c) continue;
    if (target && (c.target.kind !== target.kind || c.target.id !== target.id || (target.kind === 'cell' && c.target.year !== target.year))) continue;
    out.push(c);
  }
  return out.sort(byTimeThenId);
}

/** Open (unresolved) comment counts per target, keyed `${kind}:${id}` (a cell: `cell:${lineId}:${year}`), for badges. */
export function countOpenCommentsByTarget(doc: Y.Doc): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of readCommentsFromDoc(doc)) {
    if (c.resolved) continue;
    const key = c.target.kind === 'cell' ? `cell:${c.target.id}:${c.target.year ?? ''}` : `${c.target.kind}:${c.target.id}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Calls `onChange` after every transaction that touches comments; returns the unsubscribe function. */
export function observeComments(doc: Y.Doc, onChange: (origin: unknown) => void): () => void {
  const map = getCommentsMap(doc);
  const handler = (_events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction): void => onChange(tr.origin);
  map.observeDeep(handler);
  return () => map.unobserveDeep(handler);
}
