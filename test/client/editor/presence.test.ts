/** Awareness conventions: presence fields and the editors' cursor fields coexist. */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { clearEditingText, initPresence, initialsOf, peersEditingCell, peersEditingText, readPeers, setEditing, textColorOn } from '../../../client/presence/awareness';
import { createEditorProviderView, createTextBinding, registerTextCollaboration } from '../../../client/editor/collab';
import { headlessEditor } from './headless';
import { describeEditingFromDoc } from '../../../client/presence/describe';
import { createLineInDoc, createVerbalInDoc } from '../../../shared/doc/schema';

function pair() {
  const a = new Awareness(new Y.Doc());
  const b = new Awareness(new Y.Doc());
  const relay = (from: Awareness, to: Awareness) =>
    from.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
      applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added, ...updated, ...removed]), 'net');
    });
  relay(a, b);
  relay(b, a);
  const noop = () => {};
  return { a: { awareness: a, on: noop, off: noop }, b: { awareness: b, on: noop, off: noop } };
}

describe('presence', () => {
  it('lists who is here and what they edit, me first', () => {
    const { a, b } = pair();
    initPresence(a, { id: 'u1', name: 'Kari Nordmann', color: '#c8102e', party: 'Ap' });
    initPresence(b, { id: 'u2', name: 'Ola Vik', color: '#7fbf3f', party: 'SV' });
    setEditing(b, { lineId: 'l1', year: '2024' });
    const peers = readPeers(a.awareness);
    expect(peers.map((p) => [p.user.name, p.isSelf])).toEqual([
      ['Kari Nordmann', true],
      ['Ola Vik', false],
    ]);
    expect(peersEditingCell(peers, 'l1', '2024').map((p) => p.user.id)).toEqual(['u2']);
    expect(peersEditingCell(peers, 'l1', '2025')).toEqual([]);

    setEditing(b, { textId: 'line:l1' });
    expect(peersEditingText(readPeers(a.awareness), 'line:l1').map((p) => p.user.id)).toEqual(['u2']);
    clearEditingText(b, 'line:other');
    expect(peersEditingText(readPeers(a.awareness), 'line:l1')).toHaveLength(1);
    clearEditingText(b, 'line:l1');
    expect(readPeers(a.awareness)[1]!.editing).toEqual([]);
  });

  it('lets only the focused editor own the cursor fields, and keeps presence fields', () => {
    const { a } = pair();
    initPresence(a, { id: 'u1', name: 'Kari', color: '#c8102e' });
    const one = createEditorProviderView(a, 'line:1');
    const two = createEditorProviderView(a, 'line:2');
    const pos = { type: null, tname: null, item: { client: 1, clock: 0 }, assoc: 0 };
    one.awareness.setLocalState({ ...one.awareness.getLocalState()!, focusing: true, anchorPos: pos as never, focusPos: pos as never });
    // The unfocused editor's routine "no selection" write must not clear the cursor.
    two.awareness.setLocalState({ ...two.awareness.getLocalState()!, focusing: false, anchorPos: null, focusPos: null });
    const state = a.awareness.getLocalState() as Record<string, unknown>;
    expect(state.cursorTextId).toBe('line:1');
    expect(state.anchorPos).toEqual(pos);
    expect(state.user).toEqual({ id: 'u1', name: 'Kari', color: '#c8102e' });
    expect(two.awareness.getLocalState()!.anchorPos).toBeNull();
    // Focus moves to the second editor.
    two.awareness.setLocalState({ ...two.awareness.getLocalState()!, focusing: true });
    expect((a.awareness.getLocalState() as Record<string, unknown>).cursorTextId).toBe('line:2');
    // A null state (Lexical on unload) does not wipe presence.
    one.awareness.setLocalState(null);
    expect(a.awareness.getLocalState()).not.toBeNull();
  });

  it('drops the caret and the editing mark of a focused editor that unmounts', () => {
    const { a, b } = pair();
    initPresence(a, { id: 'u1', name: 'Kari', color: '#c8102e' });
    const doc = new Y.Doc();
    const x = new Y.XmlText();
    doc.getMap('lines').set('l', x);
    const view = createEditorProviderView(a, 'line:l');
    const editor = headlessEditor('t');
    const stop = registerTextCollaboration(createTextBinding(editor, doc, x, 'line:l'), view, {
      onFocusChange: (f) => (f ? setEditing(a, { textId: 'line:l' }) : clearEditingText(a, 'line:l')),
    });
    view.awareness.setLocalState({ ...view.awareness.getLocalState()!, focusing: true });
    setEditing(a, { textId: 'line:l' });
    expect(peersEditingText(readPeers(b.awareness), 'line:l')).toHaveLength(1);
    stop();
    const state = a.awareness.getLocalState() as Record<string, unknown>;
    expect(state.focusing).toBe(false);
    expect(state.anchorPos).toBeNull();
    expect(peersEditingText(readPeers(b.awareness), 'line:l')).toHaveLength(0);
  });

  it('describes what a peer edits with the titles from the doc', () => {
    const doc = new Y.Doc();
    const line = createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Skolemat' });
    const verbal = createVerbalInDoc(doc, { title: 'Gratis kollektivtransport' });
    const nb = describeEditingFromDoc(doc, 'nb');
    expect(nb({ lineId: line, year: '2025' })).toBe('redigerer «Skolemat», 2025');
    expect(nb({ textId: `line:${line}` })).toBe('skriver i begrunnelsen for «Skolemat»');
    expect(nb({ textId: `verbal:${verbal}` })).toBe('skriver i verbalforslaget «Gratis kollektivtransport»');
    expect(describeEditingFromDoc(doc, 'en')({ lineId: line, year: 'title' })).toBe('editing «Skolemat», title');
    expect(nb({ lineId: 'gone', year: '2025' })).toBeNull();
    // A line without a title yet (just added) is still named, not shown by its id.
    const fresh = createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: '' });
    expect(nb({ lineId: fresh, year: '2025' })).toBe('redigerer «(uten tittel)», 2025');
  });

  it('makes initials and readable text colours', () => {
    expect(initialsOf('Kari Nordmann')).toBe('KN');
    expect(initialsOf('  ola  ')).toBe('O');
    expect(initialsOf('Anne-Lise Berg Hansen')).toBe('AH');
    expect(textColorOn('#ffd700')).toBe('#000');
    expect(textColorOn('#c8102e')).toBe('#fff');
    expect(textColorOn('#006400')).toBe('#fff');
  });
});
