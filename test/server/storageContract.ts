/**
 * The storage contract suite: every `DocStorage` back-end must pass it (memory and
 * SQLite here; PostgreSQL joins with the scale-out issue). Call it from a test file
 * with a factory that returns a fresh, empty store (and optionally a way to reopen
 * the same store, to prove durability across instances).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PackageLockedError, type ConflictRecord, type DocStorage, type PackageRecord } from '../../server/storage/types';

export interface StorageFactory {
  create(): Promise<DocStorage>;
  /** Closes `s` and opens the same data again (durable back-ends only). */
  reopen?(s: DocStorage): Promise<DocStorage>;
}

function updatesOf(n: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getMap('m').set(`k${i}`, i);
  return { doc, updates };
}

function rebuild(snapshot: Uint8Array | null, updates: Uint8Array[]): Y.Doc {
  const d = new Y.Doc();
  if (snapshot) Y.applyUpdate(d, snapshot);
  for (const u of updates) Y.applyUpdate(d, u);
  return d;
}

const pkg = (id: string, at: string): PackageRecord => ({ id, title: `Pakke ${id}`, createdBy: 'u1', createdAt: at, updatedAt: at });

export function storageContract(name: string, factory: StorageFactory): void {
  describe(`DocStorage contract: ${name}`, () => {
    it('loads a never-written doc as empty', async () => {
      const s = await factory.create();
      const r = await s.load('nothing');
      expect(r.snapshot).toBeNull();
      expect(r.updates).toEqual([]);
      expect(r.lastSeq).toBe(0);
      expect(r.logBytes).toBe(0);
      await s.close();
    });

    it('returns appended updates in order with increasing sequence numbers, per doc', async () => {
      const s = await factory.create();
      const { doc, updates } = updatesOf(5);
      const a = await s.append({ docName: 'a', updates: updates.slice(0, 2) });
      await s.append({ docName: 'b', updates: [updates[4]!] });
      const b = await s.append({ docName: 'a', updates: updates.slice(2) });
      expect(b.lastSeq).toBeGreaterThan(a.lastSeq);
      const r = await s.load('a');
      expect(r.updates.map((u) => Buffer.from(u).toString('hex'))).toEqual(updates.map((u) => Buffer.from(u).toString('hex')));
      expect(r.lastSeq).toBe(b.lastSeq);
      expect(r.logBytes).toBe(updates.reduce((n, u) => n + u.byteLength, 0));
      expect(rebuild(r.snapshot, r.updates).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      expect((await s.load('b')).updates).toHaveLength(1);
      await s.close();
    });

    it('stores copies: mutating an appended array later changes nothing', async () => {
      const s = await factory.create();
      const u = new Uint8Array([1, 2, 3]);
      await s.append({ docName: 'a', updates: [u] });
      u[0] = 9;
      const r = await s.load('a');
      expect([...r.updates[0]!]).toEqual([1, 2, 3]);
      await s.close();
    });

    it('compaction replaces covered updates by the snapshot and keeps later ones', async () => {
      const s = await factory.create();
      const { doc, updates } = updatesOf(6);
      const first = await s.append({ docName: 'a', updates: updates.slice(0, 4) });
      const later = new Y.Doc();
      Y.applyUpdate(later, Y.mergeUpdates(updates.slice(0, 4)));
      const snapshot = Y.encodeStateAsUpdate(later);
      const second = await s.append({ docName: 'a', updates: updates.slice(4) });
      await s.compact('a', snapshot, first.lastSeq);
      const r = await s.load('a');
      expect(r.snapshot).not.toBeNull();
      expect(r.updates).toHaveLength(2);
      expect(r.lastSeq).toBe(second.lastSeq);
      expect(rebuild(r.snapshot, r.updates).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      // A second compaction through everything leaves only the snapshot.
      await s.compact('a', Y.encodeStateAsUpdate(doc), second.lastSeq);
      const r2 = await s.load('a');
      expect(r2.updates).toHaveLength(0);
      expect(r2.lastSeq).toBe(second.lastSeq);
      expect(rebuild(r2.snapshot, r2.updates).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      // An older compaction finishing late changes nothing.
      await s.compact('a', Y.encodeStateAsUpdate(new Y.Doc()), first.lastSeq);
      const r3 = await s.load('a');
      expect(rebuild(r3.snapshot, r3.updates).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
      // Appends after a full compaction keep counting upwards.
      const third = await s.append({ docName: 'a', updates: [updates[0]!] });
      expect(third.lastSeq).toBeGreaterThan(second.lastSeq);
      await s.close();
    });

    it('keeps packages, touches them in the append transaction, lists newest first', async () => {
      const s = await factory.create();
      await s.createPackage(pkg('p1', '2026-01-01T00:00:00.000Z'));
      await s.createPackage(pkg('p2', '2026-01-02T00:00:00.000Z'));
      await expect(s.createPackage(pkg('p1', '2026-01-03T00:00:00.000Z'))).rejects.toThrow();
      expect((await s.listPackages()).map((p) => p.id)).toEqual(['p2', 'p1']);
      await s.append({ docName: 'p1', updates: [], touchPackage: { id: 'p1', at: '2026-02-01T00:00:00.000Z', title: 'Ny tittel' } });
      const p1 = await s.getPackage('p1');
      expect(p1).toMatchObject({ id: 'p1', title: 'Ny tittel', updatedAt: '2026-02-01T00:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'u1' });
      expect((await s.listPackages()).map((p) => p.id)).toEqual(['p1', 'p2']);
      expect(await s.getPackage('nope')).toBeNull();
      await s.close();
    });

    it('records the audit trail with the batch, oldest first, newest `limit`', async () => {
      const s = await factory.create();
      const entry = (i: number) => ({
        packageId: 'p1',
        lineId: `l${i}`,
        field: 'amount' as const,
        year: '2024',
        oldValue: null,
        newValue: String(i),
        userId: 'u1',
        at: '2026-01-01T00:00:00.000Z',
      });
      await s.append({ docName: 'p1', updates: [], audit: [entry(1), entry(2)] });
      await s.append({ docName: 'p1', updates: [], audit: [entry(3)] });
      await s.append({ docName: 'p2', updates: [], audit: [{ ...entry(4), packageId: 'p2' }] });
      expect((await s.listAudit('p1')).map((e) => e.lineId)).toEqual(['l1', 'l2', 'l3']);
      expect((await s.listAudit('p1', 2)).map((e) => e.lineId)).toEqual(['l2', 'l3']);
      expect(await s.listAudit('p1')).toContainEqual(entry(1));
      await s.close();
    });

    it('keeps the snapshot of a deleted line: listed newest first and found by line, never in listAudit', async () => {
      const s = await factory.create();
      const deleted = (lineId: string, title: string, snapshot?: string) => ({
        packageId: 'p1',
        lineId,
        field: 'deleted' as const,
        year: null,
        oldValue: title,
        newValue: null,
        userId: 'u1',
        at: '2026-01-01T00:00:00.000Z',
        ...(snapshot !== undefined ? { snapshot } : {}),
      });
      await s.append({ docName: 'p1', updates: [], audit: [deleted('l1', 'Først', '{"v":1}'), deleted('l2', 'Uten øyeblikksbilde')] });
      await s.append({ docName: 'p1', updates: [], audit: [deleted('l1', 'Igjen', '{"v":2}'), deleted('l3', 'Tredje', '{"v":3}')] });
      await s.append({ docName: 'p2', updates: [], audit: [{ ...deleted('l9', 'Annen pakke', '{"v":9}'), packageId: 'p2' }] });
      expect((await s.listDeletedLines('p1')).map((e) => [e.lineId, e.snapshot])).toEqual([
        ['l3', '{"v":3}'],
        ['l1', '{"v":2}'],
        ['l1', '{"v":1}'],
      ]);
      expect((await s.listDeletedLines('p1', 1)).map((e) => e.lineId)).toEqual(['l3']);
      expect(await s.findDeletedLine('p1', 'l1')).toEqual(deleted('l1', 'Igjen', '{"v":2}'));
      expect(await s.findDeletedLine('p1', 'l2')).toBeNull();
      expect(await s.findDeletedLine('p1', 'l9')).toBeNull();
      const audit = await s.listAudit('p1');
      expect(audit).toHaveLength(4);
      for (const e of audit) expect(e).not.toHaveProperty('snapshot');
      await s.close();
    });

    it('records conflicts with the batch; lists unresolved ones oldest first; a dismissal keeps its first author', async () => {
      const s = await factory.create();
      const conflict = (id: string, packageId = 'p1'): ConflictRecord => ({
        id,
        packageId,
        lineId: 'l1',
        year: '2024',
        lineTitle: 'Brygga',
        written: { value: { amount: '2.4' }, userId: 'u2', at: '2026-01-01T00:00:01.000Z' },
        other: { value: { typed: 'tolv' }, userId: null, at: null },
        kept: 'written',
        at: '2026-01-01T00:00:01.000Z',
        dismissed: null,
      });
      const { updates } = updatesOf(1);
      await s.append({ docName: 'p1', updates, conflicts: [conflict('c1'), conflict('c2')] });
      await s.append({ docName: 'p2', updates: [], conflicts: [conflict('c3', 'p2')] });
      expect(await s.listConflicts('p1')).toEqual([conflict('c1'), conflict('c2')]);
      expect((await s.listConflicts('p1', { limit: 1 })).map((c) => c.id)).toEqual(['c2']);
      const d = await s.dismissConflict('p1', 'c1', 'u1', '2026-01-02T00:00:00.000Z');
      expect(d).toEqual({ ...conflict('c1'), dismissed: { userId: 'u1', at: '2026-01-02T00:00:00.000Z' } });
      expect(await s.dismissConflict('p1', 'c1', 'u3', '2026-01-03T00:00:00.000Z')).toEqual(d);
      expect((await s.listConflicts('p1')).map((c) => c.id)).toEqual(['c2']);
      expect((await s.listConflicts('p1', { includeDismissed: true })).map((c) => c.id)).toEqual(['c1', 'c2']);
      // Another package's conflict is not this package's.
      expect(await s.dismissConflict('p1', 'c3', 'u1', '2026-01-02T00:00:00.000Z')).toBeNull();
      expect((await s.listConflicts('p2')).map((c) => c.id)).toEqual(['c3']);
      await s.close();
    });

    it('agreement: sign-offs are set, replaced and removed per item and party, and refused while locked', async () => {
      const s = await factory.create();
      const at = '2026-01-01T00:00:00.000Z';
      const base = { by: 'u1', byName: 'Ola', at, fingerprint: 'f1' };
      expect(await s.listSignoffs('p1')).toEqual([]);
      expect(await s.putSignoffs('p1', [{ ...base, itemId: 'a', party: 'sv', state: 'accepted' }, { ...base, itemId: 'b', party: 'sv', state: 'reservation', note: 'Må se' }])).toEqual({ updated: 2 });
      await s.putSignoffs('p1', [{ ...base, itemId: 'a', party: 'ap', state: 'declined', by: 'u2' }]);
      await s.putSignoffs('p2', [{ ...base, itemId: 'a', party: 'sv', state: 'accepted' }]);
      const key = (x: { itemId: string; party: string }) => `${x.itemId}/${x.party}`;
      expect((await s.listSignoffs('p1')).map(key).sort()).toEqual(['a/ap', 'a/sv', 'b/sv']);
      expect((await s.listSignoffs('p1')).find((x) => key(x) === 'b/sv')).toEqual({ ...base, itemId: 'b', party: 'sv', state: 'reservation', note: 'Må se' });
      // Replace one, remove another.
      await s.putSignoffs('p1', [{ ...base, itemId: 'a', party: 'sv', state: 'declined', fingerprint: 'f2' }, { ...base, itemId: 'b', party: 'sv', state: null }]);
      const after = await s.listSignoffs('p1');
      expect(after.map(key).sort()).toEqual(['a/ap', 'a/sv']);
      expect(after.find((x) => key(x) === 'a/sv')).toMatchObject({ state: 'declined', fingerprint: 'f2' });
      // Locked: nothing written.
      const seal = { packageId: 'p1', id: 'v-seal', name: 'Forseglet', createdAt: at, createdBy: 'u1', data: '{"package":1}', seal: '{"checksum":"abc"}' };
      expect(await s.setLock('p1', { locked: true, by: 'u1', byName: 'Ola', at, override: 'Haster', seal })).toBe(true);
      expect(await s.putSignoffs('p1', [{ ...base, itemId: 'c', party: 'sv', state: 'accepted' }])).toEqual({ locked: true });
      expect((await s.listSignoffs('p1')).map(key).sort()).toEqual(['a/ap', 'a/sv']);
      expect(await s.putSignoffs('p2', [{ ...base, itemId: 'c', party: 'sv', state: 'accepted' }])).toEqual({ updated: 1 });
      await s.close();
    });

    it('agreement: versions keep their package text, newest first, and a lock stores its sealed version with the log', async () => {
      const s = await factory.create();
      const v = (id: string, at: string) => ({ packageId: 'p1', id, name: `Runde ${id}`, createdAt: at, createdBy: 'u1', createdByName: 'Ola', data: `{"id":"${id}","tekst":"æøå"}` });
      await s.createVersion(v('v1', '2026-01-01T00:00:00.000Z'));
      await s.createVersion(v('v2', '2026-01-02T00:00:00.000Z'));
      await s.createVersion({ ...v('v9', '2026-01-02T00:00:00.000Z'), packageId: 'p2' });
      await expect(s.createVersion(v('v1', '2026-01-03T00:00:00.000Z'))).rejects.toThrow();
      const { data: _d, ...v2meta } = v('v2', '2026-01-02T00:00:00.000Z');
      expect((await s.listVersions('p1')).map((x) => x.id)).toEqual(['v2', 'v1']);
      expect((await s.listVersions('p1'))[0]).toEqual(v2meta);
      expect(await s.getVersion('p1', 'v1')).toEqual(v('v1', '2026-01-01T00:00:00.000Z'));
      expect(await s.getVersion('p1', 'v9')).toBeNull();

      expect(await s.getLock('p1')).toEqual({ locked: false });
      const at = '2026-01-03T00:00:00.000Z';
      const seal = { ...v('v3', at), seal: '{"checksum":"abc"}' };
      expect(await s.setLock('p1', { locked: true, by: 'u1', at, seal })).toBe(true);
      expect(await s.setLock('p1', { locked: true, by: 'u1', at, seal: { ...seal, id: 'v4' } })).toBe(false);
      expect(await s.getLock('p1')).toEqual({ locked: true, lockedBy: 'u1', lockedAt: at, versionId: 'v3' });
      expect(await s.getVersion('p1', 'v3')).toEqual(seal);
      expect(await s.getVersion('p1', 'v4')).toBeNull();
      // People's writes to the locked package's content are refused in storage and store nothing;
      // a server write without the guard (a schema upgrade), another package and comments still land.
      const u = new Uint8Array([1, 2, 3]);
      await expect(s.append({ docName: 'p1', updates: [u], unlessLocked: 'p1' })).rejects.toBeInstanceOf(PackageLockedError);
      expect((await s.load('p1')).updates).toEqual([]);
      await s.append({ docName: 'p1', updates: [u] });
      await s.append({ docName: 'p2', updates: [u], unlessLocked: 'p2' });
      expect((await s.load('p1')).updates.length).toBe(1);
      expect((await s.load('p2')).updates.length).toBe(1);
      expect(await s.setLock('p1', { locked: false, by: 'u2', byName: 'Kari', at, reason: 'Feil i tallene' })).toBe(true);
      expect(await s.setLock('p1', { locked: false, by: 'u2', at, reason: 'igjen' })).toBe(false);
      expect(await s.getLock('p1')).toEqual({ locked: false });
      await s.appendLockLog('p1', { action: 'parties', by: 'u1', at, reason: 'SV ut' });
      expect(await s.listLockLog('p1')).toEqual([
        { action: 'lock', by: 'u1', at, versionId: 'v3' },
        { action: 'unlock', by: 'u2', byName: 'Kari', at, reason: 'Feil i tallene' },
        { action: 'parties', by: 'u1', at, reason: 'SV ut' },
      ]);
      expect(await s.listLockLog('p2')).toEqual([]);
      // An unlock that withdraws the seal it undoes deletes that sealed version, and only it.
      expect(await s.setLock('p1', { locked: true, by: 'u1', at, seal: { ...seal, id: 'v5' } })).toBe(true);
      expect(await s.setLock('p1', { locked: false, by: 'u1', at, reason: 'Endret under låsing', withdrawSeal: 'v5' })).toBe(true);
      expect(await s.getVersion('p1', 'v5')).toBeNull();
      expect((await s.listVersions('p1')).map((x) => x.id)).toEqual(['v3', 'v2', 'v1']);
      await s.close();
    });

    it('agreement: a proposal is resolved once; a second resolution changes nothing', async () => {
      const s = await factory.create();
      const p = { packageId: 'p1', id: 'x1', lineId: 'l1', year: '2024', amount: '2.6', against: '3', party: 'sv', by: 'u1', at: '2026-01-01T00:00:00.000Z', state: 'pending' as const };
      await s.createProposal(p);
      await s.createProposal({ ...p, id: 'x2', against: null });
      await s.createProposal({ ...p, packageId: 'p2', id: 'x3' });
      expect((await s.listProposals('p1')).map((x) => x.id)).toEqual(['x1', 'x2']);
      expect(await s.getProposal('p1', 'x2')).toEqual({ ...p, id: 'x2', against: null });
      const r = await s.resolveProposal('p1', 'x1', { state: 'accepted', by: 'u2', byName: 'Kari', at: '2026-01-02T00:00:00.000Z' });
      expect(r).toEqual({ proposal: { ...p, state: 'accepted', resolvedBy: 'u2', resolvedByName: 'Kari', resolvedAt: '2026-01-02T00:00:00.000Z' }, changed: true });
      const again = await s.resolveProposal('p1', 'x1', { state: 'declined', by: 'u3', at: '2026-01-03T00:00:00.000Z' });
      expect(again).toEqual({ proposal: r!.proposal, changed: false });
      expect(await s.resolveProposal('p1', 'x3', { state: 'declined', by: 'u3', at: '2026-01-03T00:00:00.000Z' })).toBeNull();
      expect(await s.getProposal('p1', 'x1')).toEqual(r!.proposal);
      await s.close();
    });

    if (factory.reopen) {
      const reopen = factory.reopen;
      it('keeps everything across a reopen', async () => {
        const s = await factory.create();
        const { doc, updates } = updatesOf(3);
        await s.createPackage(pkg('p1', '2026-01-01T00:00:00.000Z'));
        const r1 = await s.append({ docName: 'p1', updates: updates.slice(0, 2) });
        await s.compact('p1', Y.encodeStateAsUpdate(rebuild(null, updates.slice(0, 2))), r1.lastSeq);
        await s.append({ docName: 'p1', updates: updates.slice(2) });
        const s2 = await reopen(s);
        const r = await s2.load('p1');
        expect(rebuild(r.snapshot, r.updates).getMap('m').toJSON()).toEqual(doc.getMap('m').toJSON());
        expect(await s2.getPackage('p1')).not.toBeNull();
        await s2.close();
      });

      it('keeps sign-offs, versions, proposals and the lock across a reopen', async () => {
        const s = await factory.create();
        const at = '2026-01-01T00:00:00.000Z';
        await s.putSignoffs('p1', [{ itemId: 'a', party: 'sv', state: 'accepted', by: 'u1', at, fingerprint: 'f' }]);
        await s.createVersion({ packageId: 'p1', id: 'v1', name: 'R1', createdAt: at, createdBy: 'u1', data: '{}' });
        await s.createProposal({ packageId: 'p1', id: 'x1', lineId: 'l', year: '2024', amount: '1', against: null, party: 'sv', by: 'u1', at, state: 'pending' });
        await s.setLock('p1', { locked: true, by: 'u1', at, seal: { packageId: 'p1', id: 'v2', name: 'S', createdAt: at, createdBy: 'u1', data: '{}', seal: '{}' } });
        const s2 = await reopen(s);
        expect(await s2.listSignoffs('p1')).toHaveLength(1);
        expect((await s2.listVersions('p1')).map((v) => v.id)).toEqual(['v2', 'v1']);
        expect(await s2.getProposal('p1', 'x1')).not.toBeNull();
        expect((await s2.getLock('p1')).locked).toBe(true);
        expect(await s2.listLockLog('p1')).toHaveLength(1);
        await s2.close();
      });
    }
  });
}
