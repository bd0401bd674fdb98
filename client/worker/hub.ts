/**
 * The balance worker's core, without the worker's globals (so it runs in Node
 * tests with real Y.Docs): one replica of the package document, fed by the
 * tabs over their ports (client/worker/protocol.ts), the balance replica
 * (shared/report/replica.ts) that keeps the package report and the pre-export
 * checks current, and the tabs it reports to.
 */
import * as Y from 'yjs';
import type { ExportScope } from '../../shared/export/model';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import { createBalanceReplica } from '../../shared/report/replica';
import { NO_ACCEPTANCES, type Acceptances } from '../../shared/report/agreement';
import { keepCellValues } from '../../shared/doc/schema';
import type { TabToWorker, WorkerToTab } from './protocol';

/** A tab as the hub sees it: hand it what the tab sent; `close` when its port is gone. */
export interface HubTab {
  receive(msg: TabToWorker | undefined): void;
  close(): void;
}

/** The worker's replica and its tabs; see `createBalanceHub`. */
export interface BalanceHub {
  /** Connects a tab that receives through `post`; it is sent the replica's state vector and the latest report. */
  connect(post: (msg: WorkerToTab) => void): HubTab;
  /** Tabs connected now. */
  tabCount(): number;
  /** The replica (tests compare it with the tabs' documents). */
  readonly doc: Y.Doc;
  /**
   * Forgets the replica and every tab connected now (their documents hold data the
   * server refused and are being discarded); tabs that connect afterwards feed a
   * fresh replica. See client/offline/discard.ts.
   */
  reset(): void;
}

interface TabState {
  post(msg: WorkerToTab): void;
  scope: ExportScope | null;
  sentCheck: PreExportCheck | null;
  synced: boolean;
}

/**
 * Creates the hub. Every update a tab sends is applied to the one replica (a
 * duplicate from a second tab changes nothing); the transactions of one task are
 * coalesced (`schedule`, a microtask in the worker) into one report, posted to
 * every tab when the report or the synced state changed, with each tab's watched
 * pre-export check when that changed. `synced` is true while some connected tab
 * says its document has synced with the server. A tab that leaves (`bye`, or
 * `close`) takes nothing from the replica: the report stays that of everything
 * the tabs sent, and the remaining tabs keep it current. A `hello` from a tab that
 * had left (a page back from the back/forward cache) connects it again.
 * Guarantee (tested): once a tab's updates have been received, `report()` of the
 * hub's replica equals the report of that tab's document.
 */
export function createBalanceHub(schedule: (fn: () => void) => void = queueMicrotask): BalanceHub {
  // Like the tabs' replicas: overwritten amounts keep their value (keepCellValues).
  let doc = new Y.Doc({ gcFilter: keepCellValues });
  let replica = createBalanceReplica(doc);
  // The latest sign-offs any tab passed on; a fresh replica (after a reset) starts from them too.
  let acceptances: Acceptances = NO_ACCEPTANCES;
  const tabs = new Set<TabState>();
  /** Tabs connected before the last reset: what they still send is ignored. */
  const stale = new WeakSet<TabState>();
  let last: Extract<WorkerToTab, { type: 'report' }> | null = null;
  let scheduled = false;

  const anySynced = () => [...tabs].some((t) => t.synced);

  const sendCheck = (tab: TabState, again = false) => {
    if (!tab.scope || !last) return;
    const check = replica.check(tab.scope);
    if (check === tab.sentCheck && !again) return;
    tab.sentCheck = check;
    tab.post({ type: 'check', scope: tab.scope, check });
  };

  const publish = () => {
    scheduled = false;
    const report = replica.report();
    const synced = anySynced();
    if (!last || report !== last.report || synced !== last.synced) {
      last = { type: 'report', report, synced, computedAt: performance.timeOrigin + performance.now() };
      for (const tab of tabs) tab.post(last);
    }
    for (const tab of tabs) sendCheck(tab);
  };

  const schedulePublish = () => {
    if (scheduled) return;
    scheduled = true;
    schedule(publish);
  };

  let stopReplica = replica.onChange(schedulePublish);

  const greet = (tab: TabState) => {
    tab.post({ type: 'state-vector', stateVector: Y.encodeStateVector(doc) });
    if (last) tab.post(last);
  };

  return {
    get doc() {
      return doc;
    },
    tabCount: () => tabs.size,
    reset() {
      for (const tab of tabs) stale.add(tab);
      tabs.clear();
      stopReplica();
      replica.destroy();
      doc.destroy();
      doc = new Y.Doc({ gcFilter: keepCellValues });
      replica = createBalanceReplica(doc);
      replica.setAcceptances(acceptances);
      stopReplica = replica.onChange(schedulePublish);
      last = null;
    },
    connect(post) {
      const tab: TabState = { post, scope: null, sentCheck: null, synced: false };
      tabs.add(tab);
      greet(tab);
      const leave = () => {
        if (!tabs.delete(tab)) return;
        if (tab.synced) schedulePublish();
      };
      return {
        receive(msg) {
          if (stale.has(tab)) return;
          switch (msg?.type) {
            case 'update':
              Y.applyUpdate(doc, msg.update, tab);
              // A first report even when the update changed nothing the replica reports on.
              if (!last) schedulePublish();
              return;
            case 'synced':
              tab.synced = msg.synced;
              schedulePublish();
              return;
            case 'watch-check':
              tab.scope = msg.scope;
              tab.sentCheck = null;
              sendCheck(tab);
              return;
            case 'acceptances':
              acceptances = msg.acceptances;
              replica.setAcceptances(acceptances);
              return;
            case 'bye':
              leave();
              return;
            case 'hello':
              if (!tabs.has(tab)) {
                tabs.add(tab);
                greet(tab);
              } else if (last) tab.post(last);
              sendCheck(tab, true);
              return;
            default:
              return;
          }
        },
        close: leave,
      };
    },
  };
}
