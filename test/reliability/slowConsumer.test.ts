/**
 * Slow consumer: a client stops reading (its TCP socket is paused) while four
 * editors keep rewriting their 40,000-character rationales (each change about
 * 40 KB on the wire, the document itself stays small). The server stops queueing
 * for it past `MAX_BUFFERED_BYTES` and closes it with 1013, so its memory stays
 * bounded however long the others write; a reader that keeps reading gets every
 * change on time.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { writeRichTextToXml } from '../../shared/doc/richtext';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { readTitle, writeTitle } from '../../shared/doc/text';
import { CLOSE_TRY_AGAIN_LATER, MAX_BUFFERED_BYTES } from '../../shared/protocol';
import { procStats } from '../helpers/proc';
import { liveMemoryOf, spawnServer } from '../server/fixtures/spawnServer';
import { tempDir } from '../server/serverHarness';
import { fixtureProvider, machine, printFigures, stopServer, waitFor } from './support';

const WRITERS = 4;
const WRITE_EVERY_MS = 25;
const TEXT_CHARS = 40_000;
/** How long the writers write; the slow client reads again after this (before the server's 30 s close timeout). */
const WRITE_MS = 20_000;

describe('reliability: slow consumer', () => {
  it('a client that stops reading is closed with 1013 and the server’s memory stays bounded while the others write', async () => {
    process.setMaxListeners(200);
    const dir = tempDir('reliability-slow-');
    let server: ChildProcess | null = null;
    const writers: Array<{ doc: Y.Doc; p: WebsocketProvider; timer?: ReturnType<typeof setInterval> }> = [];
    let reader: WebsocketProvider | null = null;
    let slow: WebSocket | null = null;
    try {
      const started = await spawnServer(dir, WRITERS + 2, 1);
      server = started.child;
      const { port } = started;
      // Uncompressed connections: the scenario is the server's queue for a reader that
      // stopped reading, byte for byte; what per-message compression costs is measured in
      // docs/BENCHMARKS.md (first load) and limited in server/ws.ts.
      for (let i = 0; i < WRITERS; i++) {
        const doc = new Y.Doc();
        writers.push({ doc, p: fixtureProvider(port, 'pkg0', `u${i}`, doc, true, false) });
      }
      const readerDoc = new Y.Doc();
      reader = fixtureProvider(port, 'pkg0', `u${WRITERS}`, readerDoc, true, false);
      await waitFor(() => writers.every((w) => w.p.synced) && reader!.synced, 20_000, 'synced');
      for (const [i, w] of writers.entries()) createLineInDoc(w.doc, { id: `skriver-${i}`, ledger: 'drift', group: 'tiltak', title: `Skriver ${i}` });
      await waitFor(() => getLinesMap(readerDoc).size === WRITERS, 10_000, 'the writers’ lines at the reader');

      // The slow client: connected, greeted, then it stops reading from its socket.
      let slowBytes = 0;
      const slowClose = new Promise<{ code: number; reason: string }>((resolve) => {
        slow = new WebSocket(`ws://127.0.0.1:${port}/ws/pkg0`, { headers: { cookie: `session=token-u${WRITERS + 1}` }, perMessageDeflate: false });
        slow.on('message', (d: Buffer) => (slowBytes += d.length));
        slow.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
        slow.on('error', () => {});
      });
      await waitFor(() => slowBytes > 0, 10_000, 'the slow client greeted');
      const slowSocket = (slow! as unknown as { _socket: Socket })._socket;
      let wireAtClose: number | null = null;
      slow!.once('close', () => (wireAtClose = slowSocket.bytesRead));
      const slowWireBytes = () => wireAtClose ?? slowSocket.bytesRead;
      (slow! as unknown as { _socket: Socket })._socket.pause();

      // Latency of the writers' changes at the reader, and the server's memory, while they write.
      const MiB = 2 ** 20;
      const live = async () => {
        const m = await liveMemoryOf(server!);
        return (m.heapUsed + m.external) / MiB;
      };
      const liveBefore = await live();
      const baseline = procStats(server.pid!).rssMiB;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, procStats(server!.pid!).rssMiB)), 100);
      const latencies: number[] = [];
      const sentAt = new Map<string, number>();
      readerDoc.on('update', () => {
        for (const [key, t] of sentAt) {
          const line = getLinesMap(readerDoc).get(key.split('@')[0]!);
          if (line && readTitle(line) === key.split('@')[1]) {
            latencies.push(performance.now() - t);
            sentAt.delete(key);
          }
        }
      });
      let changes = 0;
      let bytesSent = 0;
      const words = 'Tiltaket styrker tjenesten og finansieres innenfor rammen. ';
      for (const [i, w] of writers.entries()) {
        w.doc.on('update', (u: Uint8Array, origin: unknown) => {
          if (origin !== w.p) bytesSent += u.byteLength;
        });
        w.timer = setInterval(() => {
          const n = changes++;
          const text = `${n} ${words.repeat(Math.ceil(TEXT_CHARS / words.length))}`.slice(0, TEXT_CHARS);
          w.doc.transact(() => {
            const line = getLinesMap(w.doc).get(`skriver-${i}`)!;
            writeRichTextToXml(line.get('rationale') as Y.XmlText, [{ type: 'paragraph', runs: [{ text }] }]);
            writeTitle(line, `Skriver ${i} endring ${n}`);
          });
          if (i === 0 && n % 10 === 0) sentAt.set(`skriver-${i}@Skriver ${i} endring ${n}`, performance.now());
        }, WRITE_EVERY_MS);
      }
      // Past the limit (the slow client is closed by then), the server's memory must stay flat while the relay goes on.
      await new Promise((r) => setTimeout(r, WRITE_MS * 0.6));
      const liveMid = await live();
      const relayedAtMid = bytesSent;
      await new Promise((r) => setTimeout(r, WRITE_MS * 0.4));
      for (const w of writers) clearInterval(w.timer);
      // What the server holds now (its queue for the slow client included, which it still keeps until that socket is gone).
      const liveAfter = await live();
      const titles = () => writers.map((w, i) => readTitle(getLinesMap(w.doc).get(`skriver-${i}`)!));
      await waitFor(() => JSON.stringify(writers.map((_, i) => readTitle(getLinesMap(readerDoc).get(`skriver-${i}`) ?? new Y.Map()))) === JSON.stringify(titles()), 30_000, 'the reader has every change');
      clearInterval(sampler);

      // Reading again, the slow client gets what the server had queued for it, then the close.
      (slow! as unknown as { _socket: Socket })._socket.resume();
      const closed = await Promise.race([
        slowClose,
        new Promise<{ code: number; reason: string }>((resolve) => setTimeout(() => resolve({ code: -1, reason: 'still open 20 s after it read again' }), 20_000)),
      ]);
      latencies.sort((a, b) => a - b);
      const q = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(0) : '–');
      const relayedMiB = (bytesSent / 2 ** 20) * 1;
      printFigures(`Slow consumer (${await machine()})`, [
        {
          writers: WRITERS,
          'changes written': changes,
          'MiB relayed to each reader': relayedMiB.toFixed(0),
          'slow client: MiB on the wire before the close': (slowWireBytes() / 2 ** 20).toFixed(1),
          'slow client: close code': closed.code,
          'server live memory before / at 60 % / at the end MiB': `${liveBefore.toFixed(0)} / ${liveMid.toFixed(0)} / ${liveAfter.toFixed(0)}`,
          'MiB relayed after 60 %': ((bytesSent - relayedAtMid) / MiB).toFixed(0),
          'server RSS before / peak MiB': `${baseline.toFixed(0)} / ${peak.toFixed(0)}`,
          'reader latency p50 / p99 ms': `${q(0.5)} / ${q(0.99)}`,
        },
      ], [
        `MAX_BUFFERED_BYTES = ${MAX_BUFFERED_BYTES / 2 ** 20} MiB. Without it the server would have queued every relayed byte for the slow client.`,
        'Live memory = JS heap in use + external buffers after a full GC in the server process (asked over IPC); RSS also counts freed heap V8 keeps and the compaction worker.',
      ]);
      expect(closed.code).toBe(CLOSE_TRY_AGAIN_LATER);
      // The writers sent far more than the server may queue, and the server's memory grew by much less than they sent.
      expect(bytesSent).toBeGreaterThan(2.5 * MAX_BUFFERED_BYTES);
      // Bytes on the wire (frames are compressed; inflated they are more): what the server could have queued.
      expect(slowWireBytes()).toBeLessThan(MAX_BUFFERED_BYTES + 16 * MiB);
      // Queueing everything would grow with what was relayed; the server holds its limit and the document, then stays flat.
      expect(bytesSent - relayedAtMid).toBeGreaterThan(24 * MiB);
      expect(liveAfter - liveMid).toBeLessThan(16);
      expect(liveAfter - liveBefore).toBeLessThan(MAX_BUFFERED_BYTES / MiB + 40);
    } finally {
      for (const w of writers) {
        clearInterval(w.timer);
        w.p.destroy();
      }
      reader?.destroy();
      (slow as WebSocket | null)?.terminate();
      if (server) await stopServer(server).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
