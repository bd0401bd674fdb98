/**
 * Two people type at the same place in one rich text: each person's run of
 * characters must stay together. Two headless Lexical editors on two Y.Docs, a
 * relay this test controls, keystrokes alternating A, B, A, B, each delivered to
 * the other side before the next key.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { $createParagraphNode, $createTextNode, $getRoot, $getSelection, $isElementNode, $isRangeSelection, $isTextNode, type LexicalEditor } from 'lexical';
import { createEditorProviderView, createTextBinding, registerTextCollaboration, setCursorIdentity } from '../../../client/editor/collab';
import { headlessEditor } from './headless';

interface Peer {
  name: string;
  doc: Y.Doc;
  editor: LexicalEditor;
  outbox: Uint8Array[];
  stop(): void;
}

const REMOTE = 'relay';

function peer(name: string, doc: Y.Doc): Peer {
  const awareness = new Awareness(doc);
  const noop = () => {};
  const shared = { awareness, on: noop, off: noop };
  setCursorIdentity(shared, name, '#123456');
  const editor = headlessEditor(name);
  const xmlText = doc.get('text', Y.XmlText);
  const binding = createTextBinding(editor, doc, xmlText, 'text');
  const stop = registerTextCollaboration(binding, createEditorProviderView(shared, 'text'));
  const outbox: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) outbox.push(u);
  });
  return { name, doc, editor, outbox, stop };
}

/** Applies everything `from` sent to `to`, and lets `to`'s editor commit the remote change (Lexical commits it in a microtask). */
async function deliver(from: Peer, to: Peer): Promise<void> {
  for (const u of from.outbox.splice(0)) Y.applyUpdate(to.doc, u, REMOTE);
  await new Promise((r) => setTimeout(r, 0));
}

function text(p: Peer): string {
  return p.editor.getEditorState().read(() => $getRoot().getTextContent());
}

function type(p: Peer, ch: string): void {
  p.editor.update(
    () => {
      const s = $getSelection();
      if (!$isRangeSelection(s)) throw new Error(`${p.name} has no caret`);
      s.insertText(ch);
    },
    { discrete: true },
  );
}

/** Two peers on one text "Start. Slutt." with a paragraph seeded by A and synced to B. */
async function setUp(): Promise<[Peer, Peer]> {
  const a = peer('A', new Y.Doc());
  a.editor.update(() => $getRoot().append($createParagraphNode().append($createTextNode('Start. Slutt.'))), { discrete: true });
  const b = peer('B', new Y.Doc());
  await deliver(a, b);
  expect(text(b)).toBe('Start. Slutt.');
  return [a, b];
}

/** Types two strings alternately, one key each, delivering every key before the next. */
async function alternate(a: Peer, sa: string, b: Peer, sb: string): Promise<void> {
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    if (i < sa.length) {
      type(a, sa[i]!);
      await deliver(a, b);
    }
    if (i < sb.length) {
      type(b, sb[i]!);
      await deliver(b, a);
    }
  }
}

describe('two people typing at the same place', () => {
  it('keeps each run together at the end of the text', async () => {
    const [a, b] = await setUp();
    for (const p of [a, b]) p.editor.update(() => $getRoot().selectEnd(), { discrete: true });
    await alternate(a, ' Ap vil', b, ' SV vil');
    expect(text(a)).toBe(text(b));
    expect([`Start. Slutt. Ap vil SV vil`, `Start. Slutt. SV vil Ap vil`]).toContain(text(a));
  });

  it('keeps each run together in the middle of the text', async () => {
    const [a, b] = await setUp();
    for (const p of [a, b]) {
      p.editor.update(
        () => {
          const node = $getRoot().getFirstDescendant();
          if (!node) throw new Error('empty');
          if (!$isTextNode(node)) throw new Error("not text");
          node.select(6, 6);
        },
        { discrete: true },
      );
    }
    await alternate(a, ' Ap', b, ' SV');
    expect(text(a)).toBe(text(b));
    expect(['Start. Ap SV Slutt.', 'Start. SV Ap Slutt.']).toContain(text(a));
  });

  it('a caret whose paragraph a partner deletes goes to the nearest surviving place, not the end', async () => {
    const a = peer('A', new Y.Doc());
    a.editor.update(
      () => {
        const root = $getRoot();
        for (const t of ['Første avsnitt.', 'Andre avsnitt.', 'Tredje avsnitt.', 'Fjerde avsnitt.']) root.append($createParagraphNode().append($createTextNode(t)));
      },
      { discrete: true },
    );
    const b = peer('B', new Y.Doc());
    await deliver(a, b);
    // A's caret in the middle of the second paragraph.
    a.editor.update(
      () => {
        const paragraph = $getRoot().getChildAtIndex(1);
        const node = $isElementNode(paragraph) ? paragraph.getFirstDescendant() : null;
        if (!$isTextNode(node)) throw new Error('no text');
        node.select(5, 5);
      },
      { discrete: true },
    );
    await deliver(a, b);
    // B deletes the whole second paragraph.
    b.editor.update(() => $getRoot().getChildAtIndex(1)?.remove(), { discrete: true });
    await deliver(b, a);
    expect(text(a)).toBe(text(b));
    type(a, 'X');
    await deliver(a, b);
    const paragraphs = b.editor.getEditorState().read(() => $getRoot().getChildren().map((p) => p.getTextContent()));
    // Where the deleted paragraph stood: the end of the one before or the start of the one after.
    expect([
      ['Første avsnitt.X', 'Tredje avsnitt.', 'Fjerde avsnitt.'],
      ['Første avsnitt.', 'XTredje avsnitt.', 'Fjerde avsnitt.'],
    ]).toContainEqual(paragraphs);
  });
});
