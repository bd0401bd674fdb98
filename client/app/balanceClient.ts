/**
 * Connects a tab to its package's balance worker: the SharedWorker named
 * `balance-<packageId>` (so every tab of that package in this browser shares
 * one), or a dedicated Worker where SharedWorker does not exist. The tab feeds
 * the worker's replica with its own package document (client/worker/feed.ts;
 * the worker has no connection of its own) and receives the package report
 * (client/worker/protocol.ts) and, for the export card, the pre-export check
 * of a scope.
 */
import { useEffect, useState } from 'react';
import type * as Y from 'yjs';
import type { ExportScope } from '../../shared/export/model';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import { carryUnchangedParts, type PackageReport } from '../../shared/report/packageReport';
import { feedBalanceWorker } from '../worker/feed';
import { startBalanceWorker } from '../worker/start';
import type { TabToWorker, WorkerToTab } from '../worker/protocol';
import type { PackageConnection } from './connection';

/** A tab's connection to the balance worker. */
export interface BalanceWorker {
  kind: 'shared' | 'dedicated';
  post(msg: TabToWorker): void;
  /** Calls `listener` with every message from the worker; returns the unsubscribe function. */
  subscribe(listener: (msg: WorkerToTab) => void): () => void;
  /** Tells the worker whether this tab's document has completed its first sync. */
  setSynced(synced: boolean): void;
  close(): void;
}

/**
 * Starts (or joins) the worker of `packageId` and feeds it `doc`. The page going
 * away (closed, navigated, put in the back/forward cache) says `bye`, so the
 * worker stops counting it; a page restored from that cache says `hello` and is
 * fed again.
 */
export function connectBalanceWorker(packageId: string, doc: Y.Doc): BalanceWorker {
  const listeners = new Set<(msg: WorkerToTab) => void>();
  let post: (msg: TabToWorker) => void;
  const feed = feedBalanceWorker(doc, (msg) => post(msg));
  const deliver = (ev: MessageEvent<WorkerToTab>) => {
    feed.receive(ev.data);
    for (const l of listeners) l(ev.data);
  };
  const subscribe = (listener: (msg: WorkerToTab) => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  const onPageHide = () => post({ type: 'bye' });
  const onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) post({ type: 'hello' });
  };
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('pageshow', onPageShow);
  const stopPage = () => {
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('pageshow', onPageShow);
  };
  const started = startBalanceWorker(packageId);
  if (started.kind === 'shared') {
    const port = started.worker.port;
    post = (msg) => port.postMessage(msg);
    port.onmessage = deliver;
    port.start();
    return {
      kind: 'shared',
      post,
      subscribe,
      setSynced: feed.setSynced,
      close: () => {
        stopPage();
        feed.stop();
        port.postMessage({ type: 'bye' } satisfies TabToWorker);
        listeners.clear();
        port.close();
      },
    };
  }
  const worker = started.worker;
  post = (msg) => worker.postMessage(msg);
  worker.onmessage = deliver;
  return {
    kind: 'dedicated',
    post,
    subscribe,
    setSynced: feed.setSynced,
    close: () => {
      stopPage();
      feed.stop();
      listeners.clear();
      worker.terminate();
    },
  };
}

export interface BalanceState {
  /** The latest package report; unchanged parts keep their identity from one report to the next. */
  report: PackageReport | null;
  /** Whether the worker's replica holds a document that has completed its first sync. */
  synced: boolean;
  /** The connection, for `useExportCheck`; null until mounted. */
  worker: BalanceWorker | null;
}

const INITIAL: BalanceState = { report: null, synced: false, worker: null };

/** The live package report of the package of `conn`, computed by the worker from this tab's document. */
export function useBalance(conn: PackageConnection): BalanceState {
  const [state, setState] = useState<BalanceState>(INITIAL);
  useEffect(() => {
    const worker = connectBalanceWorker(conn.packageId, conn.doc);
    const stop = worker.subscribe((msg) => {
      // The report crossed a structured clone: parts with an unchanged revision become the
      // previous objects again, so memoised tables of untouched ledgers skip rendering.
      if (msg.type === 'report') setState((s) => ({ ...s, report: carryUnchangedParts(s.report, msg.report), synced: msg.synced }));
    });
    worker.setSynced(conn.getStatus().synced);
    const stopStatus = conn.onStatusChange((status) => worker.setSynced(status.synced));
    setState({ ...INITIAL, worker });
    return () => {
      stopStatus();
      stop();
      worker.close();
    };
  }, [conn]);
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
