import { describe, expect, it } from 'vitest';
import { applyCellInput, clampGridState, gridKeyDown, initialGridState, selectionRange, setDraft, type CellInput, type GridState } from '../../client/grid/navigation';

const dims = { rows: 3, cols: 4 };
const at = (row: number, col: number): GridState => ({ focus: { row, col }, anchor: null, editing: null });

describe('gridKeyDown', () => {
  it('moves with arrows and stops at the edges', () => {
    let s = gridKeyDown(initialGridState, { key: 'ArrowRight' }, dims, '').state;
    expect(s.focus).toEqual({ row: 0, col: 1 });
    s = gridKeyDown(s, { key: 'ArrowUp' }, dims, '').state;
    expect(s.focus).toEqual({ row: 0, col: 1 });
    s = gridKeyDown(at(2, 3), { key: 'ArrowDown' }, dims, '').state;
    expect(s.focus).toEqual({ row: 2, col: 3 });
  });

  it('Tab wraps to the next row and Shift+Tab back', () => {
    expect(gridKeyDown(at(0, 3), { key: 'Tab' }, dims, '').state.focus).toEqual({ row: 1, col: 0 });
    expect(gridKeyDown(at(1, 0), { key: 'Tab', shiftKey: true }, dims, '').state.focus).toEqual({ row: 0, col: 3 });
  });

  it('typing starts editing with the typed character; Enter commits and moves down', () => {
    const typed = gridKeyDown(at(0, 1), { key: '5' }, dims, '12');
    expect(typed.state.editing).toEqual({ draft: '5', mode: 'enter' });
    const s = setDraft(typed.state, '5,5');
    const r = gridKeyDown(s, { key: 'Enter' }, dims, '');
    expect(r.effect).toEqual({ type: 'commit', pos: { row: 0, col: 1 }, text: '5,5' });
    expect(r.state.focus).toEqual({ row: 1, col: 1 });
    expect(r.state.editing).toBeNull();
  });

  it('Escape cancels an edit without an effect', () => {
    const s = setDraft(gridKeyDown(at(1, 1), { key: 'Enter' }, dims, '7').state, '8');
    const r = gridKeyDown(s, { key: 'Escape' }, dims, '');
    expect(r.effect).toBeUndefined();
    expect(r.state.editing).toBeNull();
    expect(r.state.focus).toEqual({ row: 1, col: 1 });
  });

  it('Enter edits the current text; arrows then stay in the cell', () => {
    const s = gridKeyDown(at(1, 1), { key: 'Enter' }, dims, '7').state;
    expect(s.editing).toEqual({ draft: '7', mode: 'edit' });
    expect(gridKeyDown(s, { key: 'ArrowLeft' }, dims, '').handled).toBe(false);
  });

  it('in enter mode an arrow commits and moves', () => {
    const s = gridKeyDown(at(1, 1), { key: '9' }, dims, '').state;
    const r = gridKeyDown(s, { key: 'ArrowRight' }, dims, '');
    expect(r.effect).toEqual({ type: 'commit', pos: { row: 1, col: 1 }, text: '9' });
    expect(r.state.focus).toEqual({ row: 1, col: 2 });
  });

  it('Shift+arrows select a range and Delete clears all of it', () => {
    let s = gridKeyDown(at(0, 1), { key: 'ArrowDown', shiftKey: true }, dims, '').state;
    s = gridKeyDown(s, { key: 'ArrowRight', shiftKey: true }, dims, '').state;
    expect(selectionRange(s)).toEqual({ top: 0, bottom: 1, left: 1, right: 2 });
    const r = gridKeyDown(s, { key: 'Delete' }, dims, '');
    expect(r.effect).toEqual({ type: 'clear', range: { top: 0, bottom: 1, left: 1, right: 2 } });
  });

  it('Ctrl shortcuts are not treated as typing', () => {
    expect(gridKeyDown(at(0, 0), { key: 'c', ctrlKey: true }, dims, '').handled).toBe(false);
  });

  it('does nothing in an empty grid', () => {
    expect(gridKeyDown(initialGridState, { key: 'ArrowDown' }, { rows: 0, cols: 4 }, '').handled).toBe(false);
  });
});

describe('clampGridState', () => {
  it('pulls the focus back when rows disappear', () => {
    expect(clampGridState(at(5, 2), dims).focus).toEqual({ row: 2, col: 2 });
    const s = at(1, 1);
    expect(clampGridState(s, dims)).toBe(s);
  });
});

describe('applyCellInput (text without a key press, and keys held while a new line appeared)', () => {
  const run = (start: GridState, inputs: CellInput[]) => {
    let s = start;
    const effects: unknown[] = [];
    for (const input of inputs) {
      const r = applyCellInput(s, input, dims, '12');
      if (r.effect) effects.push(r.effect);
      s = r.state;
    }
    return { s, effects };
  };

  it('text typed without a key (U+2212) starts the edit, and the next key extends it: −3 stays −3', () => {
    const { s } = run(at(0, 1), [{ text: '\u2212' }, { key: '3' }]);
    expect(s.editing).toEqual({ draft: '\u22123', mode: 'enter' });
  });

  it('a title typed before the new line’s cell was there lands in it, Enter included', () => {
    const keys: CellInput[] = [...'Testlinje'].map((key) => ({ key }));
    const { s, effects } = run(at(2, 0), [...keys, { key: 'Enter' }]);
    expect(effects).toEqual([{ type: 'commit', pos: { row: 2, col: 0 }, text: 'Testlinje' }]);
    expect(s.editing).toBeNull();
  });

  it('Backspace shortens an open draft; Escape drops it', () => {
    expect(run(at(0, 1), [{ key: '1' }, { key: '2' }, { key: 'Backspace' }]).s.editing?.draft).toBe('1');
    expect(run(at(0, 1), [{ key: '1' }, { key: 'Escape' }]).s.editing).toBeNull();
  });

  it('empty text changes nothing', () => {
    const s = at(0, 1);
    expect(applyCellInput(s, { text: '' }, dims, '').handled).toBe(false);
  });
});
