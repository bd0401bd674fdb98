/**
 * CPU that server instances cost the services they share, for the cluster
 * benchmark: the PostgreSQL backends serving exactly those instances' connections
 * (found by the instances' own sockets, so other users of the database do not
 * count), and the Redis server process (shared: whatever else uses it counts too,
 * so the probe also reports how many connections were not the instances').
 */
import fs from 'node:fs';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { procStats } from '../helpers/proc';
import type { CpuProbe } from './fanout';

/** Inodes of the sockets process `pid` holds open. */
function socketInodes(pid: number): Set<string> {
  const out = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.add(m[1]!);
    } catch {
      // The descriptor closed while we were reading the list.
    }
  }
  return out;
}

/** Local ports of the TCP connections of `pids` to `remotePort` (from /proc/net/tcp, tcp6). */
export function localPortsTo(pids: readonly number[], remotePort: number): number[] {
  const ports: number[] = [];
  for (const pid of pids) {
    const inodes = socketInodes(pid);
    for (const table of ['tcp', 'tcp6']) {
      const file = `/proc/${pid}/net/${table}`;
      if (!fs.existsSync(file)) continue;
      for (const row of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
        const f = row.trim().split(/\s+/);
        if (f.length < 10 || !inodes.has(f[9]!)) continue;
        const local = Number.parseInt(f[1]!.split(':')[1]!, 16);
        const remote = Number.parseInt(f[2]!.split(':')[1]!, 16);
        if (remote === remotePort) ports.push(local);
      }
    }
  }
  return ports;
}

function cpuOf(pid: number): number | null {
  try {
    return procStats(pid).cpuS;
  } catch {
    return null; // The process has exited.
  }
}

/**
 * CPU of the PostgreSQL backends serving the connections of `pids`. A backend that
 * appears during the window counts from its start; one that ends during the window
 * is lost (the pools keep their connections while edits flow, so this is rare).
 */
export function pgBackendsProbe(admin: pg.Pool, pids: readonly number[], pgPort = 5432): CpuProbe {
  let start = new Map<number, number>();
  const backends = async (): Promise<Map<number, number>> => {
    const ports = localPortsTo(pids, pgPort);
    const res = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])', [ports]);
    const out = new Map<number, number>();
    for (const { pid } of res.rows) {
      const cpu = cpuOf(pid);
      if (cpu !== null) out.set(pid, cpu);
    }
    return out;
  };
  return {
    async start() {
      start = await backends();
    },
    async stop() {
      let sum = 0;
      for (const [pid, cpu] of await backends()) sum += cpu - (start.get(pid) ?? 0);
      return sum;
    },
  };
}

/** The Redis server's process id (it runs on this machine). */
export async function redisServerPid(redis: Redis): Promise<number> {
  const m = /process_id:(\d+)/.exec(await redis.info('server'));
  if (!m) throw new Error('Redis INFO has no process_id');
  return Number(m[1]);
}

/** Connections to Redis that are neither of `pids` nor `redis` itself (someone else's load). */
async function foreignClients(redis: Redis, pids: readonly number[], redisPort: number): Promise<number> {
  const ours = new Set(localPortsTo([...pids, process.pid], redisPort));
  const list = (await redis.client('LIST')) as string;
  return list
    .split('\n')
    .filter((l) => l.includes('addr='))
    .filter((l) => !ours.has(Number(/addr=[^ ]*:(\d+) /.exec(l)?.[1]))).length;
}

/** CPU of the whole Redis server process; `foreign` is the most connections of others seen at start or stop. */
export function redisProbe(redis: Redis, pid: number, instancePids: readonly number[], redisPort = 6379): CpuProbe & { foreign: number } {
  let start = 0;
  const probe = {
    foreign: 0,
    async start() {
      start = procStats(pid).cpuS;
      probe.foreign = Math.max(probe.foreign, await foreignClients(redis, instancePids, redisPort));
    },
    async stop() {
      const cpu = procStats(pid).cpuS - start;
      probe.foreign = Math.max(probe.foreign, await foreignClients(redis, instancePids, redisPort));
      return cpu;
    },
  };
  return probe;
}
