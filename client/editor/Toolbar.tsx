/**
 * The compact formatting toolbar of a RichTextField: text style (body text,
 * heading, subheading), bold, italic, bulleted and numbered lists, link.
 * Buttons keep the editor's selection (mousedown does not steal focus) and
 * report their state with aria-pressed.
 */
import { useCallback, useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useLexicalComposerContext } from '@lexical/react/LexicalComposerContext';
import {
  $createParagraphNode,
  $getSelection,
  $isElementNode,
  $isRangeSelection,
  $setSelection,
  type BaseSelection,
  FORMAT_TEXT_COMMAND,
  type ElementNode,
  type LexicalNode,
} from 'lexical';
import { $setBlocksType } from '@lexical/selection';
import { $createHeadingNode, $isHeadingNode } from '@lexical/rich-text';
import { $isListNode, INSERT_ORDERED_LIST_COMMAND, INSERT_UNORDERED_LIST_COMMAND, REMOVE_LIST_COMMAND, ListNode } from '@lexical/list';
import { $isLinkNode, $toggleLink, TOGGLE_LINK_COMMAND } from '@lexical/link';
import { $getNearestNodeOfType } from '@lexical/utils';
import { normalizeLinkUrl } from './link';
import { translate, type Lang } from '../i18n';

const ICON = { width: 16, height: 16, viewBox: '0 0 16 16', fill: 'currentColor', 'aria-hidden': true, focusable: false } as const;

type BlockType = 'paragraph' | 'h2' | 'h3' | 'bullet' | 'number' | 'other';

interface ToolbarState {
  block: BlockType;
  bold: boolean;
  italic: boolean;
  link: boolean;
  hasRange: boolean;
}

const EMPTY_STATE: ToolbarState = { block: 'paragraph', bold: false, italic: false, link: false, hasRange: false };

function $topBlock(node: LexicalNode): ElementNode | null {
  const top = node.getKey() === 'root' ? null : node.getTopLevelElement();
  return $isElementNode(top) ? top : null;
}

function $readToolbarState(): ToolbarState {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return EMPTY_STATE;
  const anchor = selection.anchor.getNode();
  let block: BlockType = 'other';
  const list = $getNearestNodeOfType(anchor, ListNode);
  const top = $topBlock(anchor);
  if (list) block = list.getListType() === 'number' ? 'number' : 'bullet';
  else if (top && $isHeadingNode(top)) block = top.getTag() === 'h2' ? 'h2' : top.getTag() === 'h3' ? 'h3' : 'other';
  else if (top && top.getType() === 'paragraph') block = 'paragraph';
  const parent = anchor.getParent();
  return {
    block,
    bold: selection.hasFormat('bold'),
    italic: selection.hasFormat('italic'),
    link: $isLinkNode(parent) || $isLinkNode(anchor),
    hasRange: !selection.isCollapsed(),
  };
}

function ToolButton(props: { label: string; pressed?: boolean; onClick: () => void; children: ReactNode; disabled?: boolean }) {
  return (
    <button
      type="button"
      className="rt-tool"
      aria-label={props.label}
      title={props.label}
      aria-pressed={props.pressed}
      disabled={props.disabled}
      // Keep the editor's selection: a button that takes focus would collapse it.
      onMouseDown={(e) => e.preventDefault()}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

export function Toolbar({ lang, extra }: { lang: Lang; extra?: ReactNode }) {
  const [editor] = useLexicalComposerContext();
  const [state, setState] = useState<ToolbarState>(EMPTY_STATE);
  // 'edit' shows the address field; 'hint' only says to select text first.
  const [linkOpen, setLinkOpen] = useState<false | 'edit' | 'hint'>(false);
  // The selection to link, saved because typing the address moves focus away.
  const savedSelection = useRef<BaseSelection | null>(null);
  const [linkDraft, setLinkDraft] = useState('');
  const [linkError, setLinkError] = useState<string | null>(null);
  const linkInputId = useId();

  useEffect(
    () =>
      editor.registerUpdateListener(({ editorState }) => {
        setState(editorState.read(() => $readToolbarState(), { editor }));
      }),
    [editor],
  );

  const setBlock = useCallback(
    (block: string) => {
      if (block === 'bullet' || block === 'number') {
        const current = state.block;
        if (current === block) editor.dispatchCommand(REMOVE_LIST_COMMAND, undefined);
        else editor.dispatchCommand(block === 'bullet' ? INSERT_UNORDERED_LIST_COMMAND : INSERT_ORDERED_LIST_COMMAND, undefined);
        return;
      }
      editor.update(() => {
        const selection = $getSelection();
        if (!$isRangeSelection(selection)) return;
        const inList = $isListNode($getNearestNodeOfType(selection.anchor.getNode(), ListNode));
        if (inList) return;
        $setBlocksType(selection, () => (block === 'h2' || block === 'h3' ? $createHeadingNode(block) : $createParagraphNode()));
      });
      editor.focus();
    },
    [editor, state.block],
  );

  const openLink = () => {
    if (state.link) {
      editor.dispatchCommand(TOGGLE_LINK_COMMAND, null);
      return;
    }
    if (!state.hasRange) {
      setLinkError(translate(lang, 'linkNeedsSelection'));
      setLinkOpen('hint');
      return;
    }
    savedSelection.current = editor.getEditorState().read(() => $getSelection()?.clone() ?? null);
    setLinkError(null);
    setLinkDraft('');
    setLinkOpen('edit');
  };

  const submitLink = (e: FormEvent) => {
    e.preventDefault();
    const url = normalizeLinkUrl(linkDraft);
    if (url === null) {
      setLinkError(translate(lang, 'linkInvalid'));
      return;
    }
    setLinkOpen(false);
    setLinkError(null);
    const saved = savedSelection.current;
    editor.update(() => {
      if (saved) $setSelection(saved.clone());
      $toggleLink(url);
    });
    editor.focus();
  };

  const blockValue = state.block === 'h2' || state.block === 'h3' ? state.block : 'paragraph';

  return (
    <div className="rt-toolbar" role="toolbar" aria-label={translate(lang, 'formatting')}>
      <select
        className="rt-select"
        aria-label={translate(lang, 'blockType')}
        value={blockValue}
        disabled={state.block === 'bullet' || state.block === 'number'}
        onChange={(e) => setBlock(e.target.value)}
      >
        <option value="paragraph">{translate(lang, 'blockParagraph')}</option>
        <option value="h2">{translate(lang, 'blockHeading')}</option>
        <option value="h3">{translate(lang, 'blockSubheading')}</option>
      </select>
      <ToolButton label={translate(lang, 'bold')} pressed={state.bold} onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'bold')}>
        <b aria-hidden="true">{translate(lang, 'boldGlyph')}</b>
      </ToolButton>
      <ToolButton label={translate(lang, 'italic')} pressed={state.italic} onClick={() => editor.dispatchCommand(FORMAT_TEXT_COMMAND, 'italic')}>
        <i aria-hidden="true">{translate(lang, 'italicGlyph')}</i>
      </ToolButton>
      <ToolButton label={translate(lang, 'bulletList')} pressed={state.block === 'bullet'} onClick={() => setBlock('bullet')}>
        <svg {...ICON}>
          <circle cx="3" cy="4" r="1.5" />
          <circle cx="3" cy="8" r="1.5" />
          <circle cx="3" cy="12" r="1.5" />
          <rect x="6" y="3.25" width="9" height="1.5" />
          <rect x="6" y="7.25" width="9" height="1.5" />
          <rect x="6" y="11.25" width="9" height="1.5" />
        </svg>
      </ToolButton>
      <ToolButton label={translate(lang, 'numberedList')} pressed={state.block === 'number'} onClick={() => setBlock('number')}>
        <svg {...ICON}>
          {/* Digits drawn as strokes: SVG text would count as the button's visible name. */}
          <path d="M1.6 3.2 L2.8 2.2 V6.4" fill="none" stroke="currentColor" strokeWidth="1.1" />
          <path d="M1.2 10.2 Q2.4 8.8 3.6 9.9 Q4 10.8 1.2 13.6 H4.2" fill="none" stroke="currentColor" strokeWidth="1.1" />
          <rect x="6" y="3.25" width="9" height="1.5" />
          <rect x="6" y="7.25" width="9" height="1.5" />
          <rect x="6" y="11.25" width="9" height="1.5" />
        </svg>
      </ToolButton>
      <ToolButton label={state.link ? translate(lang, 'removeLink') : translate(lang, 'link')} pressed={state.link} onClick={openLink}>
        <svg {...ICON} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round">
          <path d="M7 9.5a3 3 0 0 0 4.2 0l2.3-2.3a3 3 0 0 0-4.2-4.2l-1 1" />
          <path d="M9 6.5a3 3 0 0 0-4.2 0L2.5 8.8A3 3 0 0 0 6.7 13l1-1" />
          {state.link && <path d="M2 2l12 12" stroke="#b3261e" />}
        </svg>
      </ToolButton>
      {extra}
      {linkOpen && (
        <form className="rt-linkform" onSubmit={submitLink}>
          {linkOpen === 'edit' ? (
            <>
              <label htmlFor={linkInputId}>{translate(lang, 'linkUrl')}</label>
              <input
                id={linkInputId}
                type="text"
                inputMode="url"
                autoFocus
                value={linkDraft}
                aria-invalid={linkError !== null}
                onChange={(e) => setLinkDraft(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Escape') setLinkOpen(false);
                }}
              />
              <button type="submit">{translate(lang, 'linkAdd')}</button>
            </>
          ) : null}
          <button type="button" onClick={() => setLinkOpen(false)}>
            {translate(lang, 'cancel')}
          </button>
          {linkError && (
            <p className="rt-error" role="alert">
              {linkError}
            </p>
          )}
        </form>
      )}
    </div>
  );
}
