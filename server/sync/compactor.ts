/**
 * Compaction merges: on a worker thread (production) or on this thread.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import * as Y from 'yjs';

// The worker loads the CommonJS build of the same yjs package the server uses.
const YJS_PATH = createRequire(import.meta.url).resolve('yjs');

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const Y = require(${JSON.stringify(YJS_PATH)});
parentPort.on('message', ({ id, parts }) => {
  try {
    const doc = new Y.Doc();
    doc.transact(() => { for (const p of parts) Y.applyUpdate(doc, p); });
    const pending = doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
    const snapshot = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    parentPort.postMessage({ id, snapshot, pending }, [snapshot.buffer]);
  } catch (e) {
    parentPort.postMessage({ id, error: String((e && e.message) || e) });
  }
});
`;

interface Job {
  resolve: (snapshot: Uint8Array) => void;
  reject: (err: Error) => void;
}

let worker: Worker | null = null;
let nextId = 1;
const jobs = new Map<number, Job>();

function getWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(WORKER_SOURCE, { eval: true });
  w.on('message', (msg: { id: number; snapshot?: Uint8Array; pending?: boolean; error?: string }) => {
    const job = jobs.get(msg.id);
    if (!job) return;
    jobs.delete(msg.id);
    if (jobs.size === 0) w.unref();
    if (msg.error !== undefined || !msg.snapshot) job.reject(new Error(msg.error ?? 'no snapshot'));
    else if (msg.pending) job.reject(new Error('the stored log has missing dependencies; not compacting'));
    else job.resolve(msg.snapshot);
  });
  const fail = (err: Error) => {
    for (const job of jobs.values()) job.reject(err);
    jobs.clear();
    worker = null;
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`compaction worker exited (${code})`)));
  w.unref();
  worker = w;
  return w;
}

/**
 * Merges a stored snapshot and log tail into one snapshot on the calling thread,
 * with the same contract as `mergeInBackground` (rejects when the parts leave
 * missing dependencies). For tests with a manual scheduler, and the fallback when
 * no worker can be started.
 */
export async function mergeOnThisThread(parts: Uint8Array[]): Promise<Uint8Array> {
  const doc = new Y.Doc();
  try {
    doc.transact(() => {
      for (const p of parts) Y.applyUpdate(doc, p);
    });
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) throw new Error('the stored log has missing dependencies; not compacting');
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * Merges a stored snapshot and log tail into one snapshot (a garbage-collected
 * `encodeStateAsUpdate`) on a worker thread, so compacting a large document never
 * blocks the event loop that serves every other room. Rejects when the parts do
 * not form a complete document (missing dependencies) — such a log must not be
 * replaced. Falls back to the calling thread only if a worker cannot be started.
 */
export function mergeInBackground(parts: Uint8Array[]): Promise<Uint8Array> {
  let w: Worker;
  try {
    w = getWorker();
  } catch {
    return mergeOnThisThread(parts);
  }
  const id = nextId++;
  return new Promise((resolve, reject) => {
    jobs.set(id, { resolve, reject });
    w.ref();
    w.postMessage({ id, parts });
  });
}
