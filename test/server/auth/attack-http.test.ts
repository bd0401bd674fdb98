/**
 * Attack table, HTTP rows (docs/SECURITY.md lists every row and its result).
 * Each row is a request an attacker could send to the real server on port 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, createHash } from 'node:crypto';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Client, adminClient, inviteAndAccept } from './harness';
import { extraProtectedRoutes, startTarget } from './target';
import { upgradeStatusAt } from '../serverHarness';
import type { Target } from './target';

let t: Target;
let admin: Client;
let pkgA: string;
let pkgB: string;
let memberA: Client;
let memberAId: string;

function errorMessage(body: unknown): string {
  return ((body as { error?: { message?: string } }).error?.message ?? '') as string;
}

beforeAll(async () => {
  t = await startTarget();
  admin = await adminClient(t);
  pkgA = await t.createPackage(admin, 'Pakke A');
  pkgB = await t.createPackage(admin, 'Pakke B');
  ({ client: memberA, userId: memberAId } = await inviteAndAccept(admin, pkgA, 'medlem.a@kommune.no', 'editor', 'AP'));
});
afterAll(async () => {
  await t.close();
});

describe('attack table — authentication', () => {
  it('A1 no cookie → 401 on every protected route', async () => {
    const anon = new Client(t.origin);
    for (const [method, path] of [
      ['GET', '/api/auth/me'],
      ['GET', `/api/packages/${pkgA}`],
      ['GET', `/api/packages/${pkgA}/members`],
      ['POST', `/api/packages/${pkgA}/members`],
      ['PATCH', `/api/packages/${pkgA}/members/${memberAId}`],
      ['DELETE', `/api/packages/${pkgA}/members/${memberAId}`],
      ['POST', `/api/packages/${pkgA}/members/${memberAId}/invitation`],
      ['POST', '/api/admin/users'],
      ['POST', '/api/auth/password'],
      ...extraProtectedRoutes(pkgA),
    ] as Array<[string, string]>) {
      const res = await anon.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it('A2 forged session (random token, or the stored hash itself) → 401', async () => {
    const forged = new Client(t.origin);
    forged.cookie = `session=${randomBytes(32).toString('base64url')}`;
    expect((await forged.get('/api/auth/me')).status).toBe(401);
    expect((await forged.get(`/api/packages/${pkgA}`)).status).toBe(401);
    // Someone who read the database gets only hashes; a hash is not a session.
    const token = memberA.cookie!.slice('session='.length);
    const stolenHash = createHash('sha256').update(token).digest('hex');
    forged.cookie = `session=${stolenHash}`;
    expect((await forged.get('/api/auth/me')).status).toBe(401);
    forged.cookie = `session=${token}x`;
    expect((await forged.get('/api/auth/me')).status).toBe(401);
  });

  it('A3 expired session → 401', async () => {
    const short = await startTarget({ sessionTtlMs: 400 });
    try {
      const c = await adminClient(short);
      expect((await c.get('/api/auth/me')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 600));
      expect((await c.get('/api/auth/me')).status).toBe(401);
    } finally {
      await short.close();
    }
  });

  it('A4 logout, then replaying the old cookie → 401', async () => {
    const c = new Client(t.origin);
    await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const old = c.cookie;
    await c.post('/api/auth/logout');
    const replay = new Client(t.origin);
    replay.cookie = old;
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });
});

describe('attack table — authorisation', () => {
  it('A5 member of package A opens package B over HTTP → 404, same as a package that does not exist', async () => {
    const b = await memberA.get(`/api/packages/${pkgB}`);
    const none = await memberA.get('/api/packages/doesnotexist123');
    expect(b.status).toBe(404);
    expect(none.status).toBe(404);
    expect(await b.json()).toEqual(await none.json());
    expect((await memberA.get(`/api/packages/${pkgB}/members`)).status).toBe(404);
    expect((await memberA.post(`/api/packages/${pkgB}/members`, { email: 'x@kommune.no', role: 'owner' })).status).toBe(404);
    expect((await memberA.post(`/api/packages/${pkgB}/members/${memberAId}/invitation`)).status).toBe(404);
    for (const [method, path] of extraProtectedRoutes(pkgB)) {
      const res = await memberA.request(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect((await memberA.get(`/api/packages/${pkgA}`)).status).toBe(200);
  });

  it('A6 an editor (not owner) tries to make themself owner or add members → 403', async () => {
    expect((await memberA.patch(`/api/packages/${pkgA}/members/${memberAId}`, { role: 'owner' })).status).toBe(403);
    expect((await memberA.post(`/api/packages/${pkgA}/members`, { email: 'venn@kommune.no', role: 'owner' })).status).toBe(403);
    expect((await memberA.post('/api/admin/users', { email: 'venn@kommune.no', isAdmin: true })).status).toBe(403);
  });
});

describe('attack table — cross-site requests', () => {
  it('A7 POST from a foreign Origin (or with none) → 403, even with a valid session', async () => {
    const evil = new Client(t.origin, 'https://evil.example');
    evil.cookie = admin.cookie;
    const res = await evil.post(`/api/packages/${pkgA}/members`, { email: 'spion@evil.example', role: 'owner' });
    expect(res.status).toBe(403);
    expect(errorMessage(await res.json())).not.toBe('');
    expect((await evil.login(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(403);
    expect((await evil.post('/api/auth/logout')).status).toBe(403);
    const nullOrigin = new Client(t.origin, 'null');
    nullOrigin.cookie = admin.cookie;
    expect((await nullOrigin.delete(`/api/packages/${pkgA}/members/${memberAId}`)).status).toBe(403);
    const noOrigin = new Client(t.origin, null);
    noOrigin.cookie = admin.cookie;
    expect((await noOrigin.patch(`/api/packages/${pkgA}/members/${memberAId}`, { role: 'viewer' })).status).toBe(403);
    // A foreign Referer is no better than a foreign Origin.
    const referer = await noOrigin.request('POST', `/api/packages/${pkgA}/members`, { email: 'r@kommune.no', role: 'viewer' }, { referer: 'https://evil.example/page' });
    expect(referer.status).toBe(403);
    // Nothing changed.
    const members = ((await (await admin.get(`/api/packages/${pkgA}/members`)).json()) as { members: Array<{ email: string; role: string }> }).members;
    expect(members.map((m) => m.email)).not.toContain('spion@evil.example');
    expect(members.find((m) => m.email === 'medlem.a@kommune.no')?.role).toBe('editor');
  });
});

describe('attack table — login', () => {
  it('A8 brute force on one account → 429 with Retry-After after 5 failures, even for the right password', async () => {
    const s = await startTarget();
    try {
      await s.store.createUser({ email: 'offer@kommune.no', password: 'riktig passord 123' });
      const c = new Client(s.origin);
      for (let i = 0; i < 5; i++) expect((await c.login('offer@kommune.no', `gjett ${i}`)).status).toBe(401);
      const blocked = await c.login('offer@kommune.no', 'riktig passord 123');
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(errorMessage(await blocked.json())).toMatch(/For mange/);
      // An unknown email is limited the same way (the limit does not reveal existence).
      for (let i = 0; i < 5; i++) expect((await c.login('finnes.ikke@kommune.no', `gjett ${i}`)).status).toBe(401);
      expect((await c.login('finnes.ikke@kommune.no', 'gjett')).status).toBe(429);
    } finally {
      await s.close();
    }
  });

  it('A9 password spraying from one address → 429 after 20 failures across accounts', async () => {
    const s = await startTarget();
    try {
      await s.store.createUser({ email: 'ekte@kommune.no', password: 'riktig passord 123' });
      const c = new Client(s.origin);
      for (let i = 0; i < 20; i++) expect((await c.login(`bruker${i}@kommune.no`, 'Sommer2026!')).status).toBe(401);
      expect((await c.login('ekte@kommune.no', 'riktig passord 123')).status).toBe(429);
    } finally {
      await s.close();
    }
  });

  it('A10 parallel guesses cannot slip under the limit', async () => {
    const s = await startTarget();
    try {
      await s.store.createUser({ email: 'parallell@kommune.no', password: 'riktig passord 123' });
      const c = new Client(s.origin);
      const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => c.login('parallell@kommune.no', `gjett ${i}`).then((r) => r.status)));
      expect(statuses.filter((x) => x === 401).length).toBe(5);
      expect(statuses.filter((x) => x === 429).length).toBe(7);
    } finally {
      await s.close();
    }
  });

  it('A11 login does not reveal whether an email exists (same status and body; scrypt time spent either way)', async () => {
    const s = await startTarget();
    try {
      await s.store.createUser({ email: 'finnes@kommune.no', password: 'riktig passord 123' });
      await s.store.createUser({ email: 'invitert@kommune.no' }); // pending, no password yet
      const c = new Client(s.origin);
      const emails = ['finnes@kommune.no', 'finnes.ikke@kommune.no', 'invitert@kommune.no'];
      const times: number[][] = emails.map(() => []);
      const last: Array<Response | undefined> = [];
      // Interleaved, so load from other processes hits all three alike; 5 each stays under every limit.
      for (let i = 0; i < 5; i++) {
        for (const [k, email] of emails.entries()) {
          const start = performance.now();
          last[k] = await c.login(email, `feil passord ${i}`);
          times[k]!.push(performance.now() - start);
        }
      }
      const answers: Array<{ status: number; body: string; ms: number }> = [];
      for (const [k] of emails.entries()) {
        const sorted = [...times[k]!].sort((a, b) => a - b);
        answers.push({ status: last[k]!.status, body: await last[k]!.text(), ms: sorted[2]! });
      }
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
      expect(new Set(answers.map((a) => a.body)).size).toBe(1);
      expect(JSON.parse(answers[0]!.body)).toEqual({ error: { message: 'Feil e-post eller passord' } });
      // Skipping scrypt for unknown emails would make them ~50× faster (median ~2 ms vs ~90 ms);
      // the bound leaves room for scheduling noise on a busy machine.
      const known = answers[0]!.ms;
      for (const a of answers.slice(1)) expect(a.ms).toBeGreaterThan(known * 0.25);
    } finally {
      await s.close();
    }
  });
});

/** A JSON route with a valid body and, per field, injection-shaped replacements that must be 400. */
interface JsonRoute {
  name: string;
  method: string;
  path: () => string | Promise<string>;
  client: () => Client;
  valid: () => Record<string, unknown>;
  /** Fields whose format rejects injection-shaped text (400 naming the field). */
  formatted: string[];
}

const INJECTIONS = [`' OR '1'='1' --`, `"; DROP TABLE auth_users; --`, `admin@kommune.no' --`, `1; SELECT * FROM auth_sessions`];

describe('attack table — hostile JSON', () => {
  const routes: JsonRoute[] = [
    { name: 'login', method: 'POST', path: () => '/api/auth/login', client: () => new Client(t.origin), valid: () => ({ email: 'a@kommune.no', password: 'x' }), formatted: ['email'] },
    {
      name: 'setup',
      method: 'POST',
      path: () => '/api/auth/setup',
      client: () => new Client(t.origin),
      valid: () => ({ token: 'A'.repeat(43), email: 'a@kommune.no', password: 'et langt passord 123', name: 'A' }),
      formatted: ['token', 'email'],
    },
    {
      name: 'accept invitation',
      method: 'POST',
      path: async () => {
        const res = await admin.post(`/api/packages/${pkgA}/members`, { email: `inv${randomBytes(4).toString('hex')}@kommune.no`, role: 'viewer' });
        return `/api/auth/invitations/${((await res.json()) as { token: string }).token}/accept`;
      },
      client: () => new Client(t.origin),
      valid: () => ({ password: 'et langt passord 123', name: 'A' }),
      formatted: [],
    },
    {
      name: 'add member',
      method: 'POST',
      path: () => `/api/packages/${pkgA}/members`,
      client: () => admin,
      valid: () => ({ email: 'b@kommune.no', role: 'editor', party: 'AP' }),
      formatted: ['email', 'role', 'party'],
    },
    {
      name: 'change member',
      method: 'PATCH',
      path: () => `/api/packages/${pkgA}/members/${memberAId}`,
      client: () => admin,
      valid: () => ({ role: 'editor', party: 'AP' }),
      formatted: ['role', 'party'],
    },
    {
      name: 'create user',
      method: 'POST',
      path: () => '/api/admin/users',
      client: () => admin,
      valid: () => ({ email: 'c@kommune.no', name: 'C', isAdmin: false }),
      formatted: ['email', 'isAdmin'],
    },
    {
      name: 'change password',
      method: 'POST',
      path: () => '/api/auth/password',
      client: () => admin,
      valid: () => ({ currentPassword: ADMIN_PASSWORD, newPassword: 'et nytt langt passord' }),
      formatted: [],
    },
    {
      name: 'create package',
      method: 'POST',
      path: () => '/api/packages',
      client: () => admin,
      valid: () => ({ title: 'T', years: ['2026', '2027'], planYears: ['2026', '2027'], parties: [{ id: 'AP', name: 'Arbeiderpartiet' }] }),
      formatted: ['years', 'planYears', 'parties'],
    },
  ];

  it.each(routes.filter((r) => r.formatted.length > 0).map((r) => [r.name, r] as const))('A12 %s: injection-shaped values in formatted fields → 400 naming the field', async (_name, route) => {
    for (const field of route.formatted) {
      for (const payload of INJECTIONS) {
        const res = await route.client().request(route.method, await route.path(), { ...route.valid(), [field]: payload });
        const body = await res.json();
        expect(res.status, `${field}=${payload}`).toBe(400);
        expect(errorMessage(body)).toContain(field);
      }
    }
  });

  it.each(routes.map((r) => [r.name, r] as const))('A13 %s: oversized body → 413, overlong field / wrong type / unknown field / broken JSON → 400 with a message', async (_name, route) => {
    const big = await route.client().request(route.method, await route.path(), { ...route.valid(), padding: 'x'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
    expect(errorMessage(await big.json())).toMatch(/for stor/);

    const firstField = Object.keys(route.valid())[0]!;
    const long = await route.client().request(route.method, await route.path(), { ...route.valid(), [firstField]: 'x'.repeat(60 * 1024) });
    expect(long.status).toBe(400);
    expect(errorMessage(await long.json())).toContain(firstField);

    const wrongType = await route.client().request(route.method, await route.path(), { ...route.valid(), [firstField]: { $ne: null } });
    expect(wrongType.status).toBe(400);
    expect(errorMessage(await wrongType.json())).toContain(firstField);

    const unknown = await route.client().request(route.method, await route.path(), { ...route.valid(), isSuperuser: true });
    expect(unknown.status).toBe(400);
    expect(errorMessage(await unknown.json())).toMatch(/Ukjent felt/);

    const broken = await route.client().request(route.method, await route.path(), '{"email": "a@');
    expect(broken.status).toBe(400);
    expect(errorMessage(await broken.json())).not.toBe('');

    const array = await route.client().request(route.method, await route.path(), '[]');
    expect(array.status).toBe(400);
  });

  it('A14 free-text fields (name, password) store injection-shaped text verbatim and execute nothing', async () => {
    const evilName = `Robert'); DROP TABLE auth_users; --`;
    const evilPassword = `' OR '1'='1' -- lang nok`;
    const res = await admin.post(`/api/packages/${pkgA}/members`, { email: 'bobby@kommune.no', role: 'viewer', name: evilName });
    const { token } = (await res.json()) as { token: string };
    const bobby = new Client(t.origin);
    expect((await bobby.post(`/api/auth/invitations/${token}/accept`, { password: evilPassword })).status).toBe(200);
    expect(((await (await bobby.get('/api/auth/me')).json()) as { user: { name: string } }).user.name).toBe(evilName);
    // The injection-shaped password is a password like any other: wrong variants fail.
    expect((await new Client(t.origin).login('bobby@kommune.no', `' OR '1'='1`)).status).toBe(401);
    expect((await new Client(t.origin).login('bobby@kommune.no', evilPassword)).status).toBe(200);
    // Tables intact, admin still logs in.
    expect(await t.store.userCount()).toBeGreaterThan(2);
    expect((await new Client(t.origin).login(ADMIN_EMAIL, ADMIN_PASSWORD)).status).toBe(200);
  });

  it('A15 injection-shaped ids in the path → 404, nothing executed', async () => {
    for (const id of [`x' OR '1'='1`, `${pkgA}' --`, '1;DROP TABLE auth_memberships']) {
      const res = await admin.get(`/api/packages/${encodeURIComponent(id)}/members`);
      expect(res.status).toBe(404);
      const patch = await admin.patch(`/api/packages/${pkgA}/members/${encodeURIComponent(id)}`, { role: 'viewer' });
      expect(patch.status).toBe(404);
      const inv = await new Client(t.origin).get(`/api/auth/invitations/${encodeURIComponent(id)}`);
      expect(inv.status).toBe(404);
    }
    expect((await admin.get(`/api/packages/${pkgA}/members`)).status).toBe(200);
  });
});

describe('attack table — invitations never hand over an account', () => {
  it('A16 an owner adds a pending account someone else created (a pending admin): membership only, no link; re-issue 403; the own link still works', async () => {
    // The owner is an ordinary (non-admin) user made owner of their own package.
    const pkg = await t.createPackage(admin, 'Pakke Z');
    const { client: owner, userId: ownerId } = await inviteAndAccept(admin, pkg, 'eier.z@kommune.no', 'owner', null);
    const created = await admin.post('/api/admin/users', { email: 'ventende.admin@kommune.no', name: 'Vera', isAdmin: true });
    expect(created.status).toBe(201);
    const { token: ownLink, user } = (await created.json()) as { token: string; user: { userId: string } };

    const add = await owner.post(`/api/packages/${pkg}/members`, { email: 'ventende.admin@kommune.no', role: 'editor', party: 'AP' });
    expect(add.status).toBe(201);
    const added = (await add.json()) as { token: string | null; inviteUrl: string | null; member: { userId: string; status: string } };
    expect(added.token).toBeNull();
    expect(added.inviteUrl).toBeNull();
    expect(added.member).toMatchObject({ userId: user.userId, status: 'invited' });
    const reissue = await owner.post(`/api/packages/${pkg}/members/${user.userId}/invitation`);
    expect(reissue.status).toBe(403);
    expect(JSON.stringify(await reissue.json())).not.toMatch(/[A-Za-z0-9_-]{43}/);
    // Only the admin-creator's link activates the account, with the person's own password.
    expect((await owner.post(`/api/admin/users/${user.userId}/invitation`)).status).toBe(403);
    const vera = new Client(t.origin);
    expect((await vera.post(`/api/auth/invitations/${ownLink}/accept`, { password: 'veras eget passord' })).status).toBe(200);
    const me = (await (await vera.get('/api/auth/me')).json()) as { user: { isAdmin: boolean }; memberships: Array<{ packageId: string }> };
    expect(me.user.isAdmin).toBe(true);
    expect(me.memberships.map((m) => m.packageId)).toContain(pkg);
    expect((await t.store.getUserById(user.userId))?.createdBy).not.toBe(ownerId);
  });

  it('A17 an owner may re-issue only links for accounts they created; other owners adding that person get no link', async () => {
    const pkg1 = await t.createPackage(admin, 'Pakke 1');
    const pkg2 = await t.createPackage(admin, 'Pakke 2');
    const { client: owner1 } = await inviteAndAccept(admin, pkg1, 'eier.1@kommune.no', 'owner', null);
    const { client: owner2 } = await inviteAndAccept(admin, pkg2, 'eier.2@kommune.no', 'owner', null);
    const first = await owner1.post(`/api/packages/${pkg1}/members`, { email: 'ny.person@kommune.no', role: 'viewer' });
    const { token, member } = (await first.json()) as { token: string | null; member: { userId: string } };
    expect(token).not.toBeNull();
    expect((await owner1.post(`/api/packages/${pkg1}/members/${member.userId}/invitation`)).status).toBe(201);

    const second = await owner2.post(`/api/packages/${pkg2}/members`, { email: 'ny.person@kommune.no', role: 'viewer' });
    expect(second.status).toBe(201);
    expect(((await second.json()) as { token: string | null }).token).toBeNull();
    expect((await owner2.post(`/api/packages/${pkg2}/members/${member.userId}/invitation`)).status).toBe(403);
    // An administrator can always issue a new link.
    const byAdmin = await admin.post(`/api/admin/users/${member.userId}/invitation`);
    expect(byAdmin.status).toBe(201);
    const person = new Client(t.origin);
    const { token: adminToken } = (await byAdmin.json()) as { token: string };
    expect((await person.post(`/api/auth/invitations/${adminToken}/accept`, { password: 'mitt eget passord', name: 'Ny Person' })).status).toBe(200);
    const memberships = ((await (await person.get('/api/auth/me')).json()) as { memberships: Array<{ packageId: string }> }).memberships;
    expect(memberships.map((m) => m.packageId).sort()).toEqual([pkg1, pkg2].sort());
    // The older link died with the activation.
    expect((await new Client(t.origin).post(`/api/auth/invitations/${token}/accept`, { password: 'tyvens passord 1234' })).status).toBe(404);
  });
});

describe('attack table — the Origin check knows the scheme', () => {
  it('A18 without PUBLIC_ORIGIN an https:// or ws:// Origin is refused by an http server, over HTTP and on the websocket upgrade; X-Forwarded-Proto counts only with TRUST_PROXY=1', async () => {
    const host = new URL(t.origin).host;
    const pkg = await t.createPackage(admin, 'Opphav');
    const wsUrl = `${t.origin.replace(/^http/, 'ws')}/ws/${pkg}`;
    const post = (c: Client, origin: string, extra: Record<string, string> = {}) =>
      c.request('POST', `/api/packages/${pkg}/members`, { email: 'opphav@kommune.no', role: 'viewer' }, { origin, ...extra });
    for (const origin of [`https://${host}`, `ws://${host}`, `wss://${host}`]) {
      expect((await post(admin, origin)).status, origin).toBe(403);
      expect(await upgradeStatusAt(wsUrl, { cookie: admin.cookie, origin }), origin).toBe(403);
    }
    // A client cannot claim https itself when no proxy is trusted.
    expect((await post(admin, `https://${host}`, { 'x-forwarded-proto': 'https' })).status).toBe(403);
    expect(await upgradeStatusAt(wsUrl, { cookie: admin.cookie, origin: `https://${host}`, extra: { 'x-forwarded-proto': 'https' } })).toBe(403);
    // The page's own origin still works.
    expect(await upgradeStatusAt(wsUrl, { cookie: admin.cookie, origin: t.origin })).toBe(101);

    const proxied = await startTarget({ env: { TRUST_PROXY: '1' } });
    try {
      const padmin = await adminClient(proxied);
      const ppkg = await proxied.createPackage(padmin, 'Bak proxy');
      const phost = new URL(proxied.origin).host;
      const pws = `${proxied.origin.replace(/^http/, 'ws')}/ws/${ppkg}`;
      const tls = { 'x-forwarded-proto': 'https' };
      const ppost = (origin: string, extra: Record<string, string>) =>
        padmin.request('POST', `/api/packages/${ppkg}/members`, { email: 'proxy@kommune.no', role: 'viewer' }, { origin, ...extra });
      expect((await ppost(`http://${phost}`, tls)).status).toBe(403);
      expect(await upgradeStatusAt(pws, { cookie: padmin.cookie, origin: `http://${phost}`, extra: tls })).toBe(403);
      expect(await upgradeStatusAt(pws, { cookie: padmin.cookie, origin: `https://${phost}`, extra: tls })).toBe(101);
      expect((await ppost(`https://${phost}`, tls)).status).toBe(201);
    } finally {
      await proxied.close();
    }
  });
});
