/**
 * Crash loop: the server in its own process on SQLite, 20 writers editing through
 * real y-websocket providers, killed with SIGKILL ten times. After each restart, a
 * fresh client finds every line any writer had received from the server (write
 * before broadcast: what anyone has seen is stored), before the writers reconnect
 * and could resend it; at the end all writers and the server agree.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { spawnServer } from '../server/fixtures/spawnServer';
import { tempDir } from '../server/serverHarness';
import { fixtureProvider, machine, printFigures, since, stopServer, waitFor } from './support';

const WRITERS = 20;
const ROUNDS = 10;
/** Each writer creates a line this often. */
const WRITE_EVERY_MS = 40;
/** Before each kill, every writer must have received this many lines from the others in that round. */
const RECEIVED_PER_ROUND = 100;

interface Writer {
  doc: Y.Doc;
  p: WebsocketProvider;
  /** Line ids this writer received from the server (written by others). */
  received: Set<string>;
  receivedThisRound: number;
  timer?: ReturnType<typeof setInterval>;
}

describe('reliability: crash loop', () => {
  it(`SIGKILL under ${WRITERS} writers, ${ROUNDS} rounds: after every restart nothing any client had received is missing`, async () => {
    process.setMaxListeners(200);
    const dir = tempDir('reliability-crash-');
    const writers: Writer[] = [];
    let server: ChildProcess | null = null;
    const rows: Array<Record<string, string | number>> = [];
    const t0 = performance.now();
    try {
      const first = await spawnServer(dir, WRITERS + 1, 1);
      server = first.child;
      const port = first.port;
      for (let i = 0; i < WRITERS; i++) {
        const doc = new Y.Doc();
        const p = fixtureProvider(port, 'pkg0', `u${i}`, doc);
        const w: Writer = { doc, p, received: new Set(), receivedThisRound: 0 };
        getLinesMap(doc).observe((ev) => {
          if (ev.transaction.origin !== p) return;
          for (const [key, change] of ev.changes.keys) {
            if (change.action === 'add' && !w.received.has(key)) {
              w.received.add(key);
              w.receivedThisRound++;
            }
          }
        });
        writers.push(w);
      }
      await waitFor(() => writers.every((w) => w.p.synced), 20_000, 'writers synced');
      let n = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        for (const w of writers) w.receivedThisRound = 0;
        const roundStart = performance.now();
        for (const [i, w] of writers.entries()) {
          w.timer = setInterval(() => {
            createLineInDoc(w.doc, { id: `w${i}-r${round}-${n++}`, ledger: 'drift', group: 'tiltak', title: `Skriver ${i}`, amounts: { '2026': String(n % 97) } });
          }, WRITE_EVERY_MS);
        }
        await waitFor(() => writers.every((w) => w.receivedThisRound >= RECEIVED_PER_ROUND), 30_000, `traffic in round ${round}`);
        const exited = new Promise((r) => server!.once('exit', r));
        server.kill('SIGKILL');
        await exited;
        for (const w of writers) {
          clearInterval(w.timer);
          // Keep them away until the check: a writer's reconnect would resend what the server lost.
          w.p.disconnect();
        }
        const trafficMs = since(roundStart);
        const receivedAll = new Set(writers.flatMap((w) => [...w.received]));
        const restartAt = performance.now();
        ({ child: server } = await spawnServer(dir, WRITERS + 1, 1, port));
        const restartMs = since(restartAt);
        const checkAt = performance.now();
        const fresh = new Y.Doc();
        const probe = fixtureProvider(port, 'pkg0', `u${WRITERS}`, fresh);
        await waitFor(() => probe.synced, 20_000, `probe sync after restart ${round}`);
        const stored = getLinesMap(fresh);
        const missing = [...receivedAll].filter((id) => !stored.has(id));
        const storedCount = stored.size;
        probe.destroy();
        fresh.destroy();
        rows.push({
          round,
          'traffic ms': trafficMs,
          'lines received by someone': receivedAll.size,
          'lines stored': storedCount,
          'missing after restart': missing.length,
          'restart ms': restartMs,
          'fresh sync ms': since(checkAt),
        });
        expect(missing, `round ${round}`).toEqual([]);
        for (const w of writers) w.p.connect();
        await waitFor(() => writers.every((w) => w.p.synced), 20_000, `writers back after round ${round}`);
      }
      // The writers resent what the server lost when it was killed: everyone agrees.
      const probeDoc = new Y.Doc();
      const probe = fixtureProvider(port, 'pkg0', `u${WRITERS}`, probeDoc);
      const keys = (d: Y.Doc) => [...getLinesMap(d).keys()].sort().join(',');
      await waitFor(() => probe.synced && writers.every((w) => getLinesMap(w.doc).size === getLinesMap(probeDoc).size), 30_000, 'convergence');
      await waitFor(() => writers.every((w) => keys(w.doc) === keys(probeDoc)), 30_000, 'same lines everywhere');
      const written = n;
      const final = getLinesMap(probeDoc).size;
      probe.destroy();
      printFigures(`Crash loop (${await machine()})`, rows, [
        `${WRITERS} writers, one line every ${WRITE_EVERY_MS} ms each; SIGKILL once every writer had received ${RECEIVED_PER_ROUND} lines in the round.`,
        `Lines written: ${written}; on the server at the end: ${final} (every one, after the writers resent what was unstored at a kill). Total ${since(t0)} ms.`,
      ]);
      expect(final).toBe(written);
    } finally {
      for (const w of writers) {
        clearInterval(w.timer);
        w.p.destroy();
      }
      if (server) await stopServer(server).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 420_000);
});
