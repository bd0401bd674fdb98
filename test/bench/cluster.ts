/**
 * Scale-out benchmark (`npm run bench -- cluster`): the fan-out scenarios of the
 * sync section (test/bench/fanout.ts) against
 *   a. one instance on SQLite (test/server/fixtures/crashServer.ts, the default),
 *   b. one instance on PostgreSQL + Redis (test/scale/fixtures/clusterServer.ts:
 *      the cluster code path with one instance),
 *   c. two such instances, each document's clients split across them, so half of
 *      the pairs are cross-instance: PostgreSQL append, then XADD → XREAD on Redis.
 * Each instance is its own process; CPU is summed over them, and the CPU of the
 * PostgreSQL backends serving them and of the Redis server is read as well. Every
 * PostgreSQL run gets a fresh schema and Redis key prefix, removed afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import type pg from 'pg';
import { createPgPool } from '../../server/storage/postgres/pool';
import { spawnServer } from '../server/fixtures/spawnServer';
import { stopServer } from '../reliability/support';
import type { FanoutStats } from '../../server/cluster';
import { freshPrefix, spawnInstance } from '../scale/clusterHarness';
import { dropSchema, freshSchema, TEST_DATABASE_URL, TEST_REDIS_URL } from '../scale/services';
import { deliveredPct, ms1, runFanOut, SCENARIO_SECONDS, SYNC_SCENARIOS, type FanOutResult, type FanOutScenario } from './fanout';
import { quantile, type BenchTable } from './measure';
import { pgBackendsProbe, redisProbe, redisServerPid } from './serviceCpu';

/** Late is not lost: how long after the last edit we wait for the rest (a queue behind PostgreSQL can be seconds long). */
const CLUSTER_DRAIN_MS = 10_000;

type Setup = 'a' | 'b' | 'c';
const SETUP_LABEL: Record<Setup, string> = {
  a: 'a: 1 instance, SQLite',
  b: 'b: 1 instance, PG + Redis',
  c: 'c: 2 instances, PG + Redis',
};

/** A run's figures; `reloads`: rooms the fan-out reloaded from PostgreSQL after a gap (null on SQLite). */
interface Run extends FanOutResult {
  reloads: number | null;
}

interface Services {
  admin: pg.Pool;
  redis: Redis;
  redisPid: number;
  /** The most Redis connections of others seen during any window. */
  foreignRedisClients: number;
}

async function onSqlite(s: FanOutScenario): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-'));
  const { child, port } = await spawnServer(dir, s.clients, s.docs);
  try {
    return { ...(await runFanOut(s, { instances: [{ port, pid: child.pid! }], drainMs: CLUSTER_DRAIN_MS })), reloads: null };
  } finally {
    await stopServer(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Deletes every Redis key under `prefix` (the document streams and heads of one run). */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  }
}

/** The fan-out counters of a test/scale/fixtures/clusterServer.ts process. */
function fanoutStats(child: ChildProcess): Promise<FanoutStats> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as FanoutStats));
    child.send('fanout');
  });
}

async function onPostgres(s: FanOutScenario, instances: 1 | 2, svc: Services): Promise<Run> {
  const schema = freshSchema('bench');
  const prefix = freshPrefix();
  const children: ChildProcess[] = [];
  try {
    // Started at once (migrations take an advisory lock; a package created twice is caught).
    const spawned = await Promise.allSettled(Array.from({ length: instances }, () => spawnInstance(schema, prefix, s.clients, s.docs)));
    const ok = spawned.flatMap((x) => (x.status === 'fulfilled' ? [x.value] : []));
    children.push(...ok.map((x) => x.child));
    const failed = spawned.find((x) => x.status === 'rejected');
    if (failed) throw failed.reason;
    const started = ok.map((x) => ({ port: x.port, pid: x.child.pid! }));
    const pids = started.map((i) => i.pid);
    const redis = redisProbe(svc.redis, svc.redisPid, pids);
    const result = await runFanOut(s, {
      instances: started,
      // Half of each document's clients on each instance, alternating which gets the odd one.
      place: (doc, client) => (doc + client) % instances,
      probes: { pg: pgBackendsProbe(svc.admin, pids), redis },
      drainMs: CLUSTER_DRAIN_MS,
    });
    svc.foreignRedisClients = Math.max(svc.foreignRedisClients, redis.foreign);
    let reloads = 0;
    for (const c of children) reloads += (await fanoutStats(c)).resyncs;
    return { ...result, reloads };
  } finally {
    for (const c of children) await stopServer(c);
    await dropSchema(schema);
    await deleteKeys(svc.redis, prefix);
  }
}

const pct = (cpuS: number, r: FanOutResult) => ((100 * cpuS) / r.editSeconds).toFixed(1);
const msPerEdit = (r: FanOutResult, cpuS: number) => (r.sent === 0 ? NaN : (1000 * cpuS) / r.sent);
const perEdit = (cpuS: number, r: FanOutResult) => (r.sent === 0 ? '–' : msPerEdit(r, cpuS).toFixed(2));
const serviceCpuS = (r: FanOutResult) => (r.probeCpuS.pg ?? 0) + (r.probeCpuS.redis ?? 0);

function row(s: FanOutScenario, setup: Setup, r: Run): Record<string, string | number> {
  const services = setup !== 'a';
  return {
    'docs × clients, edits/s each': `${s.docs} × ${s.clients}, ${s.rate}`,
    setup: SETUP_LABEL[setup],
    'edits/s': Math.round(r.sent / r.editSeconds),
    'p50 ms': ms1(r.latency.all, 0.5),
    'p99 ms': ms1(r.latency.all, 0.99),
    'p50 same-inst. ms': setup === 'c' ? ms1(r.latency.same, 0.5) : '',
    'p50 cross-inst. ms': setup === 'c' ? ms1(r.latency.cross, 0.5) : '',
    'delivered %': deliveredPct(r),
    'server CPU %': pct(r.cpuS, r),
    'server CPU ms/edit': perEdit(r.cpuS, r),
    'PG backends CPU %': services ? pct(r.probeCpuS.pg ?? 0, r) : '–',
    'Redis CPU %': services ? pct(r.probeCpuS.redis ?? 0, r) : '–',
    'all CPU ms/edit': perEdit(r.cpuS + serviceCpuS(r), r),
    'server RSS MiB': r.rssMiB.toFixed(0),
    'reloads after a gap': r.reloads ?? '–',
  };
}

const p50 = (xs: number[]) => quantile(xs, 0.5);
const signed = (x: number, digits: number) => (Number.isNaN(x) ? '–' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`);

/** What each hop costs in one scenario: differences between the setups of the same run. */
function hopRow(s: FanOutScenario, r: Record<Setup, Run>): Record<string, string | number> {
  const all = (x: FanOutResult) => msPerEdit(x, x.cpuS + serviceCpuS(x));
  return {
    'docs × clients, edits/s each': `${s.docs} × ${s.clients}, ${s.rate}`,
    'PG append: p50 b − a ms': signed(p50(r.b.latency.all) - p50(r.a.latency.all), 1),
    'Redis hop: p50 cross − same (c) ms': signed(p50(r.c.latency.cross) - p50(r.c.latency.same), 1),
    'server CPU ms/edit b − a': signed(msPerEdit(r.b, r.b.cpuS) - msPerEdit(r.a, r.a.cpuS), 2),
    'all CPU ms/edit b − a': signed(all(r.b) - all(r.a), 2),
    'server CPU ms/edit c − b': signed(msPerEdit(r.c, r.c.cpuS) - msPerEdit(r.b, r.b.cpuS), 2),
    'all CPU ms/edit c − b': signed(all(r.c) - all(r.b), 2),
  };
}

/** The cluster section of `npm run bench`. */
export async function runClusterBench(): Promise<BenchTable[]> {
  // Every y-websocket provider in Node adds a process 'exit' listener; hundreds are expected here.
  process.setMaxListeners(1000);
  const admin = await createPgPool({ connectionString: TEST_DATABASE_URL, max: 2 });
  const redis = new Redis(TEST_REDIS_URL);
  const svc: Services = { admin, redis, redisPid: await redisServerPid(redis), foreignRedisClients: 0 };
  const rows: Array<Record<string, string | number>> = [];
  const hops: Array<Record<string, string | number>> = [];
  try {
    for (const s of SYNC_SCENARIOS) {
      // The three setups one after another, so each comparison is between neighbours in time.
      const r = { a: await onSqlite(s), b: await onPostgres(s, 1, svc), c: await onPostgres(s, 2, svc) };
      for (const setup of ['a', 'b', 'c'] as const) rows.push(row(s, setup, r[setup]));
      hops.push(hopRow(s, r));
    }
  } finally {
    await admin.end();
    redis.disconnect();
  }
  return [
    {
      title: 'Scale-out: fan-out on one SQLite instance, one PostgreSQL + Redis instance, two of them',
      rows,
      notes: [
        `${SCENARIO_SECONDS} s of edits per scenario, then up to ${CLUSTER_DRAIN_MS / 1000} s until every edit has arrived; latency = send → applied at every other client of the doc.`,
        'c: client k of doc d is on instance (d + k) mod 2; same-/cross-inst. = sender and receiver on the same / different instances.',
        'server CPU % and RSS: summed over the instance processes; % of one core over the edit window. all CPU = server + PG backends + Redis.',
        'PG backends: the postgres processes serving the instances\' own connections (not the WAL writer or checkpointer).',
        `Redis CPU: the whole redis-server process; connections of others seen during the windows: ${svc.foreignRedisClients}.`,
        'reloads after a gap: rooms that found the Redis head ahead of what they held for longer than HEAD_CHECK_MS and reloaded from PostgreSQL (summed over instances).',
      ],
    },
    {
      title: 'Scale-out: what each hop costs (differences between the setups of the same run)',
      rows: hops,
      notes: ['b − a: PostgreSQL append (+ XADD, off the latency path) instead of SQLite; c − b: a second instance and the Redis read on the path.'],
    },
  ];
}
