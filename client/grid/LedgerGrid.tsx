/**
 * The keyboard-first amendment grid: one row per line, a title column and one
 * amount column per year, grouped in blocks (ledger × group) with headings and,
 * where the balance worker has reported them, sum rows. This file draws the
 * table and turns keys into document writes; the keyboard model is the pure
 * reducer in ./navigation, document writes are ./operations, focus handling
 * ./useGridFocus, copy/paste ./useGridClipboard, rows ./GridRow and sums
 * ./SumsRow (from the worker's report: the main thread never sums).
 */
import { useCallback, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useT } from '../i18n';
import { GridRow, displayAmount, peersKeyFor, type RowEvents } from './GridRow';
import { focusCell, gridKeyDown, initialGridState, selectionRange, setDraft, type GridEffect, type GridState } from './navigation';
import { clearRangeInDoc, commitCellToDoc, moveLineInDoc, type GridColumn } from './operations';
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

  const focus = useGridFocus({ tableRef, state, setState, rowLineIds, columns, focusRequest: props.focusRequest, onSelectLine: props.onSelectLine });
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
  const latest = useRef<{ onSelectLine: (id: string | null, immediate?: boolean) => void; canEdit: boolean; commitOnBlur: () => void; onReadOnlyAttempt?: (() => void) | undefined }>({
    onSelectLine: props.onSelectLine,
    canEdit,
    commitOnBlur: () => {},
  });
  const rowEvents = useMemo<RowEvents>(
    () => ({
      onCellMouseDown(row, col, lineId, shift) {
        setState((s) => (s.editing && s.focus.row === row && s.focus.col === col ? s : focusCell(s, { row, col }, shift)));
        latest.current.onSelectLine(lineId, true);
      },
      onCellFocus(lineId) {
        latest.current.onSelectLine(lineId);
      },
      onCellDoubleClick(row, col, text) {
        if (latest.current.canEdit) setState({ focus: { row, col }, anchor: null, editing: { draft: text, mode: 'edit' } });
        else latest.current.onReadOnlyAttempt?.();
      },
      onDraft(text) {
        setState((s) => setDraft(s, text));
      },
      onInputBlur() {
        latest.current.commitOnBlur();
      },
    }),
    [],
  );

  const applyEffect = (effect: GridEffect | undefined) => {
    if (!effect || !canEdit) return;
    conn.undoManager.stopCapturing();
    if (effect.type === 'commit') {
      const lineId = rowLineIds[effect.pos.row];
      const column = columns[effect.pos.col];
      if (lineId === undefined || !column) return;
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
    setState(r.state);
  };

  const commitOnBlur = () => {
    const s = stateRef.current;
    if (!s.editing) return;
    applyEffect({ type: 'commit', pos: s.focus, text: s.editing.draft });
    setState({ ...s, editing: null });
  };

  latest.current = { onSelectLine: props.onSelectLine, canEdit, commitOnBlur, onReadOnlyAttempt: props.onReadOnlyAttempt };

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
                  peersKey={peersKeyFor(peerAt, line.id)}
                  selected={line.id === props.selectedLineId}
                  canEdit={canEdit}
                  partyColor={line.party ? props.partyColors[line.party] : undefined}
                  comments={props.commentCounts?.get(`line:${line.id}`) ?? 0}
                  proseMismatch={props.proseMismatch?.has(line.id) ?? false}
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
