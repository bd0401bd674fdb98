/**
 * A storage outage on a real server (SQLite behind a switch that refuses appends):
 * writes wait and are retried, every connection (content and comments) is told that saving is delayed
 * (a client that connects meanwhile right after its greeting), nobody receives an
 * unstored update, and once storage is back everyone is told it is saved, converges,
 * and everything is stored.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addCommentToDoc, readCommentsFromDoc } from '../../shared/doc/comments';
import { createLineInDoc, getLinesMap, readLinesFromDoc } from '../../shared/doc/schema';
import { parseStorageNotice, type StorageNotice } from '../../shared/protocol';
import { SwitchableSqlite } from '../helpers/switchableStorage';
import { connectClient, startTestServer, tempDir, waitFor, type TestClient, type TestServer } from './serverHarness';
import { docFromStored } from '../../server/storage/stored';

let dir = '';
let ts: TestServer | null = null;
let clients: TestClient[] = [];
let storage: SwitchableSqlite | null = null;

afterEach(async () => {
  // A test that failed mid-outage must not leave the server retrying while it closes.
  if (storage) storage.refusing = false;
  storage = null;
  for (const c of clients) c.destroy();
  clients = [];
  await ts?.close();
  ts = null;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = '';
});

/** The storage notices a client received, read with the client's parser. */
const storageNotices = (c: TestClient): StorageNotice[] => c.notices.flatMap((n) => parseStorageNotice(JSON.stringify(n)) ?? []);
const storageStates = (c: TestClient): string[] => storageNotices(c).map((n) => n.state);
/** The lines of a doc, in id order (map iteration order differs between replicas). */
const linesJson = (doc: Y.Doc) => JSON.stringify(readLinesFromDoc(doc).sort((x, y) => (x.id < y.id ? -1 : 1)));
const line = (doc: Y.Doc, id: string) => createLineInDoc(doc, { id, ledger: 'drift', group: 'tiltak', title: id, amounts: { '2026': '-93.65' } });

describe('storage outage on one server', () => {
  it('both editors are told saving is delayed, see nothing unstored of each other, then are told it is saved, converge, and all is stored', async () => {
    dir = tempDir('bv-delayed-');
    const store = new SwitchableSqlite(`${dir}/test.sqlite`);
    storage = store;
    ts = await startTestServer({ storage: store, storageRetry: (attempt) => (attempt <= 400 ? 50 : null) });
    const pkg = await ts.createPackage(undefined, { u1: 'editor', u2: 'editor', u3: 'viewer' });
    const a = connectClient(ts, pkg, 'u1');
    const b = connectClient(ts, pkg, 'u2');
    // The comments document is a room of its own: told about its own appends.
    const comments = connectClient(ts, `${pkg}/comments`, 'u1');
    clients.push(a, b, comments);
    await Promise.all([a.synced(), b.synced(), comments.synced()]);
    line(a.doc, 'before');
    await waitFor(() => getLinesMap(b.doc).has('before'), 10_000, 'an edit before the outage');

    // From here on, an edit of the other's that reaches a client while storage refuses is an unstored relay.
    const ofA = ['a1', 'a2', 'a3'];
    const ofB = ['b1', 'b2', 'b3'];
    const leaks: string[] = [];
    const watch = (c: TestClient, others: string[]) =>
      c.doc.on('update', () => {
        if (store.refusing) for (const id of others) if (getLinesMap(c.doc).has(id)) leaks.push(id);
      });
    watch(a, ofB);
    watch(b, ofA);

    store.refusing = true;
    for (let i = 0; i < 3; i++) {
      line(a.doc, ofA[i]!);
      line(b.doc, ofB[i]!);
      await new Promise((r) => setTimeout(r, 20));
    }
    addCommentToDoc(comments.doc, { id: 'c1', author: { id: 'u1', name: 'u1' }, text: 'Hvorfor?', target: { kind: 'line', id: 'before' } });
    await waitFor(() => storageStates(a).includes('delayed') && storageStates(b).includes('delayed'), 10_000, "both clients told 'delayed'");
    await waitFor(() => storageStates(comments).includes('delayed'), 10_000, "the comments client told 'delayed'");
    // A client that connects during the outage is told right after its greeting (its sync waits for storage).
    const late = connectClient(ts, pkg, 'u3');
    clients.push(late);
    await waitFor(() => storageStates(late).includes('delayed'), 10_000, "the late client told 'delayed'");
    expect(late.provider.synced, 'the late client cannot sync before storage is back').toBe(false);
    await waitFor(() => store.refusals >= 5, 10_000, 'several refused appends');
    expect(storageStates(a)).toEqual(['delayed']);
    expect(storageStates(b)).toEqual(['delayed']);
    store.refusing = false;

    await waitFor(() => [a, b, late, comments].every((c) => storageStates(c).at(-1) === 'saved'), 10_000, "every client told 'saved'");
    expect(storageStates(a)).toEqual(['delayed', 'saved']);
    expect(storageStates(b)).toEqual(['delayed', 'saved']);
    await waitFor(() => [b, late].every((c) => linesJson(c.doc) === linesJson(a.doc)) && getLinesMap(a.doc).size === 7, 10_000, 'convergence');
    expect(leaks).toEqual([]);
    expect(storageNotices(a)[0]?.message).toBe('Lagring forsinket — endringene venter på databasen');

    // Everything the clients hold is stored: a fresh doc from storage has the same lines.
    const fromStorage = docFromStored(await store.load(pkg));
    expect(linesJson(fromStorage)).toBe(linesJson(a.doc));
    const storedComments = await store.load(`${pkg}/comments`);
    const commentsFromStorage = new Y.Doc();
    for (const u of [...(storedComments.snapshot ? [storedComments.snapshot] : []), ...storedComments.updates]) Y.applyUpdate(commentsFromStorage, u);
    expect(readCommentsFromDoc(commentsFromStorage).map((c) => c.id)).toEqual(['c1']);
  });
});
