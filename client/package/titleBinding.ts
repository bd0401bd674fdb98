/**
 * A plain `<input>` bound to a title `Y.Text` (shared/doc/text.ts), merged by
 * character: each keystroke is written as the smallest change at the caret, and a
 * partner's change is applied to the input with the caret kept where it was —
 * sticking to the character on its left, as the rich-text caret does
 * (`stickCaretLeft` in client/editor/collab.ts), so two people typing at one place
 * keep their runs together.
 */
import type * as Y from 'yjs';
import { TITLE_KEY, readTitle, setTextValue, titleText, writeTitle } from '../../shared/doc/text';

/** A `Y.Text` change as Yjs reports it. */
type Delta = Array<{ insert?: unknown; retain?: number; delete?: number }>;

/**
 * Where index `i` of the text before `delta` is after it. An insertion exactly at
 * `i` goes after `i` when `stickLeft` (a caret stays behind its own last character)
 * and before it otherwise (the start of a selection stays on its first character).
 */
export function transformIndex(i: number, delta: Delta, stickLeft: boolean): number {
  let pos = 0;
  let out = i;
  for (const op of delta) {
    if (op.retain !== undefined) pos += op.retain;
    else if (op.insert !== undefined) {
      const len = typeof op.insert === 'string' ? op.insert.length : 1;
      if (pos < out || (pos === out && !stickLeft)) out += len;
      pos += len;
    } else if (op.delete !== undefined) {
      if (pos < out) out -= Math.min(op.delete, out - pos);
    }
  }
  return out;
}

export interface TitleBindingOptions {
  doc: Y.Doc;
  /** Transaction origin of this user's edits (tracked by the package's undo manager). */
  origin: unknown;
  /** The package's undo manager: Ctrl+Z in the input undoes my last change, as elsewhere. */
  undoManager?: Y.UndoManager;
}

/**
 * Binds `el` to the title of `map` (a line, section, verbal instruction, or the
 * package's `meta`) until the returned function is called. The input shows the
 * title and follows it (also when the title is replaced, e.g. converted from a
 * string by the server); typing writes through `writeTitle`/`setTextValue` with
 * `origin`. Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y go to `undoManager` (the input's own
 * history would also undo a partner's typing).
 */
export function bindTitleInput(el: HTMLInputElement, map: Y.Map<unknown>, opts: TitleBindingOptions): () => void {
  const { doc, origin } = opts;
  let text: Y.Text | null = null;
  let composing = false;

  const show = (value: string, delta: Delta | null) => {
    if (el.value === value) return;
    const focused = el.ownerDocument.activeElement === el;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    el.value = value;
    if (!focused) return;
    if (delta) {
      const collapsed = start === end;
      const s = transformIndex(start, delta, collapsed);
      const e = collapsed ? s : transformIndex(end, delta, true);
      el.setSelectionRange(s, Math.max(s, e));
    } else {
      const at = Math.min(end, value.length);
      el.setSelectionRange(at, at);
    }
  };

  const onText = (ev: Y.YTextEvent) => show(text ? text.toString() : '', ev.delta as Delta);
  const attach = () => {
    text?.unobserve(onText);
    text = titleText(map);
    text?.observe(onText);
    show(readTitle(map), null);
  };
  const onMap = (ev: Y.YMapEvent<unknown>) => {
    if (ev.keysChanged.has(TITLE_KEY)) attach();
  };
  map.observe(onMap);
  attach();

  const write = () => {
    if (composing) return;
    const value = el.value;
    const t = text;
    doc.transact(() => {
      if (t) setTextValue(t, value, el.selectionEnd ?? value.length);
      else writeTitle(map, value);
    }, origin);
  };
  const onInput = () => write();
  const onCompositionStart = () => {
    composing = true;
  };
  const onCompositionEnd = () => {
    composing = false;
    write();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const um = opts.undoManager;
    if (!um || !(e.ctrlKey || e.metaKey) || e.altKey) return;
    const k = e.key.toLowerCase();
    if (k === 'z' && !e.shiftKey) {
      e.preventDefault();
      um.stopCapturing();
      um.undo();
    } else if ((k === 'z' && e.shiftKey) || k === 'y') {
      e.preventDefault();
      um.redo();
    }
  };
  const onBeforeInput = (e: InputEvent) => {
    // The browser's own history would put back values that mix in a partner's typing.
    if (opts.undoManager && (e.inputType === 'historyUndo' || e.inputType === 'historyRedo')) e.preventDefault();
  };
  el.addEventListener('input', onInput);
  el.addEventListener('compositionstart', onCompositionStart);
  el.addEventListener('compositionend', onCompositionEnd);
  el.addEventListener('keydown', onKeyDown);
  el.addEventListener('beforeinput', onBeforeInput);
  return () => {
    map.unobserve(onMap);
    text?.unobserve(onText);
    el.removeEventListener('input', onInput);
    el.removeEventListener('compositionstart', onCompositionStart);
    el.removeEventListener('compositionend', onCompositionEnd);
    el.removeEventListener('keydown', onKeyDown);
    el.removeEventListener('beforeinput', onBeforeInput);
  };
}
