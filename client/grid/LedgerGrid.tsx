/**
 * The keyboard-first amendment grid: one row per line, a title column and one
 * amount column per year, grouped in blocks (ledger × group) with headings and,
 * where the balance worker has reported them, sum rows. This file draws the
 * table and turns keys into document writes; the keyboard model is the pure
 * reducer in ./navigation, document writes are ./operations, focus handling
 * ./useGridFocus, copy/paste ./useGridClipboard, rows ./GridRow and sums
 * ./SumsRow (from the worker's report: the main thread never sums).
 */
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';
import { useT } from '../i18n';
import { GridRow, displayAmount, peersKeyFor, type RowEvents } from './GridRow';
import { applyCellInput, focusCell, gridKeyDown, initialGridState, selectionRange, setDraft, type CellInput, type GridEffect, type GridState } from './navigation';
import { releaseKeys, takeHeldKeys } from './keyHandoff';
import { clearRangeInDoc, commitCellToDoc, commitTitleSince, moveLineInDoc, type GridColumn } from './operations';
import { amountCellWriter, lineTitleText } from '../../shared/doc/schema';
import { captureTextBase, type TextBase } from '../../shared/doc/text';
import type { CellPos } from './navigation';
import { SumsRow } from './SumsRow';
import { useTitleMinWidth } from './titleWidth';
import type { GridBlock, GridSharedProps, GridSums } from './types';
import { useEditingPresence } from './useEditingPresence';
import { useGridClipboard } from './useGridClipboard';
import { useGridFocus } from './useGridFocus';

export interface LedgerGridProps extends GridSharedProps {
  label: string;
  blocks: GridBlock[];
  footer?: GridSums;
}

export function LedgerGrid(props: LedgerGridProps) {
  const { conn, years, blocks, peers, canEdit } = props;
  const t = useT();
  const gridId = useId();
  const tableRef = useRef<HTMLTableElement>(null);
  const [state, setState] = useState<GridState>(initialGridState);
  const stateRef = useRef(state);
  stateRef.current = state;

  const rows = useMemo(() => blocks.flatMap((b) => b.lines), [blocks]);
  const rowLineIds = useMemo(() => rows.map((l) => l.id), [rows]);
  const columns = useMemo<GridColumn[]>(() => [{ kind: 'title' }, ...years.map((year) => ({ kind: 'year' as const, year }))], [years]);
  const titles = useMemo(() => rows.map((l) => l.title), [rows]);
  useTitleMinWidth(tableRef, titles);
  const dims = { rows: rows.length, cols: columns.length };

  // Set when this grid took over a new line's focus while keys typed meanwhile are held.
  const handoff = useRef(false);
  const onHandoff = useCallback(() => {
    handoff.current = true;
  }, []);
  const focus = useGridFocus({ tableRef, state, setState, rowLineIds, columns, focusRequest: props.focusRequest, onSelectLine: props.onSelectLine, onHandoff });
  const { onPaste, onCopy } = useGridClipboard({ conn, state, setState, blocks, rowLineIds, columns, canEdit, announce: props.announce, onReadOnlyAttempt: props.onReadOnlyAttempt });

  const focusedLineId = rows[state.focus.row]?.id ?? null;
  const focusedColumn = columns[state.focus.col];
  useEditingPresence(conn, state.editing && focusedLineId ? { lineId: focusedLineId, year: focusedColumn?.kind === 'year' ? focusedColumn.year : 'title' } : null);

  // Other people's cells being edited, by `lineId|column` (my own tabs are me, not others).
  const peerAt = useMemo(() => {
    const m = new Map<string, { name: string; color: string }>();
    for (const p of peers) {
      if (p.isSelf) continue;
      for (const e of p.editing) if ('lineId' in e) m.set(`${e.lineId}|${e.year}`, { name: p.user.name, color: p.user.color });
    }
    return m;
  }, [peers]);

  const textOf = useCallback(
    (row: number, col: number): string => {
      const line = rows[row];
      const column = columns[col];
      if (!line || !column) return '';
      return column.kind === 'title' ? line.title : displayAmount(line, column.year).text;
    },
    [rows, columns],
  );

  // Row callbacks that never change identity (they read the latest props through a
  // ref), so memoised rows skip re-rendering when their own line did not change.
  const latest = useRef<{ onSelectLine: (id: string | null, immediate?: boolean) => void; canEdit: boolean; commitOnBlur: () => void; noteEditStart: (pos: CellPos) => void; onReadOnlyAttempt?: (() => void) | undefined; onCheck?: ((lineId: string, how: { range: boolean; toggle: boolean }) => void) | undefined; onOpenCellComments?: GridSharedProps['onOpenCellComments'] }>({
    onSelectLine: props.onSelectLine,
    canEdit,
    commitOnBlur: () => {},
    noteEditStart: () => {},
  });
  const rowEvents = useMemo<RowEvents>(
    () => ({
      onCellMouseDown(row, col, lineId, shift) {
        setState((s) => (s.editing && s.focus.row === row && s.focus.col === col ? s : focusCell(s, { row, col }, shift)));
        latest.current.onSelectLine(lineId, true);
      },
      onCheck(lineId, how) {
        latest.current.onCheck?.(lineId, how);
      },
      onCellFocus(lineId) {
        latest.current.onSelectLine(lineId);
      },
      onCellDoubleClick(row, col, text) {
        if (!latest.current.canEdit) {
          latest.current.onReadOnlyAttempt?.();
          return;
        }
        latest.current.noteEditStart({ row, col });
        setState({ focus: { row, col }, anchor: null, editing: { draft: text, mode: 'edit' } });
      },
      onDraft(text) {
        setState((s) => setDraft(s, text));
      },
      onInputBlur() {
        latest.current.commitOnBlur();
      },
      onOpenCellComments(lineId, year) {
        latest.current.onOpenCellComments?.(lineId, year, 'pointer');
      },
    }),
    [],
  );

  // The title as it was when its cell was opened: the commit applies the draft's
  // edit to the title as it is by then, keeping a partner's typing meanwhile.
  const titleBase = useRef<{ lineId: string; base: TextBase } | null>(null);
  // What an amount cell showed when its edit began: if someone else changes it
  // meanwhile, the open input says who and to what (Enter keeps mine, Esc theirs).
  const editBase = useRef<{ lineId: string; col: number; shown: string } | null>(null);
  const noteEditStart = (pos: CellPos) => {
    const lineId = rowLineIds[pos.row];
    const text = columns[pos.col]?.kind === 'title' && lineId !== undefined ? lineTitleText(conn.doc, lineId) : null;
    titleBase.current = text && lineId !== undefined ? { lineId, base: captureTextBase(text) } : null;
    editBase.current = lineId !== undefined && columns[pos.col]?.kind === 'year' ? { lineId, col: pos.col, shown: textOf(pos.row, pos.col) } : null;
  };
  /** The note on the open input when the cell changed under it since the edit began, else null. */
  const changedWhileEditing = (): string | null => {
    const base = editBase.current;
    const column = columns[state.focus.col];
    const lineId = rowLineIds[state.focus.row];
    if (!state.editing || !base || column?.kind !== 'year' || base.lineId !== lineId || base.col !== state.focus.col) return null;
    const now = textOf(state.focus.row, state.focus.col);
    if (now === base.shown) return null;
    const writer = amountCellWriter(conn.doc, lineId, column.year);
    if (writer === conn.doc.clientID) return null;
    const state_ = writer === null ? undefined : (conn.awareness.getStates().get(writer) as { user?: { name?: unknown } } | undefined);
    const name = typeof state_?.user?.name === 'string' ? state_.user.name : t('cellChangedSomeone');
    return t('cellChangedWhileEditing', { name, value: now === '' ? t('conflictEmptyValue') : now });
  };
  const editingNote = changedWhileEditing();

  const applyEffect = (effect: GridEffect | undefined) => {
    if (!effect || !canEdit) return;
    conn.undoManager.stopCapturing();
    if (effect.type === 'commit') {
      const lineId = rowLineIds[effect.pos.row];
      const column = columns[effect.pos.col];
      if (lineId === undefined || !column) return;
      const base = titleBase.current;
      titleBase.current = null;
      if (column.kind === 'title' && base?.lineId === lineId) {
        commitTitleSince(conn.doc, base.base, effect.text, conn.localOrigin);
        conn.undoManager.stopCapturing();
        return;
      }
      // Writing the same text again would still be a transaction; skip no-ops.
      if (effect.text === textOf(effect.pos.row, effect.pos.col)) return;
      commitCellToDoc(conn.doc, lineId, column, effect.text, conn.localOrigin);
    } else {
      clearRangeInDoc(conn.doc, rowLineIds, columns, effect.range, conn.localOrigin);
    }
    conn.undoManager.stopCapturing();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    focus.noteKey();
    const target = e.target as HTMLElement;
    if (!target.closest('[data-cell]')) return;
    // Line shortcuts: Alt+Shift+↑/↓ moves the line within its group, Insert adds one below.
    const focusedLine = rows[state.focus.row];
    if (!state.editing && canEdit && focusedLine) {
      const block = blocks.find((b) => b.lines.some((l) => l.id === focusedLine.id));
      if (e.altKey && e.shiftKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown') && block) {
        e.preventDefault();
        conn.undoManager.stopCapturing();
        moveLineInDoc(conn.doc, block.lines.map((l) => l.id), focusedLine.id, e.key === 'ArrowUp' ? -1 : 1, conn.localOrigin);
        return;
      }
      if (e.key === 'Insert' && block) {
        e.preventDefault();
        props.onAddLine(block.template);
        return;
      }
    }
    // Shift+F2 (as in Excel) or Ctrl+Alt+M opens the comments of the focused amount cell, for everyone who may read them.
    if (!state.editing && focusedLine && focusedColumn?.kind === 'year' && props.onOpenCellComments && ((e.key === 'F2' && e.shiftKey) || (e.ctrlKey && e.altKey && e.key.toLowerCase() === 'm'))) {
      e.preventDefault();
      e.stopPropagation();
      props.onOpenCellComments(focusedLine.id, focusedColumn.year, 'keyboard');
      return;
    }
    const r = gridKeyDown(state, e, dims, textOf(state.focus.row, state.focus.col));
    if (!r.handled) return;
    e.preventDefault();
    // A viewer or commenter can move around and copy, never type; they are told why.
    if (!canEdit && (r.state.editing || r.effect)) {
      props.onReadOnlyAttempt?.();
      return;
    }
    e.stopPropagation();
    applyEffect(r.effect);
    if (r.state.editing && !state.editing) noteEditStart(r.state.focus);
    setState(r.state);
  };

  /**
   * Applies inputs to the focused cell as if they had arrived there: text typed
   * without a key press, and keys held while a new line appeared. Returns the state
   * after them (already set), so a caller can flush it before the next event.
   */
  const applyInputs = (inputs: CellInput[]): GridState => {
    let s = stateRef.current;
    for (const input of inputs) {
      const r = applyCellInput(s, input, dims, textOf(s.focus.row, s.focus.col));
      if (!r.handled) continue;
      if (!canEdit && (r.state.editing || r.effect)) continue;
      applyEffect(r.effect);
      if (r.state.editing && !s.editing) noteEditStart(r.state.focus);
      s = r.state;
    }
    stateRef.current = s;
    setState(s);
    return s;
  };

  // Keys held while the new line appeared: replay them into its cell, again after
  // each render until none are left, then hand the focus to the cell (or its open
  // input, which took it when it mounted). A layout effect: no key event can come
  // between the render and this.
  useLayoutEffect(() => {
    if (!handoff.current) return;
    const held = takeHeldKeys();
    if (held.length > 0) {
      applyInputs(held);
      return;
    }
    handoff.current = false;
    const hadFocus = releaseKeys();
    if (hadFocus || !tableRef.current?.contains(document.activeElement)) {
      const s = stateRef.current;
      const target = s.editing ? tableRef.current?.querySelector<HTMLElement>('.cell-input') : tableRef.current?.querySelector<HTMLElement>(`[data-cell="${s.focus.row}:${s.focus.col}"]`);
      target?.focus({ preventScroll: true });
    }
  });

  // Text that reaches a selected cell without a key press (U+2212 through a layout
  // or compose key, AltGr on some systems, an IME, dictation) comes as `beforeinput`
  // on the focused cell, which is contenteditable for this (GridRow): it starts the
  // edit like a typed key. Nothing may change the cell's own DOM.
  const latestInput = useRef<{ apply(inputs: CellInput[]): void; openEmpty(): void }>({ apply() {}, openEmpty() {} });
  latestInput.current = {
    apply: (inputs) => flushSync(() => applyInputs(inputs)),
    openEmpty: () => {
      const s = stateRef.current;
      if (!canEdit || s.editing) return;
      noteEditStart(s.focus);
      flushSync(() => setState({ ...s, anchor: null, editing: { draft: '', mode: 'enter' } }));
    },
  };
  useEffect(() => {
    const table = tableRef.current;
    if (!table) return;
    const isCell = (t: EventTarget | null) => t instanceof HTMLElement && t.hasAttribute('data-cell');
    const onBeforeInput = (e: InputEvent) => {
      if (!isCell(e.target)) return;
      if (e.cancelable) e.preventDefault();
      if ((e.inputType === 'insertText' || e.inputType === 'insertReplacementText') && e.data) latestInput.current.apply([{ text: e.data }]);
    };
    const onCompositionStart = (e: CompositionEvent) => {
      // A composition cannot be cancelled: open the cell's (empty) input for it at once.
      if (isCell(e.target)) latestInput.current.openEmpty();
    };
    table.addEventListener('beforeinput', onBeforeInput);
    table.addEventListener('compositionstart', onCompositionStart);
    return () => {
      table.removeEventListener('beforeinput', onBeforeInput);
      table.removeEventListener('compositionstart', onCompositionStart);
    };
  }, []);

  const commitOnBlur = () => {
    const s = stateRef.current;
    if (!s.editing) return;
    applyEffect({ type: 'commit', pos: s.focus, text: s.editing.draft });
    setState({ ...s, editing: null });
  };

  latest.current = { onSelectLine: props.onSelectLine, canEdit, commitOnBlur, noteEditStart, onReadOnlyAttempt: props.onReadOnlyAttempt, onCheck: props.agreement?.onCheck, onOpenCellComments: props.onOpenCellComments };

  const range = selectionRange(state);
  let rowIndex = -1;

  return (
    <div className="grid-wrap">
      <table
        ref={tableRef}
        role="grid"
        aria-label={props.label}
        aria-readonly={!canEdit || undefined}
        aria-describedby={`${gridId}-help`}
        className="ledger-grid"
        onKeyDown={onKeyDown}
        onFocus={focus.onFocus}
        onBlur={focus.onBlur}
        onPaste={onPaste}
        onCopy={onCopy}
      >
        <colgroup>
          <col className="col-title" />
          {years.map((y) => (
            <col key={y} className="col-year" />
          ))}
        </colgroup>
        <thead>
          <tr role="row">
            <th role="columnheader" scope="col">
              {t('colLine')}
            </th>
            {years.map((y) => (
              <th role="columnheader" scope="col" key={y} className="num">
                {y}
              </th>
            ))}
          </tr>
        </thead>
        {blocks.map((block) => (
          <tbody key={block.key}>
            <tr role="row" className="block-head">
              <th role="rowheader" colSpan={years.length + 1} scope="colgroup">
                {/* Kept in view at the left when the grid scrolls sideways. */}
                <span className="block-head-inner">
                  <span title={block.headingTitle}>{block.heading}</span>
                  {canEdit && (
                    <button type="button" className="link-button add-line" tabIndex={0} onClick={() => props.onAddLine(block.template)} aria-label={t('addLineIn', { ledger: t(`ledger_${block.template.ledger}`), group: t(`group_${block.template.group}`) })}>
                      + {t('addLine')}
                    </button>
                  )}
                </span>
              </th>
            </tr>
            {block.lines.length === 0 && (
              <tr role="row" className="empty-row">
                <td role="gridcell" colSpan={years.length + 1} className="muted">
                  {t('noLines')}
                </td>
              </tr>
            )}
            {block.lines.map((line) => {
              rowIndex++;
              const row = rowIndex;
              const isFocusRow = state.focus.row === row;
              const inRangeRows = state.anchor !== null && row >= range.top && row <= range.bottom;
              return (
                <GridRow
                  key={line.id}
                  line={line}
                  row={row}
                  columns={columns}
                  gridId={gridId}
                  focusCol={isFocusRow ? state.focus.col : -1}
                  active={focus.active}
                  rangeLeft={inRangeRows ? range.left : -1}
                  rangeRight={inRangeRows ? range.right : -1}
                  editing={isFocusRow ? state.editing : null}
                  editingNote={isFocusRow ? editingNote : null}
                  peersKey={peersKeyFor(peerAt, line.id)}
                  selected={line.id === props.selectedLineId}
                  canEdit={canEdit}
                  partyColor={line.party ? props.partyColors[line.party] : undefined}
                  comments={props.commentCounts?.get(`line:${line.id}`) ?? 0}
                  proseMismatch={props.proseMismatch?.has(line.id) ?? false}
                  agreement={props.agreement?.lines.get(line.id)}
                  cellExtras={props.agreement?.cells.get(line.id)}
                  checked={props.agreement?.checked ? props.agreement.checked.has(line.id) : null}
                  canComment={(props.canComment ?? false) && props.onOpenCellComments !== undefined}
                  events={rowEvents}
                />
              );
            })}
            {block.sums && <SumsRow className="sum-row" sums={block.sums} years={years} />}
          </tbody>
        ))}
        {props.footer && (
          <tfoot>
            <SumsRow className="total-row" sums={props.footer} years={years} />
          </tfoot>
        )}
      </table>
      <p id={`${gridId}-help`} className="grid-help">
        {canEdit ? t('gridHelp') : t('gridHelpReadOnly')}
      </p>
    </div>
  );
}
