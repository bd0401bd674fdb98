/**
 * SIGKILL one of two instances (each its own process, on one PostgreSQL and Redis)
 * under load: its clients reconnect through the proxy in front of both to the other
 * instance, and every line any client had received from a server is there.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { fixtureProvider, stopServer } from '../reliability/support';
import { waitFor } from '../server/serverHarness';
import { converged, freshPrefix, spawnInstance, startFailoverProxy } from './clusterHarness';
import { dropSchema, freshSchema } from './services';

const schema = freshSchema();
afterAll(async () => {
  await dropSchema(schema);
});

interface Writer {
  doc: Y.Doc;
  p: WebsocketProvider;
  received: Set<string>;
}

describe('scale-out: an instance dies', () => {
  it('SIGKILL of instance A under 4 writers: its clients reconnect to B, and everything any client had received is there', async () => {
    process.setMaxListeners(100);
    const prefix = freshPrefix();
    const children: ChildProcess[] = [];
    const writers: Writer[] = [];
    const timers: Array<ReturnType<typeof setInterval>> = [];
    let proxy: { port: number; close(): Promise<void> } | null = null;
    try {
      const a = await spawnInstance(schema, prefix, 5);
      children.push(a.child);
      const b = await spawnInstance(schema, prefix, 5);
      children.push(b.child);
      proxy = await startFailoverProxy([a.port, b.port]);
      // u0, u1 through the proxy (so on A until it dies), u2, u3 straight on B.
      for (let i = 0; i < 4; i++) {
        const doc = new Y.Doc();
        const p = fixtureProvider(i < 2 ? proxy.port : b.port, 'pkg0', `u${i}`, doc);
        const w: Writer = { doc, p, received: new Set() };
        getLinesMap(doc).observe((ev) => {
          if (ev.transaction.origin !== p) return;
          for (const [key, change] of ev.changes.keys) if (change.action === 'add') w.received.add(key);
        });
        writers.push(w);
      }
      await waitFor(() => writers.every((w) => w.p.synced), 20_000, 'writers synced');
      let n = 0;
      for (const [i, w] of writers.entries()) {
        timers.push(setInterval(() => createLineInDoc(w.doc, { id: `w${i}-${n++}`, ledger: 'drift', group: 'tiltak', title: `Skriver ${i}`, amounts: {} }), 25));
      }
      await waitFor(() => writers.every((w) => w.received.size >= 40), 20_000, 'traffic across both instances');
      const exited = new Promise((r) => a.child.once('exit', r));
      a.child.kill('SIGKILL');
      await exited;
      // What any client had received from a server at the moment A died.
      const seen = new Set<string>();
      for (const w of writers) for (const id of w.received) seen.add(id);
      const check = fixtureProvider(b.port, 'pkg0', 'u4');
      await waitFor(() => check.synced, 10_000, 'check client synced on B');
      const missing = [...seen].filter((id) => !getLinesMap(check.doc).has(id));
      expect(missing).toEqual([]);
      // A's clients are back (on B) and keep writing; everyone converges.
      await waitFor(() => writers.slice(0, 2).every((w) => w.p.wsconnected), 10_000, "A's clients reconnected through the proxy");
      const before = writers[0]!.received.size;
      await waitFor(() => writers[0]!.received.size > before + 10, 10_000, 'traffic after the failover');
      for (const t of timers) clearInterval(t);
      await converged([...writers.map((w) => w.doc), check.doc], 20_000, 'convergence after the failover');
      check.destroy();
    } finally {
      for (const t of timers) clearInterval(t);
      for (const w of writers) w.p.destroy();
      await proxy?.close();
      for (const c of children) await stopServer(c);
    }
  });
});
