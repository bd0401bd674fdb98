/**
 * The XmlText layout written by shared/doc/richtext.ts must be exactly what
 * Lexical's yjs binding (v1, 0.52) writes and reads; otherwise editors render
 * it wrong or rewrite it on load. These tests drive a real Lexical editor
 * (headless, no DOM) bound through client/editor/collab.ts.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { $createParagraphNode, $createTextNode, $getRoot, $createLineBreakNode, $isElementNode, FOCUS_COMMAND, type LexicalEditor } from 'lexical';
import { $createHeadingNode, $createQuoteNode } from '@lexical/rich-text';
import { $createListItemNode, $createListNode } from '@lexical/list';
import { $createLinkNode } from '@lexical/link';
import { syncLexicalUpdateToYjs, type Binding } from '@lexical/yjs';
import { plainTextFromRichText, readRichTextFromXml, writeRichTextToXml, type RichBlock, type RichRun } from '../../../shared/doc/richtext';
import { createTextBinding, registerTextCollaboration, syncXmlTextToEditor } from '../../../client/editor/collab';
import { headlessEditor as newEditor, offlineProvider as provider } from './headless';

/** Binds an editor to a fresh XmlText inside a Y.Map, as in the package doc. */
function bound(doc: Y.Doc, xml: Y.XmlText, id: string): { editor: LexicalEditor; binding: Binding } {
  const editor = newEditor();
  const binding = createTextBinding(editor, doc, xml, id);
  editor.registerUpdateListener(({ prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags }) => {
    syncLexicalUpdateToYjs(binding, provider, prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags);
  });
  return { editor, binding };
}

function newText(doc: Y.Doc, key: string, blocks?: RichBlock[]): Y.XmlText {
  const x = new Y.XmlText();
  doc.transact(() => {
    doc.getMap('lines').set(key, x);
    if (blocks) writeRichTextToXml(x, blocks);
  });
  return x;
}

/** The whole tree: attributes, embeds and strings, for exact comparison. */
function dumpXml(x: Y.XmlText): unknown {
  return {
    attrs: x.getAttributes(),
    children: (x.toDelta() as Array<{ insert: unknown }>).map((op) =>
      typeof op.insert === 'string' ? op.insert : op.insert instanceof Y.XmlText ? dumpXml(op.insert) : (op.insert as Y.Map<unknown>).toJSON(),
    ),
  };
}

function $buildSample(): void {
  const root = $getRoot();
  const h = $createHeadingNode('h2');
  h.append($createTextNode('Bakgrunn'));
  const p = $createParagraphNode();
  const link = $createLinkNode('https://www.bergen.kommune.no/');
  link.append($createTextNode('vedtaket'));
  p.append(
    $createTextNode('Tiltaket gir '),
    $createTextNode('varig').toggleFormat('bold'),
    $createTextNode(' effekt, se '),
    link,
    $createTextNode(' og '),
    $createTextNode('merknad').toggleFormat('italic'),
  );
  const p2 = $createParagraphNode();
  p2.append($createTextNode('Linje en'), $createLineBreakNode(), $createTextNode('linje to'));
  const empty = $createParagraphNode();
  const ul = $createListNode('bullet');
  for (const t of ['barnehage', 'skole']) ul.append($createListItemNode().append($createTextNode(t)));
  const ol = $createListNode('number');
  ol.append($createListItemNode().append($createTextNode('først')));
  const q = $createQuoteNode();
  q.append($createTextNode('sitat'));
  const h3 = $createHeadingNode('h3');
  h3.append($createTextNode('Under'));
  root.append(h, p, p2, empty, ul, ol, q, h3);
}

describe('rich text layout against @lexical/yjs', () => {
  it('writes exactly the tree Lexical writes for the same content', () => {
    const docA = new Y.Doc();
    const xa = newText(docA, 'a');
    const { editor } = bound(docA, xa, 'a');
    editor.update($buildSample, { discrete: true });
    const blocks = readRichTextFromXml(xa);
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'paragraph', 'paragraph', 'paragraph', 'list', 'list', 'quote', 'heading']);

    const docB = new Y.Doc();
    const xb = newText(docB, 'b', blocks);
    expect(dumpXml(xb)).toEqual(dumpXml(xa));
  });

  it('loads written text into an editor identical to the one that wrote it, without writing back', () => {
    const docA = new Y.Doc();
    const xa = newText(docA, 'a');
    const a = bound(docA, xa, 'a');
    a.editor.update($buildSample, { discrete: true });

    const docB = new Y.Doc();
    const xb = newText(docB, 'b', readRichTextFromXml(xa));
    const b = bound(docB, xb, 'b');
    let writes = 0;
    docB.on('update', () => writes++);
    syncXmlTextToEditor(b.binding);
    expect(b.editor.getEditorState().toJSON()).toEqual(a.editor.getEditorState().toJSON());
    expect(writes).toBe(0);
  });

  it('keeps editing a loaded text: a Lexical edit lands in the same XmlText', () => {
    const doc = new Y.Doc();
    const x = newText(doc, 'l', [{ type: 'paragraph', runs: [{ text: 'Økt ramme' }] }]);
    const other = newText(doc, 'm', [{ type: 'paragraph', runs: [{ text: 'Urørt' }] }]);
    const { editor, binding } = bound(doc, x, 'l');
    syncXmlTextToEditor(binding);
    editor.update(
      () => {
        const first = $getRoot().getFirstChild();
        if ($isElementNode(first)) first.append($createTextNode(' til skole').toggleFormat('bold'));
      },
      { discrete: true },
    );
    expect(readRichTextFromXml(x)).toEqual([{ type: 'paragraph', runs: [{ text: 'Økt ramme' }, { text: ' til skole', bold: true }] }]);
    expect(readRichTextFromXml(other)).toEqual([{ type: 'paragraph', runs: [{ text: 'Urørt' }] }]);
  });

  it('shows a remote edit of the XmlText in a loaded editor', async () => {
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    docA.on('update', (u: Uint8Array) => Y.applyUpdate(docB, u, 'remote'));
    const xa = newText(docA, 'l', [{ type: 'paragraph', runs: [{ text: 'Før' }] }]);
    const xb = docB.getMap('lines').get('l') as Y.XmlText;
    const a = bound(docA, xa, 'l');
    syncXmlTextToEditor(a.binding);
    const bEditor = newEditor();
    const stop = registerTextCollaboration(createTextBinding(bEditor, docB, xb, 'l'), provider);
    expect(bEditor.getEditorState().read(() => $getRoot().getTextContent())).toBe('Før');
    a.editor.update(
      () => {
        const first = $getRoot().getFirstChild();
        if ($isElementNode(first)) first.append($createTextNode(' og etter'));
      },
      { discrete: true },
    );
    await new Promise((r) => setTimeout(r, 0));
    expect(bEditor.getEditorState().read(() => $getRoot().getTextContent())).toBe('Før og etter');
    stop();
    expect(plainTextFromRichText(readRichTextFromXml(xb))).toBe('Før og etter');
  });
});

describe('an empty XmlText (no shouldBootstrap)', () => {
  it('gets its first paragraph when someone focuses it to write, never on mount', async () => {
    const doc = new Y.Doc();
    const x = newText(doc, 'e');
    let writes = 0;
    doc.on('update', () => writes++);
    const editor = newEditor();
    const stop = registerTextCollaboration(createTextBinding(editor, doc, x, 'e'), provider);
    expect(writes).toBe(0);
    expect(x.length).toBe(0);
    // No DOM here: the handler does not read the event.
    editor.dispatchCommand(FOCUS_COMMAND, {} as FocusEvent);
    await new Promise((r) => setTimeout(r, 0));
    expect(readRichTextFromXml(x)).toEqual([{ type: 'paragraph', runs: [] }]);
    stop();
  });
});

describe('rich text round trip (write → read)', () => {
  it('reads back what was written for every block kind', () => {
    const blocks: RichBlock[] = [
      { type: 'heading', level: 2, runs: [{ text: 'Tittel' }] },
      { type: 'paragraph', runs: [{ text: 'a ' }, { text: 'b', bold: true, italic: true }, { text: 'lenke', link: 'https://x.no/', bold: true }] },
      { type: 'paragraph', runs: [] },
      { type: 'paragraph', runs: [{ text: 'én\nto' }] },
      { type: 'quote', runs: [{ text: 'q' }] },
      { type: 'list', ordered: false, items: [[{ text: 'x' }], [{ text: 'y', italic: true }]] },
      { type: 'list', ordered: true, items: [[{ text: '1' }]] },
    ];
    const doc = new Y.Doc();
    const x = newText(doc, 'r', blocks);
    expect(readRichTextFromXml(x)).toEqual(blocks);
  });

  it('is the identity on normalised runs (property)', () => {
    const run = fc.record(
      {
        text: fc.string({ minLength: 1, maxLength: 8 }),
        bold: fc.constant(true),
        italic: fc.constant(true),
        link: fc.constantFrom('https://a.no/', 'mailto:a@b.no'),
      },
      { requiredKeys: ['text'] },
    );
    const block: fc.Arbitrary<RichBlock> = fc.oneof(
      fc.record({ type: fc.constant('paragraph' as const), runs: fc.array(run, { maxLength: 4 }) }),
      fc.record({ type: fc.constant('heading' as const), level: fc.constantFrom(1, 2, 3, 4, 5, 6) as fc.Arbitrary<1 | 2 | 3 | 4 | 5 | 6>, runs: fc.array(run, { maxLength: 3 }) }),
      fc.record({ type: fc.constant('list' as const), ordered: fc.boolean(), items: fc.array(fc.array(run, { maxLength: 3 }), { minLength: 1, maxLength: 3 }) }),
    );
    const normalise = (runs: RichRun[]): RichRun[] => {
      const out: RichRun[] = [];
      for (const r of runs) {
        const last = out[out.length - 1];
        if (last && !!last.bold === !!r.bold && !!last.italic === !!r.italic && last.link === r.link) last.text += r.text;
        else out.push({ ...r });
      }
      return out;
    };
    const normaliseBlock = (b: RichBlock): RichBlock =>
      b.type === 'list' ? { ...b, items: b.items.map(normalise) } : { ...b, runs: normalise(b.runs) };
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 4 }), (blocks) => {
        const doc = new Y.Doc();
        const x = newText(doc, 'p', blocks);
        expect(readRichTextFromXml(x)).toEqual(blocks.map(normaliseBlock));
      }),
      { numRuns: 150 },
    );
  });
});
