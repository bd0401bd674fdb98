/**
 * The room core without a network: fake sockets, real storage (memory or SQLite).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { MAX_QUEUED_BYTES, MAX_QUEUED_FRAMES, Room, type RoomLogger } from '../../server/sync';
import { lineAuditHook, packageTouchHook } from '../../server/hooks';
import { MemoryStorage } from '../../server/storage/memory';
import { SqliteStorage } from '../../server/storage/sqlite';
import type { AppendBatch, DocStorage } from '../../server/storage/types';
import { CLOSE_FORBIDDEN, CLOSE_LOAD_FAILED, CLOSE_MALFORMED, CLOSE_TRY_AGAIN_LATER, MESSAGE_AWARENESS, MESSAGE_SYNC, SYNC_UPDATE } from '../../shared/protocol';
import { createLineInDoc, setLineAmount } from '../../shared/doc/schema';
import { FakeClient, until } from './fakeClient';

const quiet: RoomLogger = { info() {}, warn() {}, error() {} };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'room-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Memory storage whose `load` and `append` can be held back, to observe ordering. */
class GatedStorage extends MemoryStorage {
  loadGate: Promise<void> | null = null;
  appendGate: Promise<void> | null = null;
  appends: AppendBatch[] = [];
  override async load(docName: string) {
    if (this.loadGate) await this.loadGate;
    return super.load(docName);
  }
  override async append(batch: AppendBatch) {
    this.appends.push(batch);
    if (this.appendGate) await this.appendGate;
    return super.append(batch);
  }
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

function newRoom(storage: DocStorage, extra: Partial<ConstructorParameters<typeof Room>[0]> = {}): Room {
  // The core's behaviour with the rows hooks; these tests write roots the package schema does not have.
  return new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log: quiet, hooks: [lineAuditHook(), packageTouchHook()], ...extra });
}

const tick = () => new Promise((r) => setImmediate(r));

/** A Yjs (v1) update that carries no structs, only deletions of `client`'s items: [clock, length] ranges. */
function deletionUpdate(client: number, ranges: Array<[number, number]>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0); // no structs
  encoding.writeVarUint(e, 1); // one client in the delete set
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, ranges.length);
  for (const [clock, len] of ranges) {
    encoding.writeVarUint(e, clock);
    encoding.writeVarUint(e, len);
  }
  return encoding.toUint8Array(e);
}

/** A sync "update" message carrying `update`. */
function syncUpdate(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, SYNC_UPDATE);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** An awareness message that sets `clientId`'s state to `state` at `clock`. */
function awarenessMessage(clientId: number, clock: number, state: unknown): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, 1);
  encoding.writeVarUint(inner, clientId);
  encoding.writeVarUint(inner, clock);
  encoding.writeVarString(inner, JSON.stringify(state));
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

// `meta.note` below is any plain key: a `title` would be a schema version 1 title,
// which the package hooks convert to a Y.Text (test/server/schemaUpgrade.test.ts).
describe('Room', () => {
  it('answers nothing before the doc is loaded, then serves the stored state', async () => {
    const storage = new GatedStorage();
    const seed = new Y.Doc();
    seed.getMap('meta').set('note', 'Lagret');
    await storage.append({ docName: 'p1', updates: [Y.encodeStateAsUpdate(seed)] });
    const g = gate();
    storage.loadGate = g.promise;
    const room = newRoom(storage);
    const a = new FakeClient(room, 'a', 'editor');
    await tick();
    expect(a.received).toHaveLength(0);
    expect(room.state).toBe('loading');
    g.open();
    await room.ready;
    await until(() => a.synced);
    expect(a.doc.getMap('meta').get('note')).toBe('Lagret');
    expect(room.state).toBe('live');
  });

  it('W20 closes (1013) a connection that queues more than MAX_QUEUED_FRAMES frames while the room loads; the others are served', async () => {
    const storage = new GatedStorage();
    const g = gate();
    storage.loadGate = g.promise;
    const room = newRoom(storage);
    const honest = new FakeClient(room, 'h', 'editor');
    const flood = new FakeClient(room, 'f', 'editor');
    const author = new Y.Doc();
    const frames: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => frames.push(syncUpdate(u)));
    for (let i = 0; i <= MAX_QUEUED_FRAMES; i++) author.getMap('meta').set(`k${i}`, i);
    for (const f of frames) flood.send(f);
    expect(flood.closed?.code).toBe(CLOSE_TRY_AGAIN_LATER);
    expect(honest.closed).toBeNull();
    g.open();
    await room.ready;
    await until(() => honest.synced);
    // Nothing the flooding connection queued was applied.
    expect(room.doc.getMap('meta').size).toBe(0);
    honest.doc.getMap('meta').set('title', 'Ekte');
    await until(() => room.doc.getMap('meta').get('title') === 'Ekte');
  });

  it('a queue of big frames is bounded by MAX_QUEUED_BYTES too', async () => {
    const storage = new GatedStorage();
    const g = gate();
    storage.loadGate = g.promise;
    const room = newRoom(storage);
    const flood = new FakeClient(room, 'f', 'editor');
    const big = syncUpdate(new Uint8Array(1024 * 1024));
    for (let i = 0; i < MAX_QUEUED_BYTES / (1024 * 1024) + 1 && !flood.closed; i++) flood.send(big);
    expect(flood.closed?.code).toBe(CLOSE_TRY_AGAIN_LATER);
    g.open();
    await room.ready;
  });

  it('refuses connections when the stored log cannot be loaded, and never writes an empty doc', async () => {
    const file = path.join(dir, 'corrupt.sqlite');
    const storage = new SqliteStorage(file);
    const good = new Y.Doc();
    good.getMap('meta').set('note', 'Ekte');
    await storage.append({ docName: 'p1', updates: [Y.encodeStateAsUpdate(good)] });
    storage.db.prepare('INSERT INTO doc_updates (doc, data) VALUES (?, ?)').run('p1', Buffer.from([0, 1, 2, 250, 251, 252, 253]));
    const before = (storage.db.prepare('SELECT COUNT(*) AS n FROM doc_updates').get() as { n: number }).n;
    const room = newRoom(storage);
    const a = new FakeClient(room, 'a', 'editor');
    await expect(room.ready).rejects.toThrow();
    expect(a.closed?.code).toBe(CLOSE_LOAD_FAILED);
    expect(a.received).toHaveLength(0);
    expect(room.state).toBe('unloaded');
    const after = (storage.db.prepare('SELECT COUNT(*) AS n FROM doc_updates').get() as { n: number }).n;
    expect(after).toBe(before);
    expect(storage.db.prepare('SELECT COUNT(*) AS n FROM doc_snapshots').get()).toEqual({ n: 0 });
    // A later connection to the unloaded room is refused too.
    const b = new FakeClient(room, 'b', 'editor');
    expect(b.closed?.code).toBe(CLOSE_LOAD_FAILED);
    await storage.close();
  });

  it('writes before it broadcasts: nobody sees an update until append has resolved', async () => {
    const storage = new GatedStorage();
    const room = newRoom(storage);
    const a = new FakeClient(room, 'a', 'editor');
    const b = new FakeClient(room, 'b', 'editor');
    await until(() => a.synced && b.synced);
    const g = gate();
    storage.appendGate = g.promise;
    a.doc.getMap('meta').set('note', 'Fra A');
    await tick();
    await tick();
    expect(storage.appends).toHaveLength(1);
    expect(b.doc.getMap('meta').get('note')).toBeUndefined();
    // A joiner asking for the state now must not get the unstored update either.
    const c = new FakeClient(room, 'c', 'viewer');
    await tick();
    expect(c.synced).toBe(false);
    g.open();
    await until(() => b.doc.getMap('meta').get('note') === 'Fra A' && c.synced);
    expect(c.doc.getMap('meta').get('note')).toBe('Fra A');
  });

  it('stores all updates of one tick in one append', async () => {
    const storage = new GatedStorage();
    const room = newRoom(storage);
    const clients = [0, 1, 2].map((i) => new FakeClient(room, `u${i}`, 'editor'));
    await until(() => clients.every((c) => c.synced));
    await tick();
    storage.appends.length = 0;
    clients.forEach((c, i) => c.doc.getMap('meta').set(`k${i}`, i));
    await until(() => clients.every((c) => c.doc.getMap('meta').size === 3));
    expect(storage.appends).toHaveLength(1);
    expect(storage.appends[0]!.updates).toHaveLength(3);
  });

  it('drops writes of a read-only connection and tells it once', async () => {
    const storage = new MemoryStorage();
    const room = newRoom(storage);
    const editor = new FakeClient(room, 'e', 'editor');
    const viewer = new FakeClient(room, 'v', 'viewer');
    await until(() => editor.synced && viewer.synced);
    editor.doc.getMap('meta').set('note', 'Original');
    await until(() => viewer.doc.getMap('meta').get('note') === 'Original');
    expect(viewer.notices).toHaveLength(0); // its sync-step-2 carried nothing new
    viewer.doc.getMap('meta').set('note', 'Hacket');
    viewer.doc.getMap('meta').set('other', 1);
    await tick();
    await tick();
    expect(room.doc.getMap('meta').get('note')).toBe('Original');
    expect(editor.doc.getMap('meta').get('note')).toBe('Original');
    expect(viewer.notices).toEqual([expect.objectContaining({ kind: 'read-only', role: 'viewer' })]);
    expect(viewer.closed).toBeNull();
    const stored = await storage.load('p1');
    const rebuilt = new Y.Doc();
    for (const u of stored.updates) Y.applyUpdate(rebuilt, u);
    expect(rebuilt.getMap('meta').get('note')).toBe('Original');
  });

  it.each<{ name: string; ranges: Array<[number, number]>; novel: boolean }>([
    { name: 'one range exactly as the server has it', ranges: [[6, 3]], novel: false },
    { name: 'a range inside a deleted range', ranges: [[7, 1]], novel: false },
    { name: 'the first, a middle and the last range at once', ranges: [[2, 2], [7, 2], [12, 1]], novel: false },
    { name: 'a range that starts inside a deleted range and extends past it', ranges: [[7, 3]], novel: true },
    { name: 'a range before the first deleted range', ranges: [[0, 1]], novel: true },
    { name: 'a range between two deleted ranges', ranges: [[4, 1]], novel: true },
    { name: 'a range after the last deleted range', ranges: [[13, 1]], novel: true },
    { name: 'known ranges plus one that is not deleted yet', ranges: [[2, 2], [6, 3], [10, 1]], novel: true },
  ])(
    'a viewer deleting $name: novel (a read-only notice) = $novel; the doc stays as it is',
    async ({ ranges, novel }) => {
      const room = newRoom(new MemoryStorage());
      const editor = new FakeClient(room, 'e', 'editor');
      await until(() => editor.synced);
      // 20 items with clocks 0..19 of the editor's client, then three deletions,
      // last first so the indexes are the clocks: deleted ranges [2,4), [6,9), [12,13).
      const arr = editor.doc.getArray<number>('a');
      arr.push([...Array(20).keys()]);
      arr.delete(12, 1);
      arr.delete(6, 3);
      arr.delete(2, 2);
      await until(() => room.doc.getArray('a').length === 14);
      const deleted = Y.createDeleteSetFromStructStore(room.doc.store).clients.get(editor.doc.clientID)?.map((r) => [r.clock, r.len]);
      expect(deleted).toEqual([
        [2, 2],
        [6, 3],
        [12, 1],
      ]);
      const before = Y.encodeStateAsUpdate(room.doc);

      const viewer = new FakeClient(room, 'v', 'viewer');
      await until(() => viewer.synced);
      expect(viewer.notices).toHaveLength(0);
      viewer.send(syncUpdate(deletionUpdate(editor.doc.clientID, ranges)));
      expect(viewer.notices.map((n) => n.kind)).toEqual(novel ? ['read-only'] : []);
      expect(viewer.closed).toBeNull();
      await tick();
      expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before);
      expect(room.doc.getArray('a').toArray()).toEqual([0, 1, 4, 5, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19]);
    },
  );

  it("a viewer deleting items of a client with no deletions on the server is told it is read-only", async () => {
    const room = newRoom(new MemoryStorage());
    const editor = new FakeClient(room, 'e', 'editor');
    const viewer = new FakeClient(room, 'v', 'viewer');
    await until(() => editor.synced && viewer.synced);
    editor.doc.getArray<number>('a').push([1, 2, 3]);
    await until(() => viewer.doc.getArray('a').length === 3);
    viewer.send(syncUpdate(deletionUpdate(editor.doc.clientID, [[1, 1]])));
    expect(viewer.notices.map((n) => n.kind)).toEqual(['read-only']);
    expect(room.doc.getArray('a').toArray()).toEqual([1, 2, 3]);
  });

  it('a commenter writes the comments doc but not the content doc', async () => {
    const storage = new MemoryStorage();
    const content = newRoom(storage);
    const comments = new Room({ docName: 'p1/comments', packageId: 'p1', kind: 'comments', storage, log: quiet });
    const cc = new FakeClient(content, 'k', 'commenter');
    const cm = new FakeClient(comments, 'k', 'commenter');
    await until(() => cc.synced && cm.synced);
    cc.doc.getMap('lines').set('x', 1);
    cm.doc.getMap('threads').set('t1', 'Hei');
    await until(() => comments.doc.getMap('threads').get('t1') === 'Hei');
    await tick();
    expect(content.doc.getMap('lines').size).toBe(0);
    expect(cc.notices.map((n) => n.kind)).toEqual(['read-only']);
    expect(cm.notices).toHaveLength(0);
  });

  it('applies role changes at once: downgrade → read-only notice, upgrade → writable, removal → 4403', async () => {
    const room = newRoom(new MemoryStorage());
    const a = new FakeClient(room, 'a', 'editor');
    const other = new FakeClient(room, 'o', 'editor');
    await until(() => a.synced && other.synced);
    room.setRole('a', 'viewer');
    expect(a.notices.at(-1)).toMatchObject({ kind: 'read-only', role: 'viewer' });
    a.doc.getMap('meta').set('x', 1);
    await tick();
    await tick();
    expect(room.doc.getMap('meta').has('x')).toBe(false);
    expect(a.notices).toHaveLength(1);
    room.setRole('a', 'owner');
    expect(a.notices.at(-1)).toMatchObject({ kind: 'writable', role: 'owner' });
    a.doc.getMap('meta').set('y', 2);
    await until(() => other.doc.getMap('meta').get('y') === 2);
    room.setRole('a', null);
    expect(a.closed?.code).toBe(CLOSE_FORBIDDEN);
    expect(room.connectionCount).toBe(1);
    a.doc.getMap('meta').set('z', 3);
    await tick();
    expect(room.doc.getMap('meta').has('z')).toBe(false);
  });

  it.each([
    ['bad varint', new Uint8Array([0xff, 0xff, 0xff])],
    ['unknown message type', new Uint8Array([7])],
    ['unknown sync type', new Uint8Array([0, 9, 0])],
    ['garbage update', (() => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_SYNC);
      encoding.writeVarUint(e, SYNC_UPDATE);
      encoding.writeVarUint8Array(e, new Uint8Array([5, 200, 1, 2, 3, 99, 99, 99, 1]));
      return encoding.toUint8Array(e);
    })()],
    ['trailing bytes', new Uint8Array([3, 0])],
    ['bad awareness', new Uint8Array([1, 3, 1, 1, 1])],
  ])('closes only the sender of a malformed message (%s)', async (_name, bytes) => {
    const room = newRoom(new MemoryStorage());
    const bad = new FakeClient(room, 'bad', 'editor');
    const good = new FakeClient(room, 'good', 'editor');
    const watcher = new FakeClient(room, 'w', 'viewer');
    await until(() => bad.synced && good.synced && watcher.synced);
    bad.send(bytes);
    expect(bad.closed?.code).toBe(CLOSE_MALFORMED);
    expect(bad.closed?.reason).toMatch(/Ugyldig melding/);
    expect(good.closed).toBeNull();
    good.doc.getMap('meta').set('still', 'alive');
    await until(() => watcher.doc.getMap('meta').get('still') === 'alive');
    expect(room.state).toBe('live');
  });

  it('removes the awareness of a closed connection at once and coalesces fast updates', async () => {
    const room = newRoom(new MemoryStorage());
    const a = new FakeClient(room, 'a', 'editor');
    const b = new FakeClient(room, 'b', 'viewer');
    await until(() => a.synced && b.synced);
    let seenByB = 0;
    b.awareness.on('update', () => seenByB++);
    for (let i = 0; i < 20; i++) a.awareness.setLocalState({ cursor: i });
    await until(() => (b.awareness.getStates().get(a.doc.clientID) as { cursor?: number } | undefined)?.cursor === 19, 2000, 'last awareness');
    expect(seenByB).toBeLessThanOrEqual(3);
    a.disconnect();
    expect(b.awareness.getStates().has(a.doc.clientID)).toBe(false);
  });

  it("ignores awareness that claims another connection's client id, without closing anyone", async () => {
    const room = newRoom(new MemoryStorage());
    const a = new FakeClient(room, 'a', 'editor');
    const b = new FakeClient(room, 'b', 'editor');
    const w = new FakeClient(room, 'w', 'viewer');
    await until(() => a.synced && b.synced && w.synced);
    // `label`, not `name`: the identity hook rewrites `name` to the login's name.
    a.awareness.setLocalState({ label: 'A' });
    await until(() => w.awareness.getStates().has(a.doc.clientID));
    // B claims to be A, with a later clock than A's own state.
    b.send(awarenessMessage(a.doc.clientID, 99, { label: 'Forfalsket' }));
    // Then a legitimate change from B. B had sent no awareness before, so a spoof the
    // room accepted would have been applied at once and this one after it: once it
    // has reached W, the spoof has been handled one way or the other.
    b.awareness.setLocalState({ label: 'B' });
    const bAtW = () => (w.awareness.getStates().get(b.doc.clientID) as { label?: string } | undefined)?.label;
    await until(() => b.closed !== null || bAtW() === 'B', 2000, "B's own awareness at W");
    // Ignored, not punished: a spoof is well-formed, so neither B nor A is closed.
    expect(b.closed).toBeNull();
    expect(a.closed).toBeNull();
    expect(bAtW()).toBe('B');
    expect(w.awareness.getStates().get(a.doc.clientID)).toEqual({ label: 'A' });
    expect(room.connectionCount).toBe(3);
  });

  it('compacts the log into a snapshot in the background and loads snapshot + tail', async () => {
    const storage = new MemoryStorage();
    const room = newRoom(storage, { maxLogUpdates: 5 });
    const a = new FakeClient(room, 'a', 'editor');
    await until(() => a.synced);
    for (let i = 0; i < 12; i++) {
      a.doc.getMap('meta').set(`k${i}`, i);
      await tick();
    }
    await room.whenPersisted();
    await until(() => room.logSize.updates <= 5, 2000, 'compaction');
    const stored = await storage.load('p1');
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates.length).toBeLessThanOrEqual(5);
    const again = newRoom(storage);
    await again.ready;
    expect(again.doc.getMap('meta').toJSON()).toEqual(a.doc.getMap('meta').toJSON());
  });

  it('unloads after the idle timeout once everything is stored, compacting the log', async () => {
    const storage = new MemoryStorage();
    const room = newRoom(storage, { idleTimeoutMs: 20 });
    const a = new FakeClient(room, 'a', 'editor');
    await until(() => a.synced);
    a.doc.getMap('meta').set('note', 'Bevart');
    await room.whenPersisted();
    a.disconnect();
    await room.unloaded;
    expect(room.state).toBe('unloaded');
    const stored = await storage.load('p1');
    expect(stored.updates).toHaveLength(0);
    const d = new Y.Doc();
    Y.applyUpdate(d, stored.snapshot!);
    expect(d.getMap('meta').get('note')).toBe('Bevart');
  });

  it('records who changed which amount or status in the audit trail', async () => {
    const storage = new MemoryStorage();
    const room = newRoom(storage);
    const a = new FakeClient(room, 'anne', 'editor');
    await until(() => a.synced);
    const id = createLineInDoc(a.doc, { ledger: 'drift', group: 'tiltak', title: 'Skolehelse', amounts: { '2024': '1.5' } });
    await tick();
    setLineAmount(a.doc, id, '2024', '2,25');
    await tick();
    await room.whenPersisted();
    const audit = await storage.listAudit('p1');
    expect(audit).toEqual([
      expect.objectContaining({ lineId: id, field: 'created', newValue: 'Skolehelse', userId: 'anne' }),
      expect.objectContaining({ lineId: id, field: 'amount', year: '2024', oldValue: '1.5', newValue: '2.25', userId: 'anne' }),
    ]);
  });

  it('keeps a lone client alive: its awareness is echoed and empty keepalive frames arrive', async () => {
    const room = newRoom(new MemoryStorage(), { keepaliveIntervalMs: 20 });
    const a = new FakeClient(room, 'a', 'viewer');
    await until(() => a.synced);
    const before = a.received.length;
    a.awareness.setLocalState({ name: 'A' });
    await until(() => a.received.length > before, 1000, 'echo');
    const n = a.received.length;
    await until(() => a.received.length >= n + 2, 1000, 'keepalives');
    const last = a.received.at(-1)!;
    expect([...last]).toEqual([1, 1, 0]);
    a.disconnect();
  });
});
