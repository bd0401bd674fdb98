/**
 * Sync over the real server with real y-websocket providers in Node.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { connectClient, cookieWebSocket, sqliteIn, startTestServer, tempDir, upgradeStatusAt, waitFor, type TestClient, type TestServer } from './serverHarness';
import { createLineInDoc, deleteLineInDoc, getLinesMap, readPackageFromDoc, setLineAmount, setLineFields } from '../../shared/doc/schema';
import { addCommentToDoc, readCommentsFromDoc } from '../../shared/doc/comments';
import { CLOSE_FORBIDDEN, CLOSE_MALFORMED, CLOSE_MESSAGE_TOO_BIG, MAX_MESSAGE_BYTES } from '../../shared/protocol';
import { STATUSES } from '../../shared/types';
import { mulberry32 as prng } from '../helpers/random';

const YEARS = ['2024', '2025', '2026'];

/** One random edit through the schema helpers (what the UI does). */
function randomEdit(doc: Y.Doc, rnd: () => number, tag: string): void {
  const lines = [...getLinesMap(doc).keys()];
  const pick = () => lines[Math.floor(rnd() * lines.length)]!;
  const r = rnd();
  if (lines.length === 0 || r < 0.2) {
    createLineInDoc(doc, { ledger: rnd() < 0.7 ? 'drift' : 'investering', group: rnd() < 0.5 ? 'tiltak' : 'inndekning', title: `Linje ${tag}`, amounts: { '2024': String(Math.floor(rnd() * 100)) } });
  } else if (r < 0.6) {
    setLineAmount(doc, pick(), YEARS[Math.floor(rnd() * YEARS.length)]!, (Math.floor(rnd() * 2000) / 100 - 5).toFixed(2).replace('.', ','));
  } else if (r < 0.75) {
    setLineFields(doc, pick(), { status: STATUSES[Math.floor(rnd() * STATUSES.length)]! });
  } else if (r < 0.93) {
    const x = getLinesMap(doc).get(pick())?.get('rationale');
    if (x instanceof Y.XmlText) x.insert(Math.floor(rnd() * (x.length + 1)), `${tag} `);
  } else {
    deleteLineInDoc(doc, pick());
  }
}

function snapshotOf(doc: Y.Doc): string {
  return JSON.stringify(readPackageFromDoc(doc, 'x'));
}

let ts: TestServer;
beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  await ts.close();
});

/**
 * `clients` providers make `steps` random edits, with a seeded schedule of small
 * pauses and disconnect/reconnect cycles (edits continue offline), then all must
 * converge to the same document — and to the server's replica.
 */
async function convergence(seed: number, clients: number, steps: number): Promise<void> {
  const rnd = prng(seed);
  const id = await ts.createPackage(undefined, Object.fromEntries(Array.from({ length: clients }, (_, i) => [`u${i}`, 'editor' as const])));
  const cs: TestClient[] = Array.from({ length: clients }, (_, i) => connectClient(ts, id, `u${i}`));
  try {
    await Promise.all(cs.map((c) => c.synced()));
    for (let step = 0; step < steps; step++) {
      const i = Math.floor(rnd() * clients);
      const c = cs[i]!;
      const r = rnd();
      if (r < 0.05 && c.provider.shouldConnect) c.provider.disconnect();
      else if (r < 0.12 && !c.provider.shouldConnect) c.provider.connect();
      else randomEdit(c.doc, rnd, `${i}.${step}`);
      if (rnd() < 0.3) await new Promise((res) => setTimeout(res, Math.floor(rnd() * 8)));
    }
    for (const c of cs) if (!c.provider.shouldConnect) c.provider.connect();
    const sv = (d: Y.Doc) => Buffer.from(Y.encodeStateVector(d)).toString('hex');
    await waitFor(
      () => cs.every((c) => c.provider.synced && sv(c.doc) === sv(cs[0]!.doc) && snapshotOf(c.doc) === snapshotOf(cs[0]!.doc)),
      15_000,
      `convergence of ${clients} clients (seed ${seed})`,
    );
    const server = ts.server.rooms.list().find((r) => r.docName === id)!;
    await waitFor(() => snapshotOf(server.doc) === snapshotOf(cs[0]!.doc), 5000, `server replica (seed ${seed})`);
    expect(getLinesMap(cs[0]!.doc).size).toBeGreaterThan(0);
  } catch (err) {
    console.error(`convergence failed: seed ${seed}, ${clients} clients, ${steps} steps — pin it as a named test`);
    throw err;
  } finally {
    for (const c of cs) c.destroy();
  }
}

describe('sync over websockets', () => {
  it('two clients converge on random edits with disconnects (random seed)', async () => {
    await convergence(Date.now() % 1_000_000, 2, 250);
  });
  it('five clients converge on random edits with disconnects (random seed)', async () => {
    await convergence((Date.now() * 7) % 1_000_000, 5, 400);
  });
  it('pinned seed 1: two clients', async () => {
    await convergence(1, 2, 250);
  });
  it('pinned seed 424242: five clients', async () => {
    await convergence(424242, 5, 400);
  });

  it('a client joining late gets the full state', async () => {
    const id = await ts.createPackage(undefined, { a: 'editor', b: 'editor', late: 'viewer' });
    const a = connectClient(ts, id, 'a');
    const b = connectClient(ts, id, 'b');
    try {
      await Promise.all([a.synced(), b.synced()]);
      const rnd = prng(7);
      for (let i = 0; i < 60; i++) randomEdit((i % 2 ? a : b).doc, rnd, String(i));
      await waitFor(() => snapshotOf(a.doc) === snapshotOf(b.doc));
      const late = connectClient(ts, id, 'late');
      await late.synced();
      expect(snapshotOf(late.doc)).toBe(snapshotOf(a.doc));
      late.destroy();
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('a read-only connection cannot change the doc and is told so', async () => {
    const id = await ts.createPackage(undefined, { ed: 'editor', view: 'viewer', kom: 'commenter' });
    const ed = connectClient(ts, id, 'ed');
    const view = connectClient(ts, id, 'view');
    const kom = connectClient(ts, id, 'kom');
    const komComments = connectClient(ts, `${id}/comments`, 'kom');
    const edComments = connectClient(ts, `${id}/comments`, 'ed');
    try {
      await Promise.all([ed.synced(), view.synced(), kom.synced(), komComments.synced(), edComments.synced()]);
      const line = createLineInDoc(ed.doc, { ledger: 'drift', group: 'tiltak', title: 'Ekte', amounts: { '2024': '1' } });
      await waitFor(() => getLinesMap(view.doc).has(line) && getLinesMap(kom.doc).has(line));
      setLineAmount(view.doc, line, '2024', '999');
      setLineAmount(kom.doc, line, '2025', '5');
      // A real comment, by the commenter as the server knows them (test users are named by their id).
      const written = addCommentToDoc(komComments.doc, { id: 't1', author: { id: 'kom', name: 'kom' }, text: 'En kommentar', target: { kind: 'line', id: line } });
      expect(written.ok).toBe(true);
      await waitFor(() => view.notices.length > 0 && kom.notices.length > 0, 5000, 'read-only notices');
      await waitFor(() => readCommentsFromDoc(edComments.doc).some((c) => c.id === 't1' && c.text === 'En kommentar'), 5000, 'comment');
      expect(view.notices[0]).toMatchObject({ kind: 'read-only', role: 'viewer' });
      expect(kom.notices[0]).toMatchObject({ kind: 'read-only', role: 'commenter' });
      expect(komComments.notices).toEqual([]);
      const balance = await (await ts.http('GET', `/api/packages/${id}/balance`)).json();
      expect(balance.ledgers.drift.byYear['2024'].tiltak).toBe('1');
      expect(balance.ledgers.drift.byYear['2025'].tiltak).toBe('0');
      expect(readPackageFromDoc(ed.doc, id).lines[0]!.amounts).toEqual({ '2024': '1' });
      expect(view.closes).toEqual([]);
    } finally {
      for (const c of [ed, view, kom, komComments, edComments]) c.destroy();
    }
  });

  it('a removed member is closed with 4403 at once and a downgraded one becomes read-only', async () => {
    const id = await ts.createPackage(undefined, { ed: 'editor', gone: 'editor', down: 'editor' });
    const ed = connectClient(ts, id, 'ed');
    const gone = connectClient(ts, id, 'gone');
    const down = connectClient(ts, id, 'down');
    try {
      await Promise.all([ed.synced(), gone.synced(), down.synced()]);
      const closed = new Promise<{ code: number; reason: string }>((resolve) => gone.provider.on('closed', (e) => resolve(e)));
      ts.auth.setRole('gone', id, null);
      ts.auth.setRole('down', id, 'viewer');
      expect((await closed).code).toBe(CLOSE_FORBIDDEN);
      await waitFor(() => down.notices.length > 0);
      createLineInDoc(down.doc, { ledger: 'drift', group: 'tiltak', title: 'Etter nedgradering' });
      createLineInDoc(gone.doc, { ledger: 'drift', group: 'tiltak', title: 'Etter fjerning' });
      createLineInDoc(ed.doc, { ledger: 'drift', group: 'tiltak', title: 'Redaktør' });
      await waitFor(() => getLinesMap(down.doc).size === 2);
      await new Promise((r) => setTimeout(r, 100));
      expect(readPackageFromDoc(ed.doc, id).lines.map((l) => l.title)).toEqual(['Redaktør']);
      // The removed member cannot come back in.
      const again = await upgradeStatus(`/ws/${id}`, ts.auth.cookieFor('gone'));
      expect(again).toBe(404);
    } finally {
      for (const c of [ed, gone, down]) c.destroy();
    }
  });

  it('refuses upgrades without a session (401), for non-members (404) and from a foreign Origin (403)', async () => {
    const id = await ts.createPackage(undefined, { m: 'editor' });
    ts.user('stranger');
    expect(await upgradeStatus(`/ws/${id}`, null)).toBe(401);
    expect(await upgradeStatus(`/ws/${id}`, ts.auth.cookieFor('stranger'))).toBe(404);
    expect(await upgradeStatus(`/ws/${id}/comments`, ts.auth.cookieFor('stranger'))).toBe(404);
    expect(await upgradeStatus(`/ws/nope`, ts.auth.cookieFor('m'))).toBe(404);
    expect(await upgradeStatus(`/ws/${id}`, ts.auth.cookieFor('m'), 'https://evil.example')).toBe(403);
    expect(await upgradeStatus(`/ws/${id}`, ts.auth.cookieFor('m'), ts.url)).toBe(101);
  });

  it('closes only the connection that sent a malformed or oversized message', async () => {
    const id = await ts.createPackage(undefined, { a: 'editor', b: 'editor', bad: 'editor' });
    const a = connectClient(ts, id, 'a');
    const b = connectClient(ts, id, 'b');
    try {
      await Promise.all([a.synced(), b.synced()]);
      const garbageUpdate = (() => {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint8Array(e, new Uint8Array([3, 250, 1, 7, 7, 7, 7]));
        return encoding.toUint8Array(e);
      })();
      const cases: Array<[string, Uint8Array | string, number]> = [
        ['bad varint', new Uint8Array([0x80, 0x80, 0x80]), CLOSE_MALFORMED],
        ['unknown type', new Uint8Array([42, 0]), CLOSE_MALFORMED],
        ['garbage update', garbageUpdate, CLOSE_MALFORMED],
        ['text frame', 'hello', CLOSE_MALFORMED],
        ['oversized', new Uint8Array(MAX_MESSAGE_BYTES + 1), CLOSE_MESSAGE_TOO_BIG],
      ];
      for (const [name, payload, code] of cases) {
        const got = await sendAndClose(`/ws/${id}`, ts.auth.cookieFor('bad'), payload);
        expect(got.code, name).toBe(code);
        createLineInDoc(a.doc, { ledger: 'drift', group: 'tiltak', title: `Etter ${name}` });
        await waitFor(() => readPackageFromDoc(b.doc, id).lines.some((l) => l.title === `Etter ${name}`), 5000, `sync after ${name}`);
      }
      expect(a.closes).toEqual([]);
      expect(b.closes).toEqual([]);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it("removes a closed connection's awareness from the others at once", async () => {
    const id = await ts.createPackage(undefined, { a: 'editor', b: 'viewer' });
    const a = connectClient(ts, id, 'a');
    const b = connectClient(ts, id, 'b');
    try {
      await Promise.all([a.synced(), b.synced()]);
      a.provider.awareness.setLocalState({ user: { name: 'Anne' }, cursor: 3 });
      await waitFor(() => b.provider.awareness.getStates().has(a.doc.clientID), 5000, 'awareness of A at B');
      const t0 = Date.now();
      // Terminate A's socket without a goodbye message, as a crashed browser tab would.
      (a.provider.ws as unknown as { terminate(): void }).terminate();
      a.provider.shouldConnect = false;
      await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID), 5000, 'removal of A at B');
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('a restart of the server loses nothing', async () => {
    const dir = tempDir('sync-restart-');
    try {
      const storage = sqliteIn(dir);
      // A low compaction threshold, so the log is compacted (on the worker) several times during the run.
      const first = await startTestServer({ storage, auth: ts.auth, maxLogUpdates: 20 });
      const id = await first.createPackage(undefined, { a: 'editor', b: 'editor' });
      const a = connectClient(first, id, 'a');
      const b = connectClient(first, id, 'b');
      await Promise.all([a.synced(), b.synced()]);
      const rnd = prng(99);
      for (let i = 0; i < 120; i++) randomEdit((i % 2 ? a : b).doc, rnd, String(i));
      await waitFor(() => snapshotOf(a.doc) === snapshotOf(b.doc));
      const expected = snapshotOf(a.doc);
      const snapshots = () => (storage.db.prepare('SELECT COUNT(*) AS n FROM doc_snapshots').get() as { n: number }).n;
      await waitFor(() => snapshots() > 0, 5000, 'a compaction');
      a.destroy();
      b.destroy();
      await first.close();
      await storage.close();
      const storage2 = sqliteIn(dir);
      const second = await startTestServer({ storage: storage2, auth: ts.auth });
      const c = connectClient(second, id, 'a');
      await c.synced();
      expect(snapshotOf(c.doc)).toBe(expected);
      c.destroy();
      await second.close();
      await storage2.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function wsUrl(p: string): string {
  return ts.url.replace(/^http/, 'ws') + p;
}

/** The HTTP status the server answers an upgrade with (101 when it upgrades). */
function upgradeStatus(p: string, cookie: string | null, origin?: string): Promise<number> {
  return upgradeStatusAt(wsUrl(p), { cookie, origin });
}

/** Connects as a raw client, sends `payload` once synced, and reports how the server closed it. */
function sendAndClose(p: string, cookie: string, payload: Uint8Array | string): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const WS = cookieWebSocket(cookie);
    const ws = new WS(wsUrl(p));
    ws.binaryType = 'arraybuffer';
    let sent = false;
    ws.onmessage = () => {
      if (sent) return;
      sent = true;
      ws.send(payload);
    };
    ws.onclose = (ev) => resolve({ code: ev.code, reason: ev.reason });
    ws.onerror = () => {};
    setTimeout(() => reject(new Error('server did not close the connection')), 5000);
  });
}
