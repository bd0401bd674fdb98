/**
 * The balance worker: one per browser per package (a SharedWorker named
 * `balance-<packageId>`, shared by all tabs; a dedicated Worker per tab where
 * SharedWorker is missing). It keeps its OWN replica of the package doc in
 * sync over its own WebsocketProvider (same origin, so the session cookie goes
 * with the upgrade), feeds each transaction's changed lines to the shared
 * BalanceEngine incrementally and posts the report to every connected tab.
 * The tabs never sum.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import { BalanceEngine } from '../../shared/balance';
import { getLinesMap, observeLineChanges, readLineFromMap, readMetaFromDoc } from '../../shared/doc/schema';
import { computeAreaFrames, readBaselineFromDoc } from '../../shared/doc/baseline';
import { checkProseFiguresOfLines } from '../../shared/prose';
import type { BalanceWarning, PackageLine } from '../../shared/types';
import type { WorkerToTab } from './protocol';

interface PortLike {
  postMessage(msg: WorkerToTab): void;
}

const scope = self as unknown as {
  name: string;
  location: Location;
  onconnect?: ((ev: MessageEvent) => void) | null;
  postMessage?: (msg: unknown) => void;
};

const packageId = scope.name.replace(/^balance-/, '');
const ports = new Set<PortLike>();
let last: WorkerToTab | null = null;
let statusMsg: WorkerToTab = { type: 'status', connected: false, closedReason: null };

const doc = new Y.Doc();
// The worker is not a person: its awareness state is null so it never shows as a presence.
const awareness = new Awareness(doc);
awareness.setLocalState(null);
const wsBase = scope.location.origin.replace(/^http/, 'ws') + '/ws';
const provider = new WebsocketProvider(wsBase, packageId, doc, { awareness });

const engine = new BalanceEngine({ years: [], planYears: [] });
const lines = new Map<string, PackageLine>();
// Prose–figure warnings per line: recomputed only for the lines a transaction
// touched (a rationale edit is nested in the line map, so it counts as a change).
const proseByLine = new Map<string, BalanceWarning[]>();
let revision = 0;
let scheduled = false;

function broadcast(msg: WorkerToTab): void {
  for (const p of ports) p.postMessage(msg);
}

function applyMeta(): void {
  const meta = readMetaFromDoc(doc);
  // An absent opening balance must be passed as undefined so the engine drops an old one.
  engine.setMeta({ years: meta.years, planYears: meta.planYears, fundOpeningBalance: meta.fundOpeningBalance });
}

function publish(): void {
  scheduled = false;
  const meta = readMetaFromDoc(doc);
  const base = engine.report();
  const prose: BalanceWarning[] = [];
  for (const ws of proseByLine.values()) prose.push(...ws);
  last = {
    type: 'report',
    report: prose.length ? { ...base, warnings: [...base.warnings, ...prose] } : base,
    frames: computeAreaFrames(readBaselineFromDoc(doc), lines.values(), meta.years),
    synced: provider.synced,
    computedAt: performance.timeOrigin + performance.now(),
    revision,
  };
  broadcast(last);
}

/** Coalesces the transactions of one task (a sync step may carry many) into one report. */
function schedulePublish(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(publish);
}

applyMeta();
observeLineChanges(doc, (changes) => {
  revision++;
  if (changes.metaChanged) applyMeta();
  const map = getLinesMap(doc);
  for (const id of changes.deleted) {
    lines.delete(id);
    proseByLine.delete(id);
    engine.deleteLine(id);
  }
  for (const id of changes.changed) {
    const m = map.get(id);
    if (!m) {
      lines.delete(id);
      proseByLine.delete(id);
      engine.deleteLine(id);
      continue;
    }
    const line = readLineFromMap(id, m);
    lines.set(id, line);
    engine.setLine(line);
    const ws = checkProseFiguresOfLines([line]);
    if (ws.length) proseByLine.set(id, ws);
    else proseByLine.delete(id);
  }
  schedulePublish();
});

provider.on('sync', () => schedulePublish());
provider.on('status', ({ status }) => {
  statusMsg = { type: 'status', connected: status === 'connected', closedReason: null };
  broadcast(statusMsg);
});
provider.on('closed', (ev: { code: number; reason: string }) => {
  statusMsg = { type: 'status', connected: false, closedReason: ev.reason || String(ev.code) };
  broadcast(statusMsg);
});

// Same as the tabs: follow the browser's offline/online events, keeping the
// BroadcastChannel to the tabs, which carries their offline edits to this replica.
self.addEventListener('offline', () => {
  provider.disconnect();
  provider.connectBc();
});
self.addEventListener('online', () => provider.connect());

function addPort(port: PortLike): void {
  ports.add(port);
  port.postMessage(statusMsg);
  if (last) port.postMessage(last);
  else if (provider.synced) publish();
}

if ('onconnect' in scope) {
  scope.onconnect = (ev: MessageEvent) => {
    const port = ev.ports[0];
    if (!port) return;
    port.start();
    addPort(port);
    // A tab asking again (e.g. after it re-mounted) gets the latest report.
    port.onmessage = () => {
      if (last) port.postMessage(last);
    };
  };
} else {
  const post = scope.postMessage!.bind(scope);
  addPort({ postMessage: (msg) => post(msg) });
  self.addEventListener('message', () => {
    if (last) post(last);
  });
}
