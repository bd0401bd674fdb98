/**
 * Connects a tab to its package's balance worker: the SharedWorker named
 * `balance-<packageId>` (so every tab of that package in this browser shares
 * one), or a dedicated Worker where SharedWorker does not exist.
 */
import { useEffect, useState } from 'react';
import type { WorkerToTab } from '../worker/protocol';

export type BalanceMessage = Extract<WorkerToTab, { type: 'report' }>;

export interface BalanceState {
  latest: BalanceMessage | null;
  workerConnected: boolean;
  kind: 'shared' | 'dedicated';
}

/** Starts (or joins) the worker; returns the disconnect function. */
export function connectBalanceWorker(packageId: string, onMessage: (msg: WorkerToTab) => void): { kind: 'shared' | 'dedicated'; close: () => void } {
  const name = 'balance-' + packageId;
  if (typeof SharedWorker !== 'undefined') {
    const worker = new SharedWorker(new URL('../worker/balance.worker.ts', import.meta.url), { type: 'module', name });
    const port = worker.port;
    port.onmessage = (ev: MessageEvent<WorkerToTab>) => onMessage(ev.data);
    port.start();
    port.postMessage({ type: 'hello' });
    return { kind: 'shared', close: () => port.close() };
  }
  const worker = new Worker(new URL('../worker/balance.worker.ts', import.meta.url), { type: 'module', name });
  worker.onmessage = (ev: MessageEvent<WorkerToTab>) => onMessage(ev.data);
  return { kind: 'dedicated', close: () => worker.terminate() };
}

/** The latest balance report for a package, live. */
export function useBalance(packageId: string): BalanceState {
  const [state, setState] = useState<BalanceState>({ latest: null, workerConnected: false, kind: 'shared' });
  useEffect(() => {
    const conn = connectBalanceWorker(packageId, (msg) => {
      if (msg.type === 'report') setState((s) => ({ ...s, latest: msg }));
      else setState((s) => ({ ...s, workerConnected: msg.connected }));
    });
    setState((s) => ({ ...s, kind: conn.kind }));
    return conn.close;
  }, [packageId]);
  return state;
}
