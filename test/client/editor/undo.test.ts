/**
 * One undo history per user across grid and text: Ctrl+Z undoes my last change
 * (a text edit through a Lexical binding, or a grid edit with the grid's
 * origin), never a peer's.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { $createTextNode, $getRoot, $isElementNode } from 'lexical';
import { createLineInDoc, getLinesMap, readLinesFromDoc, setLineAmount } from '../../../shared/doc/schema';
import { plainTextFromRichText, readRichTextFromXml } from '../../../shared/doc/richtext';
import { createTextBinding, registerTextCollaboration } from '../../../client/editor/collab';
import { createPackageUndoManager } from '../../../client/editor/undo';
import { headlessEditor, offlineProvider as provider } from './headless';

const GRID = { name: 'grid' };

function rationaleOf(doc: Y.Doc, id: string): Y.XmlText {
  return getLinesMap(doc).get(id)!.get('rationale') as Y.XmlText;
}

describe('createPackageUndoManager', () => {
  it('undoes my text and grid edits in reverse order and leaves a peer’s edits alone', async () => {
    const doc = new Y.Doc();
    const peer = new Y.Doc();
    doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(peer, u, 'net'));
    peer.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(doc, u, 'net'));
    const id = createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Skolemat', rationale: [{ type: 'paragraph', runs: [{ text: 'Gratis' }] }] }, 'import');
    const undo = createPackageUndoManager(doc, GRID);

    const editor = headlessEditor('t');
    const stop = registerTextCollaboration(createTextBinding(editor, doc, rationaleOf(doc, id), 'r'), provider, { undoManager: undo });

    setLineAmount(doc, id, '2024', '1,5', GRID);
    undo.stopCapturing();
    editor.update(
      () => {
        const p = $getRoot().getFirstChild();
        if ($isElementNode(p)) p.append($createTextNode(' skolemat'));
      },
      { discrete: true },
    );
    undo.stopCapturing();
    // A peer edits the same line's amount for another year and the same text.
    setLineAmount(peer, id, '2025', '2', 'peer-grid');
    peer.transact(() => rationaleOf(peer, id).insertEmbed(rationaleOf(peer, id).length, new Y.XmlText()), 'peer-text');

    expect(plainTextFromRichText(readRichTextFromXml(rationaleOf(doc, id)))).toBe('Gratis skolemat');
    expect(undo.undoStack.length).toBe(2);

    undo.undo(); // my text edit
    await Promise.resolve();
    expect(plainTextFromRichText(readRichTextFromXml(rationaleOf(doc, id)))).toBe('Gratis');
    expect(editor.getEditorState().read(() => $getRoot().getFirstChild()?.getTextContent())).toBe('Gratis');
    expect(readLinesFromDoc(doc)[0]!.amounts).toEqual({ '2024': '1.5', '2025': '2' });

    undo.undo(); // my grid edit
    expect(readLinesFromDoc(doc)[0]!.amounts).toEqual({ '2025': '2' });
    expect(readLinesFromDoc(peer)[0]!.amounts).toEqual({ '2025': '2' });
    expect(undo.undoStack.length).toBe(0);

    undo.redo();
    expect(readLinesFromDoc(doc)[0]!.amounts).toEqual({ '2024': '1.5', '2025': '2' });
    stop();
  });
});
