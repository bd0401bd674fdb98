/**
 * Small timing helpers for the benchmark sections (test/bench). Benchmarks
 * report numbers; they never assert on wall time.
 */

/** Summary of repeated timings, in milliseconds. */
export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
}

/** One printed table of a section. */
export interface BenchTable {
  title: string;
  rows: Array<Record<string, string | number>>;
  /** Lines printed under the table (what was measured, caveats). */
  notes?: string[];
}

/** A benchmark section: a name for `npm run bench -- <name>` and a function producing tables. */
export interface BenchSection {
  name: string;
  run: () => BenchTable[] | Promise<BenchTable[]>;
}

/** The `q` quantile (0…1) of ascending `sorted` (nearest rank); NaN when empty. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx] as number;
}

/**
 * Times `fn` `runs` times after `warmup` untimed calls. `setup` (untimed) runs
 * before each timed call and its result is passed to `fn`.
 */
export function measure<T>(fn: (input: T) => unknown, opts: { runs: number; warmup?: number; setup?: (i: number) => T }): Timing {
  const { runs, warmup = Math.min(50, runs), setup } = opts;
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn(setup ? setup(i) : (undefined as T));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const input = setup ? setup(warmup + i) : (undefined as T);
    const t0 = performance.now();
    sink = fn(input);
    times.push(performance.now() - t0);
  }
  // Keep the result alive so the work cannot be optimised away.
  if (sink === Symbol.for('never')) console.log(sink);
  times.sort((a, b) => a - b);
  return { runs, medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95), minMs: times[0] ?? NaN };
}

/** Milliseconds with three decimals, for tables. */
export function ms(x: number): string {
  return x.toFixed(3);
}

/** A table as GitHub markdown, for docs/BENCHMARKS.md. */
export function toMarkdown(table: BenchTable): string {
  const cols = [...new Set(table.rows.flatMap((r) => Object.keys(r)))];
  const line = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
  return [line(cols), line(cols.map(() => '---')), ...table.rows.map((r) => line(cols.map((c) => r[c] ?? '')))].join('\n');
}
