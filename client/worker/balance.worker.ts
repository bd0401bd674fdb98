/**
 * The balance worker: one per browser per package (a SharedWorker named
 * `balance-<packageId>`, shared by all tabs of that package; a dedicated Worker
 * per tab where SharedWorker is missing). It opens no connection of its own: it
 * wires the tabs' ports to the hub (./hub.ts), whose replica of the package
 * document the tabs feed with their own document's updates (./feed.ts), and
 * which posts the package report and the pre-export checks back. The tabs never
 * sum. When a tab announces that it discards the package's local copy (the server
 * refused a change from it), the hub forgets its replica and the tabs that fed it.
 */
import { onDiscardAnnounced } from '../offline/discard';
import { createBalanceHub } from './hub';
import type { TabToWorker, WorkerToTab } from './protocol';

const scope = self as unknown as {
  name: string;
  onconnect?: ((ev: MessageEvent) => void) | null;
  postMessage?: (msg: unknown) => void;
};

const hub = createBalanceHub();
// A tab's change was refused by the server (4422): every tab of the package drops
// its local copy and loads again, and so does this replica (client/offline/discard.ts).
onDiscardAnnounced(scope.name.replace(/^balance-/, ''), (which) => {
  if (which === 'content') hub.reset();
});

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
