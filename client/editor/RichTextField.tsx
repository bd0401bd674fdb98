/**
 * A rich-text field bound to one `Y.XmlText` of the package doc: a line's
 * rationale, a verbal instruction, a section introduction. All fields of a
 * package share the package's one provider (one websocket); see collab.ts for
 * why this drives @lexical/yjs directly instead of CollaborationPlugin.
 *
 * Give each field a React `key` equal to `id`: a mounted field cannot be
 * repointed to another XmlText.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { LexicalComposer } from '@lexical/react/LexicalComposer';
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import { RichTextPlugin } from '@lexical/react/LexicalRichTextPlugin';
import { ContentEditable } from '@lexical/react/LexicalContentEditable';
import { LexicalErrorBoundary } from '@lexical/react/LexicalErrorBoundary';
import { ListPlugin } from '@lexical/react/LexicalListPlugin';
import { LinkPlugin } from '@lexical/react/LexicalLinkPlugin';
import { $createRangeSelectionFromDom, $getSelection, $isRangeSelection, type LexicalEditor } from 'lexical';
import type { Binding } from '@lexical/yjs';
import { createDOMRange } from '@lexical/selection';
import type * as Y from 'yjs';
import { createEditorProviderView, createTextBinding, registerTextCollaboration, setCursorIdentity, type SharedProvider } from './collab';
import { $passageFromSelection, $pointsForPassage, type PassageAnchor } from './anchors';
import { EDITOR_NODES, EDITOR_THEME } from './nodes';
import { isAllowedLinkUrl } from './link';
import { Toolbar } from './Toolbar';
import { translate, type Lang } from '../i18n';
import { clearEditingText, setEditing } from '../presence/awareness';
import './editor.css';

/** A passage to highlight (an open passage comment). */
export interface PassageHighlight {
  id: string;
  start: Y.RelativePosition;
  end: Y.RelativePosition;
}

export interface RichTextFieldProps {
  doc: Y.Doc;
  provider: SharedProvider;
  xmlText: Y.XmlText;
  /** Unique per text and stable, e.g. `line:<id>:rationale`. Also named in presence. */
  id: string;
  /** Accessible name of the text area. */
  label: string;
  user: { name: string; color: string };
  readOnly?: boolean;
  /** The package's shared undo manager (client/editor/undo.ts). */
  undoManager?: Y.UndoManager;
  lang?: Lang;
  /** Shows a "Kommenter" button that hands the selected passage to the caller. */
  onCommentPassage?: (passage: PassageAnchor) => void;
  highlights?: PassageHighlight[];
  /** Called when the field gains or loses focus (presence: what I am editing). */
  onFocusChange?: (focused: boolean) => void;
  /** Extra controls after the toolbar. */
  toolbarExtra?: ReactNode;
}

function CollaborationBinding(props: {
  doc: Y.Doc;
  provider: SharedProvider;
  xmlText: Y.XmlText;
  id: string;
  user: { name: string; color: string };
  undoManager: Y.UndoManager | undefined;
  cursorsRef: React.RefObject<HTMLDivElement | null>;
  bindingRef: React.RefObject<Binding | null>;
  onFocusChange: ((focused: boolean) => void) | undefined;
  onBound: () => void;
}) {
  const [editor] = useLexicalComposerContext();
  const { doc, provider, xmlText, id, undoManager, cursorsRef, bindingRef, onBound } = props;
  const focusRef = useRef(props.onFocusChange);
  focusRef.current = props.onFocusChange;
  const { name, color } = props.user;

  useEffect(() => {
    setCursorIdentity(provider, name, color);
  }, [provider, name, color]);

  useEffect(() => {
    const binding = createTextBinding(editor, doc, xmlText, id);
    binding.cursorsContainer = cursorsRef.current;
    bindingRef.current = binding;
    const view = createEditorProviderView(provider, id);
    const stop = registerTextCollaboration(binding, view, {
      ...(undoManager ? { undoManager } : {}),
      onFocusChange: (f) => {
        // Presence: what I am writing in, cleared only if nothing newer replaced it.
        if (f) setEditing(provider, { textId: id });
        else clearEditingText(provider, id);
        focusRef.current?.(f);
      },
    });
    onBound();
    return () => {
      if (bindingRef.current === binding) bindingRef.current = null;
      stop();
    };
  }, [editor, doc, xmlText, id, provider, undoManager, cursorsRef, bindingRef, onBound]);

  return null;
}

function ReadOnlySync({ readOnly }: { readOnly: boolean }) {
  const [editor] = useLexicalComposerContext();
  useEffect(() => editor.setEditable(!readOnly), [editor, readOnly]);
  return null;
}

function EditorRef({ editorRef }: { editorRef: React.RefObject<LexicalEditor | null> }) {
  const [editor] = useLexicalComposerContext();
  editorRef.current = editor;
  return null;
}

/** One registry for all fields: the CSS Highlight API keeps one set per name. */
const highlightRanges = new Map<string, Range[]>();
const HIGHLIGHT_NAME = 'rt-comment-passage';

function publishHighlights(): void {
  const registry = (globalThis as { CSS?: { highlights?: Map<string, unknown> } }).CSS?.highlights;
  const HighlightCtor = (globalThis as { Highlight?: new (...r: Range[]) => unknown }).Highlight;
  if (!registry || !HighlightCtor) return;
  const all = [...highlightRanges.values()].flat();
  if (all.length === 0) registry.delete(HIGHLIGHT_NAME);
  else registry.set(HIGHLIGHT_NAME, new HighlightCtor(...all));
}

function PassageHighlights(props: { id: string; highlights: PassageHighlight[]; bindingRef: React.RefObject<Binding | null>; bound: number }) {
  const [editor] = useLexicalComposerContext();
  const { id, highlights, bindingRef, bound } = props;
  useEffect(() => {
    const recompute = (): void => {
      const binding = bindingRef.current;
      const ranges: Range[] = [];
      if (binding && highlights.length > 0) {
        editor.read(() => {
          for (const h of highlights) {
            const p = $pointsForPassage(binding, h.start, h.end);
            if (!p) continue;
            const map = editor.getEditorState()._nodeMap;
            const a = map.get(p.anchorKey);
            const f = map.get(p.focusKey);
            if (!a || !f) continue;
            const r = createDOMRange(editor, a, p.anchorOffset, f, p.focusOffset);
            if (r) ranges.push(r);
          }
        });
      }
      highlightRanges.set(id, ranges);
      publishHighlights();
    };
    recompute();
    const stop = editor.registerUpdateListener(() => recompute());
    return () => {
      stop();
      highlightRanges.delete(id);
      publishHighlights();
    };
  }, [editor, id, highlights, bindingRef, bound]);
  return null;
}

export function RichTextField(props: RichTextFieldProps) {
  const { doc, provider, xmlText, id, label, user, readOnly = false, undoManager, lang = 'nb' } = props;
  const cursorsRef = useRef<HTMLDivElement | null>(null);
  const bindingRef = useRef<Binding | null>(null);
  const editorRef = useRef<LexicalEditor | null>(null);
  const [bound, setBound] = useState(0);
  const [commentHint, setCommentHint] = useState(false);
  const onBoundRef = useRef(() => setBound((n) => n + 1));

  const initialConfig = {
    namespace: `rt-${id}`,
    nodes: EDITOR_NODES,
    theme: EDITOR_THEME,
    editable: !readOnly,
    // null: the content comes from the XmlText, never from a local default paragraph.
    editorState: null,
    onError: (error: Error) => {
      console.error(error);
    },
  };

  const commentPassage = (): void => {
    const editor = editorRef.current;
    const binding = bindingRef.current;
    if (!editor || !binding || !props.onCommentPassage) return;
    const passage = editor.read(() => {
      // A read-only editor does not track the selection; read it from the DOM.
      let sel = $getSelection();
      if (!$isRangeSelection(sel) || sel.isCollapsed()) {
        const dom = window.getSelection();
        sel = dom ? $createRangeSelectionFromDom(dom, editor) : null;
      }
      return $isRangeSelection(sel) ? $passageFromSelection(binding, sel) : null;
    });
    if (!passage) {
      setCommentHint(true);
      return;
    }
    setCommentHint(false);
    props.onCommentPassage(passage);
  };

  const commentButton = props.onCommentPassage ? (
    <button
      type="button"
      className="rt-tool rt-comment-btn"
      onMouseDown={(e) => e.preventDefault()}
      onClick={commentPassage}
    >
      {translate(lang, 'comment')}
    </button>
  ) : null;

  return (
    <LexicalComposer initialConfig={initialConfig}>
      <div className={`rt-field${readOnly ? ' rt-readonly' : ''}`} data-text-id={id}>
        {readOnly ? (
          commentButton && <div className="rt-toolbar rt-toolbar-readonly">{commentButton}</div>
        ) : (
          <Toolbar
            lang={lang}
            extra={
              <>
                {commentButton}
                {props.toolbarExtra}
              </>
            }
          />
        )}
        {commentHint && (
          <p className="rt-hint" role="status">
            {translate(lang, 'commentNeedsSelection')}
          </p>
        )}
        <div className="rt-surface">
          <RichTextPlugin
            contentEditable={
              <ContentEditable
                className="rt-content"
                aria-label={readOnly ? `${label} ${translate(lang, 'readOnlyText')}` : label}
                aria-readonly={readOnly}
                aria-multiline
                data-text-id={id}
              />
            }
            ErrorBoundary={LexicalErrorBoundary}
          />
          <ListPlugin />
          <LinkPlugin validateUrl={isAllowedLinkUrl} />
          <ReadOnlySync readOnly={readOnly} />
          <EditorRef editorRef={editorRef} />
          <CollaborationBinding
            doc={doc}
            provider={provider}
            xmlText={xmlText}
            id={id}
            user={user}
            undoManager={undoManager}
            cursorsRef={cursorsRef}
            bindingRef={bindingRef}
            onFocusChange={props.onFocusChange}
            onBound={onBoundRef.current}
          />
          {props.highlights && props.highlights.length > 0 && (
            <PassageHighlights id={id} highlights={props.highlights} bindingRef={bindingRef} bound={bound} />
          )}
          <div ref={cursorsRef} className="rt-cursors" aria-hidden="true" />
        </div>
      </div>
    </LexicalComposer>
  );
}
