/**
 * `npm run bench` (= `tsx test/bench/run.ts`): runs every benchmark section and
 * prints its tables (console.table) plus markdown for docs/BENCHMARKS.md.
 * `npm run bench -- engine` runs only the named sections.
 *
 * To add a section, export a `run…Bench()` returning `BenchTable[]` from its
 * own file in test/bench and add one entry to `BENCH_SECTIONS` below.
 */
import { runEngineBench } from './engine';
import { runSyncBench } from './sync';
import { runLatencyBench } from './e2e-latency';
import { runFirstLoadBench } from './first-load';
import { runSchemaBench } from './schema';
import { runClusterBench } from './cluster';
import { toMarkdown, type BenchSection } from './measure';

/** The registry of benchmark sections, run in this order. */
export const BENCH_SECTIONS: BenchSection[] = [
  { name: 'engine', run: runEngineBench },
  { name: 'sync', run: runSyncBench },
  { name: 'latency', run: runLatencyBench },
  { name: 'first-load', run: runFirstLoadBench },
  { name: 'schema', run: runSchemaBench },
  { name: 'cluster', run: runClusterBench },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const sections = wanted.length > 0 ? BENCH_SECTIONS.filter((s) => wanted.includes(s.name)) : BENCH_SECTIONS;
  if (sections.length === 0) {
    console.error(`No such section: ${wanted.join(', ')}. Known: ${BENCH_SECTIONS.map((s) => s.name).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  for (const section of sections) {
    for (const table of await section.run()) {
      console.log(`\n## ${table.title}`);
      console.table(table.rows);
      for (const note of table.notes ?? []) console.log(`  ${note}`);
      console.log('\nMarkdown:\n' + toMarkdown(table));
    }
  }
}

await main();
