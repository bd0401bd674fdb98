/**
 * The server converts an old document (schema version 1, string titles) exactly
 * once, in one transaction, when it loads it — also with two clients waiting at
 * load — and converts a string title an old tab writes later (docs/schema.md,
 * "Schema version and conversion"). Real room core with the package hooks, fake
 * clients, memory storage.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Room } from '../../server/sync';
import { packageHooks } from '../../server/hooks';
import { MemoryStorage } from '../../server/storage/memory';
import type { AppendBatch, StoredDoc } from '../../server/storage/types';
import { SCHEMA_VERSION, getLinesMap, getMetaMap, getSectionsMap, readPackageFromDoc, readSchemaVersion } from '../../shared/doc/schema';
import { readTitle, titleText } from '../../shared/doc/text';
import { FakeClient, until } from './fakeClient';

const quiet = { info() {}, warn() {}, error() {} };

class GatedStorage extends MemoryStorage {
  loadGate: Promise<void> | null = null;
  appends: AppendBatch[] = [];
  override async load(docName: string): Promise<StoredDoc> {
    if (this.loadGate) await this.loadGate;
    return super.load(docName);
  }
  override async append(batch: AppendBatch) {
    this.appends.push(batch);
    return super.append(batch);
  }
}

/** A package document as schema version 1 wrote it: every title a plain string. */
function oldDocument(): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    getMetaMap(doc).set('title', 'Budsjett 2023');
    getMetaMap(doc).set('years', ['2023']);
    for (const [id, title] of [
      ['l1', 'Brygga'],
      ['l2', 'Emosjonell HMS'],
    ] as const) {
      const m = new Y.Map<unknown>();
      getLinesMap(doc).set(id, m);
      m.set('title', title);
      m.set('ledger', 'drift');
      m.set('group', 'tiltak');
      const amounts = new Y.Map<string>();
      m.set('amounts', amounts);
      amounts.set('2023', '1');
    }
    const s = new Y.Map<unknown>();
    getSectionsMap(doc).set('s1', s);
    s.set('title', 'Oppvekst');
  });
  return doc;
}

/** How many shared types (here: title texts) an update creates. */
function titleTextsIn(update: Uint8Array): number {
  return Y.decodeUpdate(update).structs.filter((s) => s instanceof Y.Item && s.content instanceof Y.ContentType).length;
}

async function storedOld(): Promise<GatedStorage> {
  const storage = new GatedStorage();
  await storage.createPackage({ id: 'p1', title: 'Budsjett 2023', createdBy: null, createdAt: 'a', updatedAt: 'a' });
  await storage.append({ docName: 'p1', updates: [Y.encodeStateAsUpdate(oldDocument())] });
  storage.appends.length = 0;
  return storage;
}

describe('the schema upgrade of an old document', () => {
  it('converts every string title exactly once, in one stored update, with two clients connected at load', async () => {
    const storage = await storedOld();
    let open!: () => void;
    storage.loadGate = new Promise<void>((r) => (open = r));
    const room = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log: quiet, hooks: packageHooks() });
    // Two clients are there before the document is loaded, each with an empty doc.
    const a = new FakeClient(room, 'anne', 'editor');
    const b = new FakeClient(room, 'bjorn', 'editor');
    open();
    await room.ready;
    await until(() => a.synced && b.synced);
    await room.whenPersisted();

    // One stored update, holding one new text per title (4) and the version.
    expect(storage.appends).toHaveLength(1);
    expect(storage.appends[0]!.updates).toHaveLength(1);
    expect(titleTextsIn(storage.appends[0]!.updates[0]!)).toBe(4);
    // The upgrade is not anyone's change: the package's updatedAt stays.
    expect((await storage.getPackage('p1'))!.updatedAt).toBe('a');
    for (const c of [a, b]) {
      expect(readSchemaVersion(c.doc)).toBe(SCHEMA_VERSION);
      expect(getLinesMap(c.doc).get('l1')!.get('title')).toBeInstanceOf(Y.Text);
      expect(readPackageFromDoc(c.doc, 'p1')).toEqual(readPackageFromDoc(room.doc, 'p1'));
    }
    // Both hold the same text (one conversion), so their typing merges.
    titleText(getLinesMap(a.doc).get('l1')!)!.insert(6, ' og kjøkken');
    titleText(getLinesMap(b.doc).get('l1')!)!.insert(6, ' i kantiner');
    await until(() => readTitle(getLinesMap(a.doc).get('l1')!) === readTitle(getLinesMap(b.doc).get('l1')!) && readTitle(getLinesMap(a.doc).get('l1')!).length > 20);
    expect(['Brygga og kjøkken i kantiner', 'Brygga i kantiner og kjøkken']).toContain(readTitle(getLinesMap(room.doc).get('l1')!));
    a.disconnect();
    b.disconnect();
    await room.drain();

    // Loading it again converts nothing and stores nothing.
    storage.appends.length = 0;
    const again = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log: quiet, hooks: packageHooks() });
    await again.ready;
    await again.whenPersisted();
    expect(storage.appends).toHaveLength(0);
    await again.drain();
  });

  it('accepts a string title an old tab writes later and converts it right after it is stored', async () => {
    const storage = await storedOld();
    const room = new Room({ docName: 'p1', packageId: 'p1', kind: 'content', storage, log: quiet, hooks: packageHooks() });
    const oldTab = new FakeClient(room, 'anne', 'editor');
    const other = new FakeClient(room, 'bjorn', 'editor');
    await until(() => oldTab.synced && other.synced);
    // What the old code does on every keystroke in a title: set the whole string.
    getLinesMap(oldTab.doc).get('l2')!.set('title', 'Emosjonell HMS for ansatte');
    getMetaMap(oldTab.doc).set('title', 'Budsjett 2023 (revidert)');
    await until(() => getLinesMap(room.doc).get('l2')!.get('title') instanceof Y.Text && getMetaMap(room.doc).get('title') instanceof Y.Text, 5000, 'the conversion');
    await room.whenPersisted();
    expect(oldTab.closed).toBeNull();
    for (const d of [room.doc, oldTab.doc, other.doc]) {
      await until(() => titleText(getLinesMap(d).get('l2')!)?.toString() === 'Emosjonell HMS for ansatte', 5000, 'the converted title everywhere');
      expect(readTitle(getMetaMap(d))).toBe('Budsjett 2023 (revidert)');
    }
    // The package list follows the title (package touch), through the string and its conversion.
    expect((await storage.getPackage('p1'))!.title).toBe('Budsjett 2023 (revidert)');
    // Nothing but titles changed: the amounts are as they were.
    expect(readPackageFromDoc(room.doc, 'p1').lines.map((l) => l.amounts)).toEqual([{ '2023': '1' }, { '2023': '1' }]);
    oldTab.disconnect();
    other.disconnect();
    await room.drain();
  });
});
