/**
 * CPU time and resident memory of another process (a server in its own process),
 * read from /proc, for benchmarks and the reliability suite.
 */
import fs from 'node:fs';

const CLOCK_TICKS_PER_S = 100;

/** A process's CPU seconds (user + system) and RSS in MiB, from /proc. */
export function procStats(pid: number): { cpuS: number; rssMiB: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime 14, stime 15 (1-based) → index 11, 12.
  const cpuS = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuS, rssMiB: rssKb / 1024 };
}
