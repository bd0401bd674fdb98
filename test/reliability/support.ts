/**
 * What the reliability scenarios share: real y-websocket providers against a server
 * on a port (the fixture server in its own process authenticates `u<n>` by the
 * cookie `session=token-u<n>`), waiting, stopping a server, and printing a
 * scenario's figures as a markdown table (copied into docs/RELIABILITY.md).
 */
import type { ChildProcess } from 'node:child_process';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { toMarkdown } from '../bench/measure';
import { cookieWebSocket } from '../server/serverHarness';

export { waitFor } from '../server/serverHarness';

/** A provider of the fixture server's user `user` for `room`, reconnecting quickly. */
export function fixtureProvider(port: number, room: string, user: string, doc = new Y.Doc(), connect = true, compress = true): WebsocketProvider {
  return new WebsocketProvider(`ws://127.0.0.1:${port}/ws`, room, doc, {
    WebSocketPolyfill: cookieWebSocket(`session=token-${user}`, undefined, { compress }),
    disableBc: true,
    maxBackoffTime: 300,
    connect,
  });
}

/** Stops a server process with SIGTERM (it stores what is pending) and waits for it to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Prints a scenario's figures (a markdown table under a heading) to the test output. */
export function printFigures(title: string, rows: Array<Record<string, string | number>>, notes: string[] = []): void {
  console.log(`\n### ${title}\n\n${toMarkdown({ title, rows })}\n${notes.map((n) => `\n${n}`).join('')}\n`);
}

/** Milliseconds since `t0` (performance.now), rounded. */
export function since(t0: number): number {
  return Math.round(performance.now() - t0);
}

/** The machine, for the figures: CPU model and count, memory, Node version. */
export async function machine(): Promise<string> {
  const os = await import('node:os');
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}`;
}
