import { Money, amountFromString, formatAmount, type Decimal } from './money';
import type { BalanceWarning, DecimalString, PackageLine, Year } from './types';

/**
 * Prose–figure consistency: finds money amounts written in the text of a line
 * ("økes med 300 000 kroner", "2 millioner i 2023 og 8 millioner i 2024",
 * "10 millioner kroner per år") and compares them with the line's amounts.
 *
 * Only numbers with a money unit count (million/mill./mill kr/MNOK, milliard,
 * kroner/kr/NOK, or a `kr 500 000` prefix), so years, percentages, dates,
 * ordinals ("3.-4. trinn") and counts ("20 nye plasser") are never figures.
 * A figure followed by a per-unit that is not a year ("670 kroner pr mnd",
 * "per elev") is a rate, not a budget amount, and is skipped.
 *
 * Comparison is on absolute values in million NOK, exactly (decimal.js):
 * - plain figure: equals some year's amount or the sum over all years;
 * - "X i 2023 (og 2024)": equals the amount of each named year;
 * - "X per år" / "årlig" / "hvert år": equals every year that has an amount;
 * - "X fra 2024": equals every year from 2024 on that has an amount;
 * - "X totalt" / "i planperioden" / "til sammen": equals the sum;
 * - "fra A til B millioner": the change |A − B| is the figure.
 */

/** A line (or any item with amounts) whose text is checked. */
export interface ProseItem {
  id: string;
  /** Year → canonical decimal string, million NOK. */
  amounts: Record<Year, DecimalString>;
  /** The rationale as plain text. */
  text: string;
  /** Checked as well when given: imported titles often carry the figure ("Fagfornyelsen 75 millioner"). */
  title?: string;
}

/** How a figure relates to the years of the line. */
export type FigureScope =
  | { kind: 'plain' }
  | { kind: 'years'; years: Year[] }
  | { kind: 'perYear'; from?: Year }
  | { kind: 'from'; from: Year }
  | { kind: 'total' };

/** One money amount found in prose. */
export interface ProseFigure {
  /** The words as written ("300 000 kroner per år"), whitespace normalised. */
  raw: string;
  /** The amount in million NOK, canonical decimal string, positive. */
  value: DecimalString;
  scope: FigureScope;
  /** Offset of the figure in the (normalised) text. */
  index: number;
}

const WORD_NUMBERS: Record<string, number> = {
  en: 1, 'én': 1, ett: 1, to: 2, tre: 3, fire: 4, fem: 5, seks: 6, sju: 7, syv: 7, 'åtte': 8, ni: 9, ti: 10,
};

// A number as written in Norwegian prose: "300 000", "1.500", "1,5", "23,95", "8".
const NUM = String.raw`\d{1,3}(?:[ .]\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?`;
const WORD_NUM = Object.keys(WORD_NUMBERS).join('|');
const MILLION_UNIT = String.raw`(?:millioner|million|milloner|mill\.?|mln\.?|mnok|mnkr|mkr)(?:\s*(?:kroner|kr\.?|nok)(?![\p{L}]))?`;
const BILLION_UNIT = String.raw`(?:milliarder|milliard|mrd\.?)(?:\s*(?:kroner|kr\.?|nok)(?![\p{L}]))?`;
const KRONER_UNIT = String.raw`(?:kroner|kr\.?|nok|,-)`;
// Not preceded by a letter, digit or a separator glued to a digit ("3.-4.", "1,5").
const LEAD = String.raw`(?<![\p{L}\d])(?<![\d][.,])`;

const FIGURE_RE = new RegExp(
  [
    // "fra 10 til 3 millioner": the change, 7, is what the line holds
    String.raw`${LEAD}fra\s+(?<changeA>${NUM})\s+til\s+(?<changeB>${NUM})\s*(?<changeUnit>${MILLION_UNIT}|${BILLION_UNIT}|${KRONER_UNIT})(?![\p{L}\d])`,
    // kr 500 000 / NOK 1,5 mill.
    String.raw`${LEAD}(?<pre>kr\.?|nok)\s*(?<preNum>${NUM})(?:\s*(?<preMill>${MILLION_UNIT}))?(?![\p{L}\d])`,
    // 4,4-1,2 millioner (a range in a title: one amount per year); mellom 242 og 267 millioner kroner
    String.raw`${LEAD}(?:mellom\s+)?(?<rangeA>${NUM})\s*(?:[-–]|(?<=mellom\s+\S+)\s+og)\s*(?<rangeB>${NUM})\s*(?<rangeUnit>${MILLION_UNIT}|${BILLION_UNIT})(?![\p{L}\d])`,
    // 8 millioner, 300 000 kroner, 1,5 mill., to millioner
    String.raw`${LEAD}(?<num>${NUM}|(?:${WORD_NUM})(?=\s+(?:${MILLION_UNIT}|${BILLION_UNIT})))\s*(?<unit>${MILLION_UNIT}|${BILLION_UNIT}|${KRONER_UNIT})(?![\p{L}\d])`,
  ].join('|'),
  'giu',
);

const YEAR = String.raw`(?:19|20)\d\d`;
const FILLER = String.raw`(?:kroner\s+|kr\.?\s+|ekstra\s+)*`;
const PER_YEAR_RE = new RegExp(String.raw`^\s*,?\s*${FILLER}(?:(?:per|pr\.?)\s*år|årlig|hvert\s+år|i\s+året)(?![\p{L}])(?:\s+(?:fra\s+(?:og\s+med\s+)?)(?<from>${YEAR}))?`, 'iu');
const PER_OTHER_RE = new RegExp(String.raw`^\s*${FILLER}(?:per|pr\.?)\s+\p{L}`, 'iu');
const YEARS_RE = new RegExp(String.raw`^\s*${FILLER}(?:både\s+)?(?:i|for)\s+(?<years>${YEAR}(?:\s*(?:,|og|og\s+i|og\s+for)\s*${YEAR})*)(?!\d)`, 'iu');
const FROM_RE = new RegExp(String.raw`^\s*${FILLER}fra\s+(?:og\s+med\s+)?(?<from>${YEAR})(?!\d)`, 'iu');
const TOTAL_RE = new RegExp(
  String.raw`^\s*${FILLER}(?:totalt|til\s+sammen|samlet|i\s+alt|(?:i|gjennom|over)\s+(?:hele\s+)?(?:plan|økonomiplan|handlings-\s+og\s+økonomiplan)?perioden)(?![\p{L}])`,
  'iu',
);

function normaliseSpaces(text: string): string {
  return text.replace(/[\u00A0\u202F\u2009\t]/g, ' ');
}

function parseProseNumber(s: string): Decimal | null {
  const word = WORD_NUMBERS[s.toLocaleLowerCase('nb')];
  if (word !== undefined) return new Money(word);
  let t = s;
  if (/^\d{1,3}(?:[ .]\d{3})+(?:,\d+)?$/.test(t)) t = t.replace(/[ .]/g, '');
  t = t.replace(',', '.');
  return /^\d+(?:\.\d+)?$/.test(t) ? new Money(t) : null;
}

function unitFactor(unit: string): Decimal {
  const u = unit.toLocaleLowerCase('nb');
  if (/^(milliard|mrd)/.test(u)) return new Money(1000);
  if (/^(mill|mln|mnok|mnkr|mkr)/.test(u)) return new Money(1);
  return new Money('0.000001');
}

function scopeAfter(rest: string): FigureScope | 'skip' {
  const perYear = PER_YEAR_RE.exec(rest);
  if (perYear) return perYear.groups?.from ? { kind: 'perYear', from: perYear.groups.from } : { kind: 'perYear' };
  if (PER_OTHER_RE.test(rest)) return 'skip';
  const years = YEARS_RE.exec(rest);
  if (years?.groups?.years) return { kind: 'years', years: years.groups.years.match(/\d{4}/g) ?? [] };
  const from = FROM_RE.exec(rest);
  if (from?.groups?.from) return { kind: 'from', from: from.groups.from };
  if (TOTAL_RE.test(rest)) return { kind: 'total' };
  return { kind: 'plain' };
}

function scopeLength(rest: string, scope: FigureScope): number {
  const re = scope.kind === 'perYear' ? PER_YEAR_RE : scope.kind === 'years' ? YEARS_RE : scope.kind === 'from' ? FROM_RE : scope.kind === 'total' ? TOTAL_RE : null;
  return re ? (re.exec(rest)?.[0].length ?? 0) : 0;
}

/**
 * Finds every money amount in `text` with the years it is tied to. Pure and
 * deterministic; figures come back in text order, values in million NOK.
 */
export function findProseFigures(text: string): ProseFigure[] {
  const t = normaliseSpaces(text);
  const out: ProseFigure[] = [];
  FIGURE_RE.lastIndex = 0;
  for (let m = FIGURE_RE.exec(t); m !== null; m = FIGURE_RE.exec(t)) {
    const g = m.groups ?? {};
    const end = m.index + m[0].length;
    const rest = t.slice(end, end + 120);
    const scope = scopeAfter(rest);
    if (scope === 'skip') continue;
    const raw = (m[0] + rest.slice(0, scopeLength(rest, scope))).replace(/\s+/g, ' ').trim();
    const push = (numText: string | undefined, unit: string, scopeFor: FigureScope) => {
      if (!numText) return;
      const n = parseProseNumber(numText);
      if (n === null) return;
      const value = n.times(unitFactor(unit));
      out.push({ raw, value: value.isZero() ? '0' : value.toFixed(), scope: scopeFor, index: m.index });
    };
    if (g.changeA !== undefined && g.changeB !== undefined) {
      const a = parseProseNumber(g.changeA);
      const b = parseProseNumber(g.changeB);
      if (a !== null && b !== null) {
        const value = a.minus(b).abs().times(unitFactor(g.changeUnit ?? ''));
        out.push({ raw, value: value.isZero() ? '0' : value.toFixed(), scope, index: m.index });
      }
    } else if (g.preNum !== undefined) push(g.preNum, g.preMill ?? 'kroner', scope);
    else if (g.rangeA !== undefined) {
      // "2-8 millioner" names one amount per year: each must be some year's amount.
      push(g.rangeA, g.rangeUnit ?? '', { kind: 'plain' });
      push(g.rangeB, g.rangeUnit ?? '', { kind: 'plain' });
    } else push(g.num, g.unit ?? '', scope);
  }
  return out;
}

function lineAmounts(amounts: Record<Year, DecimalString>): Map<Year, Decimal> {
  const out = new Map<Year, Decimal>();
  for (const [year, s] of Object.entries(amounts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const d = amountFromString(s);
    if (d !== null) out.set(year, d);
  }
  return out;
}

const fmt = (d: Decimal): string => formatAmount(d);

function describeAmounts(amounts: Map<Year, Decimal>): string {
  if (amounts.size === 0) return 'ingen beløp';
  const parts = [...amounts].map(([y, d]) => `${y}: ${fmt(d)}`);
  const sum = [...amounts.values()].reduce((a, b) => a.plus(b), new Money(0));
  if (amounts.size > 1) parts.push(`sum ${fmt(sum)}`);
  return parts.join('; ');
}

/** Why a figure does not fit the line, or null when it does. */
function mismatch(figure: ProseFigure, amounts: Map<Year, Decimal>): string | null {
  const x = new Money(figure.value);
  const abs = (y: Year) => (amounts.get(y) ?? new Money(0)).abs();
  const sum = [...amounts.values()].reduce((a, b) => a.plus(b), new Money(0)).abs();
  const quoted = `«${figure.raw}»`;
  const inMillions = `${fmt(x)} mill. kr`;
  switch (figure.scope.kind) {
    case 'plain': {
      if ([...amounts.values()].some((d) => d.abs().eq(x)) || (amounts.size > 0 && sum.eq(x))) return null;
      return `Teksten nevner ${quoted} (${inMillions}), men det stemmer ikke med noe beløp på linjen (${describeAmounts(amounts)}).`;
    }
    case 'years': {
      const wrong = figure.scope.years.filter((y) => !abs(y).eq(x));
      if (wrong.length === 0) return null;
      return `Teksten sier ${quoted} (${inMillions}), men linjen har ${wrong.map((y) => `${fmt(amounts.get(y) ?? new Money(0))} i ${y}`).join(' og ')}.`;
    }
    case 'perYear':
    case 'from': {
      const from = figure.scope.from;
      const years = [...amounts.keys()].filter((y) => (from === undefined || y >= from) && !amounts.get(y)?.isZero());
      const wrong = years.filter((y) => !abs(y).eq(x));
      if (years.length > 0 && wrong.length === 0) return null;
      if (years.length === 0) return `Teksten sier ${quoted} (${inMillions}), men linjen har ingen beløp${from ? ` fra ${from}` : ''}.`;
      return `Teksten sier ${quoted} (${inMillions}), men linjen har ${wrong.map((y) => `${fmt(amounts.get(y) ?? new Money(0))} i ${y}`).join(', ')}.`;
    }
    case 'total': {
      if (sum.eq(x)) return null;
      return `Teksten sier ${quoted} (${inMillions}), men summen på linjen er ${fmt(sum)}.`;
    }
  }
}

/**
 * Compares the money amounts written in each item's text (and title, when
 * given) with the item's amounts, and returns one `prose-figure-mismatch`
 * warning (severity `warning`, with `lineId`) per amount that fits none of
 * them (the same amount twice on one line is one warning), message in
 * Norwegian naming the figure as written. Items without text give none.
 * Pure: the engine stays about amounts; callers append these to its report.
 */
export function checkProseFigures(items: ProseItem[]): BalanceWarning[] {
  const warnings: BalanceWarning[] = [];
  for (const item of items) {
    const amounts = lineAmounts(item.amounts);
    // One warning per amount and line: a title and its text often repeat the same figure.
    const flagged = new Set<string>();
    for (const text of [item.title ?? '', item.text]) {
      for (const figure of findProseFigures(text)) {
        const message = mismatch(figure, amounts);
        if (message === null || flagged.has(figure.value)) continue;
        flagged.add(figure.value);
        warnings.push({ code: 'prose-figure-mismatch', severity: 'warning', lineId: item.id, message });
      }
    }
  }
  return warnings;
}

/**
 * `checkProseFigures` over package lines: each line's title and its rationale
 * (`description`, the plain text of the rich text). What the package report
 * (shared/report/packageReport.ts) appends to the engine's report.
 */
export function checkProseFiguresOfLines(lines: readonly PackageLine[]): BalanceWarning[] {
  return checkProseFigures(lines.map((l) => ({ id: l.id, amounts: l.amounts, text: l.description ?? '', title: l.title })));
}
