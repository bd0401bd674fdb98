/**
 * Grid edits as document writes. Every function takes the connection's local
 * origin and runs inside ONE `doc.transact`, so a paste of a whole block or the
 * clearing of a range is one step for the per-user UndoManager, and a remote
 * client receives it as one update.
 */
import type * as Y from 'yjs';
import { createLineInDoc, entriesOf, entryOf, getLinesMap, orderOf as entryOrder, readLineFromMap, setLineAmount, setLineFields, type LineInput } from '../../shared/doc/schema';
import { applyEditSince, type TextBase } from '../../shared/doc/text';
import type { Group, Ledger } from '../../shared/types';
import { formatAmount } from '../../shared/money';
import { amountForSpreadsheet, neutraliseFormula, unneutraliseFormula } from '../../shared/csv';
import type { CellPos, CellRange } from './navigation';

/** A grid column: the line's title, or its amount for one year. */
export type GridColumn = { kind: 'title' } | { kind: 'year'; year: string };

/** What a new line created by a paste below the last row inherits. */
export interface NewLineTemplate {
  ledger: Ledger;
  group: Group;
  section?: string;
}

/** Writes what was typed into one cell. Amount text that does not parse is kept as invalid. */
export function commitCellToDoc(doc: Y.Doc, lineId: string, column: GridColumn, text: string, origin: unknown): { ok: boolean; message?: string } {
  if (column.kind === 'title') {
    setLineFields(doc, lineId, { title: text.trim() }, origin);
    return { ok: true };
  }
  const r = setLineAmount(doc, lineId, column.year, text, origin);
  return r.ok ? { ok: true } : { ok: false, message: r.message };
}

/**
 * Writes a title cell's draft that was started from `base` (the title's text when
 * the cell was opened): the edit from `base.value` to the draft is applied to the
 * title as it is now, so what a partner typed into the title meanwhile stays
 * (`applyEditSince`). Surrounding spaces are dropped, as for every title.
 */
export function commitTitleSince(doc: Y.Doc, base: TextBase, text: string, origin: unknown): void {
  const next = text.trim();
  if (next === base.value) return;
  doc.transact(() => applyEditSince(base, next), origin);
}

export interface PasteOutcome {
  rows: number;
  cols: number;
  invalidCells: number;
  createdLineIds: string[];
}

/**
 * Pastes a block of cells with its top-left corner at `at`. Rows beyond the
 * last line create new lines from `template`; columns beyond the last year are
 * dropped. A cell that `rangeToBlock` neutralised against formulas (`'=…`)
 * is written as it was. One transaction.
 */
export function pasteBlockToDoc(
  doc: Y.Doc,
  rowLineIds: readonly string[],
  columns: readonly GridColumn[],
  at: CellPos,
  block: string[][],
  template: NewLineTemplate,
  origin: unknown,
): PasteOutcome {
  const outcome: PasteOutcome = { rows: 0, cols: 0, invalidCells: 0, createdLineIds: [] };
  if (block.length === 0) return outcome;
  doc.transact(() => {
    block.forEach((cells, i) => {
      let lineId = rowLineIds[at.row + i];
      if (lineId === undefined) {
        const input: LineInput = { ledger: template.ledger, group: template.group, title: '' };
        if (template.section) input.section = template.section;
        lineId = createLineInDoc(doc, input, origin);
        outcome.createdLineIds.push(lineId);
      }
      let used = 0;
      cells.forEach((text, j) => {
        const column = columns[at.col + j];
        if (!column) return;
        used = j + 1;
        if (!commitCellToDoc(doc, lineId, column, unneutraliseFormula(text), origin).ok) outcome.invalidCells++;
      });
      outcome.cols = Math.max(outcome.cols, used);
      outcome.rows++;
    });
  }, origin);
  return outcome;
}

/** Clears every cell of a range (amounts removed, bad text dropped; titles left as they are). */
export function clearRangeInDoc(doc: Y.Doc, rowLineIds: readonly string[], columns: readonly GridColumn[], range: CellRange, origin: unknown): void {
  doc.transact(() => {
    for (let r = range.top; r <= range.bottom; r++) {
      const lineId = rowLineIds[r];
      if (lineId === undefined) continue;
      for (let c = range.left; c <= range.right; c++) {
        const column = columns[c];
        if (column?.kind === 'year') setLineAmount(doc, lineId, column.year, '', origin);
      }
    }
  }, origin);
}

/** The text a cell shows (and starts editing with): the bad text if any, else the formatted amount. */
export function cellText(doc: Y.Doc, lineId: string, column: GridColumn): string {
  const m = entryOf(getLinesMap(doc), lineId);
  if (!m) return '';
  const line = readLineFromMap(lineId, m);
  if (column.kind === 'title') return line.title;
  const bad = line.invalid?.[column.year];
  if (bad !== undefined) return bad;
  const v = line.amounts[column.year];
  return v === undefined ? '' : formatAmount(v);
}

/**
 * A range as rows of spreadsheet-ready cells, written as the CSV export writes
 * them: amounts as numbers a Norwegian spreadsheet reads (`-93,65`), and text
 * (titles, bad text as typed) neutralised so that pasting it into Excel never
 * runs a formula (`=HYPERLINK(…)`, `+cmd`, `-…`, `@…` get a leading `'`).
 */
export function rangeToBlock(doc: Y.Doc, rowLineIds: readonly string[], columns: readonly GridColumn[], range: CellRange): string[][] {
  const rows: string[][] = [];
  for (let r = range.top; r <= range.bottom; r++) {
    const lineId = rowLineIds[r];
    const m = lineId === undefined ? undefined : entryOf(getLinesMap(doc), lineId);
    const line = m && lineId !== undefined ? readLineFromMap(lineId, m) : undefined;
    const cells: string[] = [];
    for (let c = range.left; c <= range.right; c++) {
      const column = columns[c];
      if (!line || !column) cells.push('');
      else if (column.kind === 'title') cells.push(neutraliseFormula(line.title));
      else {
        const bad = line.invalid?.[column.year];
        const v = line.amounts[column.year];
        cells.push(bad !== undefined ? neutraliseFormula(bad) : v === undefined ? '' : amountForSpreadsheet(v));
      }
    }
    rows.push(cells);
  }
  return rows;
}

/** Copies a line (fields and amounts, not its rationale history) right after itself. */
export function duplicateLineInDoc(doc: Y.Doc, lineId: string, origin: unknown): string | null {
  const m = entryOf(getLinesMap(doc), lineId);
  if (!m) return null;
  const line = readLineFromMap(lineId, m);
  let newId: string | null = null;
  doc.transact(() => {
    const input: LineInput = { ledger: line.ledger, group: line.group, title: line.title, amounts: { ...line.amounts } };
    if (line.section) input.section = line.section;
    if (line.permanent) input.permanent = true;
    if (line.party) input.party = line.party;
    if (line.area) input.area = line.area;
    if (line.description) input.rationale = line.description.split('\n').map((t) => ({ type: 'paragraph' as const, runs: t ? [{ text: t }] : [] }));
    newId = createLineInDoc(doc, input, origin);
    for (const [year, text] of Object.entries(line.invalid ?? {})) setLineAmount(doc, newId, year, text, origin);
    placeAfter(doc, newId, lineId, origin);
  }, origin);
  return newId;
}

function orderOf(m: Y.Map<unknown> | undefined): number {
  return m ? entryOrder(m) : 0;
}

/** Gives `id` an order just after `afterId` (halfway to the next line), so other lines keep theirs. */
export function placeAfter(doc: Y.Doc, id: string, afterId: string, origin: unknown): void {
  const lines = getLinesMap(doc);
  const after = orderOf(entryOf(lines, afterId));
  let next = Infinity;
  for (const [other, m] of entriesOf(lines)) {
    if (other === id || other === afterId) continue;
    const o = orderOf(m);
    if (o > after && o < next) next = o;
  }
  const order = next === Infinity ? after + 1 : (after + next) / 2;
  setLineFields(doc, id, { order }, origin);
}

/**
 * Moves a line one place up or down among `siblingIds` (the lines shown
 * around it, in display order) by swapping order values with its neighbour.
 */
export function moveLineInDoc(doc: Y.Doc, siblingIds: readonly string[], lineId: string, delta: -1 | 1, origin: unknown): void {
  const i = siblingIds.indexOf(lineId);
  const j = i + delta;
  const otherId = siblingIds[j];
  if (i < 0 || otherId === undefined) return;
  const lines = getLinesMap(doc);
  const a = orderOf(entryOf(lines, lineId));
  const b = orderOf(entryOf(lines, otherId));
  doc.transact(() => {
    if (a === b) {
      setLineFields(doc, lineId, { order: b + delta * 0.5 }, origin);
    } else {
      setLineFields(doc, lineId, { order: b }, origin);
      setLineFields(doc, otherId, { order: a }, origin);
    }
  }, origin);
}
