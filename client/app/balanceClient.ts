/**
 * Connects a tab to its package's balance worker: the SharedWorker named
 * `balance-<packageId>` (so every tab of that package in this browser shares
 * one), or a dedicated Worker where SharedWorker does not exist. The tab only
 * receives: the package report (client/worker/protocol.ts) and, for the
 * export card, the pre-export check of a scope.
 */
import { useEffect, useState } from 'react';
import type { ExportScope } from '../../shared/export/model';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import { carryUnchangedParts, type PackageReport } from '../../shared/report/packageReport';
import type { TabToWorker, WorkerToTab } from '../worker/protocol';

/** A tab's connection to the balance worker. */
export interface BalanceWorker {
  kind: 'shared' | 'dedicated';
  post(msg: TabToWorker): void;
  /** Calls `listener` with every message from the worker; returns the unsubscribe function. */
  subscribe(listener: (msg: WorkerToTab) => void): () => void;
  close(): void;
}

/** Starts (or joins) the worker. */
export function connectBalanceWorker(packageId: string): BalanceWorker {
  const name = 'balance-' + packageId;
  const listeners = new Set<(msg: WorkerToTab) => void>();
  const deliver = (ev: MessageEvent<WorkerToTab>) => {
    for (const l of listeners) l(ev.data);
  };
  const subscribe = (listener: (msg: WorkerToTab) => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  if (typeof SharedWorker !== 'undefined') {
    const worker = new SharedWorker(new URL('../worker/balance.worker.ts', import.meta.url), { type: 'module', name });
    const port = worker.port;
    port.onmessage = deliver;
    port.start();
    return {
      kind: 'shared',
      post: (msg) => port.postMessage(msg),
      subscribe,
      close: () => {
        port.postMessage({ type: 'bye' } satisfies TabToWorker);
        listeners.clear();
        port.close();
      },
    };
  }
  const worker = new Worker(new URL('../worker/balance.worker.ts', import.meta.url), { type: 'module', name });
  worker.onmessage = deliver;
  return {
    kind: 'dedicated',
    post: (msg) => worker.postMessage(msg),
    subscribe,
    close: () => {
      listeners.clear();
      worker.terminate();
    },
  };
}

export interface BalanceState {
  /** The latest package report; unchanged parts keep their identity from one report to the next. */
  report: PackageReport | null;
  /** Whether the worker's replica has completed its first sync. */
  synced: boolean;
  workerConnected: boolean;
  /** The connection, for `useExportCheck`; null until mounted. */
  worker: BalanceWorker | null;
}

const INITIAL: BalanceState = { report: null, synced: false, workerConnected: false, worker: null };

/** The live package report of a package. */
export function useBalance(packageId: string): BalanceState {
  const [state, setState] = useState<BalanceState>(INITIAL);
  useEffect(() => {
    const worker = connectBalanceWorker(packageId);
    const stop = worker.subscribe((msg) => {
      // The report crossed a structured clone: parts with an unchanged revision become the
      // previous objects again, so memoised tables of untouched ledgers skip rendering.
      if (msg.type === 'report') setState((s) => ({ ...s, report: carryUnchangedParts(s.report, msg.report), synced: msg.synced }));
      else if (msg.type === 'status') setState((s) => ({ ...s, workerConnected: msg.connected }));
    });
    worker.post({ type: 'hello' });
    setState({ ...INITIAL, worker });
    return () => {
      stop();
      worker.close();
    };
  }, [packageId]);
  return state;
}

/** The pre-export check of `scope`, computed in the worker and kept live; null until it arrives. */
export function useExportCheck(worker: BalanceWorker | null, scope: ExportScope): PreExportCheck | null {
  const [latest, setLatest] = useState<{ scope: ExportScope; check: PreExportCheck } | null>(null);
  useEffect(() => {
    if (!worker) return undefined;
    const stop = worker.subscribe((msg) => {
      if (msg.type === 'check' && msg.scope === scope) setLatest({ scope, check: msg.check });
    });
    worker.post({ type: 'watch-check', scope });
    return () => {
      stop();
      worker.post({ type: 'watch-check', scope: null });
    };
  }, [worker, scope]);
  return latest?.scope === scope ? latest.check : null;
}
