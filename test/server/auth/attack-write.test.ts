/**
 * Attack table, rows W16–W25 (docs/SECURITY.md): what a member with write access
 * can send that the server must not store — malformed content, updates that cannot
 * be applied, a stale client, forged or altered comments — and a malformed document
 * already in storage, which must neither break the package nor lock anyone out.
 * Real server on port 0 over a real SQLite file, real y-websocket providers in
 * Node (and a raw `ws` socket where the attack is below what a provider sends).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { addCommentToDoc, addReplyToDoc, getCommentsMap, readCommentsFromDoc, setCommentResolvedInDoc } from '../../../shared/doc/comments';
import { createLineInDoc, getLinesMap, getMetaMap, readLinesFromDoc, setLineAmount } from '../../../shared/doc/schema';
import { MAX_TITLE_CHARS } from '../../../shared/doc/limits';
import { checkContentDoc } from '../../../shared/doc/validate';
import { CLOSE_OUTDATED_CLIENT, CLOSE_UPDATE_REFUSED, EXPORT_FORMATS, MESSAGE_SYNC, PROTOCOL_VERSION, SYNC_UPDATE } from '../../../shared/protocol';
import type { PlainPackage } from '../../../shared/types';
import type { Client} from './harness';
import { adminClient, inviteAndAccept } from './harness';
import { connectProvider, startTarget, synced, until, webSocketWith } from './target';
import type { Target, TestProvider } from './target';

let t: Target;
let owner: Client;
let ownerId: string;
let pkg: string;
let lineId: string;
let editor: { client: Client; userId: string };
let commenter: { client: Client; userId: string };
let other: { client: Client; userId: string };
const open: TestProvider[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function provider(room: string, client: Client, doc?: Y.Doc): TestProvider {
  const p = connectProvider(t.origin, room, { cookie: client.cookie, origin: t.origin }, doc);
  open.push(p);
  return p;
}

/** The drift net of 2026 as the server computes it (its own replica). */
async function driftNet2026(id = pkg): Promise<string> {
  const res = await owner.get(`/api/packages/${id}/balance`);
  if (res.status !== 200) throw new Error(`balance: ${res.status}`);
  const report = (await res.json()) as { ledgers: { drift: { byYear: Record<string, { net: string }> } } };
  return report.ledgers.drift.byYear['2026']?.net ?? 'none';
}

/** What storage holds of a document, as a doc. */
async function stored(docName: string): Promise<Y.Doc> {
  const s = await t.storage.load(docName);
  const d = new Y.Doc();
  if (s.snapshot) Y.applyUpdate(d, s.snapshot);
  for (const u of s.updates) Y.applyUpdate(d, u);
  return d;
}

function updateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, SYNC_UPDATE);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** A raw websocket to `room` with a member's cookie; resolves once open, records every frame it gets and how it closed. */
function rawSocket(room: string, client: Client, query = ''): Promise<{ ws: WebSocket; got: Uint8Array[]; closed: Promise<{ code: number; reason: string }> }> {
  const WS = webSocketWith({ cookie: client.cookie, origin: t.origin });
  const ws = new WS(`${t.origin.replace(/^http/, 'ws')}/ws/${room}${query}`);
  // Frames can arrive with the upgrade answer, before anyone awaiting `open` could listen.
  const got: Uint8Array[] = [];
  ws.on('message', (d: Buffer) => got.push(new Uint8Array(d)));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, got, closed }));
    ws.on('error', reject);
  });
}

beforeAll(async () => {
  t = await startTarget();
  owner = await adminClient(t);
  ownerId = (await t.store.getUserByEmail('admin@kommune.no'))!.id;
  pkg = await t.createPackage(owner, 'Pakke');
  editor = await inviteAndAccept(owner, pkg, 'redaktor@kommune.no', 'editor', 'AP');
  commenter = await inviteAndAccept(owner, pkg, 'kommentator@kommune.no', 'commenter', 'SV');
  other = await inviteAndAccept(owner, pkg, 'annen@kommune.no', 'commenter', 'SP');
  const p = provider(pkg, owner);
  await synced(p);
  lineId = createLineInDoc(p.doc, { ledger: 'drift', group: 'tiltak', title: 'Flere lærere', amounts: { '2026': '10' } });
  for (let i = 0; i < 100 && (await driftNet2026()) !== '10'; i++) await sleep(50);
  p.destroy();
}, 30_000);
afterEach(() => {
  while (open.length > 0) open.pop()!.destroy();
});
afterAll(async () => {
  await t.close();
});

describe('W16 malformed content from an editor', () => {
  const shapes: Array<[string, (doc: Y.Doc) => void, (doc: Y.Doc) => boolean]> = [
    ["lines.x = 'a string'", (d) => getLinesMap(d).set('x', 'a string' as never), (d) => getLinesMap(d).has('x')],
    ['amounts: "x"', (d) => getLinesMap(d).get(lineId)!.set('amounts', 'x'), (d) => !(getLinesMap(d).get(lineId)?.get('amounts') instanceof Y.Map)],
    ['meta.years: "x"', (d) => getMetaMap(d).set('years', 'x'), (d) => getMetaMap(d).get('years') === 'x'],
    ['parties: null', (d) => getMetaMap(d).set('parties', null), (d) => getMetaMap(d).get('parties') === null],
    ['a 1.9 MB title', (d) => getLinesMap(d).get(lineId)!.set('title', 'x'.repeat(1_900_000)), (d) => String(getLinesMap(d).get(lineId)?.get('title')).length > 1000],
    ['10,000 years', (d) => getMetaMap(d).set('years', Array.from({ length: 10_000 }, (_, i) => String(1000 + (i % 9000)))), (d) => (getMetaMap(d).get('years') as unknown[]).length > 100],
  ];
  it.each(shapes)('%s → the writer is closed with 4422; nobody sees it, nothing is stored, the package works', async (_name, write, present) => {
    const bad = provider(pkg, editor.client);
    const watcher = provider(pkg, owner);
    await Promise.all([synced(bad), synced(watcher)]);
    write(bad.doc);
    await until(() => bad.closes.some((c) => c.code === CLOSE_UPDATE_REFUSED), 5000, 'close 4422');
    expect(bad.closes.find((c) => c.code === CLOSE_UPDATE_REFUSED)!.reason).toMatch(/avvist/);
    // An honest edit after it still goes through, so the watcher is known to be up to date.
    setLineAmount(watcher.doc, lineId, '2027', '3');
    await until(() => readLinesFromDoc(watcher.doc)[0]?.amounts['2027'] === '3', 5000, 'honest edit');
    expect(present(watcher.doc)).toBe(false);
    expect(present(await stored(pkg))).toBe(false);
    expect((await owner.get(`/api/packages/${pkg}`)).status).toBe(200);
    expect(await driftNet2026()).toBe('10');
    const later = provider(pkg, owner);
    await synced(later);
    expect(present(later.doc)).toBe(false);
    expect(checkContentDoc(later.doc).errors).toEqual([]);
    setLineAmount(watcher.doc, lineId, '2027', '');
  });
});

describe('W17 updates that cannot be applied', () => {
  it('100 frames of ~1.9 MiB that depend on a missing clock: never applied, memory stays bounded, the sender is refused, a newcomer syncs and gets nothing of them', async () => {
    // An author whose first change the server never gets: every later update has a gap.
    const author = new Y.Doc();
    const parts: Uint8Array[] = [];
    author.on('update', (u: Uint8Array) => parts.push(u));
    getMetaMap(author).set('title', 'forløper');
    const text = new Y.Text();
    getLinesMap(author).set('ghost', new Y.Map([['rationale', text]]) as never);
    author.transact(() => text.insert(0, 'z'.repeat(1_900_000)));
    const frame = updateFrame(parts.at(-1)!);
    expect(frame.byteLength).toBeGreaterThan(1_800_000);
    const memory = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = memory();
    const { ws, closed } = await rawSocket(pkg, editor.client);
    let peak = before;
    for (let i = 0; i < 100 && ws.readyState === ws.OPEN; i++) {
      await new Promise<void>((resolve) => ws.send(frame, () => resolve()));
      peak = Math.max(peak, memory());
    }
    const close = await Promise.race([closed, sleep(10_000).then(() => null)]);
    ws.terminate();
    await sleep(200);
    peak = Math.max(peak, memory());
    expect(close?.code).toBe(CLOSE_UPDATE_REFUSED);
    // 100 × 1.9 MiB kept pending would be 190 MB; what passes through is garbage.
    expect(peak - before).toBeLessThan(120 * 1024 * 1024);
    const room = t.server.rooms.list().find((r) => r.docName === pkg)!;
    expect(room.doc.store.pendingStructs).toBeNull();
    expect(room.doc.store.pendingDs).toBeNull();
    const started = Date.now();
    const newcomer = provider(pkg, owner);
    await synced(newcomer);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(Y.encodeStateAsUpdate(newcomer.doc).byteLength).toBeLessThan(100_000);
    expect(newcomer.doc.store.clients.has(author.clientID)).toBe(false);
    expect((await t.storage.load(pkg)).updates.some((u) => Y.decodeUpdate(u).structs.some((s) => s.id.client === author.clientID))).toBe(false);
  }, 60_000);

  it('an honest update that raced its own step 2 (it depends on structs the server lacks) is resynced, not lost', async () => {
    const offline = new Y.Doc();
    createLineInDoc(offline, { ledger: 'drift', group: 'tiltak', title: 'Frakoblet', amounts: { '2026': '1' } });
    const parts: Uint8Array[] = [];
    offline.on('update', (u: Uint8Array) => parts.push(u));
    const id = createLineInDoc(offline, { ledger: 'drift', group: 'inndekning', title: 'Etterpå', amounts: { '2026': '-1' } });
    // Only the later change reaches the server first, over a raw socket...
    const { ws, got, closed } = await rawSocket(pkg, editor.client);
    ws.send(updateFrame(parts[0]!));
    const step1s = () => got.filter((f) => f[0] === MESSAGE_SYNC && f[1] === 0).length;
    await until(() => step1s() >= 2, 3000, 'a second sync step 1, asking for a resync');
    ws.close();
    await closed;
    // ...and is not applied; the same doc through a provider (a step 2) delivers both.
    const p = provider(pkg, editor.client, offline);
    await synced(p);
    const watcher = provider(pkg, owner);
    await synced(watcher);
    await until(() => readLinesFromDoc(watcher.doc).some((l) => l.id === id), 5000, 'the resent line');
    expect(p.closes).toEqual([]);
    expect(readLinesFromDoc(watcher.doc).map((l) => l.title)).toEqual(expect.arrayContaining(['Frakoblet', 'Etterpå']));
    const cleanup = provider(pkg, owner);
    await synced(cleanup);
    cleanup.doc.transact(() => {
      for (const l of readLinesFromDoc(cleanup.doc)) if (l.id !== lineId) getLinesMap(cleanup.doc).delete(l.id);
    });
    await until(() => readLinesFromDoc(watcher.doc).length === 1, 5000, 'cleanup');
  });
});

describe('W18 a malformed document already in storage', () => {
  it('GET package, balance and every export answer; a new websocket syncs; another client creates lines; the owner removes the malformed entries', async () => {
    // Stored directly, as older data or a bug would have left it (no hook ran).
    const id = 'malformed0000001';
    const now = new Date().toISOString();
    await t.storage.createPackage({ id, title: 'Skadet', createdBy: ownerId, createdAt: now, updatedAt: now });
    await t.store.addMembership(id, ownerId, 'owner', null);
    await t.store.addMembership(id, editor.userId, 'editor', 'AP');
    const seed = new Y.Doc();
    getMetaMap(seed).set('title', 'Skadet');
    getMetaMap(seed).set('years', ['2026', '2027']);
    getMetaMap(seed).set('planYears', ['2026']);
    getMetaMap(seed).set('parties', null);
    const good = createLineInDoc(seed, { ledger: 'drift', group: 'tiltak', title: 'God', amounts: { '2026': '5' } });
    const badAmounts = createLineInDoc(seed, { ledger: 'drift', group: 'tiltak', title: 'Dårlige beløp', amounts: { '2026': '1' } });
    getLinesMap(seed).get(badAmounts)!.set('amounts', 'x');
    getLinesMap(seed).set('x', 'a string' as never);
    getLinesMap(seed).set('n', 42 as never);
    const weird = createLineInDoc(seed, { ledger: 'drift', group: 'tiltak', title: 'Rar', amounts: { '2026': '2' } });
    getLinesMap(seed).get(weird)!.set('title', 'y'.repeat(200_000));
    getLinesMap(seed).get(weird)!.set('rationale', 'ikke rik tekst');
    getLinesMap(seed).get(weird)!.set('order', 'først');
    seed.getMap('sections').set('s', 5);
    seed.getMap('verbal').set('v', 'tekst');
    seed.getMap('evil').set('a', 1);
    await t.storage.append({ docName: id, updates: [Y.encodeStateAsUpdate(seed)] });

    const pkgRes = await owner.get(`/api/packages/${id}`);
    expect(pkgRes.status).toBe(200);
    const plain = (await pkgRes.json()) as PlainPackage;
    expect(plain.lines.map((l) => l.id).sort()).toEqual([good, badAmounts, weird].sort());
    // The server's schema upgrade turned the oversized string title into a text cut at the limit.
    expect(plain.lines.find((l) => l.id === weird)!.title).toBe('y'.repeat(MAX_TITLE_CHARS));
    expect(plain.parties).toEqual([]);
    expect(plain.sections).toEqual([]);
    expect(plain.verbal).toEqual([]);
    const balanceRes = await owner.get(`/api/packages/${id}/balance`);
    expect(balanceRes.status).toBe(200);
    const balance = (await balanceRes.json()) as { ledgers: { drift: { byYear: Record<string, { net: string }> } }; warnings: Array<{ code: string; entry?: { kind: string; id: string; field?: string } }> };
    expect(balance.ledgers.drift.byYear['2026']!.net).toBe('7');
    const malformed = balance.warnings.filter((w) => w.code === 'malformed-entry').map((w) => `${w.entry!.kind}/${w.entry!.id}${w.entry!.field ? '.' + w.entry!.field : ''}`);
    expect(malformed).toEqual(expect.arrayContaining(['lines/x', 'lines/n', `lines/${badAmounts}.amounts`, `lines/${weird}.order`, `lines/${weird}.rationale`, 'sections/s', 'verbal/v', 'meta/parties']));
    for (const format of EXPORT_FORMATS) expect([format, (await owner.get(`/api/packages/${id}/export?format=${format}`)).status]).toEqual([format, 200]);

    const ownerP = provider(id, owner);
    const editorP = provider(id, editor.client);
    await Promise.all([synced(ownerP), synced(editorP)]);
    const created = createLineInDoc(editorP.doc, { ledger: 'drift', group: 'inndekning', title: 'Ny', amounts: { '2026': '-7' } });
    await until(() => readLinesFromDoc(ownerP.doc).some((l) => l.id === created), 5000, 'line from another client');
    expect(await driftNet2026(id)).toBe('0');

    // Removing is the owner's, one entry or one field at a time, and audited.
    expect((await editor.client.delete(`/api/packages/${id}/entries/lines/x`)).status).toBe(403);
    expect((await owner.delete(`/api/packages/${id}/entries/lines/${good}`)).status).toBe(409);
    expect((await owner.delete(`/api/packages/${id}/entries/lines/finnesikke`)).status).toBe(404);
    expect((await owner.delete(`/api/packages/${id}/entries/nope/x`)).status).toBe(404);
    for (const path of ['lines/x', 'lines/n', 'sections/s', 'verbal/v', 'meta/parties', `lines/${badAmounts}?field=amounts`, `lines/${weird}?field=rationale`, `lines/${weird}?field=order`]) {
      expect([path, (await owner.delete(`/api/packages/${id}/entries/${path}`)).status]).toEqual([path, 204]);
    }
    // Every removal reaches the clients (the last of them may still be on its way when the first have arrived).
    await until(() => checkContentDoc(ownerP.doc).errors.every((e) => e.kind === 'root'), 5000, 'removals to reach clients');
    expect(getLinesMap(ownerP.doc).has('x') || ownerP.doc.getMap('sections').has('s')).toBe(false);
    expect(readLinesFromDoc(ownerP.doc).map((l) => l.id).sort()).toEqual([good, badAmounts, weird, created].sort());
    const after = (await (await owner.get(`/api/packages/${id}/balance`)).json()) as typeof balance;
    expect(after.warnings.filter((w) => w.code === 'malformed-entry' && w.entry?.kind !== 'root')).toEqual([]);
    const audit = (await (await owner.get(`/api/packages/${id}/audit`)).json()) as { entries: Array<{ field: string; lineId: string; userId: string }> };
    expect(audit.entries.filter((e) => e.field === 'removed').map((e) => e.lineId)).toEqual(expect.arrayContaining(['x', 'n', 's', 'v', 'parties', badAmounts, weird]));
    expect(audit.entries.filter((e) => e.field === 'removed').every((e) => e.userId === ownerId)).toBe(true);
  }, 30_000);
});

describe('W19 a tab running an older client', () => {
  it('is closed at once with 4426 and told to reload; the current version and plain y-websocket clients are served', async () => {
    const old = await rawSocket(pkg, owner, '?v=0');
    const close = await old.closed;
    expect(close.code).toBe(CLOSE_OUTDATED_CLIENT);
    expect(close.reason).toMatch(/[Ll]ast inn siden på nytt/);
    const garbage = await rawSocket(pkg, owner, '?v=abc');
    expect((await garbage.closed).code).toBe(CLOSE_OUTDATED_CLIENT);
    const current = await rawSocket(pkg, owner, `?v=${PROTOCOL_VERSION}`);
    await until(() => current.got.some((f) => f[0] === MESSAGE_SYNC), 3000, 'a sync step 1');
    expect(current.ws.readyState).toBe(current.ws.OPEN);
    current.ws.close();
    const plain = provider(pkg, owner);
    await synced(plain);
  });
});

describe('W21–W25 comments', () => {
  const byOther = () => ({ id: other.userId, name: 'annen', party: 'SP' });
  const byCommenter = () => ({ id: commenter.userId, name: 'kommentator', party: 'SV' });
  let seq = 0;

  /** A comment by `other`, stored; returns its id and the providers of `other` and a watcher (the owner). */
  async function othersComment(): Promise<{ id: string; watcher: TestProvider }> {
    const mine = provider(`${pkg}/comments`, other.client);
    const watcher = provider(`${pkg}/comments`, owner);
    await Promise.all([synced(mine), synced(watcher)]);
    const res = addCommentToDoc(mine.doc, { id: `c${++seq}`, author: byOther(), text: 'Hvorfor så mye?', target: { kind: 'line', id: lineId } });
    if (!res.ok) throw new Error(res.message);
    await until(() => readCommentsFromDoc(watcher.doc).some((c) => c.id === res.id), 5000, 'comment');
    expect(mine.closes).toEqual([]);
    return { id: res.id, watcher };
  }

  /** What a comments doc says, in the fields a forgery would change. */
  const snapshot = (doc: Y.Doc) =>
    readCommentsFromDoc(doc).map((c) => ({ id: c.id, text: c.text, authorId: c.authorId, authorName: c.authorName, party: c.party, resolved: c.resolved, resolvedBy: c.resolvedBy, replies: c.replies.map((r) => `${r.authorId}/${r.authorName}/${r.text}`) }));

  /** Runs `attack` on a synced comments provider of the commenter; expects 4422, and nothing of it anywhere. */
  async function refused(id: string, watcher: TestProvider, attack: (doc: Y.Doc) => void): Promise<void> {
    const p = provider(`${pkg}/comments`, commenter.client);
    await synced(p);
    const before = snapshot(watcher.doc);
    attack(p.doc);
    await until(() => p.closes.some((c) => c.code === CLOSE_UPDATE_REFUSED), 5000, 'close 4422');
    // Something honest after it, so the watcher is known to be current.
    const honest = provider(`${pkg}/comments`, other.client);
    await synced(honest);
    const ping = `ping ${++seq}`;
    addReplyToDoc(honest.doc, id, { author: byOther(), text: ping });
    await until(() => readCommentsFromDoc(watcher.doc).find((c) => c.id === id)!.replies.some((r) => r.text === ping), 5000, 'honest reply');
    const expected = before.map((c) => (c.id === id ? { ...c, replies: [...c.replies, `${other.userId}/annen/${ping}`] } : c));
    expect(snapshot(watcher.doc)).toEqual(expected);
    expect(snapshot(await stored(`${pkg}/comments`))).toEqual(expected);
  }

  it('W21 a commenter changes the text of another person’s comment → refused (4422), nothing stored, others see nothing', async () => {
    const { id, watcher } = await othersComment();
    await refused(id, watcher, (doc) => getCommentsMap(doc).get(id)!.set('text', 'Jeg er enig i alt.'));
  });

  it('W22 a commenter deletes another person’s comment → refused', async () => {
    const { id, watcher } = await othersComment();
    await refused(id, watcher, (doc) => getCommentsMap(doc).delete(id));
  });

  it('W23 a commenter posts a comment, and a reply, under another person’s id and name → refused', async () => {
    const { id, watcher } = await othersComment();
    await refused(id, watcher, (doc) => addCommentToDoc(doc, { author: byOther(), text: 'Forfalsket', target: { kind: 'line', id: lineId } }));
    await refused(id, watcher, (doc) => addReplyToDoc(doc, id, { author: { ...byCommenter(), party: 'AP' }, text: 'Feil parti' }));
    await refused(id, watcher, (doc) => addCommentToDoc(doc, { author: { ...byCommenter(), name: 'Ordføreren' }, text: 'Feil navn', target: { kind: 'line', id: lineId } }));
  });

  it('W24 a commenter resolves another person’s comment → refused; an editor resolves it as themself, not under a borrowed name', async () => {
    const { id, watcher } = await othersComment();
    await refused(id, watcher, (doc) => setCommentResolvedInDoc(doc, id, true, byCommenter()));
    const ed = provider(`${pkg}/comments`, editor.client);
    await synced(ed);
    setCommentResolvedInDoc(ed.doc, id, true, { id: editor.userId, name: 'Ordføreren' });
    await until(() => ed.closes.some((c) => c.code === CLOSE_UPDATE_REFUSED), 5000, 'borrowed name refused');
    const ed2 = provider(`${pkg}/comments`, editor.client);
    await synced(ed2);
    setCommentResolvedInDoc(ed2.doc, id, true, { id: editor.userId, name: 'redaktor' });
    await until(() => readCommentsFromDoc(watcher.doc).find((c) => c.id === id)?.resolved === true, 5000, 'resolved');
    expect(readCommentsFromDoc(watcher.doc).find((c) => c.id === id)).toMatchObject({ resolved: true, resolvedBy: 'redaktor' });
    expect(ed2.closes).toEqual([]);
    // The author may delete their own; an owner may delete anyone's.
    const mine = provider(`${pkg}/comments`, other.client);
    await synced(mine);
    getCommentsMap(mine.doc).delete(id);
    await until(() => !readCommentsFromDoc(watcher.doc).some((c) => c.id === id), 5000, 'deleted by its author');
    expect(mine.closes).toEqual([]);
  });

  it('W25 an honest comment written offline arrives when its author reconnects; the server records when it received it', async () => {
    const started = Date.now();
    const offline = new Y.Doc();
    const res = addCommentToDoc(offline, { author: byCommenter(), text: 'Skrevet på toget', target: { kind: 'line', id: lineId }, createdAt: '2026-01-02T08:00:00.000Z' });
    if (!res.ok) throw new Error(res.message);
    addReplyToDoc(offline, res.id, { author: byCommenter(), text: 'Og et tillegg' });
    const p = provider(`${pkg}/comments`, commenter.client, offline);
    const watcher = provider(`${pkg}/comments`, owner);
    await Promise.all([synced(p), synced(watcher)]);
    await until(() => readCommentsFromDoc(watcher.doc).some((c) => c.id === res.id && c.replies.length === 1), 5000, 'offline comment');
    expect(p.closes).toEqual([]);
    expect(readCommentsFromDoc(watcher.doc).find((c) => c.id === res.id)).toMatchObject({ createdAt: '2026-01-02T08:00:00.000Z', authorId: commenter.userId });
    const audit = (await (await owner.get(`/api/packages/${pkg}/audit`)).json()) as { entries: Array<{ field: string; lineId: string; userId: string; at: string; newValue: string }> };
    const row = audit.entries.find((e) => e.field === 'comment' && e.lineId === res.id);
    expect(row).toMatchObject({ userId: commenter.userId, newValue: `line:${lineId}` });
    expect(Date.parse(row!.at)).toBeGreaterThanOrEqual(started - 1000);
    expect(audit.entries.some((e) => e.field === 'reply' && e.newValue === res.id)).toBe(true);
  });
});
