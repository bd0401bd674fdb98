import { MAX_INPUT_DECIMALS, MAX_INTEGER_DIGITS, formatAmount, parseAmount } from './money';
import {
  LEDGERS,
  type BalanceInput,
  type BalanceReport,
  type BalanceWarning,
  type FundLedgerReport,
  type Group,
  type InvestmentLedgerReport,
  type Ledger,
  type LedgerReport,
  type LedgerSums,
  type PackageLine,
  type Year,
} from './types';

/**
 * The balance engine: a pure function (and an incremental object) from a plain
 * package to a `BalanceReport`. No Yjs, no I/O, and no rounding anywhere:
 * amounts have at most two decimals and every sum is exact.
 *
 * Rules (kommuneloven §§ 14-4 and 14-10 for drift; the fund never below zero;
 * one-time money never for permanent costs), and the decisions this module makes
 * where the rules leave room:
 * - `net` = tiltak + inndekning, per year and in total. Every year of `years`
 *   appears in every ledger's `byYear`; amounts in other years are not summed
 *   (they get an `amount-outside-years` error instead).
 * - Unknown years: a year in which a ledger holds an unreadable amount (a
 *   cell of `line.invalid`, or a stored amount that does not read) is not
 *   known to balance. It is listed in `unknownYears` (with the number of such
 *   cells in `unreadableCells`), never in `unbalancedYears`, gets one
 *   `year-unknown` error per ledger and year, and makes the ledger not
 *   `balanced`. For the fund with an opening balance the running balance
 *   carries over, so that year and every later year are unknown (and have no
 *   `runningBalance`).
 * - drift is balanced when net = 0 in every plan year (`drift-unbalanced`,
 *   error, one per year). Years outside the plan period are summed but not judged.
 * - investering: a year's net is the change in borrowing (`borrowing`, and an
 *   `investering-borrowing` info per year with a non-zero net: «finansieres
 *   med lån»). Borrowing breaks no rule, so `unbalancedYears` is always empty
 *   and the ledger is balanced unless a year is unknown.
 * - fond (disposisjonsfond): positive = spending financed from the fund,
 *   negative = money put into it. With an opening balance, `runningBalance[y]`
 *   = opening − cumulative net up to and including y, and the fund is balanced
 *   when that is never below zero (`fund-below-zero`, error, per year). Without
 *   an opening balance (or with an unreadable one, which is itself an error)
 *   `runningBalance` is `{}` and only unknown years make the fund unbalanced:
 *   there is nothing to judge against.
 * - A fond line that takes money from the fund (any amount that is not
 *   negative, or no amounts at all) and is marked permanent or has a non-zero
 *   amount in every plan year gets `one-time-money-permanent-cost` (warning).
 *   Lines that only put money into the fund are exempt: saving every year is fine.
 * - Stored amounts must be decimal strings with at most `MAX_INPUT_DECIMALS`
 *   decimals and `MAX_INTEGER_DIGITS` integer digits; anything else, and every
 *   entry of `line.invalid`, is an `invalid-amount` error that quotes the text
 *   and is not summed (never silently 0).
 *
 * Exactness and speed: because every accepted amount has at most two
 * decimals, the engine sums exact integer hundredths of a million NOK
 * (`ExactSums` below: integer arithmetic only, spilling into `bigint` long
 * before a JS number could lose a digit; never a binary fraction, never
 * rounded) and turns them into canonical decimal strings only for the report. decimal.js is still what
 * parses anything that is not already a plain decimal string (via
 * `parseAmount`) and what formats the messages; constructing and adding
 * decimal.js values for every cell would cost about 12 ms per full recompute
 * of 2,000 lines × 5 years instead of well under 2 ms (docs/BENCHMARKS.md).
 *
 * Warning order is deterministic: package-level findings first (opening
 * balance, then drift, investering and fond by year), then each line's
 * findings with lines in input order (for `BalanceEngine`: the order lines
 * were first set), within a line by code then year.
 */

/** Stable codes of the engine's findings. */
export const WARNING_CODES = [
  'invalid-fund-opening-balance',
  'drift-unbalanced',
  'investering-borrowing',
  'fund-below-zero',
  'year-unknown',
  'invalid-amount',
  'amount-outside-years',
  'line-without-amounts',
  'one-time-money-permanent-cost',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** The package-level inputs of the engine (everything but the lines). */
export type BalanceMeta = Omit<BalanceInput, 'lines'>;

/**
 * An exact running sum of integer hundredths, split so the hot path never
 * allocates a bigint: `small` is a JS integer kept within ±SMALL_SUM_LIMIT
 * (2^52); whenever an addition would leave that range it is moved into the
 * `big` bigint. Each added amount is below 10^14 < 2^47 in magnitude, so
 * `small + amount` is below 2^53 and therefore exact: integer arithmetic only,
 * never a binary fraction, for any number of lines.
 */
interface ExactSums {
  small: number[];
  big: bigint[];
}

/** Sums of one ledger, per group, indexed like `Context.years`, and its unreadable cells per year. */
interface LedgerSumsCents {
  tiltak: ExactSums;
  inndekning: ExactSums;
  unreadable: number[];
}

const SMALL_SUM_LIMIT = 2 ** 52;

interface Context {
  years: Year[];
  /** Year → index into `years` (and into the sums arrays). */
  yearIndex: Map<Year, number>;
  planYears: Year[];
  planYearSet: Set<Year>;
  /** Opening balance of the fund in hundredths, or null when none (or unreadable). */
  opening: bigint | null;
  metaWarnings: BalanceWarning[];
}

/** What one line contributes: (year index, hundredths) pairs inside `years`, and its own findings. */
interface LineAnalysis {
  ledger: Ledger;
  group: Group;
  yearIdx: number[];
  /** Integer hundredths (|c| < 10^14, exact in a JS number). */
  cents: number[];
  /** Year indexes (inside `years`) of this line's unreadable cells, one per cell; null when none (the usual case). */
  unreadableIdx: number[] | null;
  warnings: BalanceWarning[];
}

const CENTS_PER_UNIT = 10 ** MAX_INPUT_DECIMALS;

function byYear(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lineName(line: PackageLine): string {
  return line.title.trim() ? `«${line.title.trim()}»` : 'Linje uten tittel';
}

/** Hundredths → canonical decimal string (`-93.65`, `2401`, `0`), the same form `toCanonical` gives. */
function centsToCanonical(c: bigint): string {
  if (c === 0n) return '0';
  const negative = c < 0n;
  const digits = (negative ? -c : c).toString().padStart(MAX_INPUT_DECIMALS + 1, '0');
  const intPart = digits.slice(0, -MAX_INPUT_DECIMALS);
  const frac = digits.slice(-MAX_INPUT_DECIMALS).replace(/0+$/, '');
  return (negative ? '-' : '') + intPart + (frac ? '.' + frac : '');
}

function signed(c: bigint): string {
  return formatAmount(centsToCanonical(c), { decimals: 2, signed: true });
}

/**
 * Reads a plain decimal string (`-93.65`, `2401`) with at most MAX_INTEGER_DIGITS
 * integer digits and MAX_INPUT_DECIMALS decimals into integer hundredths, or
 * null. The result has at most 14 digits, so it is an exact integer in a JS
 * number (< 2^53) before it becomes a bigint; no fraction is ever involved.
 */
function centsFromPlain(s: string): number | null {
  const len = s.length;
  let i = 0;
  let negative = false;
  if (len > 0 && s.charCodeAt(0) === 45) {
    negative = true;
    i = 1;
  }
  let n = 0;
  let intDigits = 0;
  let fracDigits = -1;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (fracDigits >= 0 || intDigits === 0) return null;
      fracDigits = 0;
      continue;
    }
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
    if (fracDigits >= 0) {
      if (++fracDigits > MAX_INPUT_DECIMALS) return null;
    } else if (++intDigits > MAX_INTEGER_DIGITS) return null;
  }
  if (intDigits === 0 || fracDigits === 0) return null;
  for (let d = Math.max(fracDigits, 0); d < MAX_INPUT_DECIMALS; d++) n *= 10;
  return negative ? -n : n;
}

function makeContext(meta: BalanceMeta): Context {
  const metaWarnings: BalanceWarning[] = [];
  let opening: bigint | null = null;
  if (meta.fundOpeningBalance !== undefined && meta.fundOpeningBalance.trim() !== '') {
    const cents = readStoredCents(meta.fundOpeningBalance);
    opening = cents === null ? null : BigInt(cents);
    if (opening === null) {
      metaWarnings.push({
        code: 'invalid-fund-opening-balance',
        severity: 'error',
        ledger: 'fond',
        message: `Inngående saldo for disposisjonsfondet «${meta.fundOpeningBalance}» er ikke et gyldig beløp; fondet kontrolleres ikke.`,
      });
    }
  }
  return {
    years: [...meta.years],
    yearIndex: new Map(meta.years.map((y, i) => [y, i])),
    planYears: [...meta.planYears],
    planYearSet: new Set(meta.planYears),
    opening,
    metaWarnings,
  };
}

/**
 * Reads a stored amount within the input limits into integer hundredths, or
 * null. Plain decimal strings take the fast path; anything else (a hand-edited
 * `"1,5"`) goes through parseAmount and its limits (at most 12 integer digits
 * and 2 decimals, so the result is an exact integer below 10^14).
 */
function readStoredCents(s: string): number | null {
  const plain = centsFromPlain(s);
  if (plain !== null) return plain;
  const parsed = parseAmount(s);
  if (!parsed.ok || parsed.value === null) return null;
  return Number(parsed.value.times(CENTS_PER_UNIT).toFixed(0));
}

function invalidAmountWarning(line: PackageLine, year: Year, text: string): BalanceWarning {
  const why = parseAmount(text);
  return {
    code: 'invalid-amount',
    severity: 'error',
    lineId: line.id,
    ledger: line.ledger,
    year,
    message: `${lineName(line)} ${year}: «${text}» er ikke et gyldig beløp.${why.ok ? '' : ' ' + why.message}`,
  };
}

function byWarningYear(a: BalanceWarning, b: BalanceWarning): number {
  return byYear(a.year ?? '', b.year ?? '');
}

function analyseLine(line: PackageLine, ctx: Context): LineAnalysis {
  const yearIdx: number[] = [];
  const cents: number[] = [];
  let invalid: BalanceWarning[] | null = null;
  let unreadableYears: Year[] | null = null;
  let outside: BalanceWarning[] | null = null;
  let amountCount = 0;
  let takesFromFund = false;
  let nonZeroPlanYears = 0;
  const isFond = line.ledger === 'fond';

  const amounts = line.amounts;
  const keys = Object.keys(amounts);
  for (let k = 0; k < keys.length; k++) {
    const year = keys[k] as Year;
    const text = amounts[year];
    if (text === undefined || text === '') continue;
    const plain = centsFromPlain(text);
    if (plain === null && text.trim() === '') continue;
    amountCount++;
    const value = plain !== null ? plain : readStoredCents(text);
    if (value === null) {
      (invalid ??= []).push(invalidAmountWarning(line, year, text));
      (unreadableYears ??= []).push(year);
      continue;
    }
    if (value >= 0) takesFromFund = true;
    const idx = ctx.yearIndex.get(year);
    if (idx === undefined) {
      const where = ctx.years.length > 0 ? `pakken gjelder ${ctx.years[0]}–${ctx.years[ctx.years.length - 1]}` : 'pakken har ingen år';
      (outside ??= []).push({
        code: 'amount-outside-years',
        severity: 'error',
        lineId: line.id,
        ledger: line.ledger,
        year,
        message: `${lineName(line)} har beløp i ${year} (${formatAmount(centsToCanonical(BigInt(value)))}), men ${where}. Beløpet er ikke tatt med.`,
      });
      continue;
    }
    if (isFond && value !== 0 && ctx.planYearSet.has(year)) nonZeroPlanYears++;
    yearIdx.push(idx);
    cents.push(value);
  }

  if (line.invalid) {
    for (const year in line.invalid) {
      amountCount++;
      (invalid ??= []).push(invalidAmountWarning(line, year, line.invalid[year] ?? ''));
      (unreadableYears ??= []).push(year);
    }
  }
  // One cell per year: a hand-made document may hold both a bad stored amount and typed text for one year.
  let unreadableIdx: number[] | null = null;
  if (unreadableYears) {
    for (const year of new Set(unreadableYears)) {
      const idx = ctx.yearIndex.get(year);
      if (idx !== undefined) (unreadableIdx ??= []).push(idx);
    }
  }

  const warnings: BalanceWarning[] = [];
  // Stable sorts: for one year, a bad stored amount comes before the kept typed text.
  if (invalid) warnings.push(...invalid.sort(byWarningYear));
  if (outside) warnings.push(...outside.sort(byWarningYear));
  if (amountCount === 0) {
    warnings.push({ code: 'line-without-amounts', severity: 'warning', lineId: line.id, ledger: line.ledger, message: `${lineName(line)} har ingen beløp.` });
  }
  if (isFond && (takesFromFund || amountCount === 0)) {
    const everyPlanYear = ctx.planYearSet.size > 0 && nonZeroPlanYears >= ctx.planYearSet.size;
    if (line.permanent || everyPlanYear) {
      warnings.push({
        code: 'one-time-money-permanent-cost',
        severity: 'warning',
        lineId: line.id,
        ledger: line.ledger,
        message: `${lineName(line)} finansieres av disposisjonsfondet, men ${line.permanent ? 'er merket som varig' : 'har beløp i hvert år av planperioden'}. Engangspenger kan ikke finansiere varige driftsutgifter.`,
      });
    }
  }
  return { ledger: line.ledger, group: line.group, yearIdx, cents, unreadableIdx, warnings };
}

function emptyExact(n: number): ExactSums {
  return { small: new Array<number>(n).fill(0), big: new Array<bigint>(n).fill(0n) };
}

function exactValue(s: ExactSums, idx: number): bigint {
  return (s.big[idx] ?? 0n) + BigInt(s.small[idx] ?? 0);
}

function emptySums(ctx: Context): LedgerSumsCents {
  return { tiltak: emptyExact(ctx.years.length), inndekning: emptyExact(ctx.years.length), unreadable: new Array<number>(ctx.years.length).fill(0) };
}

function emptyAllSums(ctx: Context): Record<Ledger, LedgerSumsCents> {
  return { drift: emptySums(ctx), investering: emptySums(ctx), fond: emptySums(ctx) };
}

function applyContribution(sums: Record<Ledger, LedgerSumsCents>, a: LineAnalysis, sign: 1 | -1): void {
  const ledgerSums = sums[a.ledger];
  if (!ledgerSums) return; // an unknown ledger from a malformed document counts nowhere
  const target = a.group === 'tiltak' ? ledgerSums.tiltak : ledgerSums.inndekning;
  const small = target.small;
  for (let k = 0; k < a.yearIdx.length; k++) {
    const idx = a.yearIdx[k] as number;
    let x = (small[idx] as number) + sign * (a.cents[k] as number);
    if (x > SMALL_SUM_LIMIT || x < -SMALL_SUM_LIMIT) {
      target.big[idx] = (target.big[idx] as bigint) + BigInt(x);
      x = 0;
    }
    small[idx] = x;
  }
  if (a.unreadableIdx) for (const idx of a.unreadableIdx) ledgerSums.unreadable[idx] = (ledgerSums.unreadable[idx] ?? 0) + sign;
}

function sumsRecord(tiltak: bigint, inndekning: bigint): LedgerSums {
  return { tiltak: centsToCanonical(tiltak), inndekning: centsToCanonical(inndekning), net: centsToCanonical(tiltak + inndekning) };
}

interface BuiltLedger {
  report: LedgerReport | FundLedgerReport | InvestmentLedgerReport;
  warnings: BalanceWarning[];
}

const LEDGER_NAMES: Record<Ledger, string> = { drift: 'Drift', investering: 'Investering', fond: 'Disposisjonsfondet' };

function cellsWord(n: number): string {
  return n === 1 ? '1 uleselig beløp' : `${n} uleselige beløp`;
}

function buildLedger(ledger: Ledger, sums: LedgerSumsCents, ctx: Context): BuiltLedger {
  const byYearRecord: Record<Year, LedgerSums> = {};
  const nets: bigint[] = [];
  let totalT = 0n;
  let totalI = 0n;
  ctx.years.forEach((y, i) => {
    const t = exactValue(sums.tiltak, i);
    const n = exactValue(sums.inndekning, i);
    byYearRecord[y] = sumsRecord(t, n);
    nets.push(t + n);
    totalT += t;
    totalI += n;
  });
  const unbalancedYears: Year[] = [];
  const warnings: BalanceWarning[] = [];
  const runningBalance: Record<Year, string> = {};
  const borrowing: Record<Year, string> = {};

  // Which years are unknown: an unreadable cell in them, or (fund with an opening balance) in an earlier year.
  const unreadableCells: Record<Year, number> = {};
  const unknown: boolean[] = [];
  const carries = ledger === 'fond' && ctx.opening !== null;
  let firstUnknown = -1;
  ctx.years.forEach((y, i) => {
    const n = sums.unreadable[i] ?? 0;
    if (n > 0) {
      unreadableCells[y] = n;
      if (firstUnknown < 0) firstUnknown = i;
    }
    unknown.push(n > 0 || (carries && firstUnknown >= 0 && i >= firstUnknown));
  });
  const unknownYears = ctx.years.filter((_, i) => unknown[i]);
  for (const [i, y] of ctx.years.entries()) {
    if (!unknown[i]) continue;
    const own = sums.unreadable[i] ?? 0;
    const first = ctx.years[firstUnknown];
    warnings.push({
      code: 'year-unknown',
      severity: 'error',
      ledger,
      year: y,
      message:
        own > 0
          ? `${LEDGER_NAMES[ledger]} ${y}: ? — ${cellsWord(own)}, så balansen for året er ukjent.`
          : `${LEDGER_NAMES[ledger]} ${y}: ? — saldoen er ukjent fordi ${first} har uleselige beløp.`,
    });
  }

  if (ledger === 'drift') {
    ctx.years.forEach((y, i) => {
      const net = nets[i] ?? 0n;
      if (net === 0n || unknown[i] || !ctx.planYearSet.has(y)) return;
      unbalancedYears.push(y);
      warnings.push({ code: 'drift-unbalanced', severity: 'error', ledger, year: y, message: `Drift ${y} går ikke i balanse: ${signed(net)}` });
    });
  } else if (ledger === 'investering') {
    ctx.years.forEach((y, i) => {
      if (unknown[i]) return;
      const net = nets[i] ?? 0n;
      borrowing[y] = centsToCanonical(net);
      if (net === 0n) return;
      const amount = formatAmount(centsToCanonical(net < 0n ? -net : net), { decimals: 2 });
      warnings.push({
        code: 'investering-borrowing',
        severity: 'info',
        ledger,
        year: y,
        message:
          net > 0n
            ? `Investering ${y} finansieres med lån: ${signed(net)} betyr økt låneopptak på ${amount}.`
            : `Investering ${y} reduserer låneopptaket: ${signed(net)} betyr redusert låneopptak på ${amount}.`,
      });
    });
  } else if (ctx.opening !== null) {
    let balance = ctx.opening;
    ctx.years.forEach((y, i) => {
      if (unknown[i]) return;
      balance -= nets[i] ?? 0n;
      runningBalance[y] = centsToCanonical(balance);
      if (balance < 0n) {
        unbalancedYears.push(y);
        warnings.push({
          code: 'fund-below-zero',
          severity: 'error',
          ledger,
          year: y,
          message: `Disposisjonsfondet går under null i ${y}: saldo ${formatAmount(centsToCanonical(balance), { decimals: 2 })}.`,
        });
      }
    });
  }
  // Per year: the unknown-year error first, then the rule's finding (none for an unknown year).
  warnings.sort(byWarningYear);

  const report: LedgerReport = {
    byYear: byYearRecord,
    total: sumsRecord(totalT, totalI),
    balanced: unbalancedYears.length === 0 && unknownYears.length === 0,
    unbalancedYears,
    unknownYears,
    unreadableCells,
  };
  if (ledger === 'fond') return { report: { ...report, runningBalance }, warnings };
  if (ledger === 'investering') return { report: { ...report, borrowing }, warnings };
  return { report, warnings };
}

function assemble(ctx: Context, built: Record<Ledger, BuiltLedger>, lineWarnings: BalanceWarning[]): BalanceReport {
  return {
    years: [...ctx.years],
    planYears: [...ctx.planYears],
    ledgers: {
      drift: built.drift.report,
      investering: built.investering.report as InvestmentLedgerReport,
      fond: built.fond.report as FundLedgerReport,
    },
    warnings: [...ctx.metaWarnings, ...built.drift.warnings, ...built.investering.warnings, ...built.fond.warnings, ...lineWarnings],
  };
}

function uniqueLines(lines: readonly PackageLine[]): PackageLine[] {
  // Duplicate ids behave like repeated `setLine`: the first position, the last value.
  const byId = new Map<string, PackageLine>();
  for (const line of lines) byId.set(line.id, line);
  return [...byId.values()];
}

/**
 * Computes the balance report of a package from scratch. Pure and
 * deterministic: the same input always yields a deep-equal report (the JSON
 * shape of `BalanceReport`, a public contract). Lines with the same id count
 * once (first position, last value), as they would in `BalanceEngine`.
 */
export function computeBalance(input: BalanceInput): BalanceReport {
  const ctx = makeContext(input);
  const sums = emptyAllSums(ctx);
  const lineWarnings: BalanceWarning[] = [];
  for (const line of uniqueLines(input.lines)) {
    const a = analyseLine(line, ctx);
    applyContribution(sums, a, 1);
    for (const w of a.warnings) lineWarnings.push(w);
  }
  const built: Record<Ledger, BuiltLedger> = {
    drift: buildLedger('drift', sums.drift, ctx),
    investering: buildLedger('investering', sums.investering, ctx),
    fond: buildLedger('fond', sums.fond, ctx),
  };
  return assemble(ctx, built, lineWarnings);
}

function copyLine(line: PackageLine): PackageLine {
  const copy: PackageLine = { ...line, amounts: { ...line.amounts } };
  if (line.invalid) copy.invalid = { ...line.invalid };
  return copy;
}

/**
 * The incremental balance engine for live editing (inside the package report,
 * shared/report/packageReport.ts, which the balance worker keeps per open
 * package). It keeps per-ledger, per-year, per-group
 * running sums: `setLine` subtracts the line's previous contribution and adds
 * the new one, `deleteLine` subtracts it, and each line's findings are cached.
 * `report()` rebuilds only the ledgers and the warning list that changed since
 * the last call. Guarantee (property-tested): `report()` deep-equals
 * `computeBalance({ ...meta, lines })` where `lines` are the current lines in
 * the order they were first set. Lines are copied on `setLine`, so later
 * mutation by the caller has no effect. Reports share unchanged ledger objects
 * between calls: treat them as immutable.
 */
export class BalanceEngine {
  private meta: BalanceMeta;
  private ctx: Context;
  private readonly lines = new Map<string, { line: PackageLine; analysis: LineAnalysis }>();
  private sums: Record<Ledger, LedgerSumsCents>;
  private readonly built = new Map<Ledger, BuiltLedger>();
  private lineWarnings: BalanceWarning[] | null = null;
  private lastReport: BalanceReport | null = null;

  constructor(meta: BalanceMeta = { years: [], planYears: [] }, lines: readonly PackageLine[] = []) {
    this.meta = { years: [...meta.years], planYears: [...meta.planYears] };
    if (meta.fundOpeningBalance !== undefined) this.meta.fundOpeningBalance = meta.fundOpeningBalance;
    this.ctx = makeContext(this.meta);
    this.sums = emptyAllSums(this.ctx);
    this.resetSums();
    for (const line of lines) this.setLine(line);
  }

  /** Adds or replaces a line (by id). A replaced line keeps its position in the warning order. */
  setLine(line: PackageLine): void {
    const copy = copyLine(line);
    const analysis = analyseLine(copy, this.ctx);
    const old = this.lines.get(line.id);
    if (old) this.removeContribution(old.analysis);
    this.lines.set(line.id, { line: copy, analysis });
    applyContribution(this.sums, analysis, 1);
    this.touch(analysis.ledger);
    if (analysis.warnings.length > 0 || (old && old.analysis.warnings.length > 0)) this.lineWarnings = null;
  }

  /** Removes a line; unknown ids are ignored. */
  deleteLine(id: string): void {
    const old = this.lines.get(id);
    if (!old) return;
    this.removeContribution(old.analysis);
    this.lines.delete(id);
    if (old.analysis.warnings.length > 0) this.lineWarnings = null;
  }

  /**
   * Replaces the package-level inputs (years, plan years, the fund's opening
   * balance; an absent `fundOpeningBalance` means none). Every line is
   * re-analysed: a rare, full recompute.
   */
  setMeta(meta: BalanceMeta): void {
    const next: BalanceMeta = { years: [...meta.years], planYears: [...meta.planYears] };
    if (meta.fundOpeningBalance !== undefined) next.fundOpeningBalance = meta.fundOpeningBalance;
    this.meta = next;
    this.ctx = makeContext(next);
    this.resetSums();
    for (const [id, entry] of this.lines) {
      const analysis = analyseLine(entry.line, this.ctx);
      this.lines.set(id, { line: entry.line, analysis });
      applyContribution(this.sums, analysis, 1);
    }
  }

  /** The current lines, in the order they were first set (copies as stored). */
  currentLines(): PackageLine[] {
    return [...this.lines.values()].map((e) => e.line);
  }

  /** The report for the current lines; cheap when little changed since the last call. */
  report(): BalanceReport {
    if (this.lastReport && this.built.size === LEDGERS.length && this.lineWarnings !== null) return this.lastReport;
    for (const l of LEDGERS) {
      if (!this.built.has(l)) this.built.set(l, buildLedger(l, this.sums[l], this.ctx));
    }
    if (this.lineWarnings === null) {
      const all: BalanceWarning[] = [];
      for (const { analysis } of this.lines.values()) for (const w of analysis.warnings) all.push(w);
      this.lineWarnings = all;
    }
    const built = Object.fromEntries(LEDGERS.map((l) => [l, this.built.get(l)])) as Record<Ledger, BuiltLedger>;
    this.lastReport = assemble(this.ctx, built, this.lineWarnings);
    return this.lastReport;
  }

  private removeContribution(a: LineAnalysis): void {
    applyContribution(this.sums, a, -1);
    this.touch(a.ledger);
  }

  private touch(ledger: Ledger): void {
    this.built.delete(ledger);
    this.lastReport = null;
  }

  private resetSums(): void {
    this.sums = emptyAllSums(this.ctx);
    this.built.clear();
    this.lineWarnings = null;
    this.lastReport = null;
  }
}
