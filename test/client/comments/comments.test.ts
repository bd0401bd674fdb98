/** The comments doc schema: add, reply, resolve, anchors into the content doc, convergence. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addCommentToDoc,
  addReplyToDoc,
  countOpenCommentsByTarget,
  decodeRelativePosition,
  encodeRelativePosition,
  getCommentsMap,
  readCommentsFromDoc,
  resolveAnchorInDoc,
  setCommentResolvedInDoc,
} from '../../../shared/doc/comments';
import { createLineInDoc, getLinesMap } from '../../../shared/doc/schema';

const kari = { id: 'u1', name: 'Kari', party: 'Ap' };
const ola = { id: 'u2', name: 'Ola' };

describe('comments doc', () => {
  it('adds, filters by target, replies in time order and resolves', () => {
    const doc = new Y.Doc();
    const a = addCommentToDoc(doc, { author: kari, text: '  Hvorfor 2 mill.?  ', target: { kind: 'line', id: 'L1' }, createdAt: '2026-11-24T10:00:00.000Z' }, 'me');
    const b = addCommentToDoc(doc, { author: ola, text: 'Enig', target: { kind: 'verbal', id: 'V1' }, createdAt: '2026-11-24T09:00:00.000Z' });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok) return;
    expect(addReplyToDoc(doc, a.id, { author: ola, text: 'Fordi', createdAt: '2026-11-24T10:05:00.000Z' }).ok).toBe(true);
    expect(addReplyToDoc(doc, a.id, { author: kari, text: 'Takk', createdAt: '2026-11-24T10:01:00.000Z' }).ok).toBe(true);

    const onLine = readCommentsFromDoc(doc, { kind: 'line', id: 'L1' });
    expect(onLine).toHaveLength(1);
    expect(onLine[0]).toMatchObject({ text: 'Hvorfor 2 mill.?', authorName: 'Kari', party: 'Ap', resolved: false, target: { kind: 'line', id: 'L1' } });
    expect(onLine[0]!.replies.map((r) => r.text)).toEqual(['Takk', 'Fordi']);
    expect(readCommentsFromDoc(doc).map((c) => c.text)).toEqual(['Enig', 'Hvorfor 2 mill.?']);
    expect(countOpenCommentsByTarget(doc)).toEqual(new Map([['line:L1', 1], ['verbal:V1', 1]]));

    setCommentResolvedInDoc(doc, a.id, true, ola, 'me', '2026-11-24T11:00:00.000Z');
    expect(readCommentsFromDoc(doc, { kind: 'line', id: 'L1' })[0]).toMatchObject({ resolved: true, resolvedBy: 'Ola', resolvedAt: '2026-11-24T11:00:00.000Z' });
    expect(countOpenCommentsByTarget(doc).get('line:L1')).toBeUndefined();
    setCommentResolvedInDoc(doc, a.id, false, kari);
    expect(readCommentsFromDoc(doc, { kind: 'line', id: 'L1' })[0]!.resolvedBy).toBeUndefined();
  });

  it('refuses empty and overlong text and replies to unknown comments', () => {
    const doc = new Y.Doc();
    expect(addCommentToDoc(doc, { author: kari, text: '   ', target: { kind: 'line', id: 'L' } })).toEqual({ ok: false, message: 'Kommentaren er tom.' });
    expect(addCommentToDoc(doc, { author: kari, text: 'x'.repeat(4001), target: { kind: 'line', id: 'L' } }).ok).toBe(false);
    expect(addReplyToDoc(doc, 'nope', { author: kari, text: 'hei' })).toEqual({ ok: false, message: 'Kommentaren finnes ikke.' });
    expect(getCommentsMap(doc).size).toBe(0);
  });

  it('skips malformed entries a peer may have written', () => {
    const doc = new Y.Doc();
    const bad = new Y.Map<unknown>();
    bad.set('text', 'uten mål');
    getCommentsMap(doc).set('bad', bad);
    addCommentToDoc(doc, { author: kari, text: 'ok', target: { kind: 'section', id: 'S' } });
    expect(readCommentsFromDoc(doc).map((c) => c.text)).toEqual(['ok']);
  });

  it('converges when two people comment and reply at the same time', () => {
    const d1 = new Y.Doc();
    const d2 = new Y.Doc();
    const first = addCommentToDoc(d1, { author: kari, text: 'Start', target: { kind: 'line', id: 'L' } });
    Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1));
    if (!first.ok) throw new Error('add failed');
    addReplyToDoc(d1, first.id, { author: kari, text: 'svar 1' });
    addReplyToDoc(d2, first.id, { author: ola, text: 'svar 2' });
    addCommentToDoc(d2, { author: ola, text: 'Ny', target: { kind: 'line', id: 'L' } });
    setCommentResolvedInDoc(d1, first.id, true, kari);
    Y.applyUpdate(d2, Y.encodeStateAsUpdate(d1, Y.encodeStateVector(d2)));
    Y.applyUpdate(d1, Y.encodeStateAsUpdate(d2, Y.encodeStateVector(d1)));
    expect(readCommentsFromDoc(d1)).toEqual(readCommentsFromDoc(d2));
    expect(readCommentsFromDoc(d1)).toHaveLength(2);
    expect(readCommentsFromDoc(d1).find((c) => c.id === first.id)!.replies).toHaveLength(2);
  });

  it('anchors a passage in the content doc that follows edits around it', () => {
    const content = new Y.Doc();
    const id = createLineInDoc(content, { ledger: 'drift', group: 'tiltak', title: 'T', rationale: [{ type: 'paragraph', runs: [{ text: 'Styrke helsesøstertjenesten i skolen' }] }] });
    const rationale = getLinesMap(content).get(id)!.get('rationale') as Y.XmlText;
    const paragraph = (rationale.toDelta() as Array<{ insert: Y.XmlText }>)[0]!.insert;
    // Index 0 is the text node's property map; "helsesøstertjenesten" is chars 7..26.
    const startAt = 1 + 'Styrke '.length;
    const endAt = startAt + 'helsesøstertjenesten'.length;
    const anchor = {
      start: encodeRelativePosition(Y.createRelativePositionFromTypeIndex(paragraph, startAt, 0)),
      end: encodeRelativePosition(Y.createRelativePositionFromTypeIndex(paragraph, endAt, -1)),
    };
    expect(decodeRelativePosition('not base64 json')).toBeNull();

    // Someone else edits before the passage, in another replica.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(content));
    const p2 = ((getLinesMap(other).get(id)!.get('rationale') as Y.XmlText).toDelta() as Array<{ insert: Y.XmlText }>)[0]!.insert;
    p2.insert(1, 'Kraftig: ');
    Y.applyUpdate(content, Y.encodeStateAsUpdate(other, Y.encodeStateVector(content)));

    const r = resolveAnchorInDoc(content, anchor);
    expect(r).not.toBeNull();
    expect(r!.start.type).toBe(paragraph);
    const text = paragraph.toString().replace(/<[^>]*>/g, '');
    expect(text).toContain('Kraftig: Styrke helsesøstertjenesten');
    expect(r!.start.index).toBe(startAt + 'Kraftig: '.length);
    expect(r!.end.index).toBe(endAt + 'Kraftig: '.length);
  });
});
