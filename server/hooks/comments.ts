/**
 * The rules of the comments document as a room hook: who may write which comment,
 * reply, resolution or deletion — enforced on the server for every update of a
 * connection, so a modified client cannot post as someone else or change what
 * another person wrote. The layout is shared/doc/comments.ts's.
 */
import * as Y from 'yjs';
import { COMMENT_MAX_CHARS, COMMENTS, getCommentsMap } from '../../shared/doc/comments';
import { MAX_ENTRY_ID_CHARS } from '../../shared/doc/limits';
import { MAX_MENTIONS } from '../../shared/protocol';
import type { AuditEntry } from '../storage/types';
import type { ChangeContext, RoomHooks, SyncPrincipal } from '../sync';

/** Any shared type, as a transaction's maps key them. */
type AnyType = Parameters<Y.Transaction['changed']['get']>[0];

const COMMENT_KEYS = new Set(['id', 'authorId', 'authorName', 'party', 'text', 'createdAt', 'resolved', 'resolvedBy', 'resolvedAt', 'target', 'anchor', 'quote', 'replies', 'mentions']);
const REPLY_KEYS = new Set(['id', 'authorId', 'authorName', 'party', 'text', 'createdAt', 'mentions']);

/** Whether a user is a member of a package, as the rooms know it (`MemberDirectory.isMember`). */
export type IsMember = (packageId: string, userId: string) => boolean;

/** What a check needs besides the change: who writes, and who may be mentioned in which package. */
interface Checking {
  principal: SyncPrincipal;
  packageId: string;
  /** Null: the server has no member list, so no mention can be checked and none is accepted. */
  isMember: IsMember | null;
}

/** `mentions` of a comment or reply, when present: a plain array of 1–`MAX_MENTIONS` distinct user ids, each a member of the package. */
function checkMentions(v: unknown, what: string, ck: Checking): void {
  if (v === undefined) return;
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_MENTIONS || !v.every((x) => isId(x)) || new Set(v).size !== v.length) {
    refuse(`${what} has malformed mentions (1–${MAX_MENTIONS} distinct user ids)`);
  }
  const { isMember, packageId } = ck;
  if (!isMember || !v.every((id) => isMember(packageId, id))) refuse(`${what} mentions someone who is not a member of the package`);
}

/** A comment's target: `{ kind: line|verbal|section, id }` or `{ kind: 'cell', id: lineId, year }`. */
function isTarget(t: unknown): t is { kind: string; id: string; year?: string } {
  if (!isPlainObject(t) || !isId(t.id)) return false;
  if (t.kind === 'cell') return typeof t.year === 'string' && /^\d{4}$/.test(t.year) && Object.keys(t).length === 3;
  return ['line', 'verbal', 'section'].includes(t.kind as string) && Object.keys(t).length === 2;
}
const RESOLUTION_KEYS = new Set(['resolved', 'resolvedBy', 'resolvedAt']);
/** Longest anchor end (base64 of a relative position's JSON). */
const MAX_ANCHOR_CHARS = 2048;

/** What the hook saw in one accepted change: comments and replies received (for the audit). */
interface Received {
  comments: Array<{ id: string; target: string }>;
  replies: Array<{ id: string; commentId: string }>;
}

class Refusal extends Error {}

function refuse(message: string): never {
  throw new Refusal(message);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function isTimestamp(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 40 && /^\d{4}-\d{2}-\d{2}T/.test(v) && !Number.isNaN(Date.parse(v));
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v.length <= MAX_ENTRY_ID_CHARS;
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '' && v.length <= COMMENT_MAX_CHARS;
}

/** The value an item holds (also when it was deleted in this transaction and not yet garbage-collected). */
function valueOf(item: Y.Item): unknown {
  const content = item.content.getContent();
  return content[content.length - 1];
}

/** A key of a map as it was before this transaction deleted it: read from its (deleted) item. */
function rawGet(map: Y.Map<unknown>, key: string): unknown {
  const item = map._map.get(key);
  return item ? valueOf(item) : undefined;
}

/** The author fields a comment or reply must carry: exactly the connection's person. */
function checkAuthor(v: { authorId?: unknown; authorName?: unknown; party?: unknown }, principal: SyncPrincipal, what: string): void {
  if (v.authorId !== principal.userId) refuse(`${what} carries another author id`);
  if (v.authorName !== (principal.name ?? principal.userId)) refuse(`${what} carries another author name`);
  if ((v.party ?? null) !== principal.party) refuse(`${what} carries another party`);
}

function checkReply(v: unknown, ck: Checking): { id: string } {
  const { principal } = ck;
  if (!isPlainObject(v)) refuse('a reply must be a plain object');
  for (const k of Object.keys(v)) if (!REPLY_KEYS.has(k)) refuse(`a reply has an unknown field`);
  if (!isId(v.id)) refuse('a reply needs an id');
  if (!isText(v.text)) refuse(`a reply needs text of 1–${COMMENT_MAX_CHARS} characters`);
  if (!isTimestamp(v.createdAt)) refuse('a reply needs a time');
  checkAuthor(v, principal, 'a reply');
  checkMentions(v.mentions, 'a reply', ck);
  return { id: v.id };
}

/** Checks the resolution fields of a comment as `principal` leaves them: bound to that person while resolved, absent while open. */
function checkResolution(m: Y.Map<unknown>, principal: SyncPrincipal): void {
  const resolved = m.get('resolved');
  if (typeof resolved !== 'boolean') refuse('resolved must be a boolean');
  if (resolved) {
    if (m.get('resolvedBy') !== (principal.name ?? principal.userId)) refuse('resolvedBy must name the person who resolves');
    if (!isTimestamp(m.get('resolvedAt'))) refuse('resolvedAt must be a time');
  } else if (m.has('resolvedBy') || m.has('resolvedAt')) refuse('an open comment has no resolvedBy or resolvedAt');
}

/** Checks a comment new in this change: its every field, its author, and the replies it arrives with. */
function checkNewComment(key: string, v: unknown, ck: Checking, received: Received): void {
  const { principal } = ck;
  if (!(v instanceof Y.Map)) refuse('a comment must be a Y.Map');
  const m = v as Y.Map<unknown>;
  for (const k of m.keys()) if (!COMMENT_KEYS.has(k)) refuse('a comment has an unknown field');
  if (m.get('id') !== key || !isId(key)) refuse('a comment needs its id as key');
  checkAuthor({ authorId: m.get('authorId'), authorName: m.get('authorName'), party: m.get('party') }, principal, 'a comment');
  if (!isText(m.get('text'))) refuse(`a comment needs text of 1–${COMMENT_MAX_CHARS} characters`);
  if (!isTimestamp(m.get('createdAt'))) refuse('a comment needs a time');
  // Written offline and resolved before it was sent: then it arrives resolved, by its author.
  checkResolution(m, principal);
  const target = m.get('target');
  if (!isTarget(target)) refuse('a comment needs a target { kind, id } (a cell: { kind: "cell", id, year })');
  checkMentions(m.get('mentions'), 'a comment', ck);
  const anchor = m.get('anchor');
  if (anchor !== undefined) {
    if (!isPlainObject(anchor) || Object.keys(anchor).length !== 2) refuse('an anchor is { start, end }');
    for (const end of [anchor.start, anchor.end]) if (typeof end !== 'string' || end.length > MAX_ANCHOR_CHARS) refuse('an anchor end is a short string');
  }
  const quote = m.get('quote');
  if (quote !== undefined && (typeof quote !== 'string' || quote.length > COMMENT_MAX_CHARS)) refuse('a quote is a string within the comment limit');
  const replies = m.get('replies');
  if (!(replies instanceof Y.Array)) refuse('a comment needs a Y.Array of replies');
  received.comments.push({ id: key, target: `${target.kind}:${target.id}${target.kind === 'cell' ? `:${target.year}` : ''}` });
  for (const r of (replies as Y.Array<unknown>).toArray()) received.replies.push({ ...checkReply(r, ck), commentId: key });
}

const before = (tr: Y.Transaction, item: Y.Item): boolean => item.id.clock < (tr.beforeState.get(item.id.client) ?? 0);
const deletedNow = (tr: Y.Transaction, item: Y.Item): boolean => item.deleted && Y.isDeleted(tr.deleteSet, item.id);

/** Whether `principal` may delete what `authorId` wrote: its author, or an owner. */
function mayDelete(authorId: unknown, principal: SyncPrincipal): boolean {
  return authorId === principal.userId || principal.role === 'owner';
}

/** A key of the comments map changed: comments added, replaced or deleted. */
function checkCommentsKey(comments: Y.Map<unknown>, key: string, ck: Checking, tr: Y.Transaction, received: Received): void {
  const { principal } = ck;
  // The key's items, newest first, back to the one that stood before this change.
  for (let item: Y.Item | null = comments._map.get(key) ?? null; item !== null; item = item.left) {
    if (item.parentSub !== key) break;
    const existed = before(tr, item);
    if (existed) {
      if (deletedNow(tr, item)) {
        const comment = valueOf(item);
        const authorId = comment instanceof Y.Map ? rawGet(comment, 'authorId') : undefined;
        if (!mayDelete(authorId, principal)) refuse('only its author or an owner may delete a comment');
      }
      break;
    }
    if (!item.deleted) checkNewComment(key, valueOf(item), ck, received);
  }
}

/** Keys of an existing comment changed: only its resolution may, by its author, an editor or an owner. */
function checkCommentFields(m: Y.Map<unknown>, keys: ReadonlySet<string | null>, principal: SyncPrincipal): void {
  for (const k of keys) if (k === null || !RESOLUTION_KEYS.has(k)) refuse('a comment is immutable once written (only its resolution may change)');
  const author = rawGet(m, 'authorId');
  if (author !== principal.userId && principal.role !== 'editor' && principal.role !== 'owner') refuse('only its author, an editor or an owner may resolve a comment');
  checkResolution(m, principal);
}

/** The replies of an existing comment changed: new ones must be the connection's person's, deleted ones theirs (or an owner's). */
function checkReplies(commentId: string, replies: Y.Array<unknown>, ck: Checking, tr: Y.Transaction, received: Received): void {
  const { principal } = ck;
  for (let item = replies._start; item !== null; item = item.right) {
    const existed = before(tr, item);
    if (existed && deletedNow(tr, item)) {
      for (const r of item.content.getContent()) if (!mayDelete(isPlainObject(r) ? r.authorId : undefined, principal)) refuse('only its author or an owner may delete a reply');
    } else if (!existed && !item.deleted) {
      if (!(item.content instanceof Y.ContentAny)) refuse('a reply must be a plain object');
      for (const r of item.content.getContent()) received.replies.push({ ...checkReply(r, ck), commentId });
    }
  }
}

/** Where a changed type sits under the comments map: the path of keys from the root down to it. */
function pathOf(type: AnyType): { root: AnyType; path: Array<{ type: AnyType; key: string | null }> } {
  const path: Array<{ type: AnyType; key: string | null }> = [];
  let t = type;
  while (t._item !== null) {
    path.push({ type: t, key: t._item.parentSub });
    t = t._item.parent as AnyType;
  }
  return { root: t, path: path.reverse() };
}

/** Checks one change of a connection to the comments document; throws `Refusal`. */
function checkChangeOf(ctx: ChangeContext, isMember: IsMember | null, received: Received): void {
  const { principal, transaction: tr } = ctx;
  const ck: Checking = { principal, packageId: ctx.room.packageId, isMember };
  if (principal.role !== 'owner' && principal.role !== 'editor' && principal.role !== 'commenter') refuse('this role may not write comments');
  const comments = getCommentsMap(ctx.doc) as Y.Map<unknown>;
  for (const [type, keys] of tr.changed) {
    const { root, path } = pathOf(type);
    if (root !== (comments as unknown as AnyType)) refuse('unknown top-level type');
    if (path.length === 0) {
      for (const key of keys) {
        if (key === null) refuse('the comments map is not a list');
        checkCommentsKey(comments, key, ck, tr, received);
      }
      continue;
    }
    // Changes inside a comment deleted (or created) in this same change were checked with it.
    const commentItem = path[0]!.type._item!;
    if (!before(tr, commentItem) || commentItem.deleted) continue;
    const commentId = path[0]!.key;
    if (commentId === null) refuse('the comments map is not a list');
    if (path.length === 1) {
      checkCommentFields(path[0]!.type as unknown as Y.Map<unknown>, keys, principal);
      continue;
    }
    if (path.length === 2 && path[1]!.key === 'replies' && path[1]!.type instanceof Y.Array) {
      checkReplies(commentId, path[1]!.type as Y.Array<unknown>, ck, tr, received);
      continue;
    }
    refuse('a comment holds no other nested types');
  }
}

/**
 * The comments hook (comments documents). For every change of a connection: a new
 * comment or reply carries the connection's user id, display name and party
 * (`authorId`, `authorName`, `party`) and well-formed fields (text of 1–4,000
 * characters, a time, a target, and `mentions` only of members of the package —
 * `isMember`, the rooms' member directory; without one no mention is accepted);
 * text and authorship never change once written;
 * only `resolved` changes — by the comment's author, an editor or an owner — with
 * `resolvedBy` the name of the person who resolves and `resolvedAt` a time (both
 * absent while open); a comment or reply is deleted only by its author or an
 * owner; nothing else is written. A refused change is neither stored nor relayed
 * (4422). Server writes are not checked (the server writes no comments). Each
 * comment and reply received becomes an audit row in the same batch (field
 * `comment` or `reply`, the server's time), since the server cannot rewrite the
 * `createdAt` a client stored — an offline comment keeps its own time and is
 * accepted like any other.
 */
export function commentsHook(opts: { isMember?: IsMember } = {}): RoomHooks {
  const isMember = opts.isMember ?? null;
  const receivedBy = new WeakMap<Y.Transaction, Received>();
  return {
    name: 'comments',
    onCreateReplica({ room, doc }) {
      if (room.kind === 'comments') doc.getMap(COMMENTS);
    },
    checkChange(ctx) {
      if (ctx.room.kind !== 'comments' || ctx.principal.source !== 'connection') return;
      const received: Received = { comments: [], replies: [] };
      try {
        checkChangeOf(ctx, isMember, received);
      } catch (err) {
        if (err instanceof Refusal) return { refuse: err.message };
        throw err;
      }
      receivedBy.set(ctx.transaction, received);
      return undefined;
    },
    rowsForChange({ room, principal, transaction, at }) {
      const received = receivedBy.get(transaction);
      if (room.kind !== 'comments' || !received) return;
      const base = { packageId: room.packageId, userId: principal.userId, at: at.toISOString(), year: null, oldValue: null };
      const audit: AuditEntry[] = [
        ...received.comments.map((c): AuditEntry => ({ ...base, lineId: c.id, field: 'comment', newValue: c.target })),
        ...received.replies.map((r): AuditEntry => ({ ...base, lineId: r.id, field: 'reply', newValue: r.commentId })),
      ];
      return audit.length > 0 ? { audit } : undefined;
    },
  };
}
