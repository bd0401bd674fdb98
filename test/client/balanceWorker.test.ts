/**
 * The balance worker without a connection of its own: the hub (its core) and
 * the tabs' feeds, wired over real MessageChannels (structured clone, async
 * delivery, as between a page and a SharedWorker), with real Y.Docs. Tabs A and
 * B are two tabs of one browser; C is another person; the "server" relays every
 * update between the three documents. The worker's report must equal the full
 * computation over the tabs' document, also after the tab that fed it first
 * has closed, and the worker must learn the document from the tabs alone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readBaselinesFromDoc } from '../../shared/doc/baseline';
import { createLineInDoc, getLinesMap, readPackageFromDoc, setLineAmount } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import { packageReportOf } from '../../shared/report/packageReport';
import type { BalanceWarning } from '../../shared/types';
import { feedBalanceWorker, type WorkerFeed } from '../../client/worker/feed';
import { createBalanceHub, type BalanceHub, type HubTab } from '../../client/worker/hub';
import type { TabToWorker, WorkerToTab } from '../../client/worker/protocol';
import { buildSeedDoc } from '../export/fixture';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import { fingerprintLine } from '../../shared/report/agreement';

/** Three documents kept equal as the server would: every update of one is applied to the others. */
function relayed(first: Y.Doc): Y.Doc[] {
  const docs = [first, new Y.Doc(), new Y.Doc()];
  for (const d of docs.slice(1)) Y.applyUpdate(d, Y.encodeStateAsUpdate(first), 'server');
  for (const from of docs) {
    from.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'server') return;
      for (const to of docs) if (to !== from) Y.applyUpdate(to, u, 'server');
    });
  }
  return docs;
}

interface Tab {
  feed: WorkerFeed;
  hubTab: HubTab;
  reports: Array<Extract<WorkerToTab, { type: 'report' }>>;
  checks: PreExportCheck[];
  /** Posts a message as the tab's page would (beside the feed). */
  post(msg: TabToWorker): void;
  /** Bytes of the updates this tab sent to the worker. */
  sentBytes: number;
  /** While true, what the tab posts is lost (a frozen page). */
  frozen: boolean;
  close(): void;
}

const ports: MessagePort[] = [];

/** A tab connected to the hub over a MessageChannel, fed from `doc`. */
function connectTab(hub: BalanceHub, doc: Y.Doc): Tab {
  const { port1: tabSide, port2: workerSide } = new MessageChannel();
  ports.push(tabSide, workerSide);
  const tab: Tab = { reports: [], checks: [], sentBytes: 0, frozen: false } as unknown as Tab;
  tab.feed = feedBalanceWorker(doc, (msg: TabToWorker) => {
    if (tab.frozen) return;
    if (msg.type === 'update') tab.sentBytes += msg.update.length;
    tabSide.postMessage(msg);
  });
  tabSide.onmessage = (e: MessageEvent<WorkerToTab>) => {
    tab.feed.receive(e.data);
    if (e.data.type === 'report') tab.reports.push(e.data);
    if (e.data.type === 'check') tab.checks.push(e.data.check);
  };
  tab.post = (msg) => tabSide.postMessage(msg);
  tab.hubTab = hub.connect((msg) => workerSide.postMessage(msg));
  workerSide.onmessage = (e: MessageEvent<TabToWorker>) => tab.hubTab.receive(e.data);
  tab.close = () => {
    tab.feed.stop();
    tabSide.postMessage({ type: 'bye' } satisfies TabToWorker);
  };
  return tab;
}

afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

const byKey = (ws: BalanceWarning[]) => [...ws].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));

/** The full computation over `doc`, in the shape the worker's report is compared in. */
function fullBalanceOf(doc: Y.Doc) {
  const full = packageReportOf({ ...readPackageFromDoc(doc, 'p'), baseline: readBaselinesFromDoc(doc) });
  return { ...full.balance, warnings: byKey(full.balance.warnings) };
}

/** Waits (event loop turns, at most 2 s) until the tab's latest report equals the full computation over `doc`. */
async function untilReportMatches(tab: Tab, doc: Y.Doc): Promise<void> {
  const want = fullBalanceOf(doc);
  const deadline = Date.now() + 2000;
  for (;;) {
    const last = tab.reports.at(-1)?.report.balance;
    const got = last ? { ...last, warnings: byKey(last.warnings) } : null;
    try {
      expect(got).toEqual(want);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const lineIdByTitle = (doc: Y.Doc, title: string): string => [...getLinesMap(doc).entries()].find(([, m]) => readTitle(m) === title)![0];

describe('the balance worker fed by its tabs', () => {
  it('learns the whole package from the first tab and follows local and remote edits', async () => {
    const [a, , c] = relayed(buildSeedDoc());
    const hub = createBalanceHub();
    const tabA = connectTab(hub, a!);
    await untilReportMatches(tabA, a!);
    expect(Y.encodeStateAsUpdate(hub.doc)).toEqual(Y.encodeStateAsUpdate(a!));

    // A's own edit, then another person's edit arriving through the server.
    setLineAmount(a!, lineIdByTitle(a!, 'Matsentralen'), '2024', '7,5');
    await untilReportMatches(tabA, a!);
    expect(tabA.reports.at(-1)!.report.balance.ledgers.drift.unbalancedYears).toContain('2024');
    createLineInDoc(c!, { ledger: 'drift', group: 'inndekning', title: 'Kutt', amounts: { '2024': '-7.2' } });
    await untilReportMatches(tabA, a!);
  });

  it('keeps the report correct when the tab that fed it closes: the other tab carries on', async () => {
    const [a, b, c] = relayed(buildSeedDoc());
    const hub = createBalanceHub();
    const tabA = connectTab(hub, a!);
    await untilReportMatches(tabA, a!);
    const tabB = connectTab(hub, b!);
    await until(() => tabB.reports.length > 0, 'the report to reach the second tab');
    expect(hub.tabCount()).toBe(2);

    tabA.close();
    await until(() => hub.tabCount() === 1, 'the first tab to leave');
    // After A has gone: an edit of another person (reaches B from the server) and one of B's own.
    createLineInDoc(c!, { ledger: 'investering', group: 'tiltak', title: 'Ny barnehage', amounts: { '2025': '40' } });
    await untilReportMatches(tabB, b!);
    setLineAmount(b!, lineIdByTitle(b!, 'Juba Juba'), '2023', '0,25');
    await untilReportMatches(tabB, b!);
    expect(tabB.reports.at(-1)!.report.balance.ledgers.investering.byYear['2025']?.tiltak).toBe(fullBalanceOf(b!).ledgers.investering.byYear['2025']?.tiltak);
  });

  it('a second tab sends only what the worker lacks, not the document again', async () => {
    const [a, b] = relayed(buildSeedDoc());
    const hub = createBalanceHub();
    const tabA = connectTab(hub, a!);
    await untilReportMatches(tabA, a!);
    const tabB = connectTab(hub, b!);
    await until(() => tabB.reports.length > 0, 'the report to reach the second tab');
    await new Promise((r) => setTimeout(r, 20));
    const documentBytes = Y.encodeStateAsUpdate(a!).length;
    expect(tabA.sentBytes).toBeGreaterThanOrEqual(documentBytes);
    // The answer to the worker's state vector: an empty difference (a few bytes).
    expect(tabB.sentBytes).toBeLessThan(16);
  });

  it('reports synced while some connected tab has synced, and forgets a tab that left', async () => {
    const [a, b] = relayed(buildSeedDoc());
    const hub = createBalanceHub();
    const tabA = connectTab(hub, a!);
    const tabB = connectTab(hub, b!);
    tabA.feed.setSynced(true);
    tabB.feed.setSynced(false);
    await until(() => tabB.reports.at(-1)?.synced === true, 'synced from tab A');
    tabA.close();
    await until(() => tabB.reports.at(-1)?.synced === false, 'not synced once A has left');
    tabB.feed.setSynced(true);
    await until(() => tabB.reports.at(-1)?.synced === true, 'synced from tab B');
  });

  it('a tab that said bye and comes back (back/forward cache) is greeted and fed again', async () => {
    const [a, , c] = relayed(buildSeedDoc());
    const hub = createBalanceHub();
    const tabA = connectTab(hub, a!);
    await untilReportMatches(tabA, a!);
    // The page is hidden: it says bye and nothing it forwards arrives while it is away.
    tabA.hubTab.receive({ type: 'bye' });
    expect(hub.tabCount()).toBe(0);
    tabA.frozen = true;
    createLineInDoc(c!, { ledger: 'drift', group: 'tiltak', title: 'Mens siden var borte', amounts: { '2023': '3' } });
    await new Promise((r) => setTimeout(r, 20));
    expect(fullBalanceOf(hub.doc)).not.toEqual(fullBalanceOf(a!));
    tabA.frozen = false;
    // Back: the worker greets it with its state vector, and the tab sends what was missed.
    tabA.hubTab.receive({ type: 'hello' });
    expect(hub.tabCount()).toBe(1);
    await untilReportMatches(tabA, a!);
  });

  it("derives the agreed check from the sign-offs a tab passes on; another person's amount change makes them stale at once", async () => {
    const [a, , c] = relayed(buildSeedDoc());
    const hub = createBalanceHub();
    const tabA = connectTab(hub, a!);
    await untilReportMatches(tabA, a!);
    tabA.post({ type: 'watch-check', scope: 'agreed' });
    const pkg = readPackageFromDoc(a!, 'p');
    const total = pkg.lines.length;
    // Nothing is signed: every line is open, whatever status the document holds.
    await until(() => tabA.checks.at(-1)?.notAgreed.lines === total, 'every line open');
    const id = lineIdByTitle(a!, 'Matsentralen');
    const fp = fingerprintLine(pkg.lines.find((l) => l.id === id)!);
    const parties = pkg.parties.map((p) => p.id);
    expect(parties.length).toBeGreaterThan(1);
    tabA.post({ type: 'acceptances', acceptances: { parties, accepted: { [id]: Object.fromEntries(parties.map((p) => [p, fp])) } } });
    await until(() => tabA.checks.at(-1)?.notAgreed.lines === total - 1, 'Matsentralen agreed');
    setLineAmount(c!, lineIdByTitle(c!, 'Matsentralen'), '2024', '9');
    await until(() => tabA.checks.at(-1)?.notAgreed.lines === total, 'Matsentralen open again after the change');
  });
});
