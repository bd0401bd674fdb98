import Decimal from 'decimal.js';

/**
 * Money: parsing what people type and paste, canonical strings for machines and
 * Norwegian formatting for people. Every amount is in **million NOK**.
 *
 * Parsing rules (the contract; test/shared/money.test.ts pins each one):
 * - Blank (only whitespace) is "no amount": `{ ok: true, value: null }`.
 * - Sign: `-`, `−` (U+2212), `–` (U+2013, what Word's autocorrect makes of a
 *   typed minus) or `+`, optionally followed by a space. An amount wrapped in
 *   parentheses, `(3,5)`, is negative: that is how Excel's accounting formats
 *   show negatives, and it is what a paste from such a sheet contains.
 * - Unit suffix (case-insensitive, optional): `mill`, `mill.`, `million`,
 *   `millioner`, `mln`, each optionally followed by `kr`, `kr.`, `kroner` or
 *   `NOK`; or `MNOK`, `mnkr`, `mkr`. A bare `kr`/`kroner`/`NOK` is **refused**:
 *   amounts are million NOK, so "300 000 kr" accepted as 300 000 million would
 *   be a silent, enormous error; the message tells the user to write `0,3`.
 * - Thousands separators: space, no-break space (U+00A0), narrow no-break
 *   space (U+202F) or thin space (U+2009); groups after the first must have
 *   exactly three digits (`1 500`, not `15 00`).
 * - Decimal separator: `,` or `.`.
 *   - With both kinds present the last one is the decimal separator and the
 *     other must group thousands correctly: `1.234,5` (Norwegian) and
 *     `1,234.5` (English) both mean 1234.5; neither is ambiguous.
 *   - A separator that occurs more than once groups thousands: `1.234.567`.
 *   - A single `,` or `.` followed by exactly three digits after a non-zero
 *     integer part of one to three digits (`1.500`, `2,000`) is **refused as
 *     ambiguous**: Norwegian writing uses `.` for thousands and English uses
 *     `,`, so it could mean 1 500 or 1,5. Guessing either way would be wrong
 *     for someone; the message asks for `1 500` or `1,5`.
 *   - `1 500,-` (the Norwegian "no øre" mark) is accepted as a whole number.
 * - At most `MAX_INPUT_DECIMALS` decimals after trailing zeros are dropped
 *   (`0,500` is 0,5; `0,125` is an error), and at most `MAX_INTEGER_DIGITS`
 *   integer digits.
 * - Everything else (`abc`, `1,2,3`, `1e400`, `NaN`, `Infinity`, `12..5`) is
 *   an error that keeps the original text and says in Norwegian what is wrong.
 */

/**
 * The one decimal constructor for money. 40 significant digits: amounts have
 * at most `MAX_INTEGER_DIGITS + MAX_INPUT_DECIMALS` digits, so sums of any
 * realistic number of lines are exact and the engine never rounds.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
/** The decimal value type produced by `Money` and `parseAmount`. */
export type { Decimal };

/** Most decimals a typed amount may have (0,01 million NOK = 10 000 kr). */
export const MAX_INPUT_DECIMALS = 2;
/** Most integer digits a typed amount may have (a guard against pasted garbage; 10^12 million NOK is absurd). */
export const MAX_INTEGER_DIGITS = 12;
/** The minus sign used for display (U+2212), as Norwegian typography prescribes. */
export const MINUS_SIGN = '\u2212';
/** The thousands separator used for display: no-break space (U+00A0), so `2 401` never wraps. */
export const THOUSANDS_SEPARATOR = '\u00A0';
/** The decimal separator used for display. */
export const DECIMAL_SEPARATOR = ',';

/** The outcome of `parseAmount`: a value (null = blank), or the typed text with a Norwegian message. */
export type ParsedAmount = { ok: true; value: Decimal | null } | { ok: false; text: string; message: string };

const SPACE_CHARS = /[ \u00A0\u202F\u2009]/;
const SIGN_RE = /^([-+\u2212\u2013])[ \u00A0\u202F\u2009]*/;
const UNIT_RE =
  /[ \u00A0\u202F\u2009]*(?:(?:mill(?:ioner|ion)?|mln)\.?(?:[ \u00A0\u202F\u2009]*(?:kr\.?|kroner|nok))?|mnok|mnkr|mkr)$/i;
const BARE_KRONER_RE = /[ \u00A0\u202F\u2009]*(?:kr\.?|kroner|nok)$/i;
const NO_ORE_RE = /[,.]-$/;

function fail(text: string, message: string): ParsedAmount {
  return { ok: false, text, message };
}

const HINT = 'Skriv et beløp i millioner kroner, f.eks. 1,5 eller −3.';

function validGroups(runs: string[]): boolean {
  const [first, ...rest] = runs;
  if (first === undefined || first.length < 1 || first.length > 3) return false;
  return rest.every((r) => r.length === 3);
}

/**
 * Parses what a person typed or pasted into an amount cell (million NOK) by the
 * rules above. Never throws: every input yields either a value, null for blank,
 * or an error that keeps the original `text` and carries a Norwegian `message`.
 */
export function parseAmount(text: string): ParsedAmount {
  try {
    return parseAmountUnsafe(text);
  } catch {
    // Defensive only: every path above returns; a bug must not turn into a thrown cell edit.
    return fail(text, `Forstår ikke «${text}» som et beløp. ${HINT}`);
  }
}

function parseAmountUnsafe(text: string): ParsedAmount {
  let s = String(text).trim();
  if (s === '') return { ok: true, value: null };

  let negative = false;
  const paren = /^\((.*)\)$/.exec(s);
  if (paren) {
    negative = true;
    s = (paren[1] ?? '').trim();
  }

  const unit = UNIT_RE.exec(s);
  if (unit && unit.index > 0) s = s.slice(0, unit.index).trim();
  else if (BARE_KRONER_RE.test(s) && /\d/.test(s)) {
    return fail(text, `Beløp føres i millioner kroner, ikke kroner: skriv f.eks. «0,3» eller «0,3 mill» for 300 000 kr.`);
  }

  const sign = SIGN_RE.exec(s);
  if (sign) {
    if (paren) return fail(text, `Både parentes og fortegn i «${text}». ${HINT}`);
    negative = sign[1] !== '+';
    s = s.slice(sign[0].length);
  }

  if (NO_ORE_RE.test(s)) s = s.slice(0, -2);
  if (s === '') return fail(text, `Mangler tall i «${text}». ${HINT}`);

  if (/[eE]/.test(s) && /\d/.test(s) && /^[\d.,]*[eE][-+]?\d+$/.test(s)) {
    return fail(text, `Tall med eksponent («${text}») godtas ikke. ${HINT}`);
  }
  const bad = /[^\d., \u00A0\u202F\u2009]/.exec(s);
  if (bad || !/\d/.test(s)) return fail(text, `Forstår ikke «${text}» som et beløp. ${HINT}`);

  // Split into digit runs and the separators between them.
  const runs: string[] = [];
  const seps: string[] = [];
  let current = '';
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') current += ch;
    else {
      runs.push(current);
      seps.push(SPACE_CHARS.test(ch) ? ' ' : ch);
      current = '';
    }
  }
  runs.push(current);

  if (runs.slice(1, -1).some((r) => r === '') || (runs.length > 1 && runs[runs.length - 1] === '')) {
    return fail(text, `To skilletegn etter hverandre eller skilletegn til slutt i «${text}». ${HINT}`);
  }

  let intRuns: string[];
  let fraction = '';
  const last = seps[seps.length - 1];
  if (last === undefined) {
    intRuns = runs;
  } else if (last !== ' ' && seps.filter((c) => c === last).length === 1) {
    // The last separator is a lone ',' or '.': a decimal separator.
    fraction = runs[runs.length - 1] ?? '';
    intRuns = runs.slice(0, -1);
    const grouping = seps.slice(0, -1);
    const intPart = intRuns.join('');
    if (grouping.length === 0) {
      if (intRuns[0] === '') intRuns = ['0']; // ",5" means 0,5
      else if (fraction.length === 3 && intPart.length <= 3 && !/^0/.test(intPart)) {
        return fail(
          text,
          `«${text}» er tvetydig: det kan bety ${intPart} ${fraction} eller ${intPart},${fraction}. Skriv «${intPart} ${fraction}» eller «${intPart},${fraction.replace(/0+$/, '') || '0'}».`,
        );
      }
    } else if (new Set(grouping).size > 1 || !validGroups(intRuns)) {
      return fail(text, `Feil bruk av tusenskille i «${text}». Skriv f.eks. 1 500,25.`);
    }
  } else {
    // Only grouping separators: all the same kind, correctly grouped.
    if (new Set(seps).size > 1 || !validGroups(runs)) {
      const msg =
        last === ' '
          ? `Mellomrom kan bare skille tusener (f.eks. 1 500) i «${text}».`
          : `For mange skilletegn i «${text}»: bruk komma som desimaltegn og mellomrom som tusenskille, f.eks. 1 500,25.`;
      return fail(text, msg);
    }
    intRuns = runs;
  }

  const intDigits = intRuns.join('').replace(/^0+(?=\d)/, '');
  const fracDigits = fraction.replace(/0+$/, '');
  if (intDigits.length > MAX_INTEGER_DIGITS) {
    return fail(text, `Beløpet «${text}» er for stort (beløp føres i millioner kroner).`);
  }
  if (fracDigits.length > MAX_INPUT_DECIMALS) {
    return fail(text, `For mange desimaler i «${text}»: høyst ${MAX_INPUT_DECIMALS} (0,01 = 10 000 kr).`);
  }
  const value = new Money(`${negative ? '-' : ''}${intDigits || '0'}${fracDigits ? '.' + fracDigits : ''}`);
  return { ok: true, value: value.isZero() ? new Money(0) : value };
}

/**
 * The canonical machine form of an amount: `.` decimal point, `-` sign, no
 * exponent, no trailing zeros, never `-0` (`-93.65`, `2401`, `0`). This is the
 * only form stored in documents and returned by the API. Throws a RangeError
 * for NaN or infinite values, which no parsed amount can be.
 */
export function toCanonical(d: Decimal): string {
  if (!d.isFinite()) throw new RangeError(`Not a finite amount: ${d.toString()}`);
  if (d.isZero()) return '0';
  return d.toFixed();
}

const CANONICAL_RE = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/** True when `s` is exactly the canonical form `toCanonical` produces (`"-0"` is not). */
export function isCanonical(s: string): boolean {
  return CANONICAL_RE.test(s) && s !== '-0';
}

/**
 * Reads a stored amount string. Canonical strings (and any plain decimal such
 * as `"1.50"`) are read exactly; anything else goes through `parseAmount`, so a
 * hand-edited document holding `"1,5"` still counts. Returns null for blank or
 * unreadable text; never throws.
 */
export function amountFromString(s: string): Decimal | null {
  if (/^-?\d+(?:\.\d+)?$/.test(s)) {
    const d = new Money(s);
    return d.isZero() ? new Money(0) : d;
  }
  const parsed = parseAmount(s);
  return parsed.ok ? parsed.value : null;
}

/** Options for `formatAmount`. */
export interface FormatOptions {
  /** Fixed number of decimals (rounded half up); default: as many as the value has. */
  decimals?: number;
  /** Show `+` before positive amounts (balance messages: «+1,20»). Zero gets no sign. */
  signed?: boolean;
}

/**
 * Formats an amount for people the Norwegian way: decimal comma, no-break
 * space (`THOUSANDS_SEPARATOR`) between thousands, `−` (U+2212) for negatives,
 * no trailing zeros unless `decimals` is given (`−93,65`, `2 401`, `0,45`,
 * `74,7`). Never shows `−0`. A string that is not a decimal is returned
 * unchanged rather than thrown, so a bad stored value stays visible.
 */
export function formatAmount(value: Decimal | string, opts: FormatOptions = {}): string {
  let d: Decimal | null;
  if (typeof value === 'string') {
    d = amountFromString(value);
    if (d === null) return value;
  } else d = value;
  if (!d.isFinite()) return d.toString();
  const fixed = opts.decimals === undefined ? d.toFixed() : d.toFixed(opts.decimals);
  const negative = fixed.startsWith('-') && /[1-9]/.test(fixed);
  const unsigned = fixed.replace(/^-/, '');
  const [intPart = '0', fracPart] = unsigned.split('.');
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, THOUSANDS_SEPARATOR);
  const sign = negative ? MINUS_SIGN : opts.signed && /[1-9]/.test(fixed) ? '+' : '';
  return sign + grouped + (fracPart ? DECIMAL_SEPARATOR + fracPart : '');
}

/** Exact sum of canonical amount strings (unreadable strings count as nothing). */
export function sumAmounts(values: Iterable<string>): Decimal {
  let sum = new Money(0);
  for (const v of values) {
    const d = amountFromString(v);
    if (d) sum = sum.plus(d);
  }
  return sum;
}
