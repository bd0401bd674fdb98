import type * as Y from 'yjs';
import { Money, amountFromString, type Decimal } from '../money';
import type { DecimalString, Ledger, PackageLine, Year } from '../types';
import { getMetaMap } from './schema';

/**
 * The baseline budget (the chief executive's proposal per service area,
 * tjenesteområde, or per investment area) stored with the package, so every
 * client and the balance worker see the same frames. There is one baseline
 * per ledger that has frames: drift in `meta.baseline` (the key documents
 * written before investment baselines existed already use) and investering
 * in `meta.baselineInvestering`, each a plain JSON array
 * `[{ name, amounts: { year: decimal string } }]`. Uploading one replaces
 * that ledger's baseline as a whole and leaves the other alone; it is never
 * edited cell by cell, so a plain value (last writer wins) is the right CRDT
 * shape.
 */

/** The ledgers that have a baseline of frames: the operating frames per service area and the investment frames per area. */
export const BASELINE_LEDGERS = ['drift', 'investering'] as const satisfies readonly Ledger[];
/** `drift` or `investering`: a ledger that has a baseline of frames. */
export type BaselineLedger = (typeof BASELINE_LEDGERS)[number];

/** The `meta` key of each ledger's baseline. */
export const BASELINE_META_KEYS: Record<BaselineLedger, string> = { drift: 'baseline', investering: 'baselineInvestering' };
/** The drift baseline's key (kept under its old name, so documents written before need no conversion). */
export const BASELINE_META_KEY = BASELINE_META_KEYS.drift;

/** One service area of the baseline with its frame per year (million NOK). */
export interface BaselineArea {
  name: string;
  amounts: Record<Year, DecimalString>;
}

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** Both baselines: the drift frames and the investment frames (each may be empty). */
export type LedgerBaselines = Record<BaselineLedger, BaselineArea[]>;

/**
 * Replaces the baseline of `ledger` (default drift) with `areas` in one
 * transaction; the other ledger's baseline is not touched. Amounts must be
 * canonical decimal strings; anything else is dropped, never coerced.
 */
export function writeBaselineToDoc(doc: Y.Doc, areas: BaselineArea[], origin?: unknown, ledger: BaselineLedger = 'drift'): void {
  const clean = areas.map((a) => ({ name: a.name.trim(), amounts: cleanAmounts(a.amounts) })).filter((a) => a.name !== '');
  doc.transact(() => {
    getMetaMap(doc).set(BASELINE_META_KEYS[ledger], clean);
  }, origin);
}

/**
 * Which ledger a baseline file is for, from the header of its first column:
 * «investeringsområde» (or anything starting with «investering») is the
 * investment baseline; everything else (`tjenesteområde` …) the drift baseline.
 */
export function baselineLedgerOfHeader(firstHeader: string): BaselineLedger {
  return /^\s*investering/i.test(firstHeader) ? 'investering' : 'drift';
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
export function readBaselineFromDoc(doc: Y.Doc, ledger: BaselineLedger = 'drift'): BaselineArea[] {
  const raw = getMetaMap(doc).get(BASELINE_META_KEYS[ledger]);
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

/** Both baselines of the package, each read as `readBaselineFromDoc` reads it. */
export function readBaselinesFromDoc(doc: Y.Doc): LedgerBaselines {
  return { drift: readBaselineFromDoc(doc, 'drift'), investering: readBaselineFromDoc(doc, 'investering') };
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

/** Per ledger with a baseline: area name → year → frame change. */
export type LedgerFrames = Record<BaselineLedger, AreaFrames>;

/**
 * The frames of both baselines: the drift areas changed by the drift lines
 * linked to them, the investment areas by the investering lines (an area
 * name may be in both, e.g. «Skole», and each keeps its own frame). Lines of
 * the fund have no frames. See `computeAreaFrames`.
 */
export function computeLedgerFrames(baselines: Partial<LedgerBaselines>, lines: Iterable<PackageLine>, years: Year[]): LedgerFrames {
  const byLedger: Record<BaselineLedger, PackageLine[]> = { drift: [], investering: [] };
  for (const line of lines) if (line.area && (line.ledger === 'drift' || line.ledger === 'investering')) byLedger[line.ledger].push(line);
  return {
    drift: computeAreaFrames(baselines.drift ?? [], byLedger.drift, years),
    investering: computeAreaFrames(baselines.investering ?? [], byLedger.investering, years),
  };
}
