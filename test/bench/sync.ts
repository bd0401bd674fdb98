/**
 * Sync benchmark: the collaboration server in its own process (so its CPU and RSS
 * can be read from /proc), real y-websocket providers in this process.
 *
 * 1. Fan-out (test/bench/fanout.ts): N docs × C clients × R edits/s per client for
 *    a few seconds. Every edit writes an amount holding its send time; every other
 *    client of the doc records the end-to-end latency when the edit arrives (same
 *    clock, same process). Reports p50/p99 latency, delivered %, server CPU % and RSS.
 * 2. Cold join of a package with 5,000 lines and 50,000 characters of rationale
 *    text: time for a fresh client until synced, with the room unloaded (server
 *    reads SQLite) and with the room live.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { createLineInDoc, getLinesMap, writeMetaToDoc } from '../../shared/doc/schema';
import { spawnServer } from '../server/fixtures/spawnServer';
import { procStats } from '../helpers/proc';
import { stopServer } from '../reliability/support';
import { connect, deliveredPct, DRAIN_MS, ms1, runFanOut, SCENARIO_SECONDS, SYNC_SCENARIOS, waitFor, type FanOutScenario } from './fanout';
import type { BenchTable } from './measure';

const COLD_JOIN_LINES = 5000;
const COLD_JOIN_TEXT_CHARS = 50_000;

async function fanOut(s: FanOutScenario): Promise<Record<string, string | number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sync-'));
  const { child, port } = await spawnServer(dir, s.clients, s.docs);
  try {
    const r = await runFanOut(s, { instances: [{ port, pid: child.pid! }] });
    return {
      docs: s.docs,
      'clients/doc': s.clients,
      'edits/s/client': s.rate,
      'edits/s total': Math.round(r.sent / r.editSeconds),
      'p50 ms': ms1(r.latency.all, 0.5),
      'p99 ms': ms1(r.latency.all, 0.99),
      'delivered %': deliveredPct(r),
      'server CPU %': ((100 * r.cpuS) / r.editSeconds).toFixed(1),
      'server RSS MiB': r.rssMiB.toFixed(0),
    };
  } finally {
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
  const lines = getLinesMap(doc).size;
  // The provider leaves its awareness (and the awareness's 3 s timer) to the doc.
  doc.destroy();
  return { ms, lines };
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
    up.destroy();
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
  for (const s of SYNC_SCENARIOS) rows.push(await fanOut(s));
  const join = await coldJoin();
  return [
    {
      title: 'Sync: end-to-end propagation through the server (y-websocket providers in Node)',
      rows,
      notes: [
        `${SCENARIO_SECONDS} s of edits per scenario, then up to ${DRAIN_MS} ms to drain; latency = send → applied at every other client of the doc.`,
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
