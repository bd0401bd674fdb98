import type { Decimal } from './money';
import { MAX_INPUT_DECIMALS, MAX_INTEGER_DIGITS, Money, formatAmount, parseAmount, toCanonical } from './money';
import {
  LEDGERS,
  type BalanceInput,
  type BalanceReport,
  type BalanceWarning,
  type FundLedgerReport,
  type Group,
  type Ledger,
  type LedgerReport,
  type LedgerSums,
  type PackageLine,
  type Year,
} from './types';

/**
 * The balance engine: a pure function (and an incremental object) from a plain
 * package to a `BalanceReport`. No Yjs, no I/O, and no rounding anywhere:
 * amounts are decimal.js values with at most two decimals, so every sum is exact.
 *
 * Rules (DESIGN.md), and the decisions this module makes where DESIGN.md leaves room:
 * - `net` = tiltak + inndekning, per year and in total. Every year of `years`
 *   appears in every ledger's `byYear`; amounts in other years are not summed
 *   (they get an `amount-outside-years` error instead).
 * - drift is balanced when net = 0 in every plan year (`drift-unbalanced`,
 *   error, one per year). Years outside the plan period are summed but not judged.
 * - investering is balanced when net = 0 in every year of `years`; a non-zero
 *   net is the implied change in borrowing (`investering-unfinanced`, warning).
 * - fond (disposisjonsfond): positive = spending financed from the fund,
 *   negative = money put into it. With an opening balance, `runningBalance[y]`
 *   = opening − cumulative net up to and including y, and the fund is balanced
 *   when that is never below zero (`fund-below-zero`, error, per year). Without
 *   an opening balance (or with an unreadable one, which is itself an error)
 *   `runningBalance` is `{}` and the fund counts as balanced: there is nothing
 *   to judge against.
 * - A fond line that takes money from the fund (any amount that is not
 *   negative, or no amounts at all) and is marked permanent or has a non-zero
 *   amount in every plan year gets `one-time-money-permanent-cost` (warning).
 *   Lines that only put money into the fund are exempt: saving every year is fine.
 * - Stored amounts must be decimal strings with at most `MAX_INPUT_DECIMALS`
 *   decimals and `MAX_INTEGER_DIGITS` integer digits; anything else, and every
 *   entry of `line.invalid`, is an `invalid-amount` error that quotes the text
 *   and is not summed (never silently 0).
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
  'investering-unfinanced',
  'fund-below-zero',
  'invalid-amount',
  'amount-outside-years',
  'line-without-amounts',
  'one-time-money-permanent-cost',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/** The package-level inputs of the engine (everything but the lines). */
export type BalanceMeta = Omit<BalanceInput, 'lines'>;

interface YearSums {
  tiltak: Decimal;
  inndekning: Decimal;
}

interface Context {
  years: Year[];
  yearSet: Set<Year>;
  planYears: Year[];
  opening: Decimal | null;
  metaWarnings: BalanceWarning[];
}

/** What one line contributes: amounts to sum (years inside `years` only) and its own findings. */
interface LineAnalysis {
  ledger: Ledger;
  group: Group;
  contributions: Array<[Year, Decimal]>;
  warnings: BalanceWarning[];
}

const ZERO = new Money(0);
const STORED_AMOUNT_RE = new RegExp(`^-?\\d{1,${MAX_INTEGER_DIGITS}}(?:\\.\\d{1,${MAX_INPUT_DECIMALS}})?$`);

function byYear(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lineName(line: PackageLine): string {
  return line.title.trim() ? `«${line.title.trim()}»` : 'Linje uten tittel';
}

function signed(d: Decimal): string {
  return formatAmount(d, { decimals: 2, signed: true });
}

function makeContext(meta: BalanceMeta): Context {
  const metaWarnings: BalanceWarning[] = [];
  let opening: Decimal | null = null;
  if (meta.fundOpeningBalance !== undefined && meta.fundOpeningBalance.trim() !== '') {
    opening = readStoredAmount(meta.fundOpeningBalance);
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
    yearSet: new Set(meta.years),
    planYears: [...meta.planYears],
    opening,
    metaWarnings,
  };
}

/** Reads a stored amount within the input limits, or null. The fast path avoids parseAmount for canonical strings. */
function readStoredAmount(s: string): Decimal | null {
  if (STORED_AMOUNT_RE.test(s)) return new Money(s);
  const parsed = parseAmount(s);
  return parsed.ok ? parsed.value : null;
}

function analyseLine(line: PackageLine, ctx: Context): LineAnalysis {
  const contributions: Array<[Year, Decimal]> = [];
  const invalid: BalanceWarning[] = [];
  const outside: BalanceWarning[] = [];
  const base = { lineId: line.id, ledger: line.ledger };
  let amountCount = 0;
  let takesFromFund = false;
  const nonZeroYears = new Set<Year>();

  for (const year of Object.keys(line.amounts).sort(byYear)) {
    const text = line.amounts[year] ?? '';
    if (text.trim() === '') continue;
    amountCount++;
    const value = readStoredAmount(text);
    if (value === null) {
      const why = parseAmount(text);
      invalid.push({
        ...base,
        code: 'invalid-amount',
        severity: 'error',
        year,
        message: `${lineName(line)} ${year}: «${text}» er ikke et gyldig beløp.${why.ok ? '' : ' ' + why.message}`,
      });
      continue;
    }
    if (!value.isNegative() || value.isZero()) takesFromFund = true;
    if (!ctx.yearSet.has(year)) {
      outside.push({
        ...base,
        code: 'amount-outside-years',
        severity: 'error',
        year,
        message:
          ctx.years.length > 0
            ? `${lineName(line)} har beløp i ${year} (${formatAmount(value)}), men pakken gjelder ${ctx.years[0]}–${ctx.years[ctx.years.length - 1]}. Beløpet er ikke tatt med.`
            : `${lineName(line)} har beløp i ${year} (${formatAmount(value)}), men pakken har ingen år. Beløpet er ikke tatt med.`,
      });
      continue;
    }
    if (!value.isZero()) nonZeroYears.add(year);
    contributions.push([year, value]);
  }

  for (const year of Object.keys(line.invalid ?? {}).sort(byYear)) {
    const text = line.invalid?.[year] ?? '';
    amountCount++;
    const why = parseAmount(text);
    invalid.push({
      ...base,
      code: 'invalid-amount',
      severity: 'error',
      year,
      message: `${lineName(line)} ${year}: «${text}» er ikke et gyldig beløp.${why.ok ? '' : ' ' + why.message}`,
    });
  }
  invalid.sort((a, b) => byYear(a.year ?? '', b.year ?? ''));

  const warnings = [...invalid, ...outside];
  if (amountCount === 0) {
    warnings.push({ ...base, code: 'line-without-amounts', severity: 'warning', message: `${lineName(line)} har ingen beløp.` });
  }
  if (line.ledger === 'fond' && (takesFromFund || amountCount === 0)) {
    const everyPlanYear = ctx.planYears.length > 0 && ctx.planYears.every((y) => nonZeroYears.has(y));
    if (line.permanent || everyPlanYear) {
      warnings.push({
        ...base,
        code: 'one-time-money-permanent-cost',
        severity: 'warning',
        message: `${lineName(line)} finansieres av disposisjonsfondet, men ${line.permanent ? 'er merket som varig' : 'har beløp i hvert år av planperioden'}. Engangspenger kan ikke finansiere varige driftsutgifter.`,
      });
    }
  }
  return { ledger: line.ledger, group: line.group, contributions, warnings };
}

function emptySums(ctx: Context): Map<Year, YearSums> {
  const m = new Map<Year, YearSums>();
  for (const y of ctx.years) m.set(y, { tiltak: ZERO, inndekning: ZERO });
  return m;
}

function applyContribution(sums: Map<Ledger, Map<Year, YearSums>>, a: LineAnalysis, sign: 1 | -1): void {
  const ledgerSums = sums.get(a.ledger);
  if (!ledgerSums) return;
  for (const [year, value] of a.contributions) {
    const s = ledgerSums.get(year);
    if (!s) continue;
    if (a.group === 'tiltak') s.tiltak = sign === 1 ? s.tiltak.plus(value) : s.tiltak.minus(value);
    else s.inndekning = sign === 1 ? s.inndekning.plus(value) : s.inndekning.minus(value);
  }
}

function sumsRecord(tiltak: Decimal, inndekning: Decimal): LedgerSums {
  return { tiltak: toCanonical(tiltak), inndekning: toCanonical(inndekning), net: toCanonical(tiltak.plus(inndekning)) };
}

interface BuiltLedger {
  report: LedgerReport | FundLedgerReport;
  warnings: BalanceWarning[];
}

function buildLedger(ledger: Ledger, sums: Map<Year, YearSums>, ctx: Context): BuiltLedger {
  const byYearRecord: Record<Year, LedgerSums> = {};
  const nets = new Map<Year, Decimal>();
  let totalT = ZERO;
  let totalI = ZERO;
  for (const y of ctx.years) {
    const s = sums.get(y) ?? { tiltak: ZERO, inndekning: ZERO };
    byYearRecord[y] = sumsRecord(s.tiltak, s.inndekning);
    nets.set(y, s.tiltak.plus(s.inndekning));
    totalT = totalT.plus(s.tiltak);
    totalI = totalI.plus(s.inndekning);
  }
  const unbalancedYears: Year[] = [];
  const warnings: BalanceWarning[] = [];
  const runningBalance: Record<Year, string> = {};

  if (ledger === 'drift') {
    for (const y of ctx.years) {
      if (!ctx.planYears.includes(y)) continue;
      const net = nets.get(y) ?? ZERO;
      if (net.isZero()) continue;
      unbalancedYears.push(y);
      warnings.push({ code: 'drift-unbalanced', severity: 'error', ledger, year: y, message: `Drift ${y} går ikke i balanse: ${signed(net)}` });
    }
  } else if (ledger === 'investering') {
    for (const y of ctx.years) {
      const net = nets.get(y) ?? ZERO;
      if (net.isZero()) continue;
      unbalancedYears.push(y);
      const amount = formatAmount(net.abs(), { decimals: 2 });
      warnings.push({
        code: 'investering-unfinanced',
        severity: 'warning',
        ledger,
        year: y,
        message: net.isPositive()
          ? `Investering ${y} er ikke finansiert: ${signed(net)} betyr økt låneopptak på ${amount}.`
          : `Investering ${y} går ikke i null: ${signed(net)} betyr redusert låneopptak på ${amount}.`,
      });
    }
  } else if (ctx.opening !== null) {
    let balance = ctx.opening;
    for (const y of ctx.years) {
      balance = balance.minus(nets.get(y) ?? ZERO);
      runningBalance[y] = toCanonical(balance);
      if (balance.isNegative() && !balance.isZero()) {
        unbalancedYears.push(y);
        warnings.push({
          code: 'fund-below-zero',
          severity: 'error',
          ledger,
          year: y,
          message: `Disposisjonsfondet går under null i ${y}: saldo ${formatAmount(balance, { decimals: 2 })}.`,
        });
      }
    }
  }

  const report: LedgerReport = {
    byYear: byYearRecord,
    total: sumsRecord(totalT, totalI),
    balanced: unbalancedYears.length === 0,
    unbalancedYears,
  };
  return { report: ledger === 'fond' ? { ...report, runningBalance } : report, warnings };
}

function assemble(ctx: Context, built: Record<Ledger, BuiltLedger>, lineWarnings: BalanceWarning[]): BalanceReport {
  return {
    years: [...ctx.years],
    planYears: [...ctx.planYears],
    ledgers: {
      drift: built.drift.report,
      investering: built.investering.report,
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
  const sums = new Map<Ledger, Map<Year, YearSums>>(LEDGERS.map((l) => [l, emptySums(ctx)]));
  const lineWarnings: BalanceWarning[] = [];
  for (const line of uniqueLines(input.lines)) {
    const a = analyseLine(line, ctx);
    applyContribution(sums, a, 1);
    for (const w of a.warnings) lineWarnings.push(w);
  }
  const built = Object.fromEntries(LEDGERS.map((l) => [l, buildLedger(l, sums.get(l) ?? emptySums(ctx), ctx)])) as Record<Ledger, BuiltLedger>;
  return assemble(ctx, built, lineWarnings);
}

function copyLine(line: PackageLine): PackageLine {
  const copy: PackageLine = { ...line, amounts: { ...line.amounts } };
  if (line.invalid) copy.invalid = { ...line.invalid };
  return copy;
}

/**
 * The incremental balance engine for live editing (the SharedWorker and the
 * server keep one per open package). It keeps per-ledger, per-year, per-group
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
  private sums = new Map<Ledger, Map<Year, YearSums>>();
  private readonly built = new Map<Ledger, BuiltLedger>();
  private lineWarnings: BalanceWarning[] | null = null;
  private lastReport: BalanceReport | null = null;

  constructor(meta: BalanceMeta = { years: [], planYears: [] }, lines: readonly PackageLine[] = []) {
    this.meta = { years: [...meta.years], planYears: [...meta.planYears] };
    if (meta.fundOpeningBalance !== undefined) this.meta.fundOpeningBalance = meta.fundOpeningBalance;
    this.ctx = makeContext(this.meta);
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
      if (!this.built.has(l)) this.built.set(l, buildLedger(l, this.sums.get(l) ?? emptySums(this.ctx), this.ctx));
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
    this.sums = new Map(LEDGERS.map((l) => [l, emptySums(this.ctx)]));
    this.built.clear();
    this.lineWarnings = null;
    this.lastReport = null;
  }
}
