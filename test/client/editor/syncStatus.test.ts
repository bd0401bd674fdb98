/**
 * Pending-change counting of the sync badge with two Y.Docs joined by a
 * relay that behaves like y-websocket's provider: while connected it forwards
 * every update, on (re)connect it runs the state-vector handshake, then
 * reports `sync: true`.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ObservableV2 } from 'lib0/observable';
import { createSyncTracker, type PendingStore } from '../../../client/offline/syncTracker';
import { syncStatusText } from '../../../client/offline/SyncStatusBadge';

type Events = { status: (e: { status: string }) => void; sync: (synced: boolean) => void };

class Relay extends ObservableV2<Events> {
  wsconnected = false;
  synced = false;
  constructor(
    readonly local: Y.Doc,
    readonly server: Y.Doc,
  ) {
    super();
    local.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== this && this.wsconnected) Y.applyUpdate(server, u, this);
    });
    server.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin !== this && this.wsconnected) Y.applyUpdate(local, u, this);
    });
  }
  connect(): void {
    this.wsconnected = true;
    this.emit('status', [{ status: 'connected' }]);
    // Step 1/2 both ways: each side gets what it lacks.
    Y.applyUpdate(this.local, Y.encodeStateAsUpdate(this.server, Y.encodeStateVector(this.local)), this);
    Y.applyUpdate(this.server, Y.encodeStateAsUpdate(this.local, Y.encodeStateVector(this.server)), this);
    this.synced = true;
    this.emit('sync', [true]);
  }
  disconnect(): void {
    this.wsconnected = false;
    this.synced = false;
    this.emit('sync', [false]);
    this.emit('status', [{ status: 'disconnected' }]);
  }
}

function type(doc: Y.Doc, text: string): void {
  doc.transact(() => doc.getText('t').insert(doc.getText('t').length, text));
}

describe('sync tracker', () => {
  it('counts local changes made offline, not remote ones, and clears them on the next sync', () => {
    const server = new Y.Doc();
    const doc = new Y.Doc();
    const relay = new Relay(doc, server);
    let clock = 0;
    const tracker = createSyncTracker(doc, relay, undefined, () => clock);
    expect(tracker.get()).toEqual({ state: 'offline', pending: 0 });

    relay.connect();
    type(doc, 'a');
    expect(tracker.get()).toEqual({ state: 'synced', pending: 0 });
    expect(server.getText('t').toString()).toBe('a');

    relay.disconnect();
    type(doc, 'b');
    clock += 200;
    type(doc, 'b'); // typing on within the group window: the same change
    clock += 5000;
    type(doc, 'c');
    clock += 100;
    doc.transact(() => {
      // One transaction with two edits is one change.
      doc.getText('t').insert(0, 'x');
      doc.getMap('m').set('k', 1);
    });
    // Applying an update from elsewhere (IndexedDB, another peer) is not my change.
    const other = new Y.Doc();
    other.getText('o').insert(0, 'fra andre');
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), 'indexeddb');
    expect(tracker.get()).toEqual({ state: 'offline', pending: 3 });
    expect(syncStatusText(tracker.get(), 'nb')).toBe('frakoblet — 3 endringer ikke sendt');
    expect(syncStatusText(tracker.get(), 'en')).toBe('offline — 3 changes not yet sent');
    expect(server.getText('t').toString()).toBe('a');

    relay.connect();
    expect(tracker.get()).toEqual({ state: 'synced', pending: 0 });
    expect(server.getText('t').toString()).toBe(doc.getText('t').toString());
    expect(syncStatusText(tracker.get(), 'nb')).toBe('synkronisert');
    tracker.destroy();
  });

  it('keeps the count across a reload through its store and merges on reconnect', async () => {
    const saved = { n: 0 };
    const store: PendingStore = { load: async () => saved.n, save: (n) => (saved.n = n) };
    const server = new Y.Doc();
    server.getText('t').insert(0, 'felles ');
    const first = new Y.Doc();
    const relay1 = new Relay(first, server);
    let clock = 0;
    const t1 = createSyncTracker(first, relay1, store, () => clock);
    relay1.connect();
    relay1.disconnect();
    type(first, 'offline1 ');
    clock += 60_000;
    type(first, 'offline2');
    expect(t1.get().pending).toBe(2);
    t1.destroy();

    // "Reload": a new doc loaded from what IndexedDB kept, a new tracker.
    const second = new Y.Doc();
    Y.applyUpdate(second, Y.encodeStateAsUpdate(first), 'indexeddb');
    const relay2 = new Relay(second, server);
    const t2 = createSyncTracker(second, relay2, store);
    await Promise.resolve();
    await Promise.resolve();
    expect(t2.get()).toEqual({ state: 'offline', pending: 2 });
    type(second, '!');
    expect(t2.get().pending).toBe(3);

    server.getText('t').insert(0, 'andre: ');
    relay2.connect();
    expect(t2.get()).toEqual({ state: 'synced', pending: 0 });
    expect(saved.n).toBe(0);
    expect(second.getText('t').toString()).toBe(server.getText('t').toString());
    expect(server.getText('t').toString()).toContain('offline1 offline2!');
    t2.destroy();
  });

  it("shows the server's storage state: «Lagring forsinket» while delayed, «Lagret» once saved; offline wins over both", () => {
    const synced = { state: 'synced', pending: 0 } as const;
    const syncing = { state: 'syncing', pending: 2 } as const;
    const offline = { state: 'offline', pending: 1 } as const;
    expect(syncStatusText(syncing, 'nb', 'delayed')).toBe('Lagring forsinket — endringene venter på databasen');
    expect(syncStatusText(syncing, 'en', 'delayed')).toBe('Saving delayed — your changes are waiting for the database');
    expect(syncStatusText(synced, 'nb', 'saved')).toBe('Lagret');
    expect(syncStatusText(synced, 'en', 'saved')).toBe('Saved');
    expect(syncStatusText(synced, 'nb', null)).toBe('synkronisert');
    expect(syncStatusText(offline, 'nb', 'delayed')).toBe('frakoblet — 1 endring ikke sendt');
  });
});
