/**
 * The caret of a bound title input (client/package/titleBinding.ts) through a
 * partner's changes: it sticks to the character on its left, so two people
 * typing at the same place in one title keep their runs together, keystrokes
 * alternating A, B, A, B with each delivered before the next.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { transformIndex } from '../../client/package/titleBinding';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { setTextValue, titleText } from '../../shared/doc/text';

/** One side: its doc, the title's text, and a caret kept as the binding keeps it. */
function side(doc: Y.Doc, id: string) {
  const text = titleText(getLinesMap(doc).get(id)!)!;
  const s = { doc, text, caret: text.length };
  text.observe((ev, tr) => {
    if (tr.origin === 'net') s.caret = transformIndex(s.caret, ev.delta as never, true);
  });
  return s;
}

describe('the caret of a bound title input', () => {
  it.each([
    ['at the end', (t: string) => t.length],
    ['in the middle', (t: string) => t.indexOf(' ')],
  ])('keeps each person’s run together when both type %s', (_name, where) => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    const id = createLineInDoc(a, { ledger: 'drift', group: 'tiltak', title: 'Sunn skolemat' });
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a), 'net');
    const sa = side(a, id);
    const sb = side(b, id);
    sa.caret = sb.caret = where('Sunn skolemat');
    const deliver = (from: Y.Doc, to: Y.Doc) => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'net');
    const typeKey = (s: typeof sa, ch: string) => {
      // What the input's `input` event does: the new value, the caret after the key.
      const v = s.text.toString();
      const next = v.slice(0, s.caret) + ch + v.slice(s.caret);
      s.caret++;
      s.doc.transact(() => setTextValue(s.text, next, s.caret));
    };
    const ra = ' og kjøkken';
    const rb = ' i kantiner';
    for (let i = 0; i < ra.length; i++) {
      typeKey(sa, ra[i]!);
      deliver(a, b);
      typeKey(sb, rb[i]!);
      deliver(b, a);
    }
    expect(sa.text.toString()).toBe(sb.text.toString());
    const t = sa.text.toString();
    expect(t.includes(ra) && t.includes(rb)).toBe(true);
  });

  it.each<[string, number, Array<{ insert?: string; retain?: number; delete?: number }>, boolean, number]>([
    ['an insertion before the caret moves it', 5, [{ retain: 2 }, { insert: 'xy' }], true, 7],
    ['an insertion at the caret stays after it (sticks left)', 5, [{ retain: 5 }, { insert: 'xy' }], true, 5],
    ['an insertion at the start of a selection goes before it', 5, [{ retain: 5 }, { insert: 'xy' }], false, 7],
    ['a deletion before the caret moves it back', 5, [{ retain: 1 }, { delete: 2 }], true, 3],
    ['a deletion around the caret puts it at the deletion', 5, [{ retain: 3 }, { delete: 4 }], true, 3],
    ['a change after the caret leaves it', 5, [{ retain: 6 }, { insert: 'z' }, { delete: 1 }], true, 5],
  ])('%s', (_name, i, delta, stickLeft, expected) => {
    expect(transformIndex(i, delta, stickLeft)).toBe(expected);
  });
});
