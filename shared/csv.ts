import type { ImportedLine } from './doc/schema';
import { parseAmount, toCanonical } from './money';
import { GROUPS, LEDGERS, STATUSES, type Group, type Ledger, type PlainPackage, type Status, type Year } from './types';
import { STATUS_LABELS } from './status';
import { MAX_CODE_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS } from './doc/limits';

/**
 * CSV import and export of amendment lines and baseline budgets, in the format
 * of docs/formats.md: what budget staff produce from Excel.
 *
 * Reading: UTF-8 with or without BOM, RFC 4180 quoting (quoted fields may hold
 * delimiters, line breaks and `""`), CRLF, LF or CR line ends, delimiter `;`,
 * `,` or tab detected from the header row (the one that occurs most outside
 * quotes; `;` wins ties, as Excel in nb-NO writes it). Row numbers are what a
 * spreadsheet shows: the header is row 1, a blank line is a row too, and a
 * quoted line break does not start a new row.
 *
 * Writing (`exportPackageToCsv`): BOM, `;`, CRLF, Norwegian headers, amounts with
 * a decimal comma and an ASCII `-`, no thousands separator: Excel in nb-NO reads
 * that as a number (a U+2212 minus or a no-break space would make it text).
 * Text cells that start with `=`, `+`, `-`, `@`, tab or CR get a leading `'` so
 * a spreadsheet never runs them as a formula (CSV injection); amount cells are
 * numbers we write ourselves and are left alone, so `-3,5` stays a number. On
 * import one leading `'` before one of those characters is removed again, so
 * export → import round-trips (text that itself starts with `'=` is written as
 * `''=`).
 */

/** Where and why an import was refused. `row` as a spreadsheet shows it (header = 1). */
export interface CsvError {
  row: number;
  /** The column's header as written in the file ('' when the problem is not tied to a column). */
  column: string;
  /** The offending cell text as written. */
  value: string;
  /** Norwegian, names the row and column. */
  message: string;
}

/** Outcome of reading a file: all or nothing. */
export type CsvResult<T> = ({ ok: true } & T) | { ok: false; error: CsvError };

/** The delimiters `parseCsv` detects. */
export const CSV_DELIMITERS = [';', ',', '\t'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** The byte order mark written at the start of exported files, so Excel reads UTF-8. */
export const CSV_BOM = '\uFEFF';

/** Detects the delimiter from the header row: the candidate occurring most often outside quotes (`;` on ties or none). */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(CSV_DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  for (const ch of text.startsWith(CSV_BOM) ? text.slice(1) : text) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && counts.has(ch as CsvDelimiter)) counts.set(ch as CsvDelimiter, (counts.get(ch as CsvDelimiter) ?? 0) + 1);
  }
  let best: CsvDelimiter = ';';
  for (const d of CSV_DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/**
 * Parses CSV text into rows of cells (RFC 4180, see the module comment). The
 * BOM is stripped; a final line break does not add an empty row. Refuses an
 * unterminated quote or text after a closing quote, naming the row.
 */
export function parseCsv(text: string, delimiter: CsvDelimiter = detectDelimiter(text)): CsvResult<{ rows: string[][]; delimiter: CsvDelimiter }> {
  const src = text.startsWith(CSV_BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false; // the current cell started with a quote
  let inQuotes = false;
  let afterQuote = false; // a quoted cell just closed; only a delimiter or line end may follow
  let quoteStartRow = 1;
  const n = src.length;
  const endRow = () => {
    row.push(cell);
    rows.push(row);
    row = [];
    cell = '';
    quoted = false;
    afterQuote = false;
  };
  while (i < n) {
    const ch = src[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          cell += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        afterQuote = true;
      } else cell += ch;
      i++;
      continue;
    }
    if (ch === delimiter) {
      row.push(cell);
      cell = '';
      quoted = false;
      afterQuote = false;
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRow();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
    } else if (afterQuote) {
      return {
        ok: false,
        error: { row: rows.length + 1, column: '', value: cell, message: `Rad ${rows.length + 1}: tekst etter avsluttende anførselstegn i «${cell}».` },
      };
    } else if (ch === '"' && cell === '' && !quoted) {
      quoted = true;
      inQuotes = true;
      quoteStartRow = rows.length + 1;
      i++;
    } else {
      // A quote inside an unquoted cell is kept as is (what Excel does).
      cell += ch;
      i++;
    }
  }
  if (inQuotes) {
    return {
      ok: false,
      error: { row: quoteStartRow, column: '', value: cell, message: `Rad ${quoteStartRow}: anførselstegn som aldri lukkes.` },
    };
  }
  if (cell !== '' || row.length > 0 || quoted) endRow();
  return { ok: true, rows, delimiter };
}

/** Quotes a cell when it holds the delimiter, a quote, a line break, or leading/trailing spaces. */
function quoteCell(value: string, delimiter: string): string {
  if (value.includes(delimiter) || /["\r\n]/.test(value) || /^\s|\s$/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/**
 * Neutralises a text cell a spreadsheet would run as a formula (see the module
 * comment) by prefixing `'`. Text that already starts with apostrophes before
 * such a character gets one more, so `unneutraliseFormula` can always strip exactly one.
 */
export function neutraliseFormula(text: string): string {
  return /^'*[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Undoes `neutraliseFormula` on import (CSV, or a block pasted into the grid):
 * one leading `'` before `=`, `+`, `-`, `@`, tab or CR is removed; any other
 * text comes back unchanged.
 */
export function unneutraliseFormula(text: string): string {
  return /^'+[=+\-@\t\r]/.test(text) ? text.slice(1) : text;
}

/** Serialises rows as CSV (CRLF line ends, quoting as needed); no BOM. */
export function toCsv(rows: readonly (readonly string[])[], delimiter: CsvDelimiter = ';'): string {
  return rows.map((r) => r.map((c) => quoteCell(c, delimiter)).join(delimiter)).join('\r\n') + '\r\n';
}

type Field = 'section' | 'ledger' | 'group' | 'title' | 'area' | 'party' | 'status' | 'description';

/** Header names per field, Norwegian first (the one export writes). Matched case-insensitively. */
export const CSV_HEADERS: Record<Field, readonly string[]> = {
  section: ['seksjon', 'section'],
  ledger: ['type', 'ledger'],
  group: ['gruppe', 'group'],
  title: ['tittel', 'title'],
  area: ['tjenesteområde', 'area'],
  party: ['parti', 'party'],
  status: ['status'],
  description: ['beskrivelse', 'description'],
};
const REQUIRED: readonly Field[] = ['section', 'ledger', 'group', 'title'];
const FIELD_BY_HEADER = new Map<string, Field>(
  (Object.entries(CSV_HEADERS) as Array<[Field, readonly string[]]>).flatMap(([f, names]) => names.map((n) => [n, f] as [string, Field])),
);
const YEAR_RE = /^\d{4}$/;

/** Status words the CSV export writes: the app's word for each status in lower case (`enighet`, `forkastet`, …). */
export const STATUS_WORDS: Record<Status, string> = Object.fromEntries(STATUSES.map((s) => [s, STATUS_LABELS[s].toLocaleLowerCase('nb')])) as Record<Status, string>;
/** Status words the import reads: those, the English codes, and the older words «enig», «avtalt» and «avvist». */
const STATUS_BY_WORD = new Map<string, Status>([
  ...STATUSES.map((s) => [s, s] as [string, Status]),
  ...(Object.entries(STATUS_WORDS) as Array<[Status, string]>).map(([s, w]) => [w, s] as [string, Status]),
  ['enig', 'agreed'],
  ['avtalt', 'agreed'],
  ['avvist', 'rejected'],
]);
const LEDGER_BY_WORD = new Map<string, Ledger>([...LEDGERS.map((l) => [l, l] as [string, Ledger]), ['disposisjonsfond', 'fond']]);

function norm(s: string): string {
  return s.trim().toLocaleLowerCase('nb');
}

function yearSpan(years: readonly Year[]): string {
  return years.length === 0 ? 'pakken har ingen år' : `pakken gjelder ${years.join(', ')}`;
}

function fail(row: number, column: string, value: string, reason: string): { ok: false; error: CsvError } {
  return { ok: false, error: { row, column, value, message: `Rad ${row}, kolonne «${column}»: ${reason}` } };
}

/** The longest text each column may hold (the limits of the document, shared/doc/limits.ts). */
const FIELD_MAX_CHARS: Record<Field, number> = {
  section: MAX_NAME_CHARS,
  ledger: MAX_CODE_CHARS,
  group: MAX_CODE_CHARS,
  title: MAX_TITLE_CHARS,
  area: MAX_NAME_CHARS,
  party: MAX_NAME_CHARS,
  status: MAX_CODE_CHARS,
  description: MAX_TEXT_CHARS,
};

/** A cell longer than its column allows: the message quotes only its start. */
function tooLong(row: number, column: string, raw: string, max: number): { ok: false; error: CsvError } {
  const start = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
  return fail(row, column, start, `teksten er ${raw.length.toLocaleString('nb-NO')} tegn lang; høyst ${max.toLocaleString('nb-NO')} tegn er tillatt.`);
}

function isBlankRow(cells: readonly string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

/**
 * Reads amendment lines from CSV (columns and rules in docs/formats.md). All or
 * nothing: the first problem (unknown or duplicate header, missing required
 * column, year column outside `years`, unknown ledger, group or status, empty
 * title, an amount `parseAmount` refuses, more cells than headers) rejects the
 * whole file with its row, column, cell text and a Norwegian message. Amounts
 * come back canonical; blank cells are no amount; blank rows are skipped.
 * Optional text cells that are blank are left out of the line.
 */
export function importLinesFromCsv(text: string, opts: { years: readonly Year[] }): CsvResult<{ lines: ImportedLine[] }> {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  return importLinesFromRows(parsed.rows, opts);
}

/**
 * The checks of `importLinesFromCsv` on rows already split into cells (the
 * XLSX import converts a sheet to rows and reuses them). `rows[0]` is the
 * header; row numbers in errors are spreadsheet rows (index + 1).
 */
export function importLinesFromRows(rows: string[][], opts: { years: readonly Year[] }): CsvResult<{ lines: ImportedLine[] }> {
  const [header, ...body] = rows;
  if (!header || isBlankRow(header)) return fail(1, '', '', 'filen mangler overskriftsrad.');

  const fieldAt = new Map<number, Field>();
  const yearAt = new Map<number, Year>();
  const seen = new Map<string, string>(); // field or year → header as written
  const allowedYears = new Set(opts.years);
  for (const [col, raw] of header.entries()) {
    const name = norm(raw);
    if (name === '') {
      // A trailing empty header (Excel's stray delimiter) is harmless; data under it is checked below.
      continue;
    }
    const key = YEAR_RE.test(name) ? name : FIELD_BY_HEADER.get(name);
    if (key === undefined) {
      return fail(1, raw, raw, `ukjent kolonne «${raw.trim()}». Kjente kolonner: seksjon, type, gruppe, tittel, årstall (f.eks. 2024), tjenesteområde, parti, status, beskrivelse.`);
    }
    const earlier = seen.get(key);
    if (earlier !== undefined) return fail(1, raw, raw, `kolonnen «${raw.trim()}» finnes allerede («${earlier.trim()}»).`);
    seen.set(key, raw);
    if (YEAR_RE.test(key)) {
      if (!allowedYears.has(key)) return fail(1, raw, raw, `året ${key} er ikke med i pakken (${yearSpan(opts.years)}).`);
      yearAt.set(col, key);
    } else fieldAt.set(col, key as Field);
  }
  for (const f of REQUIRED) {
    if (!seen.has(f)) {
      const name = CSV_HEADERS[f][0] ?? f;
      return fail(1, name, '', `kolonnen «${name}» mangler (påkrevd: seksjon, type, gruppe, tittel).`);
    }
  }

  const lines: ImportedLine[] = [];
  for (const [index, cells] of body.entries()) {
    const row = index + 2;
    if (isBlankRow(cells)) continue;
    for (let col = 0; col < cells.length; col++) {
      const cell = cells[col] ?? '';
      const headerText = header[col];
      if ((headerText === undefined || headerText.trim() === '') && cell.trim() !== '') {
        return fail(row, headerText ?? '', cell, `verdien «${cell}» står i en kolonne uten overskrift.`);
      }
    }
    const fields: Partial<Record<Field, { raw: string; value: string; column: string }>> = {};
    for (const [col, field] of fieldAt) {
      const raw = cells[col] ?? '';
      const value = unneutraliseFormula(raw.trim());
      if (value.length > FIELD_MAX_CHARS[field]) return tooLong(row, header[col] ?? field, raw, FIELD_MAX_CHARS[field]);
      fields[field] = { raw, value, column: header[col] ?? '' };
    }
    const ledgerCell = fields.ledger;
    const ledger = LEDGER_BY_WORD.get(norm(ledgerCell?.value ?? ''));
    if (!ledger) return fail(row, ledgerCell?.column ?? 'type', ledgerCell?.raw ?? '', `ukjent type «${ledgerCell?.raw ?? ''}»: bruk drift, investering eller fond.`);
    const groupCell = fields.group;
    const group = GROUPS.find((g) => g === norm(groupCell?.value ?? '')) as Group | undefined;
    if (!group) return fail(row, groupCell?.column ?? 'gruppe', groupCell?.raw ?? '', `ukjent gruppe «${groupCell?.raw ?? ''}»: bruk tiltak eller inndekning.`);
    const titleCell = fields.title;
    if (!titleCell || titleCell.value === '') return fail(row, titleCell?.column ?? 'tittel', titleCell?.raw ?? '', 'tittel mangler.');

    const amounts: Record<Year, string> = {};
    for (const [col, year] of yearAt) {
      const raw = cells[col] ?? '';
      const p = parseAmount(raw);
      if (!p.ok) return fail(row, header[col] ?? year, raw, p.message);
      if (p.value !== null) amounts[year] = toCanonical(p.value);
    }

    const line: ImportedLine = { ledger, group, title: titleCell.value, amounts };
    if (fields.section?.value) line.section = fields.section.value;
    if (fields.area?.value) line.area = fields.area.value;
    if (fields.party?.value) line.party = fields.party.value;
    if (fields.description?.value) line.description = fields.description.value;
    const statusCell = fields.status;
    if (statusCell && statusCell.value !== '') {
      const status = STATUS_BY_WORD.get(norm(statusCell.value));
      if (!status) {
        return fail(row, statusCell.column, statusCell.raw, `ukjent status «${statusCell.raw}»: bruk ${Object.values(STATUS_WORDS).join(', ')}.`);
      }
      line.status = status;
    }
    lines.push(line);
  }
  return { ok: true, lines };
}

/** Canonical amount → what Excel in nb-NO reads as a number: decimal comma, ASCII minus, no grouping. */
export function amountForSpreadsheet(canonical: string): string {
  return canonical.replace('.', ',');
}

/**
 * Writes a package's lines in the import format (see the module comment):
 * `importLinesFromCsv(exportPackageToCsv(pkg), { years: pkg.years })` gives
 * back every line's section title, ledger, group, title, amounts in `years`,
 * area, party name, status and description. Section ids become section titles
 * and party ids party names. A cell whose typed text did not parse
 * (`line.invalid`) is written as that text, so nothing disappears silently
 * (the file then refuses to import at that cell). `permanent` has no column.
 */
export function exportPackageToCsv(pkg: PlainPackage): string {
  const sectionTitle = new Map(pkg.sections.map((s) => [s.id, s.title]));
  const partyName = new Map(pkg.parties.map((p) => [p.id, p.name]));
  const header = [
    CSV_HEADERS.section[0],
    CSV_HEADERS.ledger[0],
    CSV_HEADERS.group[0],
    CSV_HEADERS.title[0],
    ...pkg.years,
    CSV_HEADERS.area[0],
    CSV_HEADERS.party[0],
    CSV_HEADERS.status[0],
    CSV_HEADERS.description[0],
  ].map((h) => h ?? '');
  const rows: string[][] = [header];
  for (const line of pkg.lines) {
    const section = line.section === undefined ? '' : (sectionTitle.get(line.section) ?? line.section);
    const party = line.party === undefined ? '' : (partyName.get(line.party) ?? line.party);
    rows.push([
      neutraliseFormula(section),
      line.ledger,
      line.group,
      neutraliseFormula(line.title),
      ...pkg.years.map((y) => {
        const amount = line.amounts[y];
        if (amount !== undefined) return amountForSpreadsheet(amount);
        return neutraliseFormula(line.invalid?.[y] ?? '');
      }),
      neutraliseFormula(line.area ?? ''),
      neutraliseFormula(party),
      line.status ? STATUS_WORDS[line.status] : '',
      neutraliseFormula(line.description ?? ''),
    ]);
  }
  return CSV_BOM + toCsv(rows, ';');
}

/** One service area (tjenesteområde) of a baseline budget file. */
export interface BaselineAreaRow {
  name: string;
  /** Year → canonical amount (million NOK); blank cells are left out. */
  amounts: Record<Year, string>;
}

/**
 * Reads a baseline budget file (the chief executive's proposal per service
 * area): the first column is the area name (any header), every other column a
 * four-digit year. Amounts may use `−` (U+2212) and everything else
 * `parseAmount` accepts. All or nothing, with the same error shape as
 * `importLinesFromCsv`. The rows are returned as written: no totals are
 * computed or corrected here. `areaHeader` is the first column's header
 * (`tjenesteområde`, `investeringsområde`), which tells the ledger
 * (`baselineLedgerOfHeader`).
 */
export function importBaselineFromCsv(text: string): CsvResult<{ areas: BaselineAreaRow[]; years: Year[]; areaHeader: string }> {
  const parsed = parseCsv(text);
  if (!parsed.ok) return parsed;
  return importBaselineFromRows(parsed.rows);
}

/** The checks of `importBaselineFromCsv` on rows already split into cells (XLSX import). */
export function importBaselineFromRows(rows: string[][]): CsvResult<{ areas: BaselineAreaRow[]; years: Year[]; areaHeader: string }> {
  const [header, ...body] = rows;
  if (!header || isBlankRow(header)) return fail(1, '', '', 'filen mangler overskriftsrad.');
  const years: Year[] = [];
  for (const raw of header.slice(1)) {
    const y = raw.trim();
    if (!YEAR_RE.test(y)) return fail(1, raw, raw, `kolonnen «${raw.trim()}» er ikke et årstall (f.eks. 2024).`);
    if (years.includes(y)) return fail(1, raw, raw, `året ${y} finnes to ganger.`);
    years.push(y);
  }
  if (years.length === 0) return fail(1, header[0] ?? '', header[0] ?? '', 'filen har ingen årskolonner.');
  const areas: BaselineAreaRow[] = [];
  for (const [index, cells] of body.entries()) {
    const row = index + 2;
    if (isBlankRow(cells)) continue;
    if (cells.length > header.length && cells.slice(header.length).some((c) => c.trim() !== '')) {
      const extra = cells.slice(header.length).find((c) => c.trim() !== '') ?? '';
      return fail(row, '', extra, `flere celler enn overskrifter («${extra}»).`);
    }
    const name = unneutraliseFormula((cells[0] ?? '').trim());
    if (name === '') return fail(row, header[0] ?? '', cells[0] ?? '', 'navn på tjenesteområdet mangler.');
    if (name.length > MAX_NAME_CHARS) return tooLong(row, header[0] ?? '', cells[0] ?? '', MAX_NAME_CHARS);
    const amounts: Record<Year, string> = {};
    for (const [k, year] of years.entries()) {
      const raw = cells[k + 1] ?? '';
      const p = parseAmount(raw);
      if (!p.ok) return fail(row, header[k + 1] ?? year, raw, p.message);
      if (p.value !== null) amounts[year] = toCanonical(p.value);
    }
    areas.push({ name, amounts });
  }
  return { ok: true, areas, years, areaHeader: unneutraliseFormula((header[0] ?? '').trim()) };
}
