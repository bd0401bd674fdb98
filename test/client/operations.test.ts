import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLineInDoc, getLinesMap, readLinesFromDoc, setLineFields } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import { blockToTsv, parseClipboardBlock } from '../../client/grid/clipboard';
import {
  cellText,
  clearRangeInDoc,
  duplicateLineInDoc,
  moveLineInDoc,
  pasteBlockToDoc,
  rangeToBlock,
  type GridColumn,
} from '../../client/grid/operations';

const YEARS = ['2023', '2024', '2025', '2026'];
const columns: GridColumn[] = [{ kind: 'title' }, ...YEARS.map((year) => ({ kind: 'year' as const, year }))];

function setup() {
  const doc = new Y.Doc();
  const origin = { name: 'test-local' };
  const undo = new Y.UndoManager([doc.getMap('lines'), doc.getMap('sections'), doc.getMap('verbal')], {
    trackedOrigins: new Set([origin]),
  });
  const ids = ['a', 'b', 'c'].map((t) => createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: t }, { name: 'someone-else' }));
  return { doc, origin, undo, ids };
}

describe('pasteBlockToDoc', () => {
  it('writes a 3×4 block with Norwegian decimals as one undoable change', () => {
    const { doc, origin, undo, ids } = setup();
    const block = parseClipboardBlock('1,5\t2\t−3\t0,25\r\n10\t20\t30\t40\r\n1 500\t\t-1\t2.5\r\n');
    let updates = 0;
    doc.on('update', () => updates++);
    const out = pasteBlockToDoc(doc, ids, columns, { row: 0, col: 1 }, block, { ledger: 'drift', group: 'tiltak' }, origin);
    expect(out).toMatchObject({ rows: 3, cols: 4, invalidCells: 0, createdLineIds: [] });
    expect(updates).toBe(1);
    const lines = readLinesFromDoc(doc);
    expect(lines.map((l) => l.amounts)).toEqual([
      { '2023': '1.5', '2024': '2', '2025': '-3', '2026': '0.25' },
      { '2023': '10', '2024': '20', '2025': '30', '2026': '40' },
      { '2023': '1500', '2025': '-1', '2026': '2.5' },
    ]);
    expect(undo.undoStack.length).toBe(1);
    undo.undo();
    expect(readLinesFromDoc(doc).every((l) => Object.keys(l.amounts).length === 0)).toBe(true);
  });

  it('keeps bad text as invalid instead of zero, and counts it', () => {
    const { doc, origin, ids } = setup();
    const out = pasteBlockToDoc(doc, ids, columns, { row: 1, col: 2 }, [['tolv', '3']], { ledger: 'drift', group: 'tiltak' }, origin);
    expect(out.invalidCells).toBe(1);
    const line = readLinesFromDoc(doc)[1]!;
    expect(line.amounts).toEqual({ '2025': '3' });
    expect(line.invalid).toEqual({ '2024': 'tolv' });
    expect(cellText(doc, ids[1]!, { kind: 'year', year: '2024' })).toBe('tolv');
  });

  it('creates new lines for rows below the last one, in the same ledger and group', () => {
    const { doc, origin, ids } = setup();
    const out = pasteBlockToDoc(doc, ids, columns, { row: 2, col: 0 }, [['Ny A', '1'], ['Ny B', '2']], { ledger: 'fond', group: 'inndekning', section: 's1' }, origin);
    expect(out.createdLineIds).toHaveLength(1);
    const created = readLinesFromDoc(doc).find((l) => l.id === out.createdLineIds[0])!;
    expect(created).toMatchObject({ title: 'Ny B', ledger: 'fond', group: 'inndekning', section: 's1', amounts: { '2023': '2' } });
  });

  it('drops columns beyond the last year', () => {
    const { doc, origin, ids } = setup();
    const out = pasteBlockToDoc(doc, ids, columns, { row: 0, col: 4 }, [['7', '8', '9']], { ledger: 'drift', group: 'tiltak' }, origin);
    expect(out.cols).toBe(1);
    expect(readLinesFromDoc(doc)[0]!.amounts).toEqual({ '2026': '7' });
  });
});

describe('clear, copy, duplicate, move', () => {
  it('clears a range in one step and copies out spreadsheet decimals', () => {
    const { doc, origin, undo, ids } = setup();
    pasteBlockToDoc(doc, ids, columns, { row: 0, col: 1 }, [['-93,65', '2 401'], ['x', '1']], { ledger: 'drift', group: 'tiltak' }, origin);
    undo.stopCapturing();
    expect(rangeToBlock(doc, ids, columns, { top: 0, bottom: 1, left: 0, right: 2 })).toEqual([
      ['a', '-93,65', '2401'],
      ['b', 'x', '1'],
    ]);
    clearRangeInDoc(doc, ids, columns, { top: 0, bottom: 1, left: 1, right: 2 }, origin);
    expect(readLinesFromDoc(doc).slice(0, 2).map((l) => [l.amounts, l.invalid])).toEqual([
      [{}, undefined],
      [{}, undefined],
    ]);
    undo.undo();
    expect(readLinesFromDoc(doc)[0]!.amounts).toEqual({ '2023': '-93.65', '2024': '2401' });
  });

  it('copies text that a spreadsheet would run as a formula as plain text, and pastes it back unchanged', () => {
    const { doc, origin, ids } = setup();
    const titles = ['=HYPERLINK("http://x.test","klikk")', '+cmd|\' /C calc\'!A0', '-2+3'];
    titles.forEach((title, i) => setLineFields(doc, ids[i]!, { title }, origin));
    pasteBlockToDoc(doc, ids, columns, { row: 0, col: 1 }, [['@SUM(A1)', '-3,5']], { ledger: 'drift', group: 'tiltak' }, origin);
    const block = rangeToBlock(doc, ids, columns, { top: 0, bottom: 2, left: 0, right: 2 });
    expect(block).toEqual([
      [`'${titles[0]}`, "'@SUM(A1)", '-3,5'],
      [`'${titles[1]}`, '', ''],
      [`'${titles[2]}`, '', ''],
    ]);
    // Every text cell starts with the apostrophe a spreadsheet reads as "text", amounts stay numbers.
    for (const row of block) expect(row[0]!.startsWith("'")).toBe(true);
    // Copy → paste within the grid (through the clipboard text) writes back exactly what was there.
    const before = readLinesFromDoc(doc).slice(0, 3).map((l) => [l.title, l.amounts, l.invalid]);
    pasteBlockToDoc(doc, ids, columns, { row: 0, col: 0 }, parseClipboardBlock(blockToTsv(block)), { ledger: 'drift', group: 'tiltak' }, origin);
    expect(readLinesFromDoc(doc).slice(0, 3).map((l) => [l.title, l.amounts, l.invalid])).toEqual(before);
  });

  it('duplicates a line right after the original and moves lines', () => {
    const { doc, origin, ids } = setup();
    pasteBlockToDoc(doc, ids, columns, { row: 0, col: 1 }, [['5']], { ledger: 'drift', group: 'tiltak' }, origin);
    const dup = duplicateLineInDoc(doc, ids[0]!, origin)!;
    expect(readLinesFromDoc(doc).map((l) => l.id)).toEqual([ids[0], dup, ids[1], ids[2]]);
    expect(readTitle(getLinesMap(doc).get(dup)!)).toBe('a');
    const order = readLinesFromDoc(doc).map((l) => l.id);
    moveLineInDoc(doc, order, ids[2]!, -1, origin);
    expect(readLinesFromDoc(doc).map((l) => l.id)).toEqual([ids[0], dup, ids[2], ids[1]]);
    moveLineInDoc(doc, order, ids[0]!, -1, origin);
    expect(readLinesFromDoc(doc)[0]!.id).toBe(ids[0]);
  });
});
