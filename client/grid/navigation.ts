/**
 * Keyboard model of the amendment grid, as a pure reducer so it can be tested
 * without a browser. It follows a spreadsheet: arrows move, Shift+arrows select
 * a range, Tab/Enter move on, typing replaces the cell, Enter/F2 edits it,
 * Escape cancels, Delete clears. While editing after a typed character
 * ("enter mode") arrows commit and move, as in Excel; after Enter/F2
 * ("edit mode") arrows move the caret inside the cell.
 */

export interface CellPos {
  row: number;
  col: number;
}

export interface GridState {
  focus: CellPos;
  /** The other corner of a selected range, or null for a single cell. */
  anchor: CellPos | null;
  editing: { draft: string; mode: 'enter' | 'edit' } | null;
}

export interface GridDims {
  rows: number;
  cols: number;
}

export interface KeyInput {
  key: string;
  shiftKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

export interface CellRange {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export type GridEffect =
  | { type: 'commit'; pos: CellPos; text: string }
  | { type: 'clear'; range: CellRange };

export interface GridResult {
  state: GridState;
  effect?: GridEffect;
  /** Whether the key was consumed (the component then calls preventDefault). */
  handled: boolean;
}

export const initialGridState: GridState = { focus: { row: 0, col: 0 }, anchor: null, editing: null };

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n));
}

/** Keeps the focus inside the grid after rows were removed remotely. */
export function clampGridState(state: GridState, dims: GridDims): GridState {
  const row = clamp(state.focus.row, 0, Math.max(0, dims.rows - 1));
  const col = clamp(state.focus.col, 0, Math.max(0, dims.cols - 1));
  if (row === state.focus.row && col === state.focus.col) return state;
  return { focus: { row, col }, anchor: null, editing: null };
}

/** The selected range (a single cell when there is no anchor). */
export function selectionRange(state: GridState): CellRange {
  const a = state.anchor ?? state.focus;
  const f = state.focus;
  return {
    top: Math.min(a.row, f.row),
    bottom: Math.max(a.row, f.row),
    left: Math.min(a.col, f.col),
    right: Math.max(a.col, f.col),
  };
}

function move(state: GridState, dims: GridDims, dRow: number, dCol: number, extend: boolean): GridState {
  const focus = {
    row: clamp(state.focus.row + dRow, 0, Math.max(0, dims.rows - 1)),
    col: clamp(state.focus.col + dCol, 0, Math.max(0, dims.cols - 1)),
  };
  return { focus, anchor: extend ? (state.anchor ?? state.focus) : null, editing: null };
}

function tabMove(state: GridState, dims: GridDims, back: boolean): GridState {
  let { row, col } = state.focus;
  if (back) {
    if (col > 0) col--;
    else if (row > 0) {
      row--;
      col = dims.cols - 1;
    }
  } else if (col < dims.cols - 1) col++;
  else if (row < dims.rows - 1) {
    row++;
    col = 0;
  }
  return { focus: { row, col }, anchor: null, editing: null };
}

const ARROWS: Record<string, [number, number]> = {
  ArrowUp: [-1, 0],
  ArrowDown: [1, 0],
  ArrowLeft: [0, -1],
  ArrowRight: [0, 1],
};

/** Whether a key press types a character (and so starts editing the cell). */
export function isTypingKey(k: KeyInput): boolean {
  return k.key.length === 1 && !k.ctrlKey && !k.metaKey && !k.altKey;
}

/**
 * Applies one key press. `currentText` is what the focused cell shows when not
 * editing (used to start edit mode with the cell's content).
 */
export function gridKeyDown(state: GridState, k: KeyInput, dims: GridDims, currentText: string): GridResult {
  if (dims.rows === 0 || dims.cols === 0) return { state, handled: false };
  const ed = state.editing;
  if (ed) {
    const commit = (next: GridState): GridResult => ({
      state: next,
      effect: { type: 'commit', pos: state.focus, text: ed.draft },
      handled: true,
    });
    switch (k.key) {
      case 'Escape':
        return { state: { ...state, editing: null }, handled: true };
      case 'Enter':
        return commit(move(state, dims, k.shiftKey ? -1 : 1, 0, false));
      case 'Tab':
        return commit(tabMove(state, dims, !!k.shiftKey));
      default: {
        const arrow = ARROWS[k.key];
        if (arrow && ed.mode === 'enter' && !k.shiftKey) return commit(move(state, dims, arrow[0], arrow[1], false));
        return { state, handled: false };
      }
    }
  }
  const arrow = ARROWS[k.key];
  if (arrow) {
    if (k.ctrlKey || k.metaKey) {
      const [dr, dc] = arrow;
      return { state: move(state, dims, dr * dims.rows, dc * dims.cols, !!k.shiftKey), handled: true };
    }
    return { state: move(state, dims, arrow[0], arrow[1], !!k.shiftKey), handled: true };
  }
  switch (k.key) {
    case 'Tab':
      return { state: tabMove(state, dims, !!k.shiftKey), handled: true };
    case 'Home':
      return { state: move(state, dims, k.ctrlKey ? -dims.rows : 0, -dims.cols, !!k.shiftKey), handled: true };
    case 'End':
      return { state: move(state, dims, k.ctrlKey ? dims.rows : 0, dims.cols, !!k.shiftKey), handled: true };
    case 'Enter':
    case 'F2':
      return { state: { ...state, anchor: null, editing: { draft: currentText, mode: 'edit' } }, handled: true };
    case 'Delete':
    case 'Backspace':
      return { state, effect: { type: 'clear', range: selectionRange(state) }, handled: true };
    case 'Escape':
      return { state: { ...state, anchor: null }, handled: state.anchor !== null };
    default:
      if (isTypingKey(k)) return { state: { ...state, anchor: null, editing: { draft: k.key, mode: 'enter' } }, handled: true };
      return { state, handled: false };
  }
}

/** Updates the draft while the cell's input changes. */
export function setDraft(state: GridState, draft: string): GridState {
  return state.editing ? { ...state, editing: { ...state.editing, draft } } : state;
}

/** Focuses a cell by pointer; a click on the focused cell does not start editing by itself. */
export function focusCell(state: GridState, pos: CellPos, extend = false): GridState {
  return { focus: pos, anchor: extend ? (state.anchor ?? state.focus) : null, editing: null };
}

/** What reaches a cell: a key press, or text that came without one (U+2212 typed through a layout or compose key, an IME, dictation). */
export type CellInput = KeyInput | { text: string };

/**
 * Applies one input as if it had reached the focused cell (or its open input):
 * text and typed characters start editing or extend the draft, Backspace
 * shortens an open draft, every other key goes through `gridKeyDown`. Used for
 * text that arrives without a key press, and to replay what was typed while a
 * new line's cell was not there yet (./keyHandoff), so no keystroke is lost.
 */
export function applyCellInput(state: GridState, input: CellInput, dims: GridDims, currentText: string): GridResult {
  if ('text' in input) {
    if (input.text === '') return { state, handled: false };
    if (state.editing) return { state: setDraft(state, state.editing.draft + input.text), handled: true };
    if (dims.rows === 0 || dims.cols === 0) return { state, handled: false };
    return { state: { ...state, anchor: null, editing: { draft: input.text, mode: 'enter' } }, handled: true };
  }
  if (state.editing && isTypingKey(input)) return { state: setDraft(state, state.editing.draft + input.key), handled: true };
  if (state.editing && input.key === 'Backspace') return { state: setDraft(state, state.editing.draft.slice(0, -1)), handled: true };
  return gridKeyDown(state, input, dims, currentText);
}
