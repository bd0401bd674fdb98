/**
 * Crash test: a server in a child process under continuous edits from several
 * providers is killed with SIGKILL; after a restart on the same SQLite file,
 * every update any client had received from the server is present.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { cookieWebSocket, tempDir, waitFor } from './serverHarness';

const FIXTURE = path.resolve('test/server/fixtures/crashServer.ts');

/** Starts the fixture server; resolves with the child and its port. */
export async function spawnServer(dir: string, users = 8, packages = 1): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dir, String(users), String(packages)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)));
  });
  return { child, port };
}

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
});
