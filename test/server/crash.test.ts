/**
 * Crash test: a server in a child process under continuous edits from several
 * providers is killed with SIGKILL; after a restart on the same SQLite file,
 * every update any client had received from the server is present.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { cookieWebSocket, tempDir, waitFor } from './serverHarness';
import { spawnServer } from './fixtures/spawnServer';

function provider(port: number, user: string, doc: Y.Doc): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, 'pkg0', doc, {
    WebSocketPolyfill: cookieWebSocket(`session=token-${user}`),
    disableBc: true,
    maxBackoffTime: 200,
  });
}

describe('crash safety', () => {
  it('after kill -9 under load, every update a client received is still there', async () => {
    const dir = tempDir('crash-');
    const clients: Array<{ doc: Y.Doc; p: WebsocketProvider; received: Set<string>; timer?: ReturnType<typeof setInterval> }> = [];
    let server: ChildProcess | null = null;
    try {
      const first = await spawnServer(dir);
      server = first.child;
      for (let i = 0; i < 4; i++) {
        const doc = new Y.Doc();
        const p = provider(first.port, `u${i}`, doc);
        const received = new Set<string>();
        // What this client got from the server: lines created by others, applied with the provider as origin.
        getLinesMap(doc).observe((ev) => {
          if (ev.transaction.origin !== p) return;
          for (const [key, change] of ev.changes.keys) if (change.action === 'add') received.add(key);
        });
        clients.push({ doc, p, received });
      }
      await waitFor(() => clients.every((c) => c.p.synced), 10_000, 'initial sync');
      let n = 0;
      for (const [i, c] of clients.entries()) {
        c.timer = setInterval(() => {
          for (let k = 0; k < 3; k++) createLineInDoc(c.doc, { id: `c${i}-${n++}`, ledger: 'drift', group: 'tiltak', title: `Linje ${i}`, amounts: { '2024': '1' } });
        }, 4);
      }
      await waitFor(() => clients.every((c) => c.received.size > 150), 15_000, 'traffic');
      server.kill('SIGKILL');
      await new Promise((r) => server!.once('exit', r));
      for (const c of clients) clearInterval(c.timer);
      const receivedAll = new Set(clients.flatMap((c) => [...c.received]));
      for (const c of clients) {
        c.p.destroy();
      }

      const second = await spawnServer(dir);
      server = second.child;
      const fresh = new Y.Doc();
      const p = provider(second.port, 'u7', fresh);
      await waitFor(() => p.synced, 10_000, 'sync after restart');
      const lines = getLinesMap(fresh);
      const missing = [...receivedAll].filter((id) => !lines.has(id));
      p.destroy();
      expect(receivedAll.size).toBeGreaterThan(150);
      expect(missing).toEqual([]);
    } finally {
      for (const c of clients) clearInterval(c.timer);
      server?.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM: stores what is pending, closes sockets with 1012, exits 0', async () => {
    const dir = tempDir('sigterm-');
    let server: ChildProcess | null = null;
    try {
      const first = await spawnServer(dir);
      server = first.child;
      const doc = new Y.Doc();
      const p = provider(first.port, 'u0', doc);
      const closes: number[] = [];
      p.on('connection-close', (ev) => {
        if (ev) closes.push(ev.code);
      });
      await waitFor(() => p.synced, 10_000, 'sync');
      const watcherDoc = new Y.Doc();
      const watcher = provider(first.port, 'u1', watcherDoc);
      await waitFor(() => watcher.synced, 10_000, 'watcher sync');
      for (let i = 0; i < 50; i++) createLineInDoc(doc, { id: `t${i}`, ledger: 'drift', group: 'tiltak', title: `Linje ${i}` });
      // The watcher has them only once they are stored (write before broadcast).
      await waitFor(() => getLinesMap(watcherDoc).size === 50, 10_000, 'watcher received the lines');
      watcher.destroy();
      const exited = new Promise<number | null>((r) => server!.once('exit', (code) => r(code)));
      server.kill('SIGTERM');
      expect(await exited).toBe(0);
      await waitFor(() => closes.length > 0, 5000, 'close event');
      expect(closes[0]).toBe(1012);
      p.destroy();
      const second = await spawnServer(dir);
      server = second.child;
      const fresh = new Y.Doc();
      const p2 = provider(second.port, 'u1', fresh);
      await waitFor(() => p2.synced, 10_000, 'sync after restart');
      expect(getLinesMap(fresh).size).toBe(50);
      p2.destroy();
    } finally {
      server?.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
