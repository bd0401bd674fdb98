/**
 * Agreement against the real server (issue 13): sign-offs per party kept by the
 * server, derived agreement and staleness, `seen`, lock and seal with raw
 * y-websocket clients, counter-offers, the parties rule, and rounds with a diff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createLineInDoc, getLinesMap, getMetaMap, readPackageFromDoc, setLineAmount } from '../../shared/doc/schema';
import type { AgreementView, PackageDiff, ProposalView } from '../../shared/protocol';
import { connectClient, startTestServer, waitFor, type TestClient, type TestServer } from './serverHarness';

let ts: TestServer;
const clients: TestClient[] = [];
const PARTIES = { json: { title: 'Enighet', years: ['2024', '2025'], planYears: ['2024', '2025'], parties: [{ name: 'Ap' }, { name: 'SV' }] } };

beforeAll(async () => {
  ts = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await ts.close();
});

/** A package with members: ap (editor, Ap), sv (editor, SV), com (commenter, SV), view (viewer), and two balanced drift lines. */
async function setup(): Promise<{ id: string; raw: TestClient; tiltak: string; inndekning: string }> {
  const id = await ts.createPackage(PARTIES.json);
  for (const [u, role, party] of [
    ['ap', 'editor', 'Ap'],
    ['sv', 'editor', 'SV'],
    ['com', 'commenter', 'SV'],
    ['view', 'viewer', undefined],
  ] as const) {
    ts.user(u);
    ts.auth.setRole(u, id, role, party);
  }
  const raw = connectClient(ts, id, 'ap');
  clients.push(raw);
  await raw.synced();
  const tiltak = createLineInDoc(raw.doc, { ledger: 'drift', group: 'tiltak', title: 'Lærere', amounts: { '2024': '5', '2025': '5' } });
  const inndekning = createLineInDoc(raw.doc, { ledger: 'drift', group: 'inndekning', title: 'Eiendomsskatt', amounts: { '2024': '-5', '2025': '-5' } });
  await until(async () => (await agreement(id)).items[inndekning] !== undefined);
  return { id, raw, tiltak, inndekning };
}

async function until(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function agreement(id: string, user = 'admin'): Promise<AgreementView> {
  const res = await ts.http('GET', `/api/packages/${id}/agreement`, { user });
  expect(res.status).toBe(200);
  return (await res.json()) as AgreementView;
}

const sign = (id: string, user: string, party: string, items: string[], state = 'accepted', extra: Record<string, unknown> = {}) =>
  ts.http('PUT', `/api/packages/${id}/signoffs`, { user, json: { items, party, state, ...extra } });

describe('sign-offs', () => {
  it('a party member cannot sign for another party; commenters and viewers cannot sign; unknown items are 404 and write nothing', async () => {
    const { id, tiltak } = await setup();
    expect((await sign(id, 'ap', 'SV', [tiltak])).status).toBe(403);
    expect((await sign(id, 'com', 'SV', [tiltak])).status).toBe(403);
    expect((await sign(id, 'view', 'SV', [tiltak])).status).toBe(403);
    expect((await sign(id, 'ap', 'Ap', [tiltak, 'nope'])).status).toBe(404);
    expect((await sign(id, 'ap', 'Ap', [tiltak], 'reservation')).status).toBe(400);
    expect(Object.keys((await agreement(id)).items[tiltak]!.signoffs)).toEqual([]);
    const ok = await sign(id, 'ap', 'Ap', [tiltak]);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ updated: 1 });
    const a = await agreement(id);
    expect(a.items[tiltak]!.signoffs.Ap).toMatchObject({ state: 'accepted', by: 'ap', stale: false });
    expect(a.items[tiltak]!.agreed).toBe(false);
    expect(a.summary.byParty.Ap).toEqual({ accepted: 1, reservation: 0, declined: 0, none: 1 });
  });

  it('two parties signing the same items at once both land; the item is agreed and exported in the agreed scope', async () => {
    const { id, tiltak, inndekning } = await setup();
    const [r1, r2] = await Promise.all([sign(id, 'ap', 'Ap', [tiltak, inndekning]), sign(id, 'sv', 'SV', [tiltak, inndekning])]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const a = await agreement(id);
    expect(a.items[tiltak]!.agreed).toBe(true);
    expect(a.summary).toMatchObject({ agreed: 2, open: 0 });
    expect(a.agreedBalance.ledgers.drift.byYear['2024']).toMatchObject({ tiltak: '5', inndekning: '-5', net: '0' });
    const csv = await (await ts.http('GET', `/api/packages/${id}/export?format=csv`)).text();
    expect(csv).toContain('Lærere');
  });

  it('a raw client cannot write agreement: a hand-set agreed status reads as not signed and is not exported', async () => {
    const { id, raw, tiltak } = await setup();
    raw.doc.transact(() => getLinesMap(raw.doc).get(tiltak)!.set('status', 'agreed'));
    await until(async () => (await (await ts.http('GET', `/api/packages/${id}`)).json()).lines.some((l: { status?: string }) => l.status === 'agreed'));
    expect((await agreement(id)).items[tiltak]!.agreed).toBe(false);
    const csv = await (await ts.http('GET', `/api/packages/${id}/export?format=csv`)).text();
    expect(csv).not.toContain('Lærere');
    const json = JSON.parse(await (await ts.http('GET', `/api/packages/${id}/export?format=json&scope=all`)).text()) as { package: { lines: { id: string; status?: string }[] } };
    expect(json.package.lines.find((l) => l.id === tiltak)!.status).toBe('proposed');
  });

  it("a raw client's amount change makes the sign-offs stale, and a sign-off with a stale `seen` is refused", async () => {
    const { id, raw, tiltak } = await setup();
    const before = (await agreement(id)).items[tiltak]!.fingerprint;
    await sign(id, 'ap', 'Ap', [tiltak]);
    await sign(id, 'sv', 'SV', [tiltak]);
    expect((await agreement(id)).items[tiltak]!.agreed).toBe(true);
    setLineAmount(raw.doc, tiltak, '2024', '6');
    await until(async () => (await agreement(id)).items[tiltak]!.fingerprint !== before);
    const a = await agreement(id);
    expect(a.items[tiltak]).toMatchObject({ agreed: false, changedSinceSigned: true });
    expect(a.items[tiltak]!.signoffs.Ap!.stale).toBe(true);
    expect(a.summary.byParty.SV!.accepted).toBe(0);
    const refused = await sign(id, 'sv', 'SV', [tiltak], 'accepted', { seen: { [tiltak]: before } });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { changed: string[] }).changed).toEqual([tiltak]);
    expect((await sign(id, 'sv', 'SV', [tiltak], 'accepted', { seen: { [tiltak]: a.items[tiltak]!.fingerprint } })).status).toBe(200);
  });
});

describe('lock and seal', () => {
  it('refuses to lock with open items, seals when agreed; while locked raw writes are dropped, import and sign-offs are 409, comments work; unlock is recorded', async () => {
    const { id, raw, tiltak, inndekning } = await setup();
    const refused = await ts.http('POST', `/api/packages/${id}/lock`, { json: {} });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { open: { id: string }[] }).open.map((o) => o.id).sort()).toEqual([tiltak, inndekning].sort());
    expect((await ts.http('POST', `/api/packages/${id}/lock`, { user: 'ap', json: {} })).status).toBe(403);
    await sign(id, 'ap', 'Ap', [tiltak, inndekning]);
    await sign(id, 'sv', 'SV', [tiltak, inndekning]);
    const locked = await ts.http('POST', `/api/packages/${id}/lock`, { json: {} });
    expect(locked.status).toBe(200);
    const { seal, version } = (await locked.json()) as { seal: { checksum: string; parties: { id: string; accepted: number }[] }; version: { id: string } };
    expect(seal.parties).toEqual([
      { id: 'Ap', name: 'Ap', accepted: 2 },
      { id: 'SV', name: 'SV', accepted: 2 },
    ]);
    // The checksum is the one of the agreed package as the JSON export of the round carries it.
    const exported = await ts.http('GET', `/api/packages/${id}/export?format=json&version=${version.id}`);
    expect(exported.headers.get('x-package-checksum')).toBe(seal.checksum);
    const md = await (await ts.http('GET', `/api/packages/${id}/export?format=md&version=${version.id}`)).text();
    expect(md).toContain(seal.checksum);
    expect(md).toContain('Ap: godtatt 2 punkter');

    // The open connection is told at once, so the app can show «låst».
    await waitFor(() => raw.notices.some((n) => (n as { kind: string; locked?: boolean }).kind === 'lock' && (n as { locked?: boolean }).locked === true), 5000, 'the lock notice');
    setLineAmount(raw.doc, tiltak, '2024', '99');
    await new Promise((r) => setTimeout(r, 300));
    const server = await (await ts.http('GET', `/api/packages/${id}`)).json();
    expect(server.lines.find((l: { id: string }) => l.id === tiltak).amounts['2024']).toBe('5');
    expect((await sign(id, 'ap', 'Ap', [tiltak], 'none')).status).toBe(409);
    const imp = await ts.http('POST', `/api/packages/${id}/import`, { body: 'x', contentType: 'text/csv' });
    expect(imp.status).toBe(409);
    const comments = connectClient(ts, `${id}/comments`, 'com');
    clients.push(comments);
    await comments.synced();
    const { addCommentToDoc } = await import('../../shared/doc/comments');
    addCommentToDoc(comments.doc, { author: { id: 'com', name: 'com', party: 'SV' }, text: 'Hvorfor?', target: { kind: 'line', id: tiltak } });
    await new Promise((r) => setTimeout(r, 300));
    expect(comments.closes).toEqual([]);

    expect((await ts.http('POST', `/api/packages/${id}/unlock`, { json: {} })).status).toBe(400);
    expect((await ts.http('POST', `/api/packages/${id}/unlock`, { json: { reason: 'Feil tall' } })).status).toBe(200);
    await waitFor(() => raw.notices.some((n) => (n as { kind: string; locked?: boolean }).kind === 'lock' && (n as { locked?: boolean }).locked === false), 5000, 'the unlock notice');
    const log = (await (await ts.http('GET', `/api/packages/${id}/lock`)).json()) as { locked: boolean; log: { action: string; reason?: string }[] };
    expect(log.locked).toBe(false);
    expect(log.log.map((e) => e.action)).toEqual(['lock', 'unlock']);
    expect(log.log[1]!.reason).toBe('Feil tall');
    const writer = connectClient(ts, id, 'sv');
    clients.push(writer);
    await writer.synced();
    setLineAmount(writer.doc, inndekning, '2024', '-7');
    await until(async () => (await (await ts.http('GET', `/api/packages/${id}`)).json()).lines.find((l: { id: string }) => l.id === inndekning).amounts['2024'] === '-7');
  });
});

describe('parties', () => {
  it('once a sign-off exists, a raw client cannot change the parties; the owner can through the API, and removing a party resets sign-offs', async () => {
    const { id, tiltak } = await setup();
    await sign(id, 'ap', 'Ap', [tiltak]);
    await sign(id, 'sv', 'SV', [tiltak]);
    const rogue = connectClient(ts, id, 'sv');
    clients.push(rogue);
    await rogue.synced();
    getMetaMap(rogue.doc).set('parties', [{ id: 'Ap', name: 'Ap', color: '#c8102e' }]);
    await waitFor(() => rogue.closes.some((c) => c.code === 4422), 5000, 'the refusal');
    expect((await agreement(id)).parties.map((p) => p.id)).toEqual(['Ap', 'SV']);
    expect((await ts.http('PUT', `/api/packages/${id}/parties`, { user: 'ap', json: { parties: [] } })).status).toBe(403);
    const res = await ts.http('PUT', `/api/packages/${id}/parties`, { json: { parties: [{ id: 'Ap', name: 'Ap', color: '#c8102e' }] } });
    expect(res.status).toBe(200);
    const a = await agreement(id);
    expect(a.parties.map((p) => p.id)).toEqual(['Ap']);
    expect(a.items[tiltak]!.agreed).toBe(false);
  });
});

describe('counter-offers', () => {
  it('a proposal accepted by another party changes the amount, attributed to the accepter; the own party cannot accept', async () => {
    const { id, tiltak } = await setup();
    const created = await ts.http('POST', `/api/packages/${id}/proposals`, { user: 'sv', json: { lineId: tiltak, year: '2024', amount: '2,6' } });
    expect(created.status).toBe(201);
    const p = (await created.json()) as ProposalView;
    expect(p).toMatchObject({ amount: '2.6', against: '5', party: 'SV', state: 'pending', outdated: false });
    expect((await ts.http('GET', `/api/packages/${id}`)).ok).toBe(true);
    expect((await ts.http('POST', `/api/packages/${id}/proposals/${p.id}/accept`, { user: 'sv' })).status).toBe(403);
    const acc = await ts.http('POST', `/api/packages/${id}/proposals/${p.id}/accept`, { user: 'ap' });
    expect(acc.status).toBe(200);
    expect(await acc.json()).toMatchObject({ state: 'accepted', resolvedBy: 'ap' });
    const pkg = await (await ts.http('GET', `/api/packages/${id}`)).json();
    expect(pkg.lines.find((l: { id: string }) => l.id === tiltak).amounts['2024']).toBe('2.6');
    const audit = (await (await ts.http('GET', `/api/packages/${id}/audit`)).json()) as { entries: { lineId: string; field: string; newValue: string; userId: string }[] };
    expect(audit.entries.filter((e) => e.lineId === tiltak && e.field === 'amount').at(-1)).toMatchObject({ newValue: '2.6', userId: 'ap' });
    expect((await ts.http('POST', `/api/packages/${id}/proposals/${p.id}/decline`, { user: 'ap' })).status).toBe(409);
  });

  it('a proposal is outdated once the cell changes under it and cannot be accepted', async () => {
    const { id, raw, tiltak } = await setup();
    const p = (await (await ts.http('POST', `/api/packages/${id}/proposals`, { user: 'sv', json: { lineId: tiltak, year: '2025', amount: '4' } })).json()) as ProposalView;
    setLineAmount(raw.doc, tiltak, '2025', '7');
    await until(async () => ((await (await ts.http('GET', `/api/packages/${id}/proposals`)).json()) as { proposals: ProposalView[] }).proposals[0]!.outdated);
    expect((await ts.http('POST', `/api/packages/${id}/proposals/${p.id}/accept`, { user: 'ap' })).status).toBe(409);
  });
});

describe('rounds', () => {
  it('a diff between a round and now lists exactly the changes made', async () => {
    const { id, raw, tiltak, inndekning } = await setup();
    const v = await ts.http('POST', `/api/packages/${id}/versions`, { user: 'ap', json: { name: 'Tilbud 1' } });
    expect(v.status).toBe(201);
    const { id: vid } = (await v.json()) as { id: string };
    expect((await ts.http('POST', `/api/packages/${id}/versions`, { user: 'com', json: { name: 'x' } })).status).toBe(403);
    setLineAmount(raw.doc, tiltak, '2024', '6');
    const added = createLineInDoc(raw.doc, { ledger: 'investering', group: 'tiltak', title: 'Skole', amounts: { '2025': '10' } });
    raw.doc.transact(() => getLinesMap(raw.doc).delete(inndekning));
    await until(async () => !(await (await ts.http('GET', `/api/packages/${id}`)).json()).lines.some((l: { id: string }) => l.id === inndekning));
    const diff = (await (await ts.http('GET', `/api/packages/${id}/diff?from=${vid}&to=current`)).json()) as PackageDiff;
    expect(diff.lines.added.map((l) => l.id)).toEqual([added]);
    expect(diff.lines.removed.map((l) => l.id)).toEqual([inndekning]);
    expect(diff.lines.changed).toEqual([{ id: tiltak, title: 'Lærere', fields: {}, amounts: { '2024': { from: '5', to: '6' } } }]);
    expect(diff.verbal).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.net.drift!['2024']).toEqual({ from: '0', to: '6', delta: '6' });
    expect(diff.net.investering!['2025']).toEqual({ from: '0', to: '10', delta: '10' });
    expect(diff.net.fond!['2024']).toEqual({ from: '0', to: '0', delta: '0' });
    const bal = await (await ts.http('GET', `/api/packages/${id}/versions/${vid}/balance`)).json();
    expect(bal.ledgers.drift.byYear['2024'].net).toBe('0');
  });
});

describe('rounds across restart and compaction', () => {
  it('versions survive compaction and a restart of the server', async () => {
    const { sqliteIn, tempDir } = await import('./serverHarness');
    const dir = tempDir('agreement-');
    const storage = sqliteIn(dir);
    const s1 = await startTestServer({ storage, maxLogUpdates: 2 });
    const id = await s1.createPackage(PARTIES.json, { ap: 'editor' });
    const c = connectClient(s1, id, 'ap');
    await c.synced();
    const line = createLineInDoc(c.doc, { ledger: 'drift', group: 'tiltak', title: 'Rundt', amounts: { '2024': '1' } });
    for (let i = 2; i < 8; i++) setLineAmount(c.doc, line, '2024', String(i));
    await until(async () => (await (await s1.http('GET', `/api/packages/${id}`)).json()).lines[0]?.amounts['2024'] === '7');
    const { id: vid } = (await (await s1.http('POST', `/api/packages/${id}/versions`, { user: 'ap', json: { name: 'Før' } })).json()) as { id: string };
    for (let i = 8; i < 12; i++) setLineAmount(c.doc, line, '2024', String(i));
    await until(async () => (await (await s1.http('GET', `/api/packages/${id}`)).json()).lines[0]?.amounts['2024'] === '11');
    c.destroy();
    await s1.close();
    const s2 = await startTestServer({ storage, auth: s1.auth });
    try {
      const list = (await (await s2.http('GET', `/api/packages/${id}/versions`)).json()) as { versions: { id: string; name: string }[] };
      expect(list.versions.map((v) => v.name)).toEqual(['Før']);
      const file = JSON.parse(await (await s2.http('GET', `/api/packages/${id}/versions/${vid}`)).text()) as { package: { lines: { amounts: Record<string, string> }[] } };
      expect(file.package.lines[0]!.amounts['2024']).toBe('7');
      const diff = (await (await s2.http('GET', `/api/packages/${id}/diff?from=${vid}`)).json()) as PackageDiff;
      expect(diff.lines.changed[0]!.amounts['2024']).toEqual({ from: '7', to: '11' });
      expect(readPackageFromDoc(new Y.Doc(), id).lines).toEqual([]);
    } finally {
      await s2.close();
      await storage.close();
    }
  });
});

describe('comments on a cell and mentions', () => {
  it('a comment on one cell that mentions a member reaches their «Til meg» list; malformed mentions are refused', async () => {
    const { id, tiltak } = await setup();
    const { addCommentToDoc, addReplyToDoc } = await import('../../shared/doc/comments');
    const c = connectClient(ts, `${id}/comments`, 'com');
    clients.push(c);
    await c.synced();
    const r = addCommentToDoc(c.doc, { author: { id: 'com', name: 'com', party: 'SV' }, text: '@ap hvorfor 5?', target: { kind: 'cell', id: tiltak, year: '2024' }, mentions: ['ap'] });
    expect(r.ok).toBe(true);
    const cid = r.ok ? r.id : '';
    await until(async () => ((await (await ts.http('GET', '/api/mentions', { user: 'ap' })).json()) as { threads: unknown[] }).threads.length === 1);
    const { threads } = (await (await ts.http('GET', '/api/mentions', { user: 'ap' })).json()) as { threads: { commentId: string; target: unknown; inComment: boolean; packageId: string }[] };
    expect(threads[0]).toMatchObject({ commentId: cid, packageId: id, inComment: true, target: { kind: 'cell', id: tiltak, year: '2024' } });
    expect(((await (await ts.http('GET', '/api/mentions', { user: 'sv' })).json()) as { threads: unknown[] }).threads).toEqual([]);
    addReplyToDoc(c.doc, cid, { author: { id: 'com', name: 'com', party: 'SV' }, text: '@sv også', mentions: ['sv'] });
    await until(async () => ((await (await ts.http('GET', '/api/mentions', { user: 'sv' })).json()) as { threads: unknown[] }).threads.length === 1);

    const bad = connectClient(ts, `${id}/comments`, 'com');
    clients.push(bad);
    await bad.synced();
    addCommentToDoc(bad.doc, { author: { id: 'com', name: 'com', party: 'SV' }, text: 'x', target: { kind: 'line', id: tiltak } });
    const m = [...(await import('../../shared/doc/comments')).getCommentsMap(bad.doc).values()].find((x) => x.get('text') === 'x')!;
    bad.doc.transact(() => m.set('mentions', [1, 2]));
    await waitFor(() => bad.closes.some((x) => x.code === 4422), 5000, 'the refusal');
  });

  it('a mention of someone who is not a member of the package is refused (comment and reply) and stored nowhere; membership changes count at once', async () => {
    const { id, tiltak } = await setup();
    const { addCommentToDoc, addReplyToDoc, readCommentsFromDoc } = await import('../../shared/doc/comments');
    // «outsider» has an account and another package, but is no member of this one.
    await ts.createPackage(PARTIES.json, { outsider: 'editor' });
    const cell = { kind: 'cell' as const, id: tiltak, year: '2025' };
    const com = { id: 'com', name: 'com', party: 'SV' };
    const sv = { id: 'sv', name: 'sv', party: 'SV' };
    const join = async (user: string): Promise<TestClient> => {
      const c = connectClient(ts, `${id}/comments`, user);
      clients.push(c);
      await c.synced();
      return c;
    };
    const mentionsOf = async (user: string) => ((await (await ts.http('GET', '/api/mentions', { user })).json()) as { threads: Array<{ commentId: string }> }).threads;
    // The commenter and the editor write at once: the editor's honest comment (mentioning the commenter) lands, the commenter's mention of the outsider is refused.
    const [cCom, cSv] = await Promise.all([join('com'), join('sv')]);
    const refused = addCommentToDoc(cCom.doc, { author: com, text: '@outsider se på dette', target: cell, mentions: ['outsider'] });
    const honest = addCommentToDoc(cSv.doc, { author: sv, text: '@com hva mener du?', target: cell, mentions: ['com'] });
    expect(refused.ok && honest.ok).toBe(true);
    await waitFor(() => cCom.closes.some((x) => x.code === 4422), 5000, 'the refusal of the comment');
    cCom.destroy();
    await until(async () => (await mentionsOf('com')).length === 1);
    const honestId = honest.ok ? honest.id : '';
    // A reply mentioning the outsider is refused as well; the honest thread is unchanged.
    const cSv2 = await join('sv');
    addReplyToDoc(cSv2.doc, honestId, { author: sv, text: '@outsider også', mentions: ['outsider'] });
    await waitFor(() => cSv2.closes.some((x) => x.code === 4422), 5000, 'the refusal of the reply');
    cSv2.destroy();
    const fresh = await join('ap');
    expect(readCommentsFromDoc(fresh.doc).map((c) => ({ id: c.id, replies: c.replies.length }))).toEqual([{ id: honestId, replies: 0 }]);
    expect(readCommentsFromDoc(cSv.doc).map((c) => c.id)).toEqual([honestId]);
    expect(await mentionsOf('outsider')).toEqual([]);
    expect(cSv.closes).toEqual([]);

    // Made a member while the room is loaded: mentioned at once. A removed member can no longer be.
    ts.auth.setRole('outsider', id, 'viewer');
    const cCom2 = await join('com');
    const welcome = addCommentToDoc(cCom2.doc, { author: com, text: '@outsider velkommen', target: cell, mentions: ['outsider'] });
    await until(async () => (await mentionsOf('outsider')).some((t) => welcome.ok && t.commentId === welcome.id));
    ts.auth.setRole('ap', id, null);
    addReplyToDoc(cCom2.doc, welcome.ok ? welcome.id : '', { author: com, text: '@ap', mentions: ['ap'] });
    await waitFor(() => cCom2.closes.some((x) => x.code === 4422), 5000, 'the refusal of a removed member');
  });
});
