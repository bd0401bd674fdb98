/**
 * Where the keyboard focus of one grid is, kept right while the document
 * changes under it: the focus follows its LINE when others insert, delete or
 * move lines above it; it stays inside the grid when rows vanish; the DOM focus
 * stays on the focused cell (also in the moment after a commit unmounts the
 * cell's input); a request to show a line is acted on by the grid that has it;
 * and the page hears which line is selected.
 */
import { useEffect, useRef, useState, type Dispatch, type FocusEvent, type RefObject, type SetStateAction } from 'react';
import { isHoldingKeys } from './keyHandoff';
import { clampGridState, type GridState } from './navigation';
import type { GridColumn } from './operations';
import type { FocusRequest } from './types';

/** Keys pressed this recently explain a focus on <body> (a commit unmounting the input), not a blur. */
const KEY_FOCUS_GRACE_MS = 250;

function hasFocusWithin(table: HTMLElement | null): boolean {
  return !!table && table.contains(document.activeElement);
}

export interface GridFocusInput {
  tableRef: RefObject<HTMLTableElement | null>;
  state: GridState;
  setState: Dispatch<SetStateAction<GridState>>;
  rowLineIds: string[];
  columns: GridColumn[];
  focusRequest: FocusRequest | null | undefined;
  onSelectLine(lineId: string | null, immediate?: boolean): void;
  /**
   * This grid took over a focus request while keys typed meanwhile are held
   * (./keyHandoff): the grid replays them into the cell and then moves the focus
   * there itself (focusing the cell earlier would send later keys past the replay).
   */
  onHandoff(): void;
}

export interface GridFocus {
  /** Whether this grid has the keyboard focus (the focus ring shows only then). */
  active: boolean;
  /** Call on every key down in the grid. */
  noteKey(): void;
  onFocus(): void;
  onBlur(e: FocusEvent<HTMLTableElement>): void;
}

export function useGridFocus({ tableRef, state, setState, rowLineIds, columns, focusRequest, onSelectLine, onHandoff }: GridFocusInput): GridFocus {
  const [active, setActive] = useState(false);
  // Whether the keyboard focus belongs to this grid, also in the moment after a commit
  // unmounts the cell's input (focus then falls to <body> without a blur event).
  const activeRef = useRef(false);
  const lastKeyAt = useRef(0);

  // The focus follows its LINE, not its row number: when someone else inserts,
  // deletes or moves a line above it, the cell I am on (or typing in) stays mine,
  // and a commit lands on the line I started editing. (Derived-state update during
  // render, the pattern React documents for adjusting state to new props.)
  const prevRowIds = useRef(rowLineIds);
  if (prevRowIds.current !== rowLineIds) {
    const focusedId = prevRowIds.current[state.focus.row];
    prevRowIds.current = rowLineIds;
    const now = focusedId === undefined ? -1 : rowLineIds.indexOf(focusedId);
    if (now >= 0 && now !== state.focus.row) setState((s) => ({ ...s, focus: { row: now, col: s.focus.col }, anchor: null }));
  }

  // Remote rows may vanish under the focus; keep it inside the grid.
  useEffect(() => {
    setState((s) => clampGridState(s, { rows: rowLineIds.length, cols: columns.length }));
  }, [rowLineIds.length, columns.length, setState]);

  // Tell the page which line is selected.
  const focusedLineId = rowLineIds[state.focus.row] ?? null;
  useEffect(() => {
    if (hasFocusWithin(tableRef.current) && focusedLineId) onSelectLine(focusedLineId);
  }, [focusedLineId, onSelectLine, tableRef]);

  // Keep DOM focus on the focused cell while the grid has focus.
  useEffect(() => {
    if (state.editing || !(hasFocusWithin(tableRef.current) || (activeRef.current && document.activeElement === document.body))) return;
    const cell = tableRef.current?.querySelector<HTMLElement>(`[data-cell="${state.focus.row}:${state.focus.col}"]`);
    if (cell && document.activeElement !== cell) cell.focus();
  }, [state.focus.row, state.focus.col, state.editing, tableRef]);

  // A request from elsewhere (a warning, a balance flag, a new line) to show a line.
  // It is acted on once, by the grid that has the line, as soon as the line is
  // rendered here (a new line may arrive a render after the request).
  const handledNonce = useRef(0);
  useEffect(() => {
    if (!focusRequest || focusRequest.nonce === handledNonce.current) return;
    const row = rowLineIds.indexOf(focusRequest.lineId);
    if (row < 0) return;
    handledNonce.current = focusRequest.nonce;
    const col = focusRequest.year ? Math.max(1, columns.findIndex((c) => c.kind === 'year' && c.year === focusRequest.year)) : 0;
    setState({ focus: { row, col }, anchor: null, editing: null });
    activeRef.current = true;
    const held = isHoldingKeys();
    if (held) onHandoff();
    requestAnimationFrame(() => {
      const cell = tableRef.current?.querySelector<HTMLElement>(`[data-cell="${row}:${col}"]`);
      cell?.scrollIntoView({ block: 'center', behavior: 'auto' });
      if (!held) cell?.focus();
    });
  }, [focusRequest, rowLineIds, columns, setState, tableRef, onHandoff]);

  return {
    active,
    noteKey: () => {
      lastKeyAt.current = Date.now();
    },
    onFocus: () => {
      activeRef.current = true;
      setActive(true);
    },
    onBlur: (e) => {
      const table = e.currentTarget;
      if (e.relatedTarget && table.contains(e.relatedTarget as Node)) return;
      // Decide after the event: an input unmounted by a commit leaves focus on <body>
      // for a moment, and the focus effect then puts it back on the cell.
      setTimeout(() => {
        if (table.contains(document.activeElement)) return;
        if (document.activeElement === document.body && Date.now() - lastKeyAt.current < KEY_FOCUS_GRACE_MS) return;
        activeRef.current = false;
        setActive(false);
      }, 0);
    },
  };
}
