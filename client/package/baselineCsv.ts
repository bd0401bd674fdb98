/**
 * Reads a baseline CSV (first column the service area, one column per year) as
 * the fixtures and Excel exports have it: UTF-8 with or without BOM, `;` or `,`
 * as delimiter, Norwegian or English numbers. Used until shared/csv.ts offers
 * `importBaselineFromCsv`; errors name the row and column, nothing is guessed.
 */
import { parseAmount, toCanonical } from '../../shared/money';
import type { BaselineArea } from '../../shared/doc/baseline';

export type BaselineParse = { ok: true; areas: BaselineArea[]; years: string[] } | { ok: false; error: { row: number; column: string; value: string; message: string } };

function splitRow(line: string, delim: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === '') quoted = true;
    else if (ch === delim) {
      out.push(cell);
      cell = '';
    } else cell += ch;
  }
  out.push(cell);
  return out.map((c) => c.trim());
}

export function parseBaselineCsv(text: string): BaselineParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0];
  if (header === undefined) return { ok: false, error: { row: 1, column: '', value: '', message: 'Filen er tom' } };
  const delim = (header.match(/;/g)?.length ?? 0) >= (header.match(/,/g)?.length ?? 0) ? ';' : ',';
  const head = splitRow(header, delim);
  const years = head.slice(1);
  for (const y of years) {
    if (!/^\d{4}$/.test(y)) return { ok: false, error: { row: 1, column: y, value: y, message: 'Kolonneoverskriften må være et årstall' } };
  }
  if (years.length === 0) return { ok: false, error: { row: 1, column: head[0] ?? '', value: header, message: 'Fant ingen årskolonner' } };
  const areas: BaselineArea[] = [];
  for (let r = 1; r < lines.length; r++) {
    const cells = splitRow(lines[r]!, delim);
    const name = cells[0] ?? '';
    if (name === '') return { ok: false, error: { row: r + 1, column: head[0] ?? '', value: '', message: 'Mangler navn på tjenesteområdet' } };
    const amounts: Record<string, string> = {};
    for (let c = 0; c < years.length; c++) {
      const raw = cells[c + 1] ?? '';
      const p = parseAmount(raw);
      if (!p.ok) return { ok: false, error: { row: r + 1, column: years[c]!, value: raw, message: p.message } };
      if (p.value !== null) amounts[years[c]!] = toCanonical(p.value);
    }
    areas.push({ name, amounts });
  }
  return { ok: true, areas, years };
}
