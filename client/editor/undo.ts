/**
 * One undo history per user and package, shared by the grid and every text
 * editor: Ctrl+Z anywhere undoes *my* last change, whether it was a cell or a
 * sentence, and never a change someone else made.
 *
 * How it works: a `Y.UndoManager` scoped over the package's `lines`,
 * `sections` and `verbal` maps (every rationale, instruction and introduction
 * `Y.XmlText` lives inside them, and Yjs reports nested changes on the
 * ancestors) that captures only transactions whose origin it tracks:
 * - the grid's local origin (`localOrigin` below): the grid must write every
 *   change as `doc.transact(fn, localOrigin)` (the shared/doc/schema helpers
 *   take `origin` as their last argument);
 * - each text editor's Lexical binding, added by `registerTextCollaboration`
 *   when the editor mounts and removed when it unmounts.
 * Remote updates (origin: the provider), IndexedDB loads and the server's
 * writes are never captured.
 *
 * How the grid uses it:
 * ```ts
 * const undo = createPackageUndoManager(doc, GRID_ORIGIN); // once per package doc
 * setLineAmount(doc, lineId, year, typed, GRID_ORIGIN);    // each cell commit
 * undo.stopCapturing();                                    // before each commit, so a
 *                                                          // cell edit is its own step
 * // Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) in the grid: undo.undo() / undo.redo()
 * ```
 * A paste of a block is one transaction, hence one undo step. Pass the same
 * manager to every `<RichTextField undoManager={undo} />`.
 */
import * as Y from 'yjs';
import { getLinesMap, getMetaMap, getSectionsMap, getVerbalMap } from '../../shared/doc/schema';

/** Edits closer together than this merge into one undo step (Yjs default is 500). */
export const UNDO_CAPTURE_TIMEOUT_MS = 500;

/** Creates the package's shared undo manager (see the module comment). */
export function createPackageUndoManager(doc: Y.Doc, localOrigin: unknown): Y.UndoManager {
  return new Y.UndoManager([getLinesMap(doc), getSectionsMap(doc), getVerbalMap(doc), getMetaMap(doc)], {
    trackedOrigins: new Set([localOrigin]),
    captureTimeout: UNDO_CAPTURE_TIMEOUT_MS,
  });
}
