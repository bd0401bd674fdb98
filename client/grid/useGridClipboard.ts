/**
 * Copy and paste of cell blocks in one grid: a copied range goes to the
 * clipboard as a spreadsheet block (client/grid/clipboard.ts), a pasted block
 * (from Excel, Word or another grid) is written as one undo step from the
 * top-left of the selection, creating lines below the last one, and the
 * result is announced.
 */
import type { ClipboardEvent, Dispatch, SetStateAction } from 'react';
import type { PackageConnection } from '../app/connection';
import { useT } from '../i18n';
import { blockToTsv, parseClipboardBlock } from './clipboard';
import { selectionRange, type GridState } from './navigation';
import { pasteBlockToDoc, rangeToBlock, type GridColumn } from './operations';
import type { GridBlock } from './types';

export interface GridClipboardInput {
  conn: PackageConnection;
  state: GridState;
  setState: Dispatch<SetStateAction<GridState>>;
  blocks: GridBlock[];
  rowLineIds: string[];
  columns: GridColumn[];
  canEdit: boolean;
  announce(text: string): void;
  /** A paste by someone who may not write. */
  onReadOnlyAttempt?: (() => void) | undefined;
}

/** The table's `onPaste` and `onCopy` handlers. */
export function useGridClipboard({ conn, state, setState, blocks, rowLineIds, columns, canEdit, announce, onReadOnlyAttempt }: GridClipboardInput) {
  const t = useT();
  const onPaste = (e: ClipboardEvent<HTMLTableElement>) => {
    const text = e.clipboardData.getData('text/plain');
    if (state.editing && !/[\t\n]/.test(text.replace(/\r?\n$/, ''))) return; // a plain value into the open cell
    e.preventDefault();
    if (!canEdit) {
      onReadOnlyAttempt?.();
      return;
    }
    if (text === '') return;
    const block = parseClipboardBlock(text);
    const range = selectionRange(state);
    conn.undoManager.stopCapturing();
    // New lines below the last row inherit the ledger and group of the block pasted into.
    const topLineId = rowLineIds[range.top];
    const target = topLineId !== undefined ? blocks.find((b) => b.lines.some((l) => l.id === topLineId)) : blocks[blocks.length - 1];
    const template = target?.template ?? blocks[0]?.template ?? { ledger: 'drift', group: 'tiltak' };
    const out = pasteBlockToDoc(conn.doc, rowLineIds, columns, { row: range.top, col: range.left }, block, template, conn.localOrigin);
    conn.undoManager.stopCapturing();
    setState({ focus: { row: range.top, col: range.left }, anchor: { row: range.top + out.rows - 1, col: range.left + Math.max(0, out.cols - 1) }, editing: null });
    announce(t('pasted', { rows: out.rows, cols: out.cols }) + (out.invalidCells ? ' ' + t('pasteInvalid', { n: out.invalidCells }) : ''));
  };

  const onCopy = (e: ClipboardEvent<HTMLTableElement>) => {
    if (state.editing) return;
    e.preventDefault();
    e.clipboardData.setData('text/plain', blockToTsv(rangeToBlock(conn.doc, rowLineIds, columns, selectionRange(state))));
  };

  return { onPaste, onCopy };
}
