/**
 * The room's hooks: checks that refuse (and the rebuild of the replica behind
 * them), rows in the same storage batch, after-store, after-load, awareness,
 * connection and unload hooks, and the package hooks (audit, title). Fake clients,
 * real memory storage, a manual scheduler so the flush point is ours.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { MAX_RESYNC_BYTES, MAX_RESYNCS_IN_A_ROW, Room, UpdateRefusedError, mergeOnThisThread, type ChangeContext, type RoomHooks, type RoomLogger, type StoredContext, type SyncPrincipal } from '../../../server/sync';
import { packageHooks, unappliableReason } from '../../../server/hooks';
import { MemoryStorage } from '../../../server/storage/memory';
import type { AppendBatch, AuditEntry } from '../../../server/storage/types';
import { CLOSE_LOAD_FAILED, CLOSE_UPDATE_REFUSED, MESSAGE_SYNC, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE } from '../../../shared/protocol';
import { getMetaMap } from '../../../shared/doc/schema';
import { ManualScheduler } from '../../helpers/manualScheduler';
import { FakeClient, until } from '../fakeClient';

/** Memory storage that records every batch and can hold appends back. */
class RecordingStorage extends MemoryStorage {
  appends: AppendBatch[] = [];
  appendGate: Promise<void> | null = null;
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

const settle = () => new Promise<void>((r) => setImmediate(r));
const logs: string[] = [];
const log: RoomLogger = { info() {}, warn: (m) => void logs.push(m), error: (m) => void logs.push(m) };

function keyOf(tr: Y.Transaction, type: Y.Map<unknown>): Set<string | null> | undefined {
  return tr.changed.get(type as unknown as Parameters<typeof tr.changed.get>[0]);
}

/** Refuses every change that writes the key `secret` of the root map `m`. */
const noSecret: RoomHooks = {
  name: 'no-secret',
  onCreateReplica: ({ doc }) => void doc.getMap('m'),
  checkChange: ({ transaction }) => (keyOf(transaction, transaction.doc.getMap('m'))?.has('secret') ? { refuse: 'the secret key is not allowed' } : undefined),
};

async function setup(hooks: RoomHooks[], extra: Partial<ConstructorParameters<typeof Room>[0]> = {}) {
  const scheduler = new ManualScheduler();
  const storage = new RecordingStorage();
  const room = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log, hooks, scheduler, merge: mergeOnThisThread, ...extra });
  const flush = async () => {
    scheduler.runTicks();
    await settle();
  };
  return { scheduler, storage, room, flush };
}

/** Connects fake clients and waits until they are synced (running the room's flushes meanwhile). */
async function connected(room: Room, scheduler: ManualScheduler, ...who: Array<[string, 'editor' | 'viewer']>): Promise<FakeClient[]> {
  const clients = who.map(([id, role]) => new FakeClient(room, id, role));
  await until(() => {
    scheduler.runTicks();
    return clients.every((c) => c.synced);
  });
  return clients;
}

/** The stored log (snapshot + updates) as one doc. */
async function storedDoc(storage: MemoryStorage): Promise<Y.Doc> {
  const stored = await storage.load('p1');
  const d = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(d, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(d, u);
  return d;
}

/** Whether any sync frame a client received carries a struct written by `clientId`. */
function receivedFrom(c: FakeClient, clientId: number): boolean {
  return c.received.some((frame) => {
    const d = decoding.createDecoder(frame);
    if (decoding.readVarUint(d) !== MESSAGE_SYNC || decoding.readVarUint(d) === SYNC_STEP1) return false;
    return Y.decodeUpdate(decoding.readVarUint8Array(d)).structs.some((s) => s.id.client === clientId && !(s instanceof Y.Skip));
  });
}

describe('check hooks', () => {
  it('a refused update closes its sender with 4422; no other client and not the log sees any of it; concurrent honest updates all survive', async () => {
    const { storage, room, flush, scheduler } = await setup([noSecret]);
    const [honest, bad, watcher] = await connected(room, scheduler, ['h', 'editor'], ['b', 'editor'], ['w', 'viewer']);
    await flush();
    storage.appends.length = 0;
    // One tick: the honest client's updates are accepted but not yet stored when the
    // bad one arrives; one more honest update arrives while the replica is rebuilt.
    honest!.doc.getMap('m').set('a', 1);
    honest!.doc.getText('t').insert(0, 'hei');
    bad!.doc.transact(() => {
      bad!.doc.getMap('m').set('secret', 'x');
      bad!.doc.getText('t').insert(0, 'SKJULT ');
    });
    honest!.doc.getMap('m').set('b', 2);
    expect(bad!.closed?.code).toBe(CLOSE_UPDATE_REFUSED);
    expect(bad!.closed?.reason).toMatch(/avvist/);
    expect(honest!.closed).toBeNull();
    await settle();
    await flush();
    await until(() => watcher!.doc.getMap('m').get('b') === 2);
    for (const d of [room.doc, watcher!.doc, honest!.doc, await storedDoc(storage)]) {
      expect(d.getMap('m').toJSON()).toEqual({ a: 1, b: 2 });
      expect(d.getText('t').toString()).toBe('hei');
    }
    expect(receivedFrom(watcher!, bad!.doc.clientID)).toBe(false);
    expect(receivedFrom(honest!, bad!.doc.clientID)).toBe(false);
    // The tick's three honest updates went to storage together, the refused one never.
    expect(storage.appends).toHaveLength(1);
    expect(storage.appends[0]!.updates.some((u) => Y.decodeUpdate(u).structs.some((s) => s.id.client === bad!.doc.clientID))).toBe(false);
  });

  it('keeps accepted updates whose append is still in flight when a refusal rebuilds the replica', async () => {
    const { storage, room, flush, scheduler } = await setup([noSecret]);
    const [honest, bad, watcher] = await connected(room, scheduler, ['h', 'editor'], ['b', 'editor'], ['w', 'viewer']);
    await flush();
    const g = gate();
    storage.appendGate = g.promise;
    honest!.doc.getMap('m').set('inFlight', 1);
    await flush(); // the append starts and waits
    honest!.doc.getMap('m').set('pending', 2);
    bad!.doc.getMap('m').set('secret', 'x');
    expect(bad!.closed?.code).toBe(CLOSE_UPDATE_REFUSED);
    await settle(); // the rebuild reads storage, which does not have `inFlight` yet
    expect(room.doc.getMap('m').toJSON()).toEqual({ inFlight: 1, pending: 2 });
    g.open();
    await settle();
    await flush();
    await until(() => watcher!.doc.getMap('m').get('pending') === 2);
    expect((await storedDoc(storage)).getMap('m').toJSON()).toEqual({ inFlight: 1, pending: 2 });
  });

  it('keeps what was pending (not yet applicable) before a refused change', async () => {
    const { room, flush, scheduler } = await setup([noSecret]);
    const [honest, bad] = await connected(room, scheduler, ['h', 'editor'], ['b', 'editor']);
    // Two updates of one author; the second arrives first and must wait for the first.
    const author = new Y.Doc();
    const parts: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => parts.push(u));
    author.getText('t').insert(0, 'x');
    author.getText('t').insert(1, 'y');
    honest!.send(updateFrame(parts[1]!));
    expect(room.doc.store.pendingStructs).not.toBeNull();
    bad!.doc.getMap('m').set('secret', 1);
    await settle();
    honest!.send(updateFrame(parts[0]!));
    await flush();
    expect(room.doc.getText('t').toString()).toBe('xy');
    author.destroy();
  });

  it('a check that throws refuses; a refusal before applying (beforeApplyUpdate) needs no rebuild; a dropped update is ignored quietly', async () => {
    const calls: string[] = [];
    const hooks: RoomHooks[] = [
      {
        name: 'gate',
        onCreateReplica: ({ doc }) => void doc.getMap('m'),
        beforeApplyUpdate: ({ principal }) => (principal.userId === 'refused' ? { refuse: 'not you' } : principal.userId === 'dropped' ? { drop: true } : undefined),
      },
      {
        name: 'thrower',
        checkChange: ({ transaction }) => {
          calls.push('check');
          if (keyOf(transaction, transaction.doc.getMap('m'))?.has('boom')) throw new Error('boom');
        },
      },
    ];
    const { room, flush, scheduler } = await setup(hooks);
    const [ok, refused, dropped, thrower, watcher] = await connected(room, scheduler, ['ok', 'editor'], ['refused', 'editor'], ['dropped', 'editor'], ['t', 'editor'], ['w', 'viewer']);
    calls.length = 0;
    refused!.doc.getMap('m').set('r', 1);
    dropped!.doc.getMap('m').set('d', 1);
    expect(calls).toEqual([]);
    thrower!.doc.getMap('m').set('boom', 1);
    ok!.doc.getMap('m').set('ok', 1);
    await settle();
    await flush();
    await until(() => watcher!.doc.getMap('m').get('ok') === 1);
    expect(refused!.closed?.code).toBe(CLOSE_UPDATE_REFUSED);
    expect(dropped!.closed).toBeNull();
    expect(thrower!.closed?.code).toBe(CLOSE_UPDATE_REFUSED);
    // Refusals are counted, and the summary names the last reason per kind.
    expect(room.problems.counts().totals['update-refused']).toBe(2);
    room.problems.flush();
    expect(logs.some((l) => l.includes('thrower threw: boom'))).toBe(true);
    expect(room.doc.getMap('m').toJSON()).toEqual({ ok: 1 });
    expect(watcher!.doc.getMap('m').toJSON()).toEqual({ ok: 1 });
  });

  it('a resync verdict drops the update and sends the sender a sync step 1, once per round trip; past MAX_RESYNCS_IN_A_ROW rounds or MAX_RESYNC_BYTES it is refused; an applied update resets the count', async () => {
    const hooks: RoomHooks[] = [{ name: 'applicable', onCreateReplica: ({ doc }) => void doc.getMap('m'), beforeApplyUpdate: ({ doc, decoded }) => (unappliableReason(doc, decoded) ? { resync: 'gap' } : undefined) }];
    const { room, scheduler, flush } = await setup(hooks);
    const [a, w, b] = await connected(room, scheduler, ['a', 'editor'], ['w', 'viewer'], ['b', 'editor']);
    const author = new Y.Doc();
    const parts: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => parts.push(u));
    author.getMap('m').set('first', 1);
    author.getMap('m').set('second', 2);
    const step1s = () => a!.received.filter((f) => f[0] === MESSAGE_SYNC && f[1] === SYNC_STEP1).length;
    const before = step1s();
    a!.send(updateFrame(parts[1]!));
    expect(step1s()).toBe(before + 1);
    expect(room.doc.store.pendingStructs).toBeNull();
    // A fast typist: more such updates cross the step 1 on the wire — dropped, no second step 1, not closed.
    for (let i = 0; i < 3 * MAX_RESYNCS_IN_A_ROW; i++) a!.send(updateFrame(parts[1]!.slice()));
    expect(step1s()).toBe(before + 1);
    expect(a!.closed).toBeNull();
    // The answer (a step 2) carries the dependency: both apply; the count starts again.
    a!.send(syncFrame(SYNC_STEP2, parts[0]!));
    a!.send(updateFrame(parts[1]!));
    await flush();
    await until(() => w!.doc.getMap('m').get('second') === 2);
    // A sender whose every answer still cannot be applied: refused after MAX_RESYNCS_IN_A_ROW round trips.
    const gap = new Y.Doc();
    const gapParts: Uint8Array[] = [];
    gap.on('update', (u: Uint8Array) => gapParts.push(u));
    gap.getMap('m').set('x', 1);
    gap.getMap('m').set('y', 1);
    for (let i = 0; i < MAX_RESYNCS_IN_A_ROW; i++) a!.send(syncFrame(SYNC_STEP2, gapParts[1]!));
    expect(a!.closed).toBeNull();
    a!.send(syncFrame(SYNC_STEP2, gapParts[1]!));
    expect(a!.closed?.code).toBe(CLOSE_UPDATE_REFUSED);
    expect(room.doc.getMap('m').has('y')).toBe(false);
    // One that fills the wire with such updates while the server waits for its answer: refused past MAX_RESYNC_BYTES.
    const big = new Y.Doc();
    const bigParts: Uint8Array[] = [];
    big.on('update', (u: Uint8Array) => bigParts.push(u));
    big.getMap('m').set('p', 1);
    big.getMap('m').set('q', 'x'.repeat(1024 * 1024));
    for (let sent = 0; sent <= MAX_RESYNC_BYTES && !b!.closed; sent += bigParts[1]!.byteLength) b!.send(updateFrame(bigParts[1]!));
    expect(b!.closed?.code).toBe(CLOSE_UPDATE_REFUSED);
    expect(room.doc.getMap('m').has('q')).toBe(false);
  });

  it('server writes pass the same checks with the principal from their origin, and a refused one rejects and is undone', async () => {
    const seen: SyncPrincipal[] = [];
    const { room, flush, scheduler } = await setup([{ ...noSecret, checkChange: (ctx) => (seen.push(ctx.principal), noSecret.checkChange!(ctx)) }]);
    const [watcher] = await connected(room, scheduler, ['w', 'viewer']);
    const done = room.transact((doc) => doc.getMap('m').set('fine', 1), { userId: 'srv', role: 'owner', action: 'import' });
    await settle();
    await flush();
    await done;
    expect(seen.at(-1)).toMatchObject({ source: 'server', userId: 'srv', role: 'owner', kind: 'content', packageId: 'p1', connection: null });
    await expect(room.transact((doc) => doc.getMap('m').set('secret', 1), { userId: 'srv' })).rejects.toBeInstanceOf(UpdateRefusedError);
    await settle();
    expect(room.doc.getMap('m').toJSON()).toEqual({ fine: 1 });
    await until(() => watcher!.doc.getMap('m').get('fine') === 1);
    expect(watcher!.doc.getMap('m').has('secret')).toBe(false);
    expect(room.state).toBe('live');
  });
});

describe('rows, store and load hooks', () => {
  it('stores the rows of a change in the same append as the change; a throwing rows hook refuses', async () => {
    const entry = (userId: string | null): AuditEntry => ({ packageId: 'p1', lineId: 'l', field: 'status', year: null, oldValue: null, newValue: 'x', userId, at: 'now' });
    const rows: RoomHooks = {
      name: 'rows',
      rowsForChange: ({ principal }: ChangeContext) => {
        if (principal.userId === 'broken') throw new Error('no rows');
        return { audit: [entry(principal.userId)] };
      },
    };
    const { storage, room, flush, scheduler } = await setup([rows]);
    const [a, broken] = await connected(room, scheduler, ['a', 'editor'], ['broken', 'editor']);
    await flush();
    storage.appends.length = 0;
    a!.doc.getMap('m').set('k', 1);
    broken!.doc.getMap('m').set('j', 1);
    await settle();
    await flush();
    expect(broken!.closed?.code).toBe(CLOSE_UPDATE_REFUSED);
    expect(storage.appends).toHaveLength(1);
    expect(storage.appends[0]!.updates).toHaveLength(1);
    expect(storage.appends[0]!.audit).toEqual([entry('a')]);
  });

  it('calls afterStoreDocument once per stored batch with its updates and rows; one that throws is logged and the room carries on', async () => {
    const stored: StoredContext[] = [];
    const hooks: RoomHooks[] = [
      { name: 'rows', rowsForChange: ({ at }) => ({ touchPackage: { id: 'p1', at: at.toISOString() } }) },
      { name: 'broken', afterStoreDocument: () => Promise.reject(new Error('fan-out down')) },
      { name: 'after', afterStoreDocument: (ctx) => void stored.push(ctx) },
    ];
    const { room, flush, scheduler } = await setup(hooks);
    const [a, b] = await connected(room, scheduler, ['a', 'editor'], ['b', 'editor']);
    await flush();
    stored.length = 0;
    a!.doc.getMap('m').set('x', 1);
    b!.doc.getMap('m').set('y', 1);
    await flush();
    a!.doc.getMap('m').set('z', 1);
    await flush();
    await until(() => b!.doc.getMap('m').get('z') === 1);
    expect(stored.map((s) => s.updates.length)).toEqual([2, 1]);
    expect(stored[0]!.rows.touchPackage?.id).toBe('p1');
    expect(stored[1]!.lastSeq).toBeGreaterThan(stored[0]!.lastSeq);
    expect(logs.some((l) => l.includes('afterStoreDocument of broken failed'))).toBe(true);
  });

  it('afterLoadDocument may change the loaded doc once: checked, stored like any update, seen by clients; one that throws fails the load', async () => {
    const principals: string[] = [];
    const convert: RoomHooks = {
      name: 'convert',
      afterLoadDocument: ({ doc }) => {
        if (!doc.getMap('m').has('version')) doc.getMap('m').set('version', 2);
      },
      checkChange: ({ principal }) => void principals.push(principal.source),
    };
    const { storage, room, flush, scheduler } = await setup([convert]);
    const [a] = await connected(room, scheduler, ['a', 'editor']);
    await flush();
    expect(principals).toEqual(['load']);
    expect(a!.doc.getMap('m').get('version')).toBe(2);
    expect((await storedDoc(storage)).getMap('m').get('version')).toBe(2);

    const failing = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log, scheduler: new ManualScheduler(), hooks: [{ name: 'bad', afterLoadDocument: () => { throw new Error('cannot convert'); } }] });
    const c = new FakeClient(failing, 'c', 'editor');
    await expect(failing.ready).rejects.toThrow(/cannot convert/);
    expect(c.closed?.code).toBe(CLOSE_LOAD_FAILED);
  });

  it('the package touch hook syncs the title and updatedAt in the batch of the change, also for the first change after a load', async () => {
    const storage = new MemoryStorage();
    await storage.createPackage({ id: 'p1', title: 'Gammel', createdBy: null, createdAt: 'a', updatedAt: 'a' });
    const seed = new Y.Doc();
    getMetaMap(seed).set('title', 'Gammel');
    await storage.append({ docName: 'p1', updates: [Y.encodeStateAsUpdate(seed)] });
    const scheduler = new ManualScheduler();
    const room = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log, hooks: packageHooks(), scheduler });
    const [a] = await connected(room, scheduler, ['anne', 'editor']);
    getMetaMap(a!.doc).set('title', 'Ny tittel');
    scheduler.runTicks();
    await room.whenPersisted();
    expect(await storage.getPackage('p1')).toMatchObject({ title: 'Ny tittel', updatedAt: scheduler.date().toISOString() });
  });
});

describe('awareness, connection and unload hooks', () => {
  it('beforeHandleAwareness sees each state with the principal and may rewrite or drop it', async () => {
    const events: string[] = [];
    const hooks: RoomHooks[] = [
      {
        name: 'identity',
        beforeHandleAwareness: ({ principal, states }) => {
          for (const [id, s] of states) {
            if (principal.userId === 'mute') states.delete(id);
            else if (s.state && typeof s.state === 'object') s.state = { ...s.state, user: principal.userId };
          }
        },
        onConnect: ({ principal }) => void events.push(`connect ${principal.userId} ${principal.role}`),
        onDisconnect: ({ principal }) => void events.push(`disconnect ${principal.userId}`),
        afterUnloadDocument: ({ room }) => void events.push(`unload ${room.docName}`),
      },
    ];
    const { room, scheduler } = await setup(hooks);
    const [a, mute, w] = await connected(room, scheduler, ['a', 'editor'], ['mute', 'editor'], ['w', 'viewer']);
    a!.awareness.setLocalState({ name: 'Påstått navn', user: 'someone-else' });
    mute!.awareness.setLocalState({ name: 'M' });
    await until(() => w!.awareness.getStates().has(a!.doc.clientID));
    expect(w!.awareness.getStates().get(a!.doc.clientID)).toEqual({ name: 'Påstått navn', user: 'a' });
    expect(w!.awareness.getStates().has(mute!.doc.clientID)).toBe(false);
    a!.disconnect();
    await room.drain();
    expect(events).toEqual(['connect a editor', 'connect mute editor', 'connect w viewer', 'disconnect a', 'disconnect mute', 'disconnect w', 'unload p1']);
  });
});

function updateFrame(update: Uint8Array): Uint8Array {
  return syncFrame(SYNC_UPDATE, update);
}

function syncFrame(sub: number, update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}
