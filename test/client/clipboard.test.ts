import { describe, expect, it } from 'vitest';
import { blockToTsv, parseClipboardBlock } from '../../client/grid/clipboard';
import { amountForSpreadsheet } from '../../shared/csv';

describe('parseClipboardBlock', () => {
  it('reads an Excel block with Norwegian decimals and a trailing newline', () => {
    const text = '1,5\t-3\t2 401\r\n0,25\t\t−93,65\r\n';
    expect(parseClipboardBlock(text)).toEqual([
      ['1,5', '-3', '2 401'],
      ['0,25', '', '−93,65'],
    ]);
  });

  it('keeps empty cells at the end of a row', () => {
    expect(parseClipboardBlock('1\t\t\n2\t3\t\n')).toEqual([
      ['1', '', ''],
      ['2', '3', ''],
    ]);
  });

  it('reads a quoted cell holding a tab, a newline and a doubled quote', () => {
    expect(parseClipboardBlock('"a\tb\nc ""d"""\t5\n')).toEqual([['a\tb\nc "d"', '5']]);
  });

  it('treats a quote inside a cell as literal text', () => {
    expect(parseClipboardBlock('12" skjerm\t3')).toEqual([['12" skjerm', '3']]);
  });

  it('reads a single value without newline', () => {
    expect(parseClipboardBlock('42')).toEqual([['42']]);
  });

  it('returns no rows for empty text', () => {
    expect(parseClipboardBlock('')).toEqual([]);
  });
});

describe('blockToTsv', () => {
  it('round-trips through parseClipboardBlock, including awkward cells', () => {
    const rows = [
      ['Tittel med "sitat"', '1,5', ''],
      ['to\nlinjer', '-3', 'a\tb'],
    ];
    expect(parseClipboardBlock(blockToTsv(rows))).toEqual(rows);
  });

  it('writes decimals the way a Norwegian spreadsheet reads them', () => {
    // The grid copies amounts with the CSV export's writer.
    expect(amountForSpreadsheet('-93.65')).toBe('-93,65');
    expect(amountForSpreadsheet('2401')).toBe('2401');
  });
});
