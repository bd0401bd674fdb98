/**
 * The keyboard-first amendment grid: one row per line, a title column and one
 * amount column per year, grouped in blocks (ledger × group) with headings and,
 * where the balance worker has reported them, sum rows. The keyboard model is
 * the pure reducer in ./navigation; document writes are ./operations; sums
 * come from the worker's report (the main thread never sums).
 */
import { memo, useCallback, useEffect, useId, useMemo, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { formatAmount, parseAmount } from '../../shared/money';
import type { PackageLine, Year } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import type { RemotePeer } from '../app/usePackageDoc';
import { useT } from '../i18n';
import { blockToTsv, parseClipboardBlock } from './clipboard';
import {
  clampGridState,
  focusCell,
  gridKeyDown,
  initialGridState,
  selectionRange,
  setDraft,
  type GridEffect,
  type GridState,
} from './navigation';
import { clearRangeInDoc, commitCellToDoc, moveLineInDoc, pasteBlockToDoc, rangeToBlock, type GridColumn, type NewLineTemplate } from './operations';

/** A labelled row of sums per year (and the total) from the balance report: a group's sums or the ledger's net. */
export interface GridSums {
  label: string;
  byYear: Record<Year, string>;
  total?: string;
}

export interface GridBlock {
  key: string;
  heading: string;
  /** Tooltip of the heading (what the word means). */
  headingTitle?: string;
  template: NewLineTemplate;
  lines: PackageLine[];
  /** Sums per year from the balance report (and the total), when known. */
  sums?: GridSums;
}

export interface FocusRequest {
  lineId: string;
  year?: string;
  nonce: number;
}

export interface LedgerGridProps {
  conn: PackageConnection;
  label: string;
  years: Year[];
  blocks: GridBlock[];
  footer?: GridSums;
  peers: RemotePeer[];
  canEdit: boolean;
  partyColors: Record<string, string>;
  /** Open comments per target key (`line:<id>`), shown as a badge on the line. */
  commentCounts?: Map<string, number>;
  /** Lines whose prose names a figure that matches none of their amounts (from the worker's report). */
  proseMismatch?: ReadonlySet<string>;
  selectedLineId: string | null;
  /** `immediate`: chosen by pointer (the details panel follows at once, not after a pause). */
  onSelectLine(lineId: string | null, immediate?: boolean): void;
  onAddLine(template: NewLineTemplate): void;
  focusRequest?: FocusRequest | null;
  /** Announces a short result (paste) in the page's live region. */
  announce(text: string): void;
}

function displayAmount(line: PackageLine, year: Year): { text: string; invalid: boolean } {
  const bad = line.invalid?.[year];
  if (bad !== undefined) return { text: bad, invalid: true };
  const v = line.amounts[year];
  return { text: v === undefined ? '' : formatAmount(v), invalid: false };
}

function invalidMessage(text: string): string {
  const p = parseAmount(text);
  return p.ok ? '' : p.message;
}

/** A read-only grid row of sums: the label as row header, then each year's amount (blank where the report has none). */
function SumsRow({ className, sums, years }: { className: string; sums: GridSums; years: Year[] }) {
  return (
    <tr role="row" className={className}>
      <th role="rowheader" scope="row">
        {sums.label}
      </th>
      {years.map((y) => {
        const amount = sums.byYear[y];
        return (
          <td role="gridcell" key={y} className="num">
            {amount !== undefined ? formatAmount(amount) : ''}
          </td>
        );
      })}
    </tr>
  );
}

export function LedgerGrid(props: LedgerGridProps) {
  const { conn, years, blocks, peers, canEdit } = props;
  const t = useT();
  const gridId = useId();
  const tableRef = useRef<HTMLTableElement>(null);
  const [state, setState] = useState<GridState>(initialGridState);
  // The focus ring shows only in the grid that has the keyboard focus.
  const [active, setActive] = useState(false);
  // Whether the keyboard focus belongs to this grid, also in the moment after a commit
  // unmounts the cell's input (focus then falls to <body> without a blur event).
  const activeRef = useRef(false);
  const lastKeyAt = useRef(0);
  const stateRef = useRef(state);
  stateRef.current = state;

  const rows = useMemo(() => blocks.flatMap((b) => b.lines), [blocks]);
  const rowLineIds = useMemo(() => rows.map((l) => l.id), [rows]);
  const columns = useMemo<GridColumn[]>(() => [{ kind: 'title' }, ...years.map((year) => ({ kind: 'year' as const, year }))], [years]);
  const dims = { rows: rows.length, cols: columns.length };

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
    setState((s) => clampGridState(s, { rows: rows.length, cols: columns.length }));
  }, [rows.length, columns.length]);

  const peerAt = useMemo(() => {
    const m = new Map<string, RemotePeer>();
    for (const p of peers) if (p.editing) m.set(`${p.editing.lineId}|${p.editing.year}`, p);
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

  const focusedLineId = rows[state.focus.row]?.id ?? null;
  const gridHasFocus = () => !!tableRef.current && tableRef.current.contains(document.activeElement);

  // Tell the page which line is selected, and others which cell I am editing.
  const { onSelectLine } = props;
  useEffect(() => {
    if (gridHasFocus() && focusedLineId) onSelectLine(focusedLineId);
  }, [focusedLineId, onSelectLine]);
  const editingKey = state.editing && focusedLineId ? `${focusedLineId}|${columns[state.focus.col]?.kind === 'year' ? (columns[state.focus.col] as { year: string }).year : 'title'}` : null;
  useEffect(() => {
    if (!editingKey) {
      conn.setEditing(null);
      return;
    }
    const [lineId = '', year = ''] = editingKey.split('|');
    conn.setEditing({ lineId, year });
  }, [editingKey, conn]);
  useEffect(() => () => conn.setEditing(null), [conn]);

  // Keep DOM focus on the focused cell while the grid has focus.
  useEffect(() => {
    if (state.editing || !(gridHasFocus() || (activeRef.current && document.activeElement === document.body))) return;
    const cell = tableRef.current?.querySelector<HTMLElement>(`[data-cell="${state.focus.row}:${state.focus.col}"]`);
    if (cell && document.activeElement !== cell) cell.focus();
  }, [state.focus.row, state.focus.col, state.editing]);

  // A request from elsewhere (a warning, a balance flag, a new line) to show a line.
  // It is acted on once, by the grid that has the line, as soon as the line is
  // rendered here (a new line may arrive a render after the request).
  const { focusRequest } = props;
  const handledNonce = useRef(0);
  useEffect(() => {
    if (!focusRequest || focusRequest.nonce === handledNonce.current) return;
    const row = rowLineIds.indexOf(focusRequest.lineId);
    if (row < 0) return;
    handledNonce.current = focusRequest.nonce;
    const col = focusRequest.year ? Math.max(1, columns.findIndex((c) => c.kind === 'year' && c.year === focusRequest.year)) : 0;
    setState({ focus: { row, col }, anchor: null, editing: null });
    activeRef.current = true;
    requestAnimationFrame(() => {
      const cell = tableRef.current?.querySelector<HTMLElement>(`[data-cell="${row}:${col}"]`);
      cell?.scrollIntoView({ block: 'center', behavior: 'auto' });
      cell?.focus();
    });
  }, [focusRequest, rowLineIds, columns]);

  // Row callbacks that never change identity (they read the latest props through a
  // ref), so memoised rows skip re-rendering when their own line did not change.
  const latest = useRef<{ onSelectLine: (id: string | null, immediate?: boolean) => void; canEdit: boolean; commitOnBlur: () => void }>({ onSelectLine: props.onSelectLine, canEdit, commitOnBlur: () => {} });
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
    lastKeyAt.current = Date.now();
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
    // A viewer can move around and copy, never type.
    if (!canEdit && (r.state.editing || r.effect)) return;
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

  latest.current = { onSelectLine: props.onSelectLine, canEdit, commitOnBlur };

  const onPaste = (e: ClipboardEvent<HTMLTableElement>) => {
    const text = e.clipboardData.getData('text/plain');
    if (state.editing && !/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return; // a plain value into the open cell
    e.preventDefault();
    if (!canEdit || text === '') return;
    const block = parseClipboardBlock(text);
    const range = selectionRange(state);
    conn.undoManager.stopCapturing();
    const block0 = rows[range.top] ? blocks.find((b) => b.lines.some((l) => l.id === rows[range.top]!.id)) : blocks[blocks.length - 1];
    const template = block0?.template ?? blocks[0]?.template ?? { ledger: 'drift', group: 'tiltak' };
    const out = pasteBlockToDoc(conn.doc, rowLineIds, columns, { row: range.top, col: range.left }, block, template, conn.localOrigin);
    conn.undoManager.stopCapturing();
    setState({ focus: { row: range.top, col: range.left }, anchor: { row: range.top + out.rows - 1, col: range.left + Math.max(0, out.cols - 1) }, editing: null });
    props.announce(t('pasted', { rows: out.rows, cols: out.cols }) + (out.invalidCells ? ' ' + t('pasteInvalid', { n: out.invalidCells }) : ''));
  };

  const onCopy = (e: ClipboardEvent<HTMLTableElement>) => {
    if (state.editing) return;
    e.preventDefault();
    e.clipboardData.setData('text/plain', blockToTsv(rangeToBlock(conn.doc, rowLineIds, columns, selectionRange(state))));
  };

  const range = selectionRange(state);
  let rowIndex = -1;

  // Who edits which cell of a line, as a string: rows re-render only when it changes.
  const peersKeyFor = (lineId: string): string => {
    const out: string[] = [];
    for (const [key, p] of peerAt) if (key.startsWith(lineId + '|')) out.push(`${key.slice(lineId.length + 1)}\u0000${p.name}\u0000${p.color}`);
    return out.join('\u0001');
  };

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
        onFocus={() => {
          activeRef.current = true;
          setActive(true);
        }}
        onBlur={(e) => {
          const table = e.currentTarget;
          if (e.relatedTarget && table.contains(e.relatedTarget as Node)) return;
          // Decide after the event: an input unmounted by a commit leaves focus on <body>
          // for a moment, and the focus effect then puts it back on the cell.
          setTimeout(() => {
            if (table.contains(document.activeElement)) return;
            if (document.activeElement === document.body && Date.now() - lastKeyAt.current < 250) return;
            activeRef.current = false;
            setActive(false);
          }, 0);
        }}
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
                <span title={block.headingTitle}>{block.heading}</span>
                {canEdit && (
                  <button type="button" className="link-button add-line" tabIndex={0} onClick={() => props.onAddLine(block.template)} aria-label={t('addLineIn', { ledger: t(`ledger_${block.template.ledger}`), group: t(`group_${block.template.group}`) })}>
                    + {t('addLine')}
                  </button>
                )}
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
                  active={active}
                  rangeLeft={inRangeRows ? range.left : -1}
                  rangeRight={inRangeRows ? range.right : -1}
                  editing={isFocusRow ? state.editing : null}
                  peersKey={peersKeyFor(line.id)}
                  selected={line.id === props.selectedLineId}
                  canEdit={canEdit}
                  partyColor={line.party ? props.partyColors[line.party] : undefined}
                  comments={props.commentCounts?.get(`line:${line.id}`) ?? 0}
                  proseMismatch={props.proseMismatch?.has(line.id) ?? false}
                  events={rowEvents}
                />
              );
            })}
            {block.sums && (
              <SumsRow className="sum-row" sums={block.sums} years={years} />
            )}
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

interface RowEvents {
  onCellMouseDown(row: number, col: number, lineId: string, shift: boolean): void;
  onCellFocus(lineId: string): void;
  onCellDoubleClick(row: number, col: number, text: string): void;
  onDraft(text: string): void;
  onInputBlur(): void;
}

interface GridRowProps {
  line: PackageLine;
  row: number;
  columns: GridColumn[];
  gridId: string;
  /** The focused column when this is the focused row, else -1. */
  focusCol: number;
  active: boolean;
  /** The selected columns of this row (range selection), or -1. */
  rangeLeft: number;
  rangeRight: number;
  editing: GridState['editing'];
  peersKey: string;
  selected: boolean;
  canEdit: boolean;
  partyColor: string | undefined;
  comments: number;
  proseMismatch: boolean;
  events: RowEvents;
}

/**
 * One line of the grid. Memoised: the doc snapshot keeps unchanged lines as the
 * same objects, so a remote edit re-renders only the row it touched.
 */
const GridRow = memo(function GridRow(p: GridRowProps) {
  const t = useT();
  const { line, row, columns, gridId, events } = p;
  const peers = new Map<string, { name: string; color: string }>();
  if (p.peersKey) {
    for (const part of p.peersKey.split('\u0001')) {
      const [year = '', name = '', color = ''] = part.split('\u0000');
      peers.set(year, { name, color });
    }
  }
  return (
    <tr role="row" className={p.selected ? 'line-row selected' : 'line-row'} data-line-id={line.id} aria-selected={p.selected}>
      {columns.map((column, col) => {
        const isFocus = p.focusCol === col;
        const showFocus = isFocus && p.active;
        const inRange = p.rangeLeft >= 0 && col >= p.rangeLeft && col <= p.rangeRight;
        const editing = isFocus ? p.editing : null;
        const yearKey = column.kind === 'year' ? column.year : 'title';
        const peer = peers.get(yearKey);
        const shown = column.kind === 'title' ? { text: line.title, invalid: false } : displayAmount(line, column.year);
        const errId = `${gridId}-err-${row}-${col}`;
        const message = shown.invalid ? t('invalidCell', { text: shown.text, message: invalidMessage(shown.text) }) : '';
        const label = column.kind === 'title' ? `${t('colLine')}: ${line.title || t('untitled')}` : t('cellLabel', { title: line.title || t('untitled'), year: column.year });
        const cls = ['cell', column.kind === 'year' ? 'num' : 'title-cell', showFocus ? 'focused' : '', inRange ? 'in-range' : '', shown.invalid ? 'invalid' : '', peer ? 'remote-editing' : '', editing ? 'editing' : ''].filter(Boolean).join(' ');
        // The title cell is the row header, so a screen reader names an amount
        // cell by its line and year (column header) without an aria-label that
        // would hide the visible amount.
        const Cell = column.kind === 'title' ? 'th' : 'td';
        return (
          <Cell
            key={yearKey}
            role={column.kind === 'title' ? 'rowheader' : 'gridcell'}
            {...(column.kind === 'title' ? { scope: 'row' } : {})}
            data-cell={`${row}:${col}`}
            data-line-title={line.title}
            data-col={yearKey}
            tabIndex={isFocus ? 0 : -1}
            className={cls}
            aria-selected={inRange || isFocus}
            aria-invalid={shown.invalid || undefined}
            aria-describedby={shown.invalid ? errId : peer ? `${errId}-peer` : undefined}
            title={shown.invalid ? message : peer ? t('editingBy', { name: peer.name }) : undefined}
            style={peer ? { outlineColor: peer.color } : undefined}
            onMouseDown={(e) => {
              if (!editing) events.onCellMouseDown(row, col, line.id, e.shiftKey);
            }}
            onFocus={() => events.onCellFocus(line.id)}
            onDoubleClick={() => events.onCellDoubleClick(row, col, shown.text)}
          >
            {editing ? (
              <input
                className="cell-input"
                aria-label={label}
                autoFocus
                value={editing.draft}
                inputMode={column.kind === 'year' ? 'decimal' : 'text'}
                onFocus={(e) => {
                  const el = e.currentTarget;
                  el.setSelectionRange(el.value.length, el.value.length);
                }}
                onChange={(e) => events.onDraft(e.target.value)}
                onBlur={() => events.onInputBlur()}
              />
            ) : column.kind === 'title' ? (
              <span className="title-text">
                {line.party && <span className="party-chip" style={{ background: p.partyColor ?? '#888' }} aria-hidden="true" />}
                {line.title ? <span className="line-title-text">{line.title}</span> : <span className="muted">{t('untitled')}</span>}
                {line.permanent && (
                  <span className="tag" title={t('permanent')}>
                    {t('permanent').split(' ')[0]}
                  </span>
                )}
                {line.status && line.status !== 'draft' && <span className={`status-badge status-${line.status}`}>{t(`status_${line.status}`)}</span>}
                {p.proseMismatch && (
                  <span className="prose-badge" title={t('proseMismatchMarker')}>
                    <span aria-hidden="true">≠</span>
                    <span className="sr-only">{t('proseMismatchMarker')}</span>
                  </span>
                )}
                {p.comments > 0 && (
                  <span className="comment-badge" title={p.comments === 1 ? t('openCommentOne') : t('openComments', { n: p.comments })}>
                    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
                      <path d="M2 2h12v9H6l-4 3z" fill="currentColor" />
                    </svg>
                    <span aria-hidden="true">{p.comments}</span>
                    <span className="sr-only">{p.comments === 1 ? t('openCommentOne') : t('openComments', { n: p.comments })}</span>
                  </span>
                )}
              </span>
            ) : (
              <span className="amount">{shown.text}</span>
            )}
            {shown.invalid && !editing && (
              <>
                <span className="cell-warn" aria-hidden="true">
                  !
                </span>
                <span id={errId} className="sr-only">
                  {message}
                </span>
              </>
            )}
            {peer && (
              <span id={`${errId}-peer`} className="peer-tag" style={{ background: peer.color }}>
                {peer.name}
              </span>
            )}
          </Cell>
        );
      })}
    </tr>
  );
});
