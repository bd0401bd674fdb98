/**
 * The balance worker: one per browser per package (a SharedWorker named
 * `balance-<packageId>`, shared by all tabs; a dedicated Worker per tab where
 * SharedWorker is missing). It only wires three things together: its OWN
 * replica of the package doc, synced over its own WebsocketProvider (same
 * origin, so the session cookie goes with the upgrade); the balance replica
 * (shared/report/replica.ts), which keeps the package report and the
 * pre-export checks current as transactions arrive; and the tabs' ports, to
 * which it posts the report when it changed and the pre-export check of the
 * scope each tab watches. The tabs never sum. When the server refuses a change
 * its replica carries (4422: data a tab wrote reached it over the
 * BroadcastChannel), or a tab announces that it discards the package's local copy,
 * the worker drops its replica and loads a fresh one from the server.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness } from 'y-protocols/awareness';
import type { ExportScope } from '../../shared/export/model';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import type { PackageReport } from '../../shared/report/packageReport';
import { createBalanceReplica } from '../../shared/report/replica';
import { CLOSE_UPDATE_REFUSED, PROTOCOL_VERSION, PROTOCOL_VERSION_PARAM } from '../../shared/protocol';
import { onDiscardAnnounced } from '../offline/discard';
import type { TabToWorker, WorkerToTab } from './protocol';

/** One connected tab: where to post, and which pre-export check it watches (and was last sent). */
interface Tab {
  post(msg: WorkerToTab): void;
  scope: ExportScope | null;
  sentCheck: PreExportCheck | null;
}

const scope = self as unknown as {
  name: string;
  location: Location;
  onconnect?: ((ev: MessageEvent) => void) | null;
  postMessage?: (msg: unknown) => void;
};

const packageId = scope.name.replace(/^balance-/, '');
const tabs = new Set<Tab>();
let last: Extract<WorkerToTab, { type: 'report' }> | null = null;
let statusMsg: WorkerToTab = { type: 'status', connected: false, closedReason: null };

/** The worker's replica of the package: its doc, provider and balance replica, replaced when it must be discarded. */
interface Replica {
  provider: WebsocketProvider;
  replica: ReturnType<typeof createBalanceReplica>;
  destroy(): void;
}

const wsBase = scope.location.origin.replace(/^http/, 'ws') + '/ws';
let scheduled = false;
/** Wait this long after a discard before loading again, so the tabs have dropped the old data first. */
const RESTART_DELAY_MS = 500;

function startReplica(): Replica {
  const doc = new Y.Doc();
  // The worker is not a person: its awareness state is null so it never shows as a presence.
  const awareness = new Awareness(doc);
  awareness.setLocalState(null);
  const provider = new WebsocketProvider(wsBase, packageId, doc, { awareness, params: { [PROTOCOL_VERSION_PARAM]: String(PROTOCOL_VERSION) } });
  const replica = createBalanceReplica(doc);
  replica.onChange(schedulePublish);
  provider.on('sync', () => schedulePublish());
  provider.on('status', ({ status }) => {
    statusMsg = { type: 'status', connected: status === 'connected', closedReason: null };
    for (const tab of tabs) tab.post(statusMsg);
  });
  provider.on('closed', (ev: { code: number; reason: string }) => {
    if (ev.code === CLOSE_UPDATE_REFUSED) {
      restart();
      return;
    }
    statusMsg = { type: 'status', connected: false, closedReason: ev.reason || String(ev.code) };
    for (const tab of tabs) tab.post(statusMsg);
  });
  return {
    provider,
    replica,
    destroy() {
      replica.destroy();
      provider.destroy();
      awareness.destroy();
      doc.destroy();
    },
  };
}

let current: Replica | null = startReplica();
let restartTimer: ReturnType<typeof setTimeout> | null = null;

/** Drops the replica at once and loads a fresh one from the server a little later. */
function restart(): void {
  current?.destroy();
  current = null;
  last = null;
  if (restartTimer) clearTimeout(restartTimer);
  restartTimer = setTimeout(() => {
    restartTimer = null;
    current = startReplica();
  }, RESTART_DELAY_MS);
}

onDiscardAnnounced(packageId, (which) => {
  if (which === 'content') restart();
});

function sendCheck(tab: Tab, again = false): void {
  if (!tab.scope || !last || !current) return;
  const check = current.replica.check(tab.scope);
  if (check === tab.sentCheck && !again) return;
  tab.sentCheck = check;
  tab.post({ type: 'check', scope: tab.scope, check });
}

function publish(): void {
  scheduled = false;
  if (!current) return;
  const { replica, provider } = current;
  const report: PackageReport = replica.report();
  if (!last || report !== last.report || provider.synced !== last.synced) {
    last = { type: 'report', report, synced: provider.synced, computedAt: performance.timeOrigin + performance.now() };
    for (const tab of tabs) tab.post(last);
  }
  for (const tab of tabs) sendCheck(tab);
}

/** Coalesces the transactions of one task (a sync step may carry many) into one report. */
function schedulePublish(): void {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(publish);
}

// Same as the tabs: follow the browser's offline/online events, keeping the
// BroadcastChannel to the tabs, which carries their offline edits to this replica.
self.addEventListener('offline', () => {
  current?.provider.disconnect();
  current?.provider.connectBc();
});
self.addEventListener('online', () => current?.provider.connect());

function addTab(post: (msg: WorkerToTab) => void): Tab {
  const tab: Tab = { post, scope: null, sentCheck: null };
  tabs.add(tab);
  post(statusMsg);
  if (last) post(last);
  else if (current?.provider.synced) publish();
  return tab;
}

function onTabMessage(tab: Tab, msg: TabToWorker | undefined): void {
  if (msg?.type === 'bye') {
    tabs.delete(tab);
    return;
  }
  if (msg?.type === 'watch-check') {
    tab.scope = msg.scope;
    tab.sentCheck = null;
    sendCheck(tab);
    return;
  }
  // A tab asking again (e.g. after it re-mounted) gets the latest report and check.
  if (last) tab.post(last);
  sendCheck(tab, true);
}

if ('onconnect' in scope) {
  scope.onconnect = (ev: MessageEvent) => {
    const port = ev.ports[0];
    if (!port) return;
    port.start();
    const tab = addTab((msg) => port.postMessage(msg));
    port.onmessage = (e: MessageEvent<TabToWorker>) => onTabMessage(tab, e.data);
  };
} else {
  const post = scope.postMessage!.bind(scope);
  const tab = addTab((msg) => post(msg));
  self.addEventListener('message', (e: Event) => onTabMessage(tab, (e as MessageEvent<TabToWorker>).data));
}
