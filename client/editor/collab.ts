/**
 * Binding of one Lexical editor to one `Y.XmlText` of the shared package doc,
 * over the package's single shared provider.
 *
 * Why not `CollaborationPlugin` from @lexical/react 0.52 (read
 * node_modules/@lexical/react/src/LexicalCollaborationPlugin.tsx and
 * shared/useYjsCollaboration.tsx): with many editors on one doc and one provider
 * it (1) calls `provider.connect()` on mount and `provider.disconnect()` on every
 * unmount, so closing one rationale would drop the package's websocket;
 * (2) `initLocalState` replaces the whole awareness state on each mount, wiping
 * the presence fields (`user`, `editing`) and the other editors' cursor;
 * (3) never loads content that is already in the doc when the binding is created
 * (it only observes later changes — facebook/lexical#4999), which is our normal
 * case: editors mount after the package doc is synced or loaded from IndexedDB;
 * (4) creates its own UndoManager with no way to share one across grid and text.
 * So we drive the same @lexical/yjs v1 primitives it uses ourselves:
 * `createYjsBinding({ getXmlText })`, `syncYjsChangesToLexical`,
 * `syncLexicalUpdateToYjs`, `syncCursorPositions`.
 */
import {
  $createParagraphNode,
  $getRoot,
  BLUR_COMMAND,
  COLLABORATION_TAG,
  COMMAND_PRIORITY_EDITOR,
  FOCUS_COMMAND,
  mergeRegister,
  REDO_COMMAND,
  SKIP_COLLAB_TAG,
  UNDO_COMMAND,
  CAN_UNDO_COMMAND,
  CAN_REDO_COMMAND,
  type LexicalEditor,
} from 'lexical';
import {
  createUndoManager,
  createYjsBinding,
  syncCursorPositions,
  syncLexicalUpdateToYjs,
  syncYjsChangesToLexical,
  type Binding,
  type Provider,
  type UserState,
} from '@lexical/yjs';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';

/** The part of the package's WebsocketProvider that editors use. */
export interface SharedProvider {
  awareness: Awareness;
  on(type: 'sync', cb: (isSynced: boolean) => void): void;
  off(type: 'sync', cb: (isSynced: boolean) => void): void;
  on(type: 'status', cb: (event: { status: string }) => void): void;
  off(type: 'status', cb: (event: { status: string }) => void): void;
}

/** Awareness field naming the text whose editor owns the top-level cursor fields. */
export const CURSOR_TEXT_FIELD = 'cursorTextId';

type StateRecord = Record<string, unknown>;

/**
 * A Lexical `Provider` for one editor (text `textId`) on top of the shared
 * provider. `connect`/`disconnect` do nothing (the app shell owns the socket).
 * Its awareness is a view of the shared one: Lexical's cursor fields
 * (`anchorPos`, `focusPos`, `focusing`, `name`, `color`) stay top-level, so
 * Lexical's `syncCursorPositions` reads peers as usual, but they belong to
 * whichever editor last had focus (`cursorTextId`). An unfocused editor sees
 * them as empty and cannot overwrite them; every write is merged into the
 * existing state, so presence fields survive.
 */
export function createEditorProviderView(shared: SharedProvider, textId: string): Provider {
  const real = shared.awareness;
  const ownsCursor = (s: StateRecord | null): boolean => s !== null && s[CURSOR_TEXT_FIELD] === textId;
  const awareness = {
    getLocalState(): UserState | null {
      const s = real.getLocalState() as StateRecord | null;
      if (s === null) return null;
      const view: StateRecord = { ...s };
      if (!ownsCursor(s)) {
        view.anchorPos = null;
        view.focusPos = null;
        view.focusing = false;
      }
      view.awarenessData ??= {};
      return view as UserState;
    },
    getStates(): Map<number, UserState> {
      return real.getStates() as Map<number, UserState>;
    },
    on(type: 'update', cb: () => void): void {
      real.on(type, cb);
    },
    off(type: 'update', cb: () => void): void {
      real.off(type, cb);
    },
    setLocalState(next: UserState | null): void {
      // Lexical clears the whole state on unload; presence owns that decision.
      if (next === null) return;
      const cur = (real.getLocalState() as StateRecord | null) ?? {};
      const claims = next.focusing || next.anchorPos != null;
      if (!claims && !ownsCursor(cur) && cur[CURSOR_TEXT_FIELD] !== undefined) return;
      const caret = stickCaretLeft(real.doc, next.anchorPos, next.focusPos);
      if (
        ownsCursor(cur) &&
        cur.focusing === next.focusing &&
        cur.name === next.name &&
        cur.color === next.color &&
        sameRelativePosition(cur.anchorPos as Y.RelativePosition | null, caret.anchorPos) &&
        sameRelativePosition(cur.focusPos as Y.RelativePosition | null, caret.focusPos)
      ) {
        return;
      }
      real.setLocalState({
        ...cur,
        anchorPos: caret.anchorPos,
        focusPos: caret.focusPos,
        focusing: next.focusing,
        name: next.name,
        color: next.color,
        [CURSOR_TEXT_FIELD]: textId,
      });
    },
    setLocalStateField(field: string, value: unknown): void {
      real.setLocalStateField(field, value);
    },
  };
  const noop = (): void => {};
  return {
    awareness,
    connect: noop,
    disconnect: noop,
    on: (type: string, cb: (arg: never) => void) => (type === 'sync' || type === 'status' ? shared.on(type as 'sync', cb as never) : undefined),
    off: (type: string, cb: (arg: never) => void) => (type === 'sync' || type === 'status' ? shared.off(type as 'sync', cb as never) : undefined),
  } as unknown as Provider;
}

function sameRelativePosition(a: Y.RelativePosition | null | undefined, b: Y.RelativePosition | null | undefined): boolean {
  if (a == null || b == null) return a == b;
  return Y.compareRelativePositions(a, b);
}

/**
 * A collapsed caret as a relative position that sticks to the character on its
 * LEFT (`assoc` −1), instead of Lexical's default `assoc` 0, which ties it to the
 * character on its right — or, at the end of a text, to "the end of the type".
 * Lexical restores the local caret from these positions after every remote change,
 * so with `assoc` 0 a partner's keystroke at the same place lands before my caret
 * and my next key goes after their character: two people typing at the end of one
 * rationale interleaved letter by letter. Stuck to my own last character, my caret
 * stays behind my run and theirs grows after it (each run stays together, as Yjs
 * keeps runs whose every insert follows the writer's own previous character).
 * Ranges keep Lexical's association (each end sticks to the selected text).
 */
export function stickCaretLeft(
  doc: Y.Doc,
  anchorPos: Y.RelativePosition | null,
  focusPos: Y.RelativePosition | null,
): { anchorPos: Y.RelativePosition | null; focusPos: Y.RelativePosition | null } {
  if (anchorPos == null || focusPos == null || !Y.compareRelativePositions(anchorPos, focusPos) || anchorPos.assoc < 0) {
    return { anchorPos, focusPos };
  }
  const abs = Y.createAbsolutePositionFromRelativePosition(anchorPos, doc);
  if (abs === null) return { anchorPos, focusPos };
  const left = Y.createRelativePositionFromTypeIndex(abs.type, abs.index, -1);
  return { anchorPos: left, focusPos: left };
}

/** Makes sure the local awareness carries the name and colour remote carets show. */
export function setCursorIdentity(shared: SharedProvider, name: string, color: string): void {
  const cur = (shared.awareness.getLocalState() as StateRecord | null) ?? {};
  if (cur.name === name && cur.color === color) return;
  shared.awareness.setLocalState({ ...cur, name, color, focusing: cur.focusing ?? false, anchorPos: cur.anchorPos ?? null, focusPos: cur.focusPos ?? null });
}

/** Creates the v1 binding for `xmlText`, which must already be integrated into `doc`. */
export function createTextBinding(editor: LexicalEditor, doc: Y.Doc, xmlText: Y.XmlText, id: string): Binding {
  return createYjsBinding({ editor, id, doc, docMap: new Map([[id, doc]]), getXmlText: () => xmlText });
}

/**
 * Loads what the XmlText holds right now into the editor (the step
 * CollaborationPlugin lacks). Tagged as a collaboration update so the editor
 * does not write it back, and run discretely so the editor shows it at once.
 */
export function syncXmlTextToEditor(binding: Binding): void {
  binding.editor.update(
    () => {
      const root = binding.root;
      root.applyChildrenYjsDelta(binding, root.getSharedType().toDelta());
      root.syncChildrenFromYjs(binding);
    },
    { discrete: true, skipTransforms: true, tag: COLLABORATION_TAG },
  );
}

export interface TextCollaborationOptions {
  /** The shared undo manager of the package; without it the text gets its own. */
  undoManager?: Y.UndoManager;
  /** Called with true on focus, false on blur (presence uses it). */
  onFocusChange?: (focused: boolean) => void;
}

/**
 * Wires an editor to its XmlText both ways, loads the current content, renders
 * peers' cursors (into `binding.cursorsContainer`), and routes Ctrl+Z/Ctrl+Y to
 * the undo manager. Returns the function that undoes all of it.
 */
export function registerTextCollaboration(binding: Binding, provider: Provider, options: TextCollaborationOptions = {}): () => void {
  const editor = binding.editor;
  const xmlText = binding.root.getSharedType();
  const undoManager = options.undoManager ?? createUndoManager(binding, xmlText);
  const ownsUndoManager = options.undoManager === undefined;
  // Transactions this binding makes carry the binding as origin; a shared
  // undo manager must track it to capture this editor's edits (and no one else's).
  undoManager.trackedOrigins.add(binding);

  syncXmlTextToEditor(binding);

  const onYjsChanges = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction): void => {
    if (tr.origin === binding) return;
    syncYjsChangesToLexical(binding, provider, events as never, tr.origin instanceof Y.UndoManager);
  };
  xmlText.observeDeep(onYjsChanges);

  const onAwareness = (): void => syncCursorPositions(binding, provider);
  provider.awareness.on('update', onAwareness);

  const updateUndoState = (): void => {
    editor.dispatchCommand(CAN_UNDO_COMMAND, undoManager.undoStack.length > 0);
    editor.dispatchCommand(CAN_REDO_COMMAND, undoManager.redoStack.length > 0);
  };
  undoManager.on('stack-item-added', updateUndoState);
  undoManager.on('stack-item-popped', updateUndoState);
  undoManager.on('stack-cleared', updateUndoState);

  const setFocus = (focusing: boolean): void => {
    const s = provider.awareness.getLocalState();
    if (s === null) return;
    provider.awareness.setLocalState({ ...s, focusing });
    options.onFocusChange?.(focusing);
  };

  const unregister = mergeRegister(
    editor.registerUpdateListener(({ prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags }) => {
      if (tags.has(SKIP_COLLAB_TAG)) return;
      syncLexicalUpdateToYjs(binding, provider, prevEditorState, editorState, dirtyElements, dirtyLeaves, normalizedNodes, tags);
    }),
    editor.registerCommand(
      FOCUS_COMMAND,
      () => {
        // A text created without content (not by our schema helpers) gets its
        // first paragraph only when someone starts to write in it, never on
        // mount, so two clients merely looking at it cannot both seed it.
        if (editor.isEditable() && editor.getEditorState().read(() => $getRoot().getChildrenSize() === 0)) {
          editor.update(() => $getRoot().append($createParagraphNode()).selectEnd());
        }
        setFocus(true);
        return false;
      },
      COMMAND_PRIORITY_EDITOR,
    ),
    editor.registerCommand(
      BLUR_COMMAND,
      () => {
        setFocus(false);
        return false;
      },
      COMMAND_PRIORITY_EDITOR,
    ),
    editor.registerCommand(
      UNDO_COMMAND,
      () => {
        undoManager.undo();
        return true;
      },
      COMMAND_PRIORITY_EDITOR,
    ),
    editor.registerCommand(
      REDO_COMMAND,
      () => {
        undoManager.redo();
        return true;
      },
      COMMAND_PRIORITY_EDITOR,
    ),
  );

  return () => {
    unregister();
    // An editor that goes away while focused (another line selected) gets no
    // blur: give up its caret so peers do not see a ghost cursor.
    const s = provider.awareness.getLocalState();
    if (s !== null && s.focusing) {
      provider.awareness.setLocalState({ ...s, focusing: false, anchorPos: null, focusPos: null });
      options.onFocusChange?.(false);
    }
    xmlText.unobserveDeep(onYjsChanges);
    provider.awareness.off('update', onAwareness);
    undoManager.off('stack-item-added', updateUndoState);
    undoManager.off('stack-item-popped', updateUndoState);
    undoManager.off('stack-cleared', updateUndoState);
    undoManager.trackedOrigins.delete(binding);
    if (ownsUndoManager) undoManager.destroy();
    for (const cursor of binding.cursors.values()) {
      const sel = cursor.selection;
      if (sel) {
        sel.caret.remove();
        for (const span of sel.selections) span.remove();
      }
    }
    binding.cursors.clear();
    binding.root.destroy(binding);
  };
}
