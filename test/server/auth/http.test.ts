/**
 * The accounts HTTP API against a real server on port 0 with a real SQLite file:
 * login, cookie flags, logout, me, setup, invitations, members, admin users,
 * validation messages, body limits, Origin check and security headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, Client, adminClient, inviteAndAccept } from './harness';
import { startTarget } from './target';
import type { Target } from './target';

let h: Target;
let admin: Client;
let pkg: string;

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  h = await startTarget();
  admin = await adminClient(h);
  pkg = await h.createPackage(admin, 'Budsjett 2027');
});
afterAll(async () => {
  await h.close();
});

describe('login, session cookie, me, logout', () => {
  it('sets an HttpOnly, SameSite=Lax, Path=/ session cookie of 256 random bits, not Secure over http', async () => {
    const c = new Client(h.origin);
    const res = await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith('session='));
    expect(cookie).toBeDefined();
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).toMatch(/Max-Age=1209600/); // the absolute lifetime; idle expiry is enforced server-side
    expect(c.cookie).toMatch(/^session=[A-Za-z0-9_-]{43}$/);
    // Only the hash is stored.
    const token = c.cookie!.slice('session='.length);
    const rows = h.storage.db.prepare('SELECT token_hash FROM auth_sessions').all() as Array<{ token_hash: string }>;
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('me returns the principal and memberships; logout ends the session server-side', async () => {
    const c = new Client(h.origin);
    await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { email: string; isAdmin: boolean }; memberships: Array<{ packageId: string; role: string }> };
    expect(body.user.email).toBe(ADMIN_EMAIL);
    expect(body.user.isAdmin).toBe(true);
    expect(body.memberships).toContainEqual({ packageId: pkg, role: 'owner' });
    const stolen = c.cookie;
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(200);
    expect(c.cookie).toBeUndefined();
    // Replaying the old cookie after logout fails: the session is gone, not just the cookie.
    const replay = new Client(h.origin);
    replay.cookie = stolen;
    expect((await replay.get('/api/auth/me')).status).toBe(401);
  });

  it('passwords are stored as scrypt hashes with parameters, never in plain text', async () => {
    const row = h.storage.db.prepare('SELECT password_hash FROM auth_users WHERE email = ?').get(ADMIN_EMAIL) as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/);
    expect(row.password_hash).not.toContain(ADMIN_PASSWORD);
  });

  it('email is case-insensitive at login', async () => {
    const c = new Client(h.origin);
    expect((await c.login('  ADMIN@Kommune.NO ', ADMIN_PASSWORD)).status).toBe(200);
  });
});

describe('invitations and members', () => {
  it('owner invites a new person: 201 with inviteUrl and token; the link works once and logs in', async () => {
    const res = await admin.post(`/api/packages/${pkg}/members`, { email: 'ny@kommune.no', role: 'editor', party: 'SV' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { member: { userId: string; status: string; role: string; party: string }; inviteUrl: string; token: string };
    expect(body.member).toMatchObject({ role: 'editor', party: 'SV', status: 'invited' });
    expect(body.inviteUrl).toBe(`${h.origin}/invite#${body.token}`);

    // Pending accounts cannot log in with any password.
    expect((await new Client(h.origin).login('ny@kommune.no', 'hva som helst 123')).status).toBe(401);

    const info = await new Client(h.origin).get(`/api/auth/invitations/${body.token}`);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ email: 'ny@kommune.no', role: 'editor', packageId: pkg, packageTitle: 'Budsjett 2027' });

    const invitee = new Client(h.origin);
    const short = await invitee.post(`/api/auth/invitations/${body.token}/accept`, { password: 'kort', name: 'Ny' });
    expect(short.status).toBe(400);
    expect(((await short.json()) as { error: { message: string } }).error.message).toMatch(/password/);

    const acc = await invitee.post(`/api/auth/invitations/${body.token}/accept`, { password: 'et langt passord 123', name: 'Nina Ny' });
    expect(acc.status).toBe(200);
    const me = await invitee.get('/api/auth/me');
    expect(((await me.json()) as { memberships: unknown[] }).memberships).toEqual([{ packageId: pkg, role: 'editor', party: 'SV' }]);

    const again = await new Client(h.origin).post(`/api/auth/invitations/${body.token}/accept`, { password: 'et annet passord 456' });
    expect(again.status).toBe(404);
    expect((await new Client(h.origin).get(`/api/auth/invitations/${body.token}`)).status).toBe(404);
    expect((await new Client(h.origin).login('ny@kommune.no', 'et langt passord 123')).status).toBe(200);
  });

  it('expired invitations are refused', async () => {
    const res = await admin.post(`/api/packages/${pkg}/members`, { email: 'sen@kommune.no', role: 'viewer' });
    const { token } = (await res.json()) as { token: string };
    h.storage.db.prepare('UPDATE auth_tokens SET expires_at = ? WHERE kind = ?').run(Date.now() - 1, 'invite');
    expect((await new Client(h.origin).get(`/api/auth/invitations/${token}`)).status).toBe(404);
    const acc = await new Client(h.origin).post(`/api/auth/invitations/${token}/accept`, { password: 'et langt passord 123', name: 'Sen' });
    expect(acc.status).toBe(404);
  });

  it('an owner can issue a fresh link for an invited member whose link expired; not for active members', async () => {
    const res = await admin.post(`/api/packages/${pkg}/members`, { email: 'glemte@kommune.no', role: 'commenter', party: 'SP' });
    const { token: oldToken, member } = (await res.json()) as { token: string; member: { userId: string } };
    const again = await admin.post(`/api/packages/${pkg}/members/${member.userId}/invitation`);
    expect(again.status).toBe(201);
    const { token, inviteUrl } = (await again.json()) as { token: string; inviteUrl: string };
    expect(token).not.toBe(oldToken);
    expect(inviteUrl).toBe(`${h.origin}/invite#${token}`);
    const invitee = new Client(h.origin);
    expect((await invitee.post(`/api/auth/invitations/${token}/accept`, { password: 'et langt passord 123', name: 'Glemte' })).status).toBe(200);
    // Activation revokes the older link too.
    expect((await new Client(h.origin).get(`/api/auth/invitations/${oldToken}`)).status).toBe(404);
    expect((await admin.post(`/api/packages/${pkg}/members/${member.userId}/invitation`)).status).toBe(409);
    expect((await invitee.post(`/api/packages/${pkg}/members/${member.userId}/invitation`)).status).toBe(403);
  });

  it('an existing active user is added at once, without an invite link; duplicates are 409', async () => {
    const { userId } = await inviteAndAccept(admin, pkg, 'aktiv@kommune.no', 'viewer', null);
    const pkg2 = await h.createPackage(admin, 'Annen pakke');
    const res = await admin.post(`/api/packages/${pkg2}/members`, { email: 'AKTIV@kommune.no', role: 'commenter', party: 'AP' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { member: { userId: string; status: string }; inviteUrl: string | null; token: string | null };
    expect(body).toMatchObject({ inviteUrl: null, token: null, member: { userId, status: 'active' } });
    expect((await admin.post(`/api/packages/${pkg2}/members`, { email: 'aktiv@kommune.no', role: 'viewer' })).status).toBe(409);
  });

  it('editors and commenters need a party of the coalition', async () => {
    const none = await admin.post(`/api/packages/${pkg}/members`, { email: 'x1@kommune.no', role: 'commenter' });
    expect(none.status).toBe(400);
    expect(await json(none)).toMatchObject({ error: { field: 'party' } });
    const foreign = await admin.post(`/api/packages/${pkg}/members`, { email: 'x1@kommune.no', role: 'commenter', party: 'FRP' });
    expect(foreign.status).toBe(400);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(/AP, SV, SP/);
  });

  it('members list: any member reads it, only owners see invite status; non-owners cannot change it (403)', async () => {
    const { client: viewer } = await inviteAndAccept(admin, pkg, 'leser@kommune.no', 'viewer', null);
    const list = await viewer.get(`/api/packages/${pkg}/members`);
    expect(list.status).toBe(200);
    const members = ((await list.json()) as { members: Array<Record<string, unknown>> }).members;
    expect(members.length).toBeGreaterThan(2);
    expect(members.every((m) => !('status' in m))).toBe(true);
    const ownerList = ((await (await admin.get(`/api/packages/${pkg}/members`)).json()) as { members: Array<{ status: string }> }).members;
    expect(ownerList.every((m) => m.status === 'active' || m.status === 'invited')).toBe(true);

    expect((await viewer.post(`/api/packages/${pkg}/members`, { email: 'z@kommune.no', role: 'owner' })).status).toBe(403);
    const adminId = (await h.store.getUserByEmail(ADMIN_EMAIL))!.id;
    expect((await viewer.patch(`/api/packages/${pkg}/members/${adminId}`, { role: 'viewer' })).status).toBe(403);
    expect((await viewer.delete(`/api/packages/${pkg}/members/${adminId}`)).status).toBe(403);
  });

  it('the last owner cannot be downgraded or removed; with a second owner it can', async () => {
    const adminId = (await h.store.getUserByEmail(ADMIN_EMAIL))!.id;
    const down = await admin.patch(`/api/packages/${pkg}/members/${adminId}`, { role: 'editor', party: 'AP' });
    expect(down.status).toBe(409);
    expect((await admin.delete(`/api/packages/${pkg}/members/${adminId}`)).status).toBe(409);

    const pkg3 = await h.createPackage(admin, 'Tredje');
    const { client: second, userId: secondId } = await inviteAndAccept(admin, pkg3, 'eier2@kommune.no', 'owner', null);
    expect((await admin.patch(`/api/packages/${pkg3}/members/${adminId}`, { role: 'viewer' })).status).toBe(200);
    // The admin is no longer owner of pkg3 and cannot change members there.
    expect((await admin.delete(`/api/packages/${pkg3}/members/${secondId}`)).status).toBe(403);
    expect((await second.delete(`/api/packages/${pkg3}/members/${adminId}`)).status).toBe(204);
    // Removed: pkg3 no longer exists for the admin.
    expect((await admin.get(`/api/packages/${pkg3}/members`)).status).toBe(404);
    expect((await admin.get(`/api/packages/${pkg3}`)).status).toBe(404);
  });

  it('PATCH and DELETE fire onMembershipChange before answering', async () => {
    const seen: unknown[] = [];
    const off = h.accounts.auth.onMembershipChange((change) => seen.push(change));
    const { userId } = await inviteAndAccept(admin, pkg, 'endres@kommune.no', 'editor', 'SP');
    seen.length = 0;
    expect((await admin.patch(`/api/packages/${pkg}/members/${userId}`, { role: 'commenter' })).status).toBe(200);
    expect(seen).toEqual([{ packageId: pkg, userId, role: 'commenter' }]);
    expect((await admin.delete(`/api/packages/${pkg}/members/${userId}`)).status).toBe(204);
    expect(seen).toEqual([
      { packageId: pkg, userId, role: 'commenter' },
      { packageId: pkg, userId, role: null },
    ]);
    off();
  });

  it('removing an invited member revokes the invitation', async () => {
    const res = await admin.post(`/api/packages/${pkg}/members`, { email: 'angret@kommune.no', role: 'viewer' });
    const { token, member } = (await res.json()) as { token: string; member: { userId: string } };
    expect((await admin.delete(`/api/packages/${pkg}/members/${member.userId}`)).status).toBe(204);
    const acc = await new Client(h.origin).post(`/api/auth/invitations/${token}/accept`, { password: 'et langt passord 123', name: 'A' });
    expect(acc.status).toBe(404);
  });
});

describe('admin users', () => {
  it('only admins create accounts; the new account gets an invitation link', async () => {
    const res = await admin.post('/api/admin/users', { email: 'sekretariat@kommune.no', name: 'Sekretariatet', isAdmin: true });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    const sek = new Client(h.origin);
    expect((await sek.post(`/api/auth/invitations/${token}/accept`, { password: 'et langt passord 123' })).status).toBe(200);
    expect(await h.createPackage(sek, 'Sekretariatets pakke')).toMatch(/^[A-Za-z0-9_-]+$/);
    expect((await sek.post('/api/admin/users', { email: 'sekretariat@kommune.no' })).status).toBe(409);

    const { client: editor } = await inviteAndAccept(admin, pkg, 'ikkeadmin@kommune.no', 'editor', 'AP');
    expect((await editor.post('/api/admin/users', { email: 'x@kommune.no' })).status).toBe(403);
    expect((await editor.post('/api/packages', { title: 'Nei', years: ['2026'], planYears: ['2026'] })).status).toBe(403);
  });
});

describe('setup link', () => {
  it('creates the first admin once; a used or wrong token is 403', async () => {
    const fresh = await startTarget();
    try {
      const token = await fresh.store.createSetupToken();
      const c = new Client(fresh.origin);
      const wrong = await c.post('/api/auth/setup', { token: 'A'.repeat(43), email: 'forste@kommune.no', password: 'et langt passord 123', name: 'Første' });
      expect(wrong.status).toBe(403);
      const ok = await c.post('/api/auth/setup', { token, email: 'forste@kommune.no', password: 'et langt passord 123', name: 'Første' });
      expect(ok.status).toBe(201);
      expect(((await (await c.get('/api/auth/me')).json()) as { user: { isAdmin: boolean } }).user.isAdmin).toBe(true);
      const again = await new Client(fresh.origin).post('/api/auth/setup', { token, email: 'andre@kommune.no', password: 'et langt passord 123', name: 'Andre' });
      expect(again.status).toBe(403);
      expect(await fresh.store.userCount()).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('headers and cookies over https', () => {
  it('sets CSP without inline scripts, frame-ancestors none, nosniff, same-origin referrer policy', async () => {
    const res = await fetch(h.origin + '/api/health');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("style-src-attr 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("base-uri 'none'");
    expect(csp).toContain(`connect-src 'self' ws://${new URL(h.origin).host}`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('marks the cookie Secure when PUBLIC_ORIGIN is https, and then only that origin may POST', async () => {
    const s = await startTarget({ publicOrigin: 'https://budsjett.kommune.no' });
    try {
      await s.store.createUser({ email: 'a@kommune.no', password: 'et langt passord 123', isAdmin: true });
      const c = new Client(s.origin, 'https://budsjett.kommune.no');
      const res = await c.login('a@kommune.no', 'et langt passord 123');
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie().find((l) => l.startsWith('session='))).toMatch(/; Secure/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("connect-src 'self' wss://budsjett.kommune.no");
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
      const local = new Client(s.origin); // sends Origin http://127.0.0.1:port, not the public origin
      expect((await local.login('a@kommune.no', 'et langt passord 123')).status).toBe(403);
    } finally {
      await s.close();
    }
  });
});

describe('password change', () => {
  it('needs the current password, ends every other session, keeps the caller logged in', async () => {
    const { client: a } = await inviteAndAccept(admin, pkg, 'bytter@kommune.no', 'viewer', null, 'gammelt passord 123');
    const other = new Client(h.origin);
    expect((await other.login('bytter@kommune.no', 'gammelt passord 123')).status).toBe(200);
    const wrong = await a.post('/api/auth/password', { currentPassword: 'feil passord', newPassword: 'nytt passord 456' });
    expect(wrong.status).toBe(403);
    const short = await a.post('/api/auth/password', { currentPassword: 'gammelt passord 123', newPassword: 'kort' });
    expect(short.status).toBe(400);
    expect(await json(short)).toMatchObject({ error: { field: 'newPassword' } });
    const ok = await a.post('/api/auth/password', { currentPassword: 'gammelt passord 123', newPassword: 'nytt passord 456' });
    expect(ok.status).toBe(200);
    expect((await a.get('/api/auth/me')).status).toBe(200);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await new Client(h.origin).login('bytter@kommune.no', 'gammelt passord 123')).status).toBe(401);
    expect((await new Client(h.origin).login('bytter@kommune.no', 'nytt passord 456')).status).toBe(200);
    expect((await new Client(h.origin).post('/api/auth/password', { currentPassword: 'x', newPassword: 'nytt passord 456' })).status).toBe(401);
  });
});

describe('client address behind a proxy', () => {
  it('with TRUST_PROXY=1 the per-address limit counts the last X-Forwarded-For entry; without it the header is ignored', async () => {
    const spray = async (s: Target, forwardedFor: (i: number) => string): Promise<number> => {
      const c = new Client(s.origin);
      for (let i = 0; i < 20; i++) await c.request('POST', '/api/auth/login', { email: `b${i}@kommune.no`, password: 'feil' }, { 'x-forwarded-for': forwardedFor(i) });
      const res = await c.request('POST', '/api/auth/login', { email: 'ny@kommune.no', password: 'feil' }, { 'x-forwarded-for': '203.0.113.99' });
      return res.status;
    };
    const behindProxy = await startTarget({ env: { TRUST_PROXY: '1' } });
    try {
      // The attacker's own X-Forwarded-For entries come first; the proxy appends the real address.
      expect(await spray(behindProxy, (i) => `10.0.0.${i}, 203.0.113.7`)).toBe(401);
      const c = new Client(behindProxy.origin);
      const blocked = await c.request('POST', '/api/auth/login', { email: 'x@kommune.no', password: 'feil' }, { 'x-forwarded-for': '1.2.3.4, 203.0.113.7' });
      expect(blocked.status).toBe(429);
    } finally {
      await behindProxy.close();
    }
    const direct = await startTarget();
    try {
      // Without TRUST_PROXY, a client cannot escape the limit by inventing addresses.
      expect(await spray(direct, (i) => `10.0.0.${i}`)).toBe(429);
    } finally {
      await direct.close();
    }
  });
});

describe('mounting', () => {
  it('the accounts body limit applies to accounts routes only: a 180 KB CSV import still goes through', async () => {
    const rows = ['seksjon;type;gruppe;tittel;2026'];
    for (let i = 0; i < 3000; i++) rows.push(`Oppvekst;drift;tiltak;Linje nummer ${i} med en lang tittel;1`);
    const csv = rows.join('\n');
    expect(csv.length).toBeGreaterThan(128 * 1024);
    const res = await admin.request('POST', `/api/packages/${pkg}/import`, csv, { 'content-type': 'text/csv' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ imported: 3000 });
  });
});
