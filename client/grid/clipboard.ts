/**
 * Clipboard blocks in and out of the grid.
 *
 * Excel and Word put a selected block on the clipboard as text/plain with tabs
 * between cells and newlines between rows; Excel quotes a cell that itself holds
 * a tab, a newline or a quote ("a""b"). We read that format and write it back,
 * so a block can go Excel → grid → Excel without losing its shape. What goes
 * into the cells is decided where the range is read (`rangeToBlock` in
 * ./operations): amounts as the CSV export writes them, text neutralised
 * against formulas as the CSV export does.
 */

/** Splits clipboard text into rows of cells. A trailing newline does not make an empty row. */
export function parseClipboardBlock(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let atCellStart = true;
  const s = text.replace(/\r\n?/g, '\n');
  while (i < s.length) {
    const ch = s[i]!;
    if (atCellStart && ch === '"' && s.indexOf('"', i + 1) !== -1) {
      // Quoted cell: runs to the closing quote that is not doubled.
      let j = i + 1;
      let value = '';
      for (;;) {
        const q = s.indexOf('"', j);
        if (q === -1) {
          value += s.slice(j);
          j = s.length;
          break;
        }
        value += s.slice(j, q);
        if (s[q + 1] === '"') {
          value += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // Only treat it as quoted if the quote closes the cell; otherwise it is literal text.
      if (j >= s.length || s[j] === '\t' || s[j] === '\n') {
        cell = value;
        i = j;
        atCellStart = false;
        continue;
      }
    }
    atCellStart = false;
    if (ch === '\t') {
      row.push(cell);
      cell = '';
      atCellStart = true;
    } else if (ch === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      atCellStart = true;
    } else {
      cell += ch;
    }
    i++;
  }
  if (!atCellStart || cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

function quoteCell(cell: string): string {
  return /[\t\n"]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/** Writes rows of cells as tab-separated text that Excel pastes into the same shape. */
export function blockToTsv(rows: string[][]): string {
  return rows.map((r) => r.map(quoteCell).join('\t')).join('\r\n') + '\r\n';
}
