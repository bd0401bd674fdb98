/**
 * Sync benchmark: the collaboration server in its own process (so its CPU and RSS
 * can be read from /proc), real y-websocket providers in this process.
 *
 * 1. Fan-out: N docs × C clients × R edits/s per client for a few seconds. Every
 *    edit writes a fresh key with its send time; every other client of the doc
 *    records the end-to-end latency when the edit arrives (same clock, same
 *    process). Reports p50/p99 latency, delivered %, server CPU % and RSS.
 * 2. Cold join of a package with 5,000 lines and 50,000 characters of rationale
 *    text: time for a fresh client until synced, with the room unloaded (server
 *    reads SQLite) and with the room live.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap, setLineAmount, writeMetaToDoc } from '../../shared/doc/schema';
import { cookieWebSocket } from '../server/serverHarness';
import { spawnServer } from '../server/fixtures/spawnServer';
import { procStats } from '../helpers/proc';
import type { BenchTable } from './measure';

/** Fan-out scenarios: docs × clients per doc × edits per second per client. */
export const SYNC_SCENARIOS: Array<{ docs: number; clients: number; rate: number }> = [
  { docs: 1, clients: 2, rate: 10 },
  { docs: 1, clients: 10, rate: 5 },
  { docs: 10, clients: 5, rate: 4 },
  { docs: 40, clients: 3, rate: 2 },
];
const SCENARIO_SECONDS = 4;
/** After the last edit, how long we wait for stragglers before counting deliveries. */
const DRAIN_MS = 1500;
const COLD_JOIN_LINES = 5000;
const COLD_JOIN_TEXT_CHARS = 50_000;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function connect(port: number, room: string, user: string, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, room, doc, {
    WebSocketPolyfill: cookieWebSocket(`session=token-${user}`),
    disableBc: true,
  });
}

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function fanOut(docs: number, clients: number, rate: number): Promise<Record<string, string | number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
  const { child, port } = await spawnServer(dir, clients, docs);
  const latencies: number[] = [];
  let sent = 0;
  let delivered = 0;
  const all: Array<{ doc: Y.Doc; p: WebsocketProvider; timer?: ReturnType<typeof setInterval> }> = [];
  try {
    for (let d = 0; d < docs; d++) {
      for (let c = 0; c < clients; c++) {
        const doc = new Y.Doc();
        const p = connect(port, `pkg${d}`, `u${c}`, doc);
        // Every edit is an amount (a schema-valid write, checked by the server like a person's):
        // the sender's clock as the value, read back by every other client.
        getLinesMap(doc).observeDeep((events, tr) => {
          if (tr.origin !== p) return;
          const now = performance.now();
          for (const ev of events) {
            const amounts = ev.target;
            if (!(amounts instanceof Y.Map) || !(amounts.parent instanceof Y.Map) || amounts.parent.get('amounts') !== amounts) continue;
            for (const key of (ev as Y.YMapEvent<unknown>).keysChanged) {
              const t = amounts.get(key);
              if (typeof t === 'string') {
                latencies.push(now - Number(t));
                delivered++;
              }
            }
          }
        });
        all.push({ doc, p });
      }
    }
    await waitFor(() => all.every((c) => c.p.synced), 30_000, 'all clients synced');
    // Each client edits a line of its own.
    const lineOf = new Map(all.map((c, i) => [c, createLineInDoc(c.doc, { ledger: 'drift', group: 'tiltak', title: `Benk ${i}`, amounts: {} })]));
    await waitFor(() => all.every((c) => getLinesMap(c.doc).size === clients), 30_000, 'every client sees every line');
    const before = procStats(child.pid!);
    const t0 = performance.now();
    for (const c of all) {
      // Stagger the clients so edits do not all fire in the same millisecond.
      const start = Math.random() * (1000 / rate);
      setTimeout(() => {
        c.timer = setInterval(() => {
          // Hundredths of a millisecond: a canonical amount (no exponent, no trailing zero).
          setLineAmount(c.doc, lineOf.get(c)!, '2025', String(Math.round(performance.now() * 100) / 100));
          sent++;
        }, 1000 / rate);
      }, start);
    }
    await new Promise((r) => setTimeout(r, SCENARIO_SECONDS * 1000));
    for (const c of all) clearInterval(c.timer);
    const editSeconds = (performance.now() - t0) / 1000;
    const after = procStats(child.pid!);
    await new Promise((r) => setTimeout(r, DRAIN_MS));
    latencies.sort((a, b) => a - b);
    const expected = sent * (clients - 1);
    return {
      docs,
      'clients/doc': clients,
      'edits/s/client': rate,
      'edits/s total': Math.round(sent / editSeconds),
      'p50 ms': quantile(latencies, 0.5).toFixed(1),
      'p99 ms': quantile(latencies, 0.99).toFixed(1),
      'delivered %': expected === 0 ? '–' : ((100 * delivered) / expected).toFixed(2),
      'server CPU %': ((100 * (after.cpuS - before.cpuS)) / editSeconds).toFixed(1),
      'server RSS MiB': after.rssMiB.toFixed(0),
    };
  } finally {
    for (const c of all) {
      clearInterval(c.timer);
      c.p.destroy();
    }
    await stopServer(child);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills `doc` with `lines` lines whose rationales hold `chars` characters in total. */
function fillBigPackage(doc: Y.Doc, lines: number, chars: number, perTransaction: number): void {
  writeMetaToDoc(doc, { title: 'Stor pakke', years: ['2023', '2024', '2025', '2026'], planYears: ['2024', '2025', '2026'], parties: [] });
  const perLine = Math.floor(chars / lines);
  const words = 'Tiltaket styrker tjenesten og finansieres innenfor rammen av budsjettet ';
  for (let start = 0; start < lines; start += perTransaction) {
    doc.transact(() => {
      for (let i = start; i < Math.min(lines, start + perTransaction); i++) addLine(doc, i, perLine, words);
    });
  }
}

function addLine(doc: Y.Doc, i: number, perLine: number, words: string): void {
  const text = words.repeat(Math.ceil(perLine / words.length)).slice(0, perLine);
  createLineInDoc(doc, {
    ledger: i % 3 === 0 ? 'investering' : 'drift',
    group: i % 2 ? 'inndekning' : 'tiltak',
    title: `Linje ${i}`,
    amounts: { '2024': String(i % 97), '2025': String((i * 7) % 53), '2026': '1.25' },
    rationale: [{ type: 'paragraph', runs: [{ text }] }],
  });
}

async function timeJoin(port: number): Promise<{ ms: number; lines: number }> {
  const doc = new Y.Doc();
  const t0 = performance.now();
  const p = connect(port, 'pkg0', 'u1', doc);
  await waitFor(() => p.synced && getLinesMap(doc).size === COLD_JOIN_LINES, 60_000, 'join');
  const ms = performance.now() - t0;
  p.destroy();
  return { ms, lines: getLinesMap(doc).size };
}

async function coldJoin(): Promise<Array<Record<string, string | number>>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cold-'));
  try {
    let { child, port } = await spawnServer(dir, 2, 1);
    const up = new Y.Doc();
    const p = connect(port, 'pkg0', 'u0', up);
    await waitFor(() => p.synced, 10_000, 'upload sync');
    // Written in transactions of 100 lines, as an import or a session of editing would.
    fillBigPackage(up, COLD_JOIN_LINES, COLD_JOIN_TEXT_CHARS, 100);
    const state = Y.encodeStateAsUpdate(up);
    const bytes = state.byteLength;
    // The floor for any join: decoding and integrating the whole state into an empty doc.
    const a0 = performance.now();
    Y.applyUpdate(new Y.Doc(), state);
    const applyMs = performance.now() - a0;
    const watcher = await timeJoin(port);
    p.destroy();
    // Warm: the room is live in the server.
    const warm = await timeJoin(port);
    // Cold: restart the server, so the room is loaded from SQLite on join.
    await stopServer(child);
    ({ child, port } = await spawnServer(dir, 2, 1));
    const cold = await timeJoin(port);
    const rss = procStats(child.pid!).rssMiB;
    await stopServer(child);
    const common = { lines: COLD_JOIN_LINES, 'text chars': COLD_JOIN_TEXT_CHARS, 'doc bytes': bytes };
    return [
      { case: 'first join after upload (room live)', ...common, 'join ms': watcher.ms.toFixed(0), 'server RSS MiB': '' },
      { case: 'warm join (room live)', ...common, 'join ms': warm.ms.toFixed(0), 'server RSS MiB': '' },
      { case: 'cold join (server restarted, load from SQLite)', ...common, 'join ms': cold.ms.toFixed(0), 'server RSS MiB': rss.toFixed(0) },
      { case: 'reference: Y.applyUpdate of the whole state, no network', ...common, 'join ms': applyMs.toFixed(0), 'server RSS MiB': '' },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The sync section of `npm run bench`. */
export async function runSyncBench(): Promise<BenchTable[]> {
  // Every y-websocket provider in Node adds a process 'exit' listener; hundreds are expected here.
  process.setMaxListeners(1000);
  const rows: Array<Record<string, string | number>> = [];
  for (const s of SYNC_SCENARIOS) rows.push(await fanOut(s.docs, s.clients, s.rate));
  const join = await coldJoin();
  return [
    {
      title: 'Sync: end-to-end propagation through the server (y-websocket providers in Node)',
      rows,
      notes: [
        `${SCENARIO_SECONDS} s of edits per scenario, then ${DRAIN_MS} ms to drain; latency = send → applied at every other client of the doc.`,
        'Server: SQLite (WAL, synchronous=NORMAL) in a child process; CPU % is of one core over the edit window.',
        'Clients run in the benchmark process on the same machine, so they compete with the server for the 2 cores.',
      ],
    },
    {
      title: 'Sync: join of a package with 5,000 lines and 50,000 characters of text',
      rows: join,
      notes: ['Join = WebsocketProvider created → synced with all lines present.'],
    },
  ];
}
