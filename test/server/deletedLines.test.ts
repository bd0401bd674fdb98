/**
 * Deleting a line loses nothing for good: an editor deletes a line with amounts, an
 * invalid cell and a rich rationale over a real provider; the server keeps its
 * snapshot with the deletion; the owner lists and restores it over the API and
 * everyone sees the same line again; nobody but an owner may (attack row A19).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readRichPackageFromDoc } from '../../shared/doc/richPackage';
import { deleteLineInDoc, getLinesMap } from '../../shared/doc/schema';
import type { DeletedLineView } from '../../shared/protocol';
import { createFullLine } from '../helpers/richLine';
import { adminClient, inviteAndAccept, type Client } from './auth/harness';
import { connectProvider, startTarget, synced, until, type Target, type TestProvider } from './auth/target';

let t: Target;
let owner: Client;
let editor: Client;
let editorId: string;
let viewer: Client;
let pkg: string;
const open: TestProvider[] = [];

function provider(client: Client): TestProvider {
  const p = connectProvider(t.origin, pkg, { cookie: client.cookie, origin: t.origin });
  open.push(p);
  return p;
}

beforeAll(async () => {
  t = await startTarget();
  owner = await adminClient(t);
  pkg = await t.createPackage(owner, 'Slettinger');
  ({ client: editor, userId: editorId } = await inviteAndAccept(owner, pkg, 'redaktor@kommune.no', 'editor', 'AP'));
  ({ client: viewer } = await inviteAndAccept(owner, pkg, 'leser@kommune.no', 'viewer', null));
});
afterAll(async () => {
  for (const p of open) p.destroy();
  await t.close();
});

describe('deleted lines', () => {
  it('A19 a line an editor deleted is listed for the owner and restored exactly; editors and viewers get 403', async () => {
    const e = provider(editor);
    const watcher = provider(owner);
    await Promise.all([synced(e), synced(watcher)]);
    const id = createFullLine(e.doc);
    // Everything the editor wrote (the line is built in more than one transaction) has reached the owner.
    await until(() => getLinesMap(watcher.doc).has(id) && Y.getState(watcher.doc.store, e.doc.clientID) === Y.getState(e.doc.store, e.doc.clientID), 5000, 'the line at the owner');
    const original = readRichPackageFromDoc(watcher.doc, pkg).lines.find((l) => l.id === id)!;
    const originalOrder = getLinesMap(watcher.doc).get(id)!.get('order');
    expect(original.rich.length).toBeGreaterThan(3);
    expect(original.invalid).toEqual({ '2028': 'tolv' });

    deleteLineInDoc(e.doc, id);
    await until(() => !getLinesMap(watcher.doc).has(id), 5000, 'the deletion at the owner');

    for (const who of [editor, viewer]) {
      expect((await who.get(`/api/packages/${pkg}/deleted-lines`)).status).toBe(403);
      expect((await who.post(`/api/packages/${pkg}/deleted-lines/${id}/restore`)).status).toBe(403);
    }
    expect(getLinesMap(watcher.doc).has(id)).toBe(false);

    const listed = (await (await owner.get(`/api/packages/${pkg}/deleted-lines`)).json()) as { lines: DeletedLineView[] };
    expect(listed.lines).toContainEqual(
      expect.objectContaining({ lineId: id, title: original.title, ledger: 'investering', group: 'inndekning', amounts: original.amounts, deletedBy: editorId }),
    );

    const res = await owner.post(`/api/packages/${pkg}/deleted-lines/${id}/restore`);
    expect(res.status).toBe(201);
    // Everyone sees it live, and it is the same line in the same place.
    await until(() => getLinesMap(watcher.doc).has(id) && getLinesMap(e.doc).has(id), 5000, 'the restored line at both clients');
    expect(readRichPackageFromDoc(watcher.doc, pkg).lines.find((l) => l.id === id)).toEqual(original);
    expect(readRichPackageFromDoc(e.doc, pkg).lines.find((l) => l.id === id)).toEqual(original);
    expect(getLinesMap(watcher.doc).get(id)!.get('order')).toBe(originalOrder);
    // From the server too, for a client that was not there.
    const fresh = connectProvider(t.origin, pkg, { cookie: owner.cookie, origin: t.origin }, new Y.Doc());
    open.push(fresh);
    await synced(fresh);
    expect(readRichPackageFromDoc(fresh.doc, pkg).lines.find((l) => l.id === id)).toEqual(original);

    // Restored lines are no longer listed; a second restore is a conflict.
    const after = (await (await owner.get(`/api/packages/${pkg}/deleted-lines`)).json()) as { lines: DeletedLineView[] };
    expect(after.lines.map((l) => l.lineId)).not.toContain(id);
    expect((await owner.post(`/api/packages/${pkg}/deleted-lines/${id}/restore`)).status).toBe(409);
    expect((await owner.post(`/api/packages/${pkg}/deleted-lines/finnes-ikke/restore`)).status).toBe(404);

    // The restore is an ordinary change attributed to the owner.
    const audit = (await (await owner.get(`/api/packages/${pkg}/audit`)).json()) as { entries: Array<{ lineId: string; field: string; userId: string | null }> };
    const ofLine = audit.entries.filter((x) => x.lineId === id).map((x) => [x.field, x.userId]);
    const ownerId = (await t.store.getUserByEmail('admin@kommune.no'))!.id;
    expect(ofLine).toEqual([
      ['created', editorId],
      ['deleted', editorId],
      ['created', ownerId],
    ]);
  });

  it('stores the snapshot in the SQLite file in the same batch as the deletion', async () => {
    const e = provider(editor);
    const watcher = provider(owner);
    await Promise.all([synced(e), synced(watcher)]);
    const id = createFullLine(e.doc, { title: 'Lagret med slettingen' });
    await until(() => getLinesMap(watcher.doc).has(id), 5000, 'the line at the owner');
    deleteLineInDoc(e.doc, id);
    // Write before broadcast: once the owner sees the deletion, it is stored, and so is its snapshot.
    await until(() => !getLinesMap(watcher.doc).has(id), 5000, 'the deletion at the owner');
    const stored = await t.storage.findDeletedLine(pkg, id);
    expect(stored?.snapshot).toContain('Lagret med slettingen');
    expect(stored?.snapshot).toContain('rapporten');
  });
});
