/**
 * Reconnect storm: 150 clients of one package (real y-websocket providers against
 * the server in its own process on SQLite) reconnect at the same moment, each with
 * an edit made while it was away — once because all dropped their connection at
 * once, once because the server restarted under them. Every time, all 150 converge
 * on the same document with every edit.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { procStats } from '../helpers/proc';
import { spawnServer } from '../server/fixtures/spawnServer';
import { tempDir } from '../server/serverHarness';
import { fixtureProvider, machine, printFigures, since, stopServer, waitFor } from './support';

const CLIENTS = 150;

interface Client {
  doc: Y.Doc;
  p: WebsocketProvider;
}

describe('reliability: reconnect storm', () => {
  it(`${CLIENTS} clients reconnecting at once, each with an offline edit, all converge`, async () => {
    process.setMaxListeners(1000);
    const dir = tempDir('reliability-storm-');
    const clients: Client[] = [];
    let server: ChildProcess | null = null;
    const rows: Array<Record<string, string | number>> = [];
    try {
      const started = await spawnServer(dir, CLIENTS, 1);
      server = started.child;
      const port = started.port;
      const converged = (lines: number) => clients.every((c) => c.p.synced && getLinesMap(c.doc).size === lines);
      const storm = async (name: string, lines: number, t0: number, cpu0: number) => {
        let peakRss = 0;
        await waitFor(() => {
          peakRss = Math.max(peakRss, procStats(server!.pid!).rssMiB);
          return converged(lines);
        }, 120_000, `${name}: all converge`);
        const ms = since(t0);
        const after = procStats(server!.pid!);
        // Same lines everywhere, and the same document: one state vector.
        const sv = Buffer.from(Y.encodeStateVector(clients[0]!.doc)).toString('base64');
        const same = clients.every((c) => Buffer.from(Y.encodeStateVector(c.doc)).toString('base64') === sv);
        rows.push({ storm: name, clients: CLIENTS, 'lines everywhere': lines, 'all converged ms': ms, 'server CPU s': (after.cpuS - cpu0).toFixed(1), 'server peak RSS MiB': peakRss.toFixed(0), 'same state everywhere': String(same) });
        expect(same, name).toBe(true);
      };

      let t0 = performance.now();
      let cpu0 = procStats(server.pid!).cpuS;
      for (let i = 0; i < CLIENTS; i++) {
        const doc = new Y.Doc();
        clients.push({ doc, p: fixtureProvider(port, 'pkg0', `u${i}`, doc) });
      }
      for (const [i, c] of clients.entries()) createLineInDoc(c.doc, { id: `online-${i}`, ledger: 'drift', group: 'tiltak', title: `Klient ${i}` });
      await storm('first connect (150 at once, one edit each)', CLIENTS, t0, cpu0);

      // Storm 1: every client drops its connection, edits offline, and all come back in the same instant.
      for (const c of clients) c.p.disconnect();
      for (const [i, c] of clients.entries()) createLineInDoc(c.doc, { id: `away-${i}`, ledger: 'drift', group: 'tiltak', title: `Borte ${i}`, amounts: { '2026': String(i) } });
      t0 = performance.now();
      cpu0 = procStats(server.pid!).cpuS;
      for (const c of clients) c.p.connect();
      await storm('all reconnect at once after an offline edit', 2 * CLIENTS, t0, cpu0);

      // Storm 2: the server restarts under them (SIGTERM: it stores what is pending and closes with 1012);
      // every client edits while it is down and reconnects on its own as soon as it is back.
      await stopServer(server);
      for (const [i, c] of clients.entries()) createLineInDoc(c.doc, { id: `restart-${i}`, ledger: 'investering', group: 'tiltak', title: `Omstart ${i}` });
      t0 = performance.now();
      ({ child: server } = await spawnServer(dir, CLIENTS, 1, port));
      cpu0 = procStats(server.pid!).cpuS;
      await storm('server restart: all reconnect on their own', 3 * CLIENTS, t0, cpu0);

      printFigures(`Reconnect storm (${await machine()})`, rows, [
        'Clients are y-websocket providers in the test process (maxBackoffTime 300 ms); the server is the fixture server in its own process on SQLite.',
        '"all converged ms" runs from the reconnect (or the restart of the server, process start included) until every client is synced and holds every line.',
      ]);
    } finally {
      for (const c of clients) c.p.destroy();
      if (server) await stopServer(server).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
