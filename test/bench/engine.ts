/**
 * Balance engine benchmark: a generated package of 2,000 lines × 5 years.
 * Ours (full `computeBalance`, incremental `BalanceEngine`) against peers in
 * the same run: a naive JS-float summer (fast and wrong) and a naive
 * decimal.js full recompute without caching (exact and slow).
 */
import { BalanceEngine, computeBalance } from '../../shared/balance';
import { PackageReportBuilder, packageReportOf } from '../../shared/report/packageReport';
import { Money, toCanonical } from '../../shared/money';
import { LEDGERS, type BalanceInput, type Ledger, type PackageLine } from '../../shared/types';
import { measure, ms, type BenchTable } from './measure';
import { mulberry32 as prng } from '../helpers/random';

export const ENGINE_BENCH_LINES = 2000;
export const ENGINE_BENCH_YEARS = ['2022', '2023', '2024', '2025', '2026'];
const FULL_TARGET_MS = 2;
const INCREMENTAL_TARGET_MS = 0.2;

function randomAmount(rnd: () => number): string {
  // Up to ±500 million with two decimals, as canonical strings.
  const cents = Math.floor(rnd() * 100_000) - 50_000;
  return toCanonical(new Money(cents).dividedBy(100));
}

/** The generated package: every line has an amount in every year; ledgers and groups mixed. */
export function generatePackage(lines = ENGINE_BENCH_LINES, seed = 2024): BalanceInput {
  const rnd = prng(seed);
  const out: PackageLine[] = [];
  for (let i = 0; i < lines; i++) {
    const amounts: Record<string, string> = {};
    for (const y of ENGINE_BENCH_YEARS) amounts[y] = randomAmount(rnd);
    const ledger = LEDGERS[i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2] as Ledger;
    out.push({ id: `line-${i}`, ledger, group: i % 2 === 0 ? 'tiltak' : 'inndekning', title: `Tiltak ${i}`, amounts });
  }
  return { years: ENGINE_BENCH_YEARS, planYears: ENGINE_BENCH_YEARS.slice(1), lines: out, fundOpeningBalance: '500' };
}

type NetTable = Record<Ledger, Record<string, string>>;

/** Peer 1: sums with JS floats (what a quick implementation does). Returns net per ledger and year as strings. */
export function naiveFloatNets(input: BalanceInput): NetTable {
  const nets = Object.fromEntries(LEDGERS.map((l) => [l, Object.fromEntries(input.years.map((y) => [y, 0]))])) as Record<Ledger, Record<string, number>>;
  for (const line of input.lines) {
    for (const y of input.years) {
      const a = line.amounts[y];
      if (a !== undefined) nets[line.ledger][y] = (nets[line.ledger][y] ?? 0) + Number(a);
    }
  }
  return Object.fromEntries(LEDGERS.map((l) => [l, Object.fromEntries(input.years.map((y) => [y, String(nets[l][y])]))])) as NetTable;
}

/** Peer 2: exact, but a decimal.js value per cell and a full recompute every time, no caching. */
export function naiveDecimalNets(input: BalanceInput): NetTable {
  const nets = Object.fromEntries(LEDGERS.map((l) => [l, Object.fromEntries(input.years.map((y) => [y, new Money(0)]))])) as Record<Ledger, Record<string, InstanceType<typeof Money>>>;
  for (const line of input.lines) {
    for (const y of input.years) {
      const a = line.amounts[y];
      if (a !== undefined) nets[line.ledger][y] = (nets[line.ledger][y] ?? new Money(0)).plus(new Money(a));
    }
  }
  return Object.fromEntries(LEDGERS.map((l) => [l, Object.fromEntries(input.years.map((y) => [y, toCanonical(nets[l][y] ?? new Money(0))]))])) as NetTable;
}

function enginesNets(input: BalanceInput): NetTable {
  const r = computeBalance(input);
  return Object.fromEntries(LEDGERS.map((l) => [l, Object.fromEntries(input.years.map((y) => [y, r.ledgers[l].byYear[y]?.net ?? '']))])) as NetTable;
}

function countMismatches(a: NetTable, b: NetTable, years: string[]): number {
  let n = 0;
  for (const l of LEDGERS) for (const y of years) if (a[l][y] !== b[l][y]) n++;
  return n;
}

/** Runs the engine section and returns its tables. */
export function runEngineBench(): BenchTable[] {
  const input = generatePackage();
  const cells = LEDGERS.length * input.years.length;
  const rnd = prng(7);

  const full = measure(() => computeBalance(input), { runs: 300, warmup: 50 });

  const engine = new BalanceEngine(input, input.lines);
  engine.report();
  const changedLine = (): PackageLine => {
    const base = input.lines[Math.floor(rnd() * input.lines.length)] as PackageLine;
    const year = ENGINE_BENCH_YEARS[Math.floor(rnd() * ENGINE_BENCH_YEARS.length)] as string;
    return { ...base, amounts: { ...base.amounts, [year]: randomAmount(rnd) } };
  };
  const incremental = measure(
    (line: PackageLine) => {
      engine.setLine(line);
      return engine.report();
    },
    { runs: 5000, warmup: 500, setup: changedLine },
  );
  // Sanity: the incremental engine still equals the full recompute after all those edits.
  const engineAgrees = JSON.stringify(engine.report()) === JSON.stringify(computeBalance({ ...input, lines: engine.currentLines() }));

  // The package report the worker keeps (engine + prose warnings + frames, with revisions), same edits.
  const builder = new PackageReportBuilder(input);
  const current = new Map(input.lines.map((l) => [l.id, l]));
  for (const line of input.lines) builder.setLine(line);
  builder.report();
  const packageIncremental = measure(
    (line: PackageLine) => {
      builder.setLine(line);
      current.set(line.id, line);
      return builder.report();
    },
    { runs: 5000, warmup: 500, setup: changedLine },
  );
  const packageFull = packageReportOf({ ...input, lines: [...current.values()] });
  const packageAgrees = JSON.stringify(builder.report().balance) === JSON.stringify(packageFull.balance);

  const floatFull = measure(() => naiveFloatNets(input), { runs: 300, warmup: 50 });
  const decimalFull = measure(() => naiveDecimalNets(input), { runs: 100, warmup: 20 });

  const exact = enginesNets(input);
  const floatWrong = countMismatches(naiveFloatNets(input), exact, input.years);
  const decimalWrong = countMismatches(naiveDecimalNets(input), exact, input.years);

  // The classic: three lines that balance exactly.
  const tiny: BalanceInput = {
    years: ['2024'],
    planYears: ['2024'],
    lines: [
      { id: 'a', ledger: 'drift', group: 'tiltak', title: 'a', amounts: { '2024': '0.1' } },
      { id: 'b', ledger: 'drift', group: 'tiltak', title: 'b', amounts: { '2024': '0.2' } },
      { id: 'c', ledger: 'drift', group: 'inndekning', title: 'c', amounts: { '2024': '-0.3' } },
    ],
  };
  const tinyFloat = naiveFloatNets(tiny).drift['2024'];
  const tinyOurs = computeBalance(tiny).ledgers.drift;

  const rows = [
    {
      implementation: 'computeBalance (full, exact)',
      operation: 'full recompute',
      'median ms': ms(full.medianMs),
      'p95 ms': ms(full.p95Ms),
      runs: full.runs,
      target: `< ${FULL_TARGET_MS} ms`,
      'wrong nets': `0/${cells}`,
    },
    {
      implementation: 'BalanceEngine (incremental, exact)',
      operation: 'setLine + report',
      'median ms': ms(incremental.medianMs),
      'p95 ms': ms(incremental.p95Ms),
      runs: incremental.runs,
      target: `< ${INCREMENTAL_TARGET_MS} ms`,
      'wrong nets': engineAgrees ? `0/${cells}` : 'DIFFERS from full',
    },
    {
      implementation: 'PackageReportBuilder (incremental, exact)',
      operation: 'setLine + report',
      'median ms': ms(packageIncremental.medianMs),
      'p95 ms': ms(packageIncremental.p95Ms),
      runs: packageIncremental.runs,
      target: `< ${INCREMENTAL_TARGET_MS} ms`,
      'wrong nets': packageAgrees ? `0/${cells}` : 'DIFFERS from full',
    },
    {
      implementation: 'peer: JS float sums',
      operation: 'full recompute (nets only)',
      'median ms': ms(floatFull.medianMs),
      'p95 ms': ms(floatFull.p95Ms),
      runs: floatFull.runs,
      target: '–',
      'wrong nets': `${floatWrong}/${cells}`,
    },
    {
      implementation: 'peer: decimal.js, no caching',
      operation: 'full recompute (nets only)',
      'median ms': ms(decimalFull.medianMs),
      'p95 ms': ms(decimalFull.p95Ms),
      runs: decimalFull.runs,
      target: '–',
      'wrong nets': `${decimalWrong}/${cells}`,
    },
  ];
  return [
    {
      title: `Balance engine: ${input.lines.length} lines × ${input.years.length} years (${input.lines.length * input.years.length} amounts)`,
      rows,
      notes: [
        `"wrong nets": ledger-years (of ${cells}) whose net differs from the exact decimal sum.`,
        `0.1 + 0.2 − 0.3 in one drift year: JS floats give ${tinyFloat} (so "unbalanced"); the engine gives net ${tinyOurs.byYear['2024']?.net}, balanced=${tinyOurs.balanced}.`,
        'The peers compute only the 15 nets (no warnings, no report), so they are a lower bound for their approach.',
      ],
    },
  ];
}
