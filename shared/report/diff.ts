/**
 * The difference between two states of a package as a budget (docs/schema.md §4,
 * «Diff»): lines and verbal instructions added, removed and changed (only what
 * changed is listed), and the net of every ledger and year before and after. Pure;
 * the server answers `GET /diff` with it and a client can compute it locally.
 */
import type { Decimal } from 'decimal.js';
import { Money, amountFromString, toCanonical } from '../money';
import { LEDGERS, type PackageLine, type PlainPackage, type VerbalInstruction } from '../types';
import { DIFF_LINE_FIELDS, type DiffLineField, type FromTo, type LineChange, type PackageDiff, type VerbalChange } from '../protocol/agreement';

/** A cell's value for the diff: the canonical amount, `?typed` for an unreadable cell, null when empty. */
function cellOf(line: PackageLine, year: string): string | null {
  const a = line.amounts[year];
  if (a !== undefined) return a;
  const typed = line.invalid?.[year];
  return typed !== undefined ? `?${typed}` : null;
}

function fieldOf(line: PackageLine, field: DiffLineField): string | null {
  const v = line[field];
  if (v === undefined || v === null || v === '' || v === false) return null;
  return String(v);
}

function lineChange(a: PackageLine, b: PackageLine): LineChange | null {
  const fields: Partial<Record<DiffLineField, FromTo>> = {};
  for (const f of DIFF_LINE_FIELDS) {
    const from = fieldOf(a, f);
    const to = fieldOf(b, f);
    if (from !== to) fields[f] = { from, to };
  }
  const amounts: Record<string, FromTo> = {};
  const years = new Set([...Object.keys(a.amounts), ...Object.keys(b.amounts), ...Object.keys(a.invalid ?? {}), ...Object.keys(b.invalid ?? {})]);
  for (const y of [...years].sort()) {
    const from = cellOf(a, y);
    const to = cellOf(b, y);
    if (from !== to) amounts[y] = { from, to };
  }
  if (Object.keys(fields).length === 0 && Object.keys(amounts).length === 0) return null;
  return { id: b.id, title: b.title, fields, amounts };
}

function verbalChange(a: VerbalInstruction, b: VerbalInstruction): VerbalChange | null {
  if (a.title === b.title && a.text === b.text) return null;
  return { id: b.id, title: b.title, from: a.text, to: b.text, ...(a.title !== b.title ? { fromTitle: a.title, toTitle: b.title } : {}) };
}

/** Ledger → year → net (tiltak + inndekning) of the readable amounts of `lines`. */
function netOf(lines: readonly PackageLine[]): Map<string, Map<string, Decimal>> {
  const out = new Map<string, Map<string, Decimal>>();
  for (const l of lines) {
    const byYear = out.get(l.ledger) ?? new Map<string, Decimal>();
    out.set(l.ledger, byYear);
    for (const [y, s] of Object.entries(l.amounts)) {
      const d = amountFromString(s);
      if (d) byYear.set(y, (byYear.get(y) ?? new Money(0)).plus(d));
    }
  }
  return out;
}

/**
 * The diff from `from` to `to`. Lines and instructions are matched by id; `net`
 * covers every ledger and every year of either side's `years` (and any year an
 * amount is in), as canonical strings.
 */
export function diffPackages(from: Pick<PlainPackage, 'years' | 'lines' | 'verbal'>, to: Pick<PlainPackage, 'years' | 'lines' | 'verbal'>): PackageDiff {
  const fromLines = new Map(from.lines.map((l) => [l.id, l]));
  const toLines = new Map(to.lines.map((l) => [l.id, l]));
  const lines: PackageDiff['lines'] = { added: [], removed: [], changed: [] };
  for (const l of to.lines) {
    const before = fromLines.get(l.id);
    if (!before) lines.added.push(l);
    else {
      const ch = lineChange(before, l);
      if (ch) lines.changed.push(ch);
    }
  }
  for (const l of from.lines) if (!toLines.has(l.id)) lines.removed.push(l);

  const fromVerbal = new Map(from.verbal.map((v) => [v.id, v]));
  const toVerbal = new Map(to.verbal.map((v) => [v.id, v]));
  const verbal: PackageDiff['verbal'] = { added: [], removed: [], changed: [] };
  for (const v of to.verbal) {
    const before = fromVerbal.get(v.id);
    if (!before) verbal.added.push(v);
    else {
      const ch = verbalChange(before, v);
      if (ch) verbal.changed.push(ch);
    }
  }
  for (const v of from.verbal) if (!toVerbal.has(v.id)) verbal.removed.push(v);

  const a = netOf(from.lines);
  const b = netOf(to.lines);
  const years = new Set([...from.years, ...to.years]);
  for (const m of [...a.values(), ...b.values()]) for (const y of m.keys()) years.add(y);
  const sortedYears = [...years].sort();
  const net: PackageDiff['net'] = {};
  const zero = new Money(0);
  for (const ledger of LEDGERS) {
    const row: PackageDiff['net'][string] = {};
    for (const y of sortedYears) {
      const f = a.get(ledger)?.get(y) ?? zero;
      const t = b.get(ledger)?.get(y) ?? zero;
      row[y] = { from: toCanonical(f), to: toCanonical(t), delta: toCanonical(t.minus(f)) };
    }
    net[ledger] = row;
  }
  return { lines, verbal, net };
}
