/**
 * The balance worker: one per browser per package (a SharedWorker named
 * `balance-<packageId>`, shared by all tabs of that package; a dedicated Worker
 * per tab where SharedWorker is missing). It opens no connection of its own: it
 * wires the tabs' ports to the hub (./hub.ts), whose replica of the package
 * document the tabs feed with their own document's updates (./feed.ts), and
 * which posts the package report and the pre-export checks back. The tabs never
 * sum.
 */
import { createBalanceHub } from './hub';
import type { TabToWorker, WorkerToTab } from './protocol';

const scope = self as unknown as {
  onconnect?: ((ev: MessageEvent) => void) | null;
  postMessage?: (msg: unknown) => void;
};

const hub = createBalanceHub();

if ('onconnect' in scope) {
  scope.onconnect = (ev: MessageEvent) => {
    const port = ev.ports[0];
    if (!port) return;
    const tab = hub.connect((msg: WorkerToTab) => port.postMessage(msg));
    port.onmessage = (e: MessageEvent<TabToWorker>) => tab.receive(e.data);
    port.start();
  };
} else {
  const post = scope.postMessage!.bind(scope);
  const tab = hub.connect((msg) => post(msg));
  self.addEventListener('message', (e: Event) => tab.receive((e as MessageEvent<TabToWorker>).data));
}
