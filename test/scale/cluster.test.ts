/**
 * Two server instances on two ports sharing PostgreSQL and Redis: clients on each
 * edit one package and converge, an edit on B is seen live on A, awareness and
 * role changes cross instances, hooks run once, and an update stored without being
 * published (a lost stream entry) still reaches every client through the gap check.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCommentToDoc, readCommentsFromDoc } from '../../shared/doc/comments';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { waitFor } from '../server/serverHarness';
import { clusterScope, converged, sharedPackage, startOwnRedis, type Instance } from './clusterHarness';
import { docFromStored } from '../../server/storage/stored';

const scope = clusterScope();
const twoInstances = (users: string[]) => scope.twoInstances(users);
const client = (inst: Instance, pkg: string, user: string) => scope.client(inst, pkg, user);

/** Two instances, one package with editors u0 and u1, u0's client on A and u1's on B, both synced. */
async function editorOnEach() {
  const [a, b] = await twoInstances(['u0', 'u1']);
  const pkg = await sharedPackage([a, b], { u0: 'editor', u1: 'editor' });
  const onA = client(a, pkg, 'u0');
  const onB = client(b, pkg, 'u1');
  await Promise.all([onA.synced(), onB.synced()]);
  return { a, b, pkg, onA, onB };
}

describe('scale-out: two instances on PostgreSQL and Redis', () => {
  it('clients on both instances edit one package at once and converge; hooks ran once per change', async () => {
    const users = ['u0', 'u1', 'u2', 'u3'];
    const [a, b] = await twoInstances(users);
    const pkg = await sharedPackage([a, b], { u0: 'editor', u1: 'editor', u2: 'editor', u3: 'editor' });
    const cs = users.map((u, i) => client(i % 2 === 0 ? a : b, pkg, u));
    await Promise.all(cs.map((c) => c.synced()));
    const PER_CLIENT = 25;
    await Promise.all(
      cs.map(async (c, i) => {
        for (let n = 0; n < PER_CLIENT; n++) {
          createLineInDoc(c.doc, { id: `c${i}-${n}`, ledger: 'drift', group: 'tiltak', title: `Linje ${i}.${n}`, amounts: { '2026': String(n) } });
          await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
    await waitFor(() => cs.every((c) => getLinesMap(c.doc).size === users.length * PER_CLIENT), 20_000, 'every line everywhere');
    await converged(cs.map((c) => c.doc));
    // Both servers' replicas hold the same document.
    const [ra] = a.ts.server.rooms.list().filter((r) => r.docName === pkg);
    const [rb] = b.ts.server.rooms.list().filter((r) => r.docName === pkg);
    expect(getLinesMap(ra!.doc).size).toBe(users.length * PER_CLIENT);
    expect(getLinesMap(rb!.doc).toJSON()).toEqual(getLinesMap(ra!.doc).toJSON());
    // The audit hook ran once per created line (on the receiving instance), not again on the other.
    const audit = await a.storage.listAudit(pkg, 10_000);
    expect(audit.filter((e) => e.field === 'created').length).toBe(users.length * PER_CLIENT);
    // What the clients see is what PostgreSQL holds.
    const fromDb = docFromStored(await a.storage.load(pkg));
    expect(getLinesMap(fromDb).toJSON()).toEqual(getLinesMap(cs[0]!.doc).toJSON());
  });

  it("a client on A sees B's edit live, and B's cursor (awareness)", async () => {
    const { a, b, onA, onB } = await editorOnEach();
    const t0 = performance.now();
    createLineInDoc(onB.doc, { id: 'from-b', ledger: 'drift', group: 'tiltak', title: 'Fra B', amounts: { '2026': '12.5' } });
    await waitFor(() => getLinesMap(onA.doc).has('from-b'), 5_000, "B's line on A");
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(5_000);
    onB.provider.awareness.setLocalStateField('cursor', { lineId: 'from-b' });
    await waitFor(() => [...onA.provider.awareness.getStates().values()].some((s) => (s as { cursor?: { lineId?: string } }).cursor?.lineId === 'from-b'), 5_000, "B's cursor on A");
    expect(b.cluster.fanout!.stats.awarenessOut).toBeGreaterThan(0);
    expect(a.cluster.fanout!.stats.awarenessIn).toBeGreaterThan(0);
  });

  it('a role change made on A reaches the open socket on B at once (cluster bus)', async () => {
    const [a, b] = await twoInstances(['u0', 'u1']);
    const pkg = await sharedPackage([a, b], { u0: 'editor', u1: 'editor' });
    const onB = client(b, pkg, 'u1');
    await onB.synced();
    // Only A's accounts know of the change (as with a members route answered by A).
    a.auth.setRole('u1', pkg, 'viewer');
    await waitFor(() => onB.notices.some((n) => n.kind === 'read-only'), 5_000, 'read-only notice on B');
  });

  it('a member added on A may be mentioned at once in a comment written on B (the member list of B\'s comments room follows the bus); before, the mention is refused', async () => {
    const [a, b] = await twoInstances(['u0', 'u1', 'u2']);
    const pkg = await sharedPackage([a, b], { u0: 'editor', u1: 'commenter' });
    const cell = { kind: 'cell' as const, id: 'line-1', year: '2026' };
    const author = { id: 'u1', name: 'u1' };
    const watcher = client(a, `${pkg}/comments`, 'u0');
    const first = client(b, `${pkg}/comments`, 'u1');
    await Promise.all([watcher.synced(), first.synced()]);
    addCommentToDoc(first.doc, { author, text: '@u2 før', target: cell, mentions: ['u2'] });
    await waitFor(() => first.closes.some((c) => c.code === 4422), 5_000, 'the refusal on B');
    first.destroy();
    // Only A's accounts know of the change (as with a members route answered by A).
    a.auth.setRole('u2', pkg, 'viewer');
    const second = client(b, `${pkg}/comments`, 'u1');
    await second.synced();
    const r = addCommentToDoc(second.doc, { author, text: '@u2 etter', target: cell, mentions: ['u2'] });
    await waitFor(() => readCommentsFromDoc(watcher.doc).some((c) => r.ok && c.id === r.id), 5_000, 'the comment on A');
    expect(readCommentsFromDoc(watcher.doc).map((c) => c.text)).toEqual(['@u2 etter']);
    expect(second.closes).toEqual([]);
  });

  it('a lock made on A reaches the open socket on B at once: B is told, and its writes are dropped until the unlock', async () => {
    const [a, b] = await twoInstances(['u0', 'u1']);
    const pkg = await sharedPackage([a, b], { u0: 'owner', u1: 'editor' });
    const onB = client(b, pkg, 'u1');
    await onB.synced();
    const isLockNotice = (locked: boolean) => onB.notices.some((n) => (n as { kind: string; locked?: boolean }).kind === 'lock' && (n as { locked?: boolean }).locked === locked);
    expect((await a.ts.http('POST', `/api/packages/${pkg}/lock`, { user: 'u0', json: { override: 'Vedtatt i gruppemøtet' } })).status).toBe(200);
    await waitFor(() => isLockNotice(true), 5_000, 'the lock notice on B');
    createLineInDoc(onB.doc, { id: 'while-locked', ledger: 'drift', group: 'tiltak', title: 'Etter låsing', amounts: { '2026': '1' } });
    // The write B's instance dropped is neither stored nor reaches A.
    await new Promise((r) => setTimeout(r, 500));
    const stored = docFromStored(await a.storage.load(pkg));
    expect(getLinesMap(stored).has('while-locked')).toBe(false);
    expect((await a.ts.http('POST', `/api/packages/${pkg}/unlock`, { user: 'u0', json: { reason: 'Nytt forslag' } })).status).toBe(200);
    await waitFor(() => isLockNotice(false), 5_000, 'the unlock notice on B');
  });

  it('the audit on A follows lines B created: an amount change says from what, a deletion keeps the line to restore', async () => {
    const { a, pkg, onA, onB } = await editorOnEach();
    createLineInDoc(onB.doc, { id: 'from-b', ledger: 'drift', group: 'tiltak', title: 'Fra B', amounts: { '2026': '1' } });
    await waitFor(() => getLinesMap(onA.doc).has('from-b'), 5_000, "B's line on A");
    ((getLinesMap(onA.doc).get('from-b') as Y.Map<unknown>).get('amounts') as Y.Map<string>).set('2026', '2');
    await waitFor(() => ((getLinesMap(onB.doc).get('from-b') as Y.Map<unknown>).get('amounts') as Y.Map<string>).get('2026') === '2', 5_000, "A's amount on B");
    getLinesMap(onA.doc).delete('from-b');
    await waitFor(() => !getLinesMap(onB.doc).has('from-b'), 5_000, "A's deletion on B");
    const audit = (await a.storage.listAudit(pkg, 100)).filter((e) => e.lineId === 'from-b');
    expect(audit.map((e) => [e.field, e.userId, e.oldValue, e.newValue])).toEqual([
      ['created', 'u1', null, 'Fra B'],
      ['amount', 'u0', '1', '2'],
      ['deleted', 'u0', 'Fra B', null],
    ]);
    expect(await a.storage.findDeletedLine(pkg, 'from-b')).not.toBeNull();
  });

  it('an update that is stored but whose stream entry is lost reaches the clients of the other instance (head check → reload)', async () => {
    const { a, b, pkg, onA, onB } = await editorOnEach();
    // A third writer appends straight to PostgreSQL and raises the head, but its XADD never happens.
    const writer = new Y.Doc();
    Y.applyUpdate(writer, Y.encodeStateAsUpdate(onA.doc));
    const updates: Uint8Array[] = [];
    writer.on('update', (u: Uint8Array) => updates.push(u));
    createLineInDoc(writer, { id: 'lost-entry', ledger: 'drift', group: 'tiltak', title: 'Uten strømoppføring', amounts: { '2026': '1' } });
    const { lastSeq } = await a.storage.append({ docName: pkg, updates });
    const resyncsBefore = a.cluster.fanout!.stats.resyncs + b.cluster.fanout!.stats.resyncs;
    // Without it, an edit on A would arrive on B out of order; the head alone is enough.
    createLineInDoc(onA.doc, { id: 'after', ledger: 'drift', group: 'tiltak', title: 'Etter', amounts: {} });
    await waitFor(() => getLinesMap(onB.doc).has('lost-entry') && getLinesMap(onA.doc).has('lost-entry'), 10_000, 'the unpublished line on both');
    expect(a.cluster.fanout!.stats.resyncs + b.cluster.fanout!.stats.resyncs).toBeGreaterThan(resyncsBefore);
    expect(lastSeq).toBeGreaterThan(0);
    await converged([onA.doc, onB.doc]);
  });
});

describe('scale-out: Redis restarts under load', () => {
  it('edits made on both instances while Redis is down reach everyone once it is back; nothing acknowledged is lost', async () => {
    const redis = await startOwnRedis();
    try {
      const users = ['u0', 'u1'];
      const [a, b] = await scope.twoInstances(users, { redisUrl: redis.url });
      const pkg = await sharedPackage([a, b], { u0: 'editor', u1: 'editor' });
      const onA = client(a, pkg, 'u0');
      const onB = client(b, pkg, 'u1');
      await Promise.all([onA.synced(), onB.synced()]);
      let n = 0;
      const writer = setInterval(() => {
        n++;
        createLineInDoc(onA.doc, { id: `a${n}`, ledger: 'drift', group: 'tiltak', title: `A ${n}`, amounts: {} });
        createLineInDoc(onB.doc, { id: `b${n}`, ledger: 'drift', group: 'tiltak', title: `B ${n}`, amounts: {} });
      }, 20);
      try {
        await waitFor(() => getLinesMap(onA.doc).has('b10') && getLinesMap(onB.doc).has('a10'), 10_000, 'traffic before the restart');
        await redis.stop();
        await new Promise((r) => setTimeout(r, 1_000));
        await redis.start();
        await new Promise((r) => setTimeout(r, 1_000));
      } finally {
        clearInterval(writer);
      }
      await converged([onA.doc, onB.doc], 20_000, 'convergence after the Redis restart');
      expect(getLinesMap(onA.doc).size).toBe(2 * n);
      expect(a.cluster.fanout!.stats.resyncs + b.cluster.fanout!.stats.resyncs).toBeGreaterThan(0);
      // Everything the clients hold is in PostgreSQL.
      const fromDb = docFromStored(await a.storage.load(pkg));
      expect(getLinesMap(fromDb).size).toBe(2 * n);
    } finally {
      await scope.closeAll();
      await redis.stop();
    }
  });
});
