import type * as Y from 'yjs';
import { Money, amountFromString, type Decimal } from '../money';
import type { DecimalString, PackageLine, Year } from '../types';
import { getMetaMap } from './schema';

/**
 * The baseline budget (the chief executive's proposal per service area,
 * tjenesteområde) stored with the package, so every client and the balance
 * worker see the same frames. It lives in `meta` under `baseline` as a plain
 * JSON array `[{ name, amounts: { year: decimal string } }]`: it is replaced as
 * a whole by an import and never edited cell by cell, so a plain value (last
 * writer wins) is the right CRDT shape.
 */

export const BASELINE_META_KEY = 'baseline';

/** One service area of the baseline with its frame per year (million NOK). */
export interface BaselineArea {
  name: string;
  amounts: Record<Year, DecimalString>;
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/**
 * Replaces the package's baseline with `areas` in one transaction. Amounts
 * must be canonical decimal strings; anything else is dropped, never coerced.
 */
export function writeBaselineToDoc(doc: Y.Doc, areas: BaselineArea[], origin?: unknown): void {
  const clean = areas.map((a) => ({ name: a.name.trim(), amounts: cleanAmounts(a.amounts) })).filter((a) => a.name !== '');
  doc.transact(() => {
    getMetaMap(doc).set(BASELINE_META_KEY, clean);
  }, origin);
}

function cleanAmounts(amounts: unknown): Record<Year, DecimalString> {
  const out: Record<Year, DecimalString> = {};
  if (amounts && typeof amounts === 'object') {
    for (const [year, v] of Object.entries(amounts as Record<string, unknown>)) {
      if (/^\d{4}$/.test(year) && typeof v === 'string' && DECIMAL_RE.test(v)) out[year] = v;
    }
  }
  return out;
}

/**
 * Reads the baseline as plain records, in stored order. A missing or
 * malformed value reads as an empty baseline (the service area is then free
 * text in the UI); malformed entries are skipped.
 */
export function readBaselineFromDoc(doc: Y.Doc): BaselineArea[] {
  const raw = getMetaMap(doc).get(BASELINE_META_KEY);
  if (!Array.isArray(raw)) return [];
  const out: BaselineArea[] = [];
  for (const item of raw as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const name = (item as { name?: unknown }).name;
    if (typeof name !== 'string' || name.trim() === '') continue;
    out.push({ name, amounts: cleanAmounts((item as { amounts?: unknown }).amounts) });
  }
  return out;
}

/** A service area's frame in one year before and after the package's lines. */
export interface FrameChange {
  before: DecimalString | null;
  after: DecimalString | null;
  change: DecimalString;
}

/** Area name → year → frame change. */
export type AreaFrames = Record<string, Record<Year, FrameChange>>;

/**
 * The frame of every baseline area per year before and after the lines linked
 * to it (`line.area` equal to the area's name, trimmed, case-insensitive).
 * Only amounts the balance engine would sum count (an unreadable stored
 * amount is skipped, never a crash); a year with no baseline figure has
 * `before` and `after` null but still reports the change, so nothing is hidden.
 */
export function computeAreaFrames(baseline: BaselineArea[], lines: Iterable<PackageLine>, years: Year[]): AreaFrames {
  const key = (s: string) => s.trim().toLocaleLowerCase('nb');
  const changes = new Map<string, Map<Year, Decimal>>();
  for (const area of baseline) changes.set(key(area.name), new Map());
  for (const line of lines) {
    if (!line.area) continue;
    const byYear = changes.get(key(line.area));
    if (!byYear) continue;
    for (const [year, v] of Object.entries(line.amounts)) {
      const amount = amountFromString(v);
      if (amount !== null) byYear.set(year, (byYear.get(year) ?? new Money(0)).plus(amount));
    }
  }
  const out: AreaFrames = {};
  for (const area of baseline) {
    const byYear = changes.get(key(area.name))!;
    const frames: Record<Year, FrameChange> = {};
    for (const year of years) {
      const change = byYear.get(year) ?? new Money(0);
      const base = area.amounts[year];
      frames[year] = {
        before: base ?? null,
        after: base === undefined ? null : new Money(base).plus(change).toFixed(),
        change: change.toFixed(),
      };
    }
    out[area.name] = frames;
  }
  return out;
}
