/**
 * One line of the amendment grid: its title cell (party, badges for
 * permanent, status, prose mismatch and open comments) and one amount cell per
 * year, with the cell being edited, the range selection, invalid text and who
 * else edits a cell. Memoised: the doc snapshot keeps unchanged lines as the
 * same objects, so a remote edit re-renders only the row it touched.
 */
import { memo } from 'react';
import { formatAmount, parseAmount } from '../../shared/money';
import type { PackageLine, Year } from '../../shared/types';
import { useT } from '../i18n';
import type { GridState } from './navigation';
import type { GridColumn } from './operations';
import type { CellExtra, LineAgreementInfo } from './types';

/** The text a cell shows: the invalid typed text if any, else the formatted amount. */
export function displayAmount(line: PackageLine, year: Year): { text: string; invalid: boolean } {
  const bad = line.invalid?.[year];
  if (bad !== undefined) return { text: bad, invalid: true };
  const v = line.amounts[year];
  return { text: v === undefined ? '' : formatAmount(v), invalid: false };
}

function invalidMessage(text: string): string {
  const p = parseAmount(text);
  return p.ok ? '' : p.message;
}

/** What a row reports back; the grid passes one object that never changes identity. */
export interface RowEvents {
  onCellMouseDown(row: number, col: number, lineId: string, shift: boolean): void;
  /** The line's checkbox (or a Ctrl/⌘-click on the line): chosen for a bulk sign-off. */
  onCheck(lineId: string, how: { range: boolean; toggle: boolean }): void;
  onCellFocus(lineId: string): void;
  onCellDoubleClick(row: number, col: number, text: string): void;
  onDraft(text: string): void;
  onInputBlur(): void;
  /** The cell's comment marker or «Kommenter beløpet» was clicked. */
  onOpenCellComments(lineId: string, year: Year): void;
}

export interface GridRowProps {
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
  /** While editing: that someone else changed the cell meanwhile, who and to what (null otherwise). */
  editingNote: string | null;
  /** Who else edits which cell of this line, as `peersKeyFor` writes it (a string, so the memo compares it cheaply). */
  peersKey: string;
  selected: boolean;
  canEdit: boolean;
  partyColor: string | undefined;
  comments: number;
  proseMismatch: boolean;
  /** The parties' sign-offs on this line (absent: no agreement shown). */
  agreement?: LineAgreementInfo | undefined;
  /** Year → a pending counter-offer and comments on the cell. */
  cellExtras?: Readonly<Record<string, CellExtra>> | undefined;
  /** Whether the line is chosen for a bulk action; null draws no checkbox. */
  checked: boolean | null;
  /** Whether the focused amount cell offers «Kommenter beløpet» (the user may comment). */
  canComment: boolean;
  events: RowEvents;
}

/** One line of the grid (see the module comment). */
export const GridRow = memo(function GridRow(p: GridRowProps) {
  const t = useT();
  const { line, row, columns, gridId, events } = p;
  const peers = readPeersKey(p.peersKey);
  // «Enighet» comes from the parties' sign-offs when they are known; a hand-set
  // «agreed» from before reads as not yet signed.
  const badgeStatus = p.agreement ? (p.agreement.agreed ? 'agreed' : line.status === 'agreed' || line.status === 'draft' ? undefined : line.status) : line.status && line.status !== 'draft' ? line.status : undefined;
  return (
    <tr role="row" className={['line-row', p.selected ? 'selected' : '', p.checked ? 'checked' : '', p.agreement?.changedAfterSigning ? 'stale-signoffs' : ''].filter(Boolean).join(' ')} data-line-id={line.id} aria-selected={p.selected}>
      {columns.map((column, col) => {
        const isFocus = p.focusCol === col;
        const showFocus = isFocus && p.active;
        const inRange = p.rangeLeft >= 0 && col >= p.rangeLeft && col <= p.rangeRight;
        const editing = isFocus ? p.editing : null;
        // The selected cell takes text that comes without a key press (LedgerGrid's `beforeinput`).
        const editableCell = isFocus && p.canEdit && !editing;
        const yearKey = column.kind === 'year' ? column.year : 'title';
        const peer = peers.get(yearKey);
        const extra = column.kind === 'year' ? p.cellExtras?.[column.year] : undefined;
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
            // The selected cell takes text that comes without a key press (LedgerGrid's
            // `beforeinput`); a plain cell gets no input events at all.
            {...(editableCell ? { contentEditable: true, suppressContentEditableWarning: true, spellCheck: false } : {})}
            className={cls}
            aria-selected={inRange || isFocus}
            aria-invalid={shown.invalid || undefined}
            aria-describedby={shown.invalid ? errId : peer ? `${errId}-peer` : undefined}
            title={shown.invalid ? message : peer ? t('editingBy', { name: peer.name }) : undefined}
            style={peer ? { outlineColor: peer.color } : undefined}
            onMouseDown={(e) => {
              // Ctrl/⌘-click chooses the line for a bulk sign-off (when the user may sign).
              if (p.checked !== null && (e.ctrlKey || e.metaKey) && !editing) {
                e.preventDefault();
                events.onCheck(line.id, { range: e.shiftKey, toggle: true });
                return;
              }
              if (!editing) events.onCellMouseDown(row, col, line.id, e.shiftKey);
            }}
            onFocus={() => events.onCellFocus(line.id)}
            onDoubleClick={() => events.onCellDoubleClick(row, col, shown.text)}
          >
            {editing ? (
              <>
              <input
                className="cell-input"
                aria-label={label}
                aria-describedby={p.editingNote ? `${errId}-changed` : undefined}
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
              {p.editingNote && (
                <span id={`${errId}-changed`} className="cell-conflict" role="alert">
                  {p.editingNote}
                </span>
              )}
              </>
            ) : column.kind === 'title' ? (
              <span className="title-text">
                {/* The party's square stays on the title's first line; badges wrap after the title. */}
                <span className="title-main">
                  {p.checked !== null && (
                    <input
                      type="checkbox"
                      className="line-check"
                      tabIndex={-1}
                      checked={p.checked}
                      aria-label={t('chooseLine', { title: line.title || t('untitled') })}
                      onMouseDown={(e) => e.stopPropagation()}
                      onClick={(e) => {
                        e.stopPropagation();
                        events.onCheck(line.id, { range: e.shiftKey, toggle: true });
                      }}
                      onChange={() => undefined}
                    />
                  )}
                  {line.party && <span className="party-chip" style={{ background: p.partyColor ?? '#888' }} aria-hidden="true" />}
                  {line.title ? <span className="line-title-text">{line.title}</span> : <span className="muted">{t('untitled')}</span>}
                </span>
                {line.permanent && (
                  <span className="tag" title={t('permanent')}>
                    {t('permanent').split(' ')[0]}
                  </span>
                )}
                {badgeStatus && <span className={`status-badge status-${badgeStatus}`}>{t(`status_${badgeStatus}`)}</span>}
                {p.agreement && <SignoffMarks info={p.agreement} />}
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
              <>
                <span className="amount">{shown.text}</span>
                {extra?.proposal && (
                  <span className={extra.proposal.outdated ? 'cell-proposal outdated' : 'cell-proposal'} style={{ borderColor: extra.proposal.color }} data-proposal={extra.proposal.id} title={t('proposalShort', { value: extra.proposal.text, party: extra.proposal.party })}>
                    {extra.proposal.outdated ? t('proposalOutdatedShort', { value: extra.proposal.text, party: extra.proposal.party }) : t('proposalShort', { value: extra.proposal.text, party: extra.proposal.party })}
                  </span>
                )}
                {/* Not on an invalid cell, whose warning sits there, and not inside the selected cell of
                    an editor, which is contenteditable: an element in it leaves no caret for text that
                    comes without a key press (U+2212 from a layout). Shift+F2 opens the comments there. */}
                {showFocus && p.canComment && !shown.invalid && !editableCell && (
                  <button
                    type="button"
                    className="cell-comment-add"
                    tabIndex={-1}
                    // Not part of the selected cell's editable text: typed text must reach the cell.
                    contentEditable={false}
                    aria-label={t('commentCellButton')}
                    title={t('commentCellButton')}
                    onClick={() => events.onOpenCellComments(line.id, column.year)}
                  >
                    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
                      <path d="M2 2h12v9H6l-4 3z" fill="currentColor" />
                    </svg>
                  </button>
                )}
                {extra?.comments && editableCell ? (
                  <span className="cell-comment-mark" data-comments={extra.comments} title={`${extra.comments === 1 ? t('openCommentOne') : t('openComments', { n: extra.comments })} — ${t('cellCommentsOpen')}`} onClick={() => events.onOpenCellComments(line.id, column.year)}>
                    <span className="sr-only">{extra.comments === 1 ? t('openCommentOne') : t('openComments', { n: extra.comments })}</span>
                  </span>
                ) : extra?.comments ? (
                  <button
                    type="button"
                    className="cell-comment-mark"
                    tabIndex={-1}
                    contentEditable={false}
                    data-comments={extra.comments}
                    title={`${extra.comments === 1 ? t('openCommentOne') : t('openComments', { n: extra.comments })} — ${t('cellCommentsOpen')}`}
                    onClick={() => events.onOpenCellComments(line.id, column.year)}
                  >
                    <span className="sr-only">{extra.comments === 1 ? t('openCommentOne') : t('openComments', { n: extra.comments })}</span>
                  </button>
                ) : null}
              </>
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

/** Who else edits which cell of `lineId` (from `peerAt`: `lineId|column` → peer), as one string. */
export function peersKeyFor(peerAt: ReadonlyMap<string, { name: string; color: string }>, lineId: string): string {
  const out: string[] = [];
  for (const [key, p] of peerAt) if (key.startsWith(lineId + '|')) out.push(`${key.slice(lineId.length + 1)}\u0000${p.name}\u0000${p.color}`);
  return out.join('\u0001');
}

function readPeersKey(key: string): Map<string, { name: string; color: string }> {
  const peers = new Map<string, { name: string; color: string }>();
  if (!key) return peers;
  for (const part of key.split('\u0001')) {
    const [year = '', name = '', color = ''] = part.split('\u0000');
    peers.set(year, { name, color });
  }
  return peers;
}

/** The parties' marks on a line, in their colours, and «endret etter signering» when a mark no longer counts. */
function SignoffMarks({ info }: { info: LineAgreementInfo }) {
  const t = useT();
  if (info.marks.length === 0 && !info.changedAfterSigning) return null;
  return (
    <span className="signoff-marks">
      {info.marks.map((m) => {
        const what = t(`signoff_${m.state}`);
        const label = `${m.name}: ${what}${m.note ? ` — ${m.note}` : ''}${m.stale ? ` (${t('signoffStale')})` : ''}`;
        return (
          <span key={m.party} className={`signoff-mark signoff-${m.state}${m.stale ? ' stale' : ''}`} style={{ borderColor: m.color, ...(m.state === 'accepted' && !m.stale ? { background: m.color } : {}) }} title={label} data-party={m.party} data-state={m.state}>
            <span aria-hidden="true">{m.state === 'accepted' ? '✓' : m.state === 'reservation' ? '!' : '✕'}</span>
            <span aria-hidden="true" className="signoff-party">{m.name}</span>
            <span className="sr-only">{label}</span>
          </span>
        );
      })}
      {info.changedAfterSigning && <span className="signoff-changed">{t('changedAfterSigning')}</span>}
    </span>
  );
}
