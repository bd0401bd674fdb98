/**
 * The seams for later back-ends: updates and awareness another server instance
 * already stored (fan-out), and retried storage appends (a brief outage).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import { Room, mergeOnThisThread, type RoomHooks, type RoomLogger } from '../../../server/sync';
import { MemoryStorage } from '../../../server/storage/memory';
import type { AppendBatch } from '../../../server/storage/types';
import { MESSAGE_AWARENESS } from '../../../shared/protocol';
import { ManualScheduler } from '../../helpers/manualScheduler';
import { FakeClient, until } from '../fakeClient';

const quiet: RoomLogger = { info() {}, warn() {}, error() {} };
const settle = () => new Promise<void>((r) => setImmediate(r));

/** Memory storage that counts appends and fails the next `failures` of them. */
class FlakyStorage extends MemoryStorage {
  appends = 0;
  failures = 0;
  override async append(batch: AppendBatch) {
    this.appends++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('database briefly unavailable');
    }
    return super.append(batch);
  }
}

function newRoom(storage: MemoryStorage, scheduler: ManualScheduler, extra: Partial<ConstructorParameters<typeof Room>[0]> = {}): Room {
  return new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log: quiet, scheduler, merge: mergeOnThisThread, ...extra });
}

async function synced(scheduler: ManualScheduler, ...clients: FakeClient[]): Promise<void> {
  await until(() => {
    scheduler.runTicks();
    return clients.every((c) => c.synced);
  });
}

describe('remote updates (fan-out seam)', () => {
  it('applies an update stored elsewhere: relayed to every local client at once, not stored again, no hooks', async () => {
    let hookCalls = 0;
    const counting: RoomHooks = { name: 'count', beforeApplyUpdate: () => void hookCalls++, checkChange: () => void hookCalls++, rowsForChange: () => void hookCalls++ };
    const storage = new FlakyStorage();
    const scheduler = new ManualScheduler();
    const room = newRoom(storage, scheduler, { hooks: [counting] });
    const a = new FakeClient(room, 'a', 'editor');
    const b = new FakeClient(room, 'b', 'viewer');
    await synced(scheduler, a, b);
    const appendsBefore = storage.appends;
    hookCalls = 0;
    const elsewhere = new Y.Doc();
    elsewhere.getMap('m').set('from', 'instance B');
    room.applyRemoteUpdate(Y.encodeStateAsUpdate(elsewhere));
    // No flush needed: the update is stored already, so it is relayed at once.
    expect(a.doc.getMap('m').get('from')).toBe('instance B');
    expect(b.doc.getMap('m').get('from')).toBe('instance B');
    scheduler.runTicks();
    await settle();
    expect(storage.appends).toBe(appendsBefore);
    expect(hookCalls).toBe(0);
    expect(room.doc.getMap('m').get('from')).toBe('instance B');
    // Applying it again changes nothing and relays nothing.
    const received = b.received.length;
    room.applyRemoteUpdate(Y.encodeStateAsUpdate(elsewhere));
    expect(b.received.length).toBe(received);
  });

  it('keeps a remote update that arrives while loading and applies it once live', async () => {
    const storage = new MemoryStorage();
    const scheduler = new ManualScheduler();
    const room = newRoom(storage, scheduler);
    const elsewhere = new Y.Doc();
    elsewhere.getText('t').insert(0, 'tidlig');
    room.applyRemoteUpdate(Y.encodeStateAsUpdate(elsewhere));
    await room.ready;
    const a = new FakeClient(room, 'a', 'viewer');
    await synced(scheduler, a);
    expect(a.doc.getText('t').toString()).toBe('tidlig');
    expect((await storage.load('p1')).updates).toHaveLength(0);
  });

  it("relays another instance's awareness to local clients, and no local connection can take over its client id", async () => {
    const scheduler = new ManualScheduler();
    const room = newRoom(new MemoryStorage(), scheduler);
    const a = new FakeClient(room, 'a', 'editor');
    const w = new FakeClient(room, 'w', 'viewer');
    await synced(scheduler, a, w);
    const remoteDoc = new Y.Doc();
    const remote = new awarenessProtocol.Awareness(remoteDoc);
    remote.setLocalState({ name: 'På instans B' });
    room.applyRemoteAwareness(awarenessProtocol.encodeAwarenessUpdate(remote, [remoteDoc.clientID]));
    expect(w.awareness.getStates().get(remoteDoc.clientID)).toEqual({ name: 'På instans B' });
    // A local connection claiming that id with a later clock is ignored.
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    const inner = encoding.createEncoder();
    encoding.writeVarUint(inner, 1);
    encoding.writeVarUint(inner, remoteDoc.clientID);
    encoding.writeVarUint(inner, 99);
    encoding.writeVarString(inner, JSON.stringify({ name: 'Forfalsket' }));
    encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
    a.send(encoding.toUint8Array(e));
    scheduler.advance(100);
    expect(w.awareness.getStates().get(remoteDoc.clientID)).toEqual({ name: 'På instans B' });
    expect(a.closed).toBeNull();
    remote.destroy();
    remoteDoc.destroy();
  });
});

describe('storage retry (brief outage)', () => {
  it('with a retry policy, a failed append waits and is retried; nothing is relayed before it is stored and nobody is closed', async () => {
    const storage = new FlakyStorage();
    const scheduler = new ManualScheduler();
    const delays: number[] = [];
    const room = newRoom(storage, scheduler, { storageRetry: (attempt) => (attempt <= 3 ? (delays.push(attempt * 100), attempt * 100) : null) });
    const a = new FakeClient(room, 'a', 'editor');
    const b = new FakeClient(room, 'b', 'editor');
    await synced(scheduler, a, b);
    storage.failures = 2;
    a.doc.getMap('m').set('k', 1);
    scheduler.runTicks();
    await settle();
    expect(b.doc.getMap('m').has('k')).toBe(false);
    scheduler.advance(100);
    await settle();
    expect(b.doc.getMap('m').has('k')).toBe(false);
    // Meanwhile another update queues behind the batch being retried.
    b.doc.getMap('m').set('j', 2);
    scheduler.advance(200);
    await settle();
    scheduler.runTicks();
    await settle();
    expect(delays).toEqual([100, 200]);
    expect(b.doc.getMap('m').get('k')).toBe(1);
    expect(a.doc.getMap('m').get('j')).toBe(2);
    expect(a.closed).toBeNull();
    expect(b.closed).toBeNull();
    expect(room.state).toBe('live');
  });

  it('what waits for storage during an outage is bounded: past the bound the room gives up (4501) and nothing unstored was relayed', async () => {
    const storage = new FlakyStorage();
    const scheduler = new ManualScheduler();
    const room = newRoom(storage, scheduler, { storageRetry: () => 1_000, maxUnstoredUpdates: 5 });
    const a = new FakeClient(room, 'a', 'editor');
    const b = new FakeClient(room, 'b', 'editor');
    await synced(scheduler, a, b);
    storage.failures = 1_000;
    for (let i = 0; i < 5; i++) {
      a.doc.getMap('m').set(`k${i}`, i);
      scheduler.runTicks();
      await settle();
    }
    // Five updates wait (one batch being retried, four pending): at the bound, still live.
    expect(room.state).toBe('live');
    a.doc.getMap('m').set('k5', 5);
    scheduler.runTicks();
    await settle();
    expect(room.state).toBe('unloaded');
    expect([a.closed?.code, b.closed?.code]).toEqual([4501, 4501]);
    expect(b.doc.getMap('m').size).toBe(0);
  });

  it('without a retry policy, a failed append unloads the room and closes every client with 4501 (as before)', async () => {
    const storage = new FlakyStorage();
    const scheduler = new ManualScheduler();
    const room = newRoom(storage, scheduler);
    const a = new FakeClient(room, 'a', 'editor');
    const b = new FakeClient(room, 'b', 'editor');
    await synced(scheduler, a, b);
    storage.failures = 1;
    a.doc.getMap('m').set('k', 1);
    scheduler.runTicks();
    await settle();
    expect([a.closed?.code, b.closed?.code]).toEqual([4501, 4501]);
    expect(b.doc.getMap('m').has('k')).toBe(false);
    expect(room.state).toBe('unloaded');
  });
});
