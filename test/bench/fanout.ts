/**
 * The fan-out scenarios of the sync and cluster benchmark sections: N docs × C
 * clients per doc × R edits per second per client, for a few seconds, against
 * server processes on ports (one, or several instances of one installation), with
 * real y-websocket providers in this process.
 *
 * Every edit is an amount whose value is the sender's clock; every other client of
 * the doc records send → applied when it arrives (same clock, same process), and
 * whether sender and receiver are on the same server instance. CPU time and RSS of
 * the server processes are read from /proc over the edit window.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap, setLineAmount } from '../../shared/doc/schema';
import { cookieWebSocket } from '../server/serverHarness';
import { procStats } from '../helpers/proc';
import { quantile } from './measure';

export interface FanOutScenario {
  docs: number;
  clients: number;
  rate: number;
}

/** Fan-out scenarios: docs × clients per doc × edits per second per client. */
export const SYNC_SCENARIOS: FanOutScenario[] = [
  { docs: 1, clients: 2, rate: 10 },
  { docs: 1, clients: 10, rate: 5 },
  { docs: 10, clients: 5, rate: 4 },
  { docs: 40, clients: 3, rate: 2 },
];
export const SCENARIO_SECONDS = 4;
/** After the last edit, how long we wait at most for stragglers before counting deliveries. */
export const DRAIN_MS = 1500;

/** A provider of the fixture servers' user `user` (cookie `session=token-<user>`). */
export function connect(port: number, room: string, user: string, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, room, doc, {
    WebSocketPolyfill: cookieWebSocket(`session=token-${user}`),
    disableBc: true,
  });
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** CPU of something besides the server processes (a database's backends), over the edit window. */
export interface CpuProbe {
  start(): Promise<void>;
  /** CPU seconds used since `start`. */
  stop(): Promise<number>;
}

/** Where the clients connect, and what is measured. */
export interface FanOutTarget {
  /** The server processes of the installation (CPU and RSS are summed over them). */
  instances: Array<{ port: number; pid: number }>;
  /** Which instance client `client` of doc `doc` connects to (default: the first). */
  place?: (doc: number, client: number) => number;
  probes?: Record<string, CpuProbe>;
  /** How long to wait at most after the last edit for every edit to arrive (default `DRAIN_MS`). */
  drainMs?: number;
}

export interface FanOutResult {
  sent: number;
  delivered: number;
  /** sent × (clients − 1): every other client of the doc should apply every edit. */
  expected: number;
  editSeconds: number;
  /** Send → applied in ms, sorted: all pairs, and split by same or different instance. */
  latency: { all: number[]; same: number[]; cross: number[] };
  /** CPU seconds of the server processes over the edit window, summed. */
  cpuS: number;
  /** RSS of the server processes at the end of the edit window, summed. */
  rssMiB: number;
  probeCpuS: Record<string, number>;
}

interface Client {
  doc: Y.Doc;
  p: WebsocketProvider;
  instance: number;
  line?: string;
  timer?: ReturnType<typeof setInterval>;
  /** Per line of another client: how many of its edits have arrived here (seen, or overwritten by a later one that was). */
  arrived: Map<string, number>;
}

/** How many of the ascending `values` are ≤ `x`. */
function countUpTo(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Runs one scenario against `target` and returns the raw figures. */
export async function runFanOut({ docs, clients, rate }: FanOutScenario, target: FanOutTarget): Promise<FanOutResult> {
  const place = target.place ?? (() => 0);
  const latency = { all: [] as number[], same: [] as number[], cross: [] as number[] };
  /** The instance of each line's writer, by line id (a line belongs to one client). */
  const instanceOfLine = new Map<string, number>();
  /** The values each line's writer has sent, in order (they increase). */
  const sentOn = new Map<string, number[]>();
  let sent = 0;
  let delivered = 0;
  const all: Client[] = [];
  try {
    for (let d = 0; d < docs; d++) {
      for (let c = 0; c < clients; c++) {
        const instance = place(d, c);
        const doc = new Y.Doc();
        const p = connect(target.instances[instance]!.port, `pkg${d}`, `u${c}`, doc);
        const me: Client = { doc, p, instance, arrived: new Map() };
        // Every edit is an amount (a schema-valid write, checked by the server like a person's):
        // the sender's clock as the value, read back by every other client. An update merged
        // from several (a batch read from Redis) carries only the last value of a cell: the
        // edits it overwrote count as arrived, but only the value seen gives a latency sample.
        getLinesMap(doc).observeDeep((events, tr) => {
          if (tr.origin !== p) return;
          const now = performance.now();
          for (const ev of events) {
            const amounts = ev.target;
            if (!(amounts instanceof Y.Map) || !(amounts.parent instanceof Y.Map) || amounts.parent.get('amounts') !== amounts) continue;
            const line = String(ev.path[0]);
            const from = instanceOfLine.get(line);
            for (const key of (ev as Y.YMapEvent<unknown>).keysChanged) {
              const t = amounts.get(key);
              if (typeof t !== 'string') continue;
              const ms = now - Number(t);
              latency.all.push(ms);
              (from === instance ? latency.same : latency.cross).push(ms);
              const upTo = countUpTo(sentOn.get(line) ?? [], Number(t));
              delivered += Math.max(0, upTo - (me.arrived.get(line) ?? 0));
              me.arrived.set(line, Math.max(upTo, me.arrived.get(line) ?? 0));
            }
          }
        });
        all.push(me);
      }
    }
    await waitFor(() => all.every((c) => c.p.synced), 30_000, 'all clients synced');
    // Each client edits a line of its own.
    for (const [i, c] of all.entries()) {
      c.line = createLineInDoc(c.doc, { ledger: 'drift', group: 'tiltak', title: `Benk ${i}`, amounts: {} });
      instanceOfLine.set(c.line, c.instance);
      sentOn.set(c.line, []);
    }
    await waitFor(() => all.every((c) => getLinesMap(c.doc).size === clients), 30_000, 'every client sees every line');
    const probes = Object.entries(target.probes ?? {});
    for (const [, probe] of probes) await probe.start();
    const before = target.instances.map((i) => procStats(i.pid));
    const t0 = performance.now();
    for (const c of all) {
      // Stagger the clients so edits do not all fire in the same millisecond.
      const start = Math.random() * (1000 / rate);
      setTimeout(() => {
        c.timer = setInterval(() => {
          // Hundredths of a millisecond: a canonical amount (no exponent, no trailing zero).
          const value = Math.round(performance.now() * 100) / 100;
          sentOn.get(c.line!)!.push(value);
          setLineAmount(c.doc, c.line!, '2025', String(value));
          sent++;
        }, 1000 / rate);
      }, start);
    }
    await new Promise((r) => setTimeout(r, SCENARIO_SECONDS * 1000));
    for (const c of all) clearInterval(c.timer);
    const editSeconds = (performance.now() - t0) / 1000;
    const after = target.instances.map((i) => procStats(i.pid));
    const probeCpuS: Record<string, number> = {};
    for (const [name, probe] of probes) probeCpuS[name] = await probe.stop();
    await waitFor(() => delivered >= sent * (clients - 1), target.drainMs ?? DRAIN_MS, 'drain').catch(() => {
      // What has not arrived by now counts as not delivered.
    });
    for (const l of Object.values(latency)) l.sort((a, b) => a - b);
    return {
      sent,
      delivered,
      expected: sent * (clients - 1),
      editSeconds,
      latency,
      cpuS: after.reduce((s, a, i) => s + a.cpuS - before[i]!.cpuS, 0),
      rssMiB: after.reduce((s, a) => s + a.rssMiB, 0),
      probeCpuS,
    };
  } finally {
    for (const c of all) {
      clearInterval(c.timer);
      c.p.destroy();
      // The provider leaves its awareness (and the awareness's 3 s timer) to the doc.
      c.doc.destroy();
    }
  }
}

/** Milliseconds with one decimal, '–' where there are no samples. */
export function ms1(sorted: number[], q: number): string {
  return sorted.length === 0 ? '–' : quantile(sorted, q).toFixed(1);
}

/** Delivered edits as a percentage of those expected. */
export function deliveredPct(r: FanOutResult): string {
  return r.expected === 0 ? '–' : ((100 * r.delivered) / r.expected).toFixed(2);
}
