/**
 * Conflicts on amount cells (docs/schema.md, "Conflicts"), decided on the server:
 * concurrent writes, a write made offline and sent on reconnect, a write based on
 * a stale value and typed text against an amount are conflicts, with who and when
 * from the server; informed writes, equal values, new lines and clears are not.
 * First the rules on the room core with fake clients (deterministic), then the
 * whole path on a real server: stored with the change, pushed to both people's
 * connections, listed, dismissed (and the dismissal pushed), and who may do what.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { Room, mergeOnThisThread } from '../../server/sync';
import { ConflictHub, packageHooks } from '../../server/hooks';
import { MemoryStorage } from '../../server/storage/memory';
import { createLineInDoc, getLinesMap, readLineFromMap, setLineAmount } from '../../shared/doc/schema';
import { MESSAGE_SYNC, SYNC_UPDATE, type ConflictView } from '../../shared/protocol';
import { ManualScheduler } from '../helpers/manualScheduler';
import { FakeClient, until } from './fakeClient';
import { connectClient, startTestServer, waitFor, type TestServer } from './serverHarness';

const quiet = { info() {}, warn() {}, error() {} };
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A room with the package hooks over memory storage, a line "Brygga" with 2024 = 1, and clients on it. */
async function roomWithLine(...users: string[]) {
  const storage = new MemoryStorage();
  const seed = new Y.Doc();
  const lineId = createLineInDoc(seed, { ledger: 'drift', group: 'tiltak', title: 'Brygga', amounts: { '2024': '1' } });
  await storage.append({ docName: 'p1', updates: [Y.encodeStateAsUpdate(seed)] });
  const scheduler = new ManualScheduler();
  const room = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log: quiet, hooks: packageHooks({ conflicts: new ConflictHub(storage) }), scheduler, merge: mergeOnThisThread });
  const clients = users.map((u) => new FakeClient(room, u, 'editor'));
  await until(() => clients.every((c) => c.synced));
  /** Stores what is pending and lets every relay and notice arrive. */
  const flush = async () => {
    for (let i = 0; i < 5; i++) {
      scheduler.runTicks();
      await settle();
    }
  };
  await flush();
  const conflicts = () => storage.listConflicts('p1', { includeDismissed: true });
  const cell = (c: { doc: Y.Doc }) => readLineFromMap(lineId, getLinesMap(c.doc).get(lineId)!);
  return { storage, room, clients, lineId, flush, conflicts, cell, scheduler };
}

const amount = (a: string) => ({ amount: a });

/** A y-websocket sync "update" frame carrying `update`. */
function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, SYNC_UPDATE);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

describe('the conflict rules (room core, fake clients)', () => {
  it('two concurrent writes to one cell: the one that arrives second is a conflict, with both values, who and when', async () => {
    const { clients: [anne, bjorn], lineId, flush, conflicts, cell, scheduler } = await roomWithLine('anne', 'bjorn');
    // Both write before either has the other's value (the server relays only after storing).
    setLineAmount(anne!.doc, lineId, '2024', '2,6');
    setLineAmount(bjorn!.doc, lineId, '2024', '2,4');
    await flush();
    const list = await conflicts();
    expect(list).toHaveLength(1);
    const c = list[0]!;
    expect(c).toMatchObject({ packageId: 'p1', lineId, year: '2024', lineTitle: 'Brygga', dismissed: null, at: scheduler.date().toISOString() });
    expect(c.written).toEqual({ value: amount('2.4'), userId: 'bjorn', at: scheduler.date().toISOString() });
    expect(c.other).toEqual({ value: amount('2.6'), userId: 'anne', at: scheduler.date().toISOString() });
    // Yjs decides which value the cell keeps; the record says which, and everyone converged on it.
    const shown = cell(anne!).amounts['2024'];
    expect(cell(bjorn!).amounts['2024']).toBe(shown);
    expect(c.kept).toBe(shown === '2.4' ? 'written' : 'other');
    // Both people's connections were told.
    for (const client of [anne!, bjorn!]) expect(client.notices).toContainEqual({ kind: 'conflict', conflict: c });
  });

  it('a write made offline and sent on reconnect, over a value written meanwhile, is a conflict', async () => {
    const { room, clients: [anne, bjorn], lineId, flush, conflicts } = await roomWithLine('anne', 'bjorn');
    bjorn!.disconnect();
    setLineAmount(bjorn!.doc, lineId, '2024', '1,1');
    setLineAmount(anne!.doc, lineId, '2024', '0,95');
    await flush();
    expect(await conflicts()).toEqual([]);
    // Bjørn comes back with his offline state: the sync step 2 carries his 1,1.
    const back = new FakeClient(room, 'bjorn', 'editor', { autoConnect: false });
    Y.applyUpdate(back.doc, Y.encodeStateAsUpdate(bjorn!.doc));
    back.connect('editor');
    await until(() => back.synced);
    await flush();
    const [c] = await conflicts();
    expect(c).toMatchObject({ written: { value: amount('1.1'), userId: 'bjorn' }, other: { value: amount('0.95'), userId: 'anne' } });
    expect(back.notices.map((n) => (n as { kind: string }).kind)).toContain('conflict');
    expect(anne!.notices.map((n) => (n as { kind: string }).kind)).toContain('conflict');
  });

  it('a write based on a stale value (a newer one had not reached its writer) is a conflict against the newer one', async () => {
    const { clients: [anne, bjorn], lineId, flush, conflicts } = await roomWithLine('anne', 'bjorn');
    setLineAmount(anne!.doc, lineId, '2024', '2');
    await flush();
    expect(readLineFromMap(lineId, getLinesMap(bjorn!.doc).get(lineId)!).amounts['2024']).toBe('2');
    // Bjørn's copy stops at 2: a stale replica of him writes 5 while Anne's 3 is on the server.
    const stale = new Y.Doc();
    Y.applyUpdate(stale, Y.encodeStateAsUpdate(bjorn!.doc));
    setLineAmount(anne!.doc, lineId, '2024', '3');
    await flush();
    const sent: Uint8Array[] = [];
    stale.on('update', (u: Uint8Array) => sent.push(u));
    setLineAmount(stale, lineId, '2024', '5');
    // It reaches the server on Bjørn's connection.
    for (const u of sent) bjorn!.send(updateFrame(u));
    await flush();
    const list = await conflicts();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ written: { value: amount('5'), userId: 'bjorn' }, other: { value: amount('3'), userId: 'anne' } });
  });

  it('typed text against a concurrent amount is a conflict (the text would hide the number)', async () => {
    const { clients: [anne, bjorn], lineId, flush, conflicts } = await roomWithLine('anne', 'bjorn');
    setLineAmount(anne!.doc, lineId, '2024', '2,6');
    setLineAmount(bjorn!.doc, lineId, '2024', 'tolv');
    await flush();
    const [c] = await conflicts();
    expect(c).toMatchObject({ written: { value: { typed: 'tolv' }, userId: 'bjorn' }, other: { value: amount('2.6'), userId: 'anne' }, kept: 'written' });
  });

  it('is not a conflict: a write after seeing the value, the same value twice, new lines and pasted blocks, a clear', async () => {
    const { clients: [anne, bjorn], lineId, flush, conflicts } = await roomWithLine('anne', 'bjorn');
    setLineAmount(anne!.doc, lineId, '2024', '2,6');
    await flush();
    // Bjørn saw 2,6 and overwrites it knowingly.
    setLineAmount(bjorn!.doc, lineId, '2024', '2,4');
    await flush();
    // Both write the same value at once.
    setLineAmount(anne!.doc, lineId, '2024', '7');
    setLineAmount(bjorn!.doc, lineId, '2024', '7');
    await flush();
    // New lines with amounts, from both at once.
    createLineInDoc(anne!.doc, { ledger: 'drift', group: 'tiltak', title: 'Ny A', amounts: { '2024': '1' } });
    createLineInDoc(bjorn!.doc, { ledger: 'drift', group: 'tiltak', title: 'Ny B', amounts: { '2024': '2' } });
    await flush();
    // A clear concurrent with a write: the clear never removes a value its writer had not seen.
    setLineAmount(anne!.doc, lineId, '2024', '');
    setLineAmount(bjorn!.doc, lineId, '2024', '8');
    await flush();
    expect(await conflicts()).toEqual([]);
    expect(readLineFromMap(lineId, getLinesMap(anne!.doc).get(lineId)!).amounts['2024']).toBe('8');
  });

  it('knows who wrote the other value after a reload, from the audit trail', async () => {
    const { storage, room, clients: [anne, bjorn], lineId, flush } = await roomWithLine('anne', 'bjorn');
    bjorn!.disconnect();
    setLineAmount(bjorn!.doc, lineId, '2024', '1,1');
    setLineAmount(anne!.doc, lineId, '2024', '0,95');
    await flush();
    anne!.disconnect();
    await room.drain();
    // A new room (the old one unloaded): it never saw Anne write.
    const again = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log: quiet, hooks: packageHooks({ conflicts: new ConflictHub(storage) }) });
    const back = new FakeClient(again, 'bjorn', 'editor', { autoConnect: false });
    Y.applyUpdate(back.doc, Y.encodeStateAsUpdate(bjorn!.doc));
    back.connect('editor');
    await until(() => back.notices.some((n) => (n as { kind: string }).kind === 'conflict'));
    const notice = back.notices.find((n) => (n as { kind: string }).kind === 'conflict') as unknown as { conflict: ConflictView };
    expect(notice.conflict.other).toMatchObject({ value: amount('0.95'), userId: 'anne' });
    // The stored record holds what the room knew; the hub completes it from the audit.
    const [stored] = await storage.listConflicts('p1');
    expect(stored!.other.userId).toBeNull();
    await again.drain();
  });
});

describe('conflicts through the real server', () => {
  let ts: TestServer;
  let pkg: string;
  let lineId: string;
  beforeAll(async () => {
    ts = await startTestServer();
    pkg = await ts.createPackage({ title: 'Konflikter', years: ['2024'], planYears: ['2024'] }, { anne: 'editor', bjorn: 'editor', vera: 'viewer' });
    lineId = await ts.server.rooms.withRoom(pkg, 'content', (room) =>
      room.transact((doc) => createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Emosjonell HMS', amounts: { '2024': '1' } }), { userId: 'admin' }),
    );
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('B offline sets 1,1, A sets 0,95: on reconnect both are told, the list shows it until dismissed, and the dismissal reaches both', async () => {
    const a = connectClient(ts, pkg, 'anne');
    const b = connectClient(ts, pkg, 'bjorn');
    await Promise.all([a.synced(), b.synced()]);
    b.provider.disconnect();
    setLineAmount(b.doc, lineId, '2024', '1,1');
    setLineAmount(a.doc, lineId, '2024', '0,95');
    const amountOnServer = () => ts.server.rooms.withRoom(pkg, 'content', (room) => readLineFromMap(lineId, getLinesMap(room.doc).get(lineId)!).amounts['2024']);
    for (let i = 0; i < 100 && (await amountOnServer()) !== '0.95'; i++) await new Promise((r) => setTimeout(r, 20));
    b.provider.connect();
    const kinds = (c: { notices: unknown[] }) => c.notices.map((n) => (n as { kind: string }).kind);
    await waitFor(() => kinds(a).includes('conflict') && kinds(b).includes('conflict'), 10_000, 'the conflict notice on both');
    const listed = (await (await ts.http('GET', `/api/packages/${pkg}/conflicts`, { user: 'vera' })).json()) as { conflicts: ConflictView[] };
    expect(listed.conflicts).toHaveLength(1);
    const c = listed.conflicts[0]!;
    expect(c).toMatchObject({ lineId, year: '2024', lineTitle: 'Emosjonell HMS', written: { value: amount('1.1'), userId: 'bjorn' }, other: { value: amount('0.95'), userId: 'anne' } });
    // A viewer sees the list but cannot dismiss; an unknown id is 404.
    expect((await ts.http('POST', `/api/packages/${pkg}/conflicts/${c.id}/dismiss`, { user: 'vera' })).status).toBe(403);
    expect((await ts.http('POST', `/api/packages/${pkg}/conflicts/nope/dismiss`, { user: 'anne' })).status).toBe(404);
    const dismissed = await ts.http('POST', `/api/packages/${pkg}/conflicts/${c.id}/dismiss`, { user: 'anne' });
    expect(dismissed.status).toBe(200);
    expect(((await dismissed.json()) as { conflict: ConflictView }).conflict.dismissed).toMatchObject({ userId: 'anne' });
    await waitFor(() => kinds(a).includes('conflict-dismissed') && kinds(b).includes('conflict-dismissed'), 10_000, 'the dismissal on both');
    expect(((await (await ts.http('GET', `/api/packages/${pkg}/conflicts`, { user: 'bjorn' })).json()) as { conflicts: ConflictView[] }).conflicts).toEqual([]);
    const all = ((await (await ts.http('GET', `/api/packages/${pkg}/conflicts?all=1`, { user: 'bjorn' })).json()) as { conflicts: ConflictView[] }).conflicts;
    expect(all.map((x) => x.id)).toEqual([c.id]);
    // Not a member: the same 404 as for a package that does not exist.
    ts.user('mallory');
    expect((await ts.http('GET', `/api/packages/${pkg}/conflicts`, { user: 'mallory' })).status).toBe(404);
    a.destroy();
    b.destroy();
  });
});
