/**
 * The accounts store contract: one test body for every back-end of `AuthStore`
 * (SQLite in the unit project, test/server/auth/store.test.ts; PostgreSQL in the scale
 * project, test/scale/accounts.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootstrapAccounts } from '../../../server/auth/bootstrap';
import type { AuthStore, AuthStoreOptions } from '../../../server/auth/store';

/** One opened store and a raw statement helper (`?` placeholders) on its database. */
export interface OpenedAccounts {
  store: AuthStore;
  sql(text: string, ...params: Array<string | number | null>): Promise<unknown[]>;
  close(): Promise<void>;
}

export type OpenAccounts = (options?: AuthStoreOptions) => Promise<OpenedAccounts>;

export function authStoreContract(name: string, open: OpenAccounts): void {
  describe(`accounts store contract: ${name}`, () => {
    const opened: OpenedAccounts[] = [];
    async function fresh(options?: AuthStoreOptions): Promise<OpenedAccounts> {
      const o = await open(options);
      opened.push(o);
      return o;
    }
    let a: OpenedAccounts;
    let store: AuthStore;
    beforeEach(async () => {
      a = await fresh();
      store = a.store;
    });
    afterEach(async () => {
      for (const o of opened.splice(0)) await o.close();
    });

    describe('users', () => {
      it('normalises emails, refuses a taken one, keeps flags and the creator', async () => {
        const admin = await store.createUser({ email: '  Sjef@Kommune.NO ', password: 'et langt passord', name: ' Sjef ', isAdmin: true });
        expect(admin).toMatchObject({ email: 'sjef@kommune.no', name: 'Sjef', isAdmin: true, active: true, createdBy: null });
        await expect(store.insertUser({ email: 'sjef@kommune.no' })).rejects.toThrow();
        const pending = await store.insertUser({ email: 'ny@kommune.no', createdBy: admin.id });
        expect(pending).toMatchObject({ active: false, isAdmin: false, createdBy: admin.id });
        expect(await store.getUserByEmail('NY@kommune.no')).toEqual(pending);
        expect(await store.getUserById(pending.id)).toEqual(pending);
        expect(await store.getUserById('00000000-0000-0000-0000-000000000000')).toBeNull();
        expect(await store.userCount()).toBe(2);
        await store.setAdmin(pending.id, true);
        expect((await store.getUserById(pending.id))?.isAdmin).toBe(true);
        await store.setPasswordHash(pending.id, 'not-a-real-hash', ' Nora ');
        expect(await store.getUserById(pending.id)).toMatchObject({ active: true, name: 'Nora' });
      });

      it('verifies logins of active accounts only', async () => {
        await store.createUser({ email: 'a@b.no', password: 'et langt passord' });
        await store.createUser({ email: 'pending@b.no' });
        expect((await store.verifyLogin('A@b.no', 'et langt passord'))?.email).toBe('a@b.no');
        expect(await store.verifyLogin('a@b.no', 'feil passord')).toBeNull();
        expect(await store.verifyLogin('pending@b.no', '')).toBeNull();
        expect(await store.verifyLogin('ukjent@b.no', 'et langt passord')).toBeNull();
      });
    });

    describe('sessions', () => {
      it('a session slides its idle expiry but never passes the absolute expiry', async () => {
        const s = (await fresh({ sessionTtlMs: 10_000, sessionAbsoluteTtlMs: 20_000 })).store;
        const user = await s.createUser({ email: 'a@b.no', password: 'et langt passord' });
        const { token } = await s.createSession(user.id);
        expect((await s.userForSession(token))?.user.id).toBe(user.id);
        const o = opened.at(-1)!;
        // Pretend the session was last renewed long ago; the next use renews it.
        await o.sql('UPDATE auth_sessions SET renewed_at = renewed_at - 70000, expires_at = ?', Date.now() + 1000);
        const renewed = (await s.userForSession(token))!;
        expect(renewed.expiresAt).toBeGreaterThan(Date.now() + 5000);
        await o.sql('UPDATE auth_sessions SET absolute_expires_at = ?', Date.now() - 1);
        expect(await s.userForSession(token)).toBeNull();
        expect(await o.sql('SELECT token_hash FROM auth_sessions')).toEqual([]);
      });

      it('announces every end of a session: logout, password change, expiry; renewSession says when it is gone', async () => {
        const heard: string[][] = [];
        store.onSessionsEnded((ids) => heard.push(ids));
        const ann = await store.createUser({ email: 'ann@b.no', password: 'et langt passord' });
        const bob = await store.createUser({ email: 'bob@b.no', password: 'et langt passord' });
        const s1 = await store.createSession(ann.id);
        const s2 = await store.createSession(ann.id);
        const s3 = await store.createSession(bob.id);
        const id1 = (await store.userForSession(s1.token))!.sessionId;
        const id3 = (await store.userForSession(s3.token))!.sessionId;
        expect(await store.renewSession(id1)).toBe(true);
        expect(await store.deleteSession(s1.token)).toBe(id1);
        expect(await store.deleteSession(s1.token)).toBeNull();
        expect(await store.renewSession(id1)).toBe(false);
        expect(heard).toEqual([[id1]]);
        const ended = await store.deleteUserSessions(ann.id);
        expect(ended).toHaveLength(1);
        expect(await store.userForSession(s2.token)).toBeNull();
        await a.sql('UPDATE auth_sessions SET expires_at = ? WHERE token_hash = ?', Date.now() - 1, id3);
        expect(await store.renewSession(id3)).toBe(false);
        expect(heard).toEqual([[id1], ended, [id3]]);
        expect(await store.endExpiredSessions()).toEqual([]);
      });

      it('ends sessions of a deactivated account and of an unknown token quietly', async () => {
        expect(await store.userForSession('x'.repeat(43))).toBeNull();
        const user = await store.insertUser({ email: 'p@b.no', passwordHash: null });
        const { token } = await store.createSession(user.id);
        expect(await store.userForSession(token)).toBeNull();
      });
    });

    describe('one-time tokens', () => {
      it('tokens are single use, also under a race', async () => {
        const user = await store.createUser({ email: 'p@b.no' });
        const { token } = await store.createInvitation(user.id, 'pkg', 'viewer');
        expect(await store.peekToken(token, 'invite')).toMatchObject({ kind: 'invite', userId: user.id, packageId: 'pkg', role: 'viewer' });
        expect(await store.peekToken(token, 'setup')).toBeNull();
        const results = await Promise.all([store.consumeToken(token, 'invite'), store.consumeToken(token, 'invite'), store.consumeToken(token, 'invite')]);
        expect(results.filter((r) => r !== null)).toHaveLength(1);
        expect(await store.peekToken(token, 'invite')).toBeNull();
      });

      it('a new setup token revokes the previous one', async () => {
        const first = await store.createSetupToken();
        const second = await store.createSetupToken();
        expect(await store.peekToken(first, 'setup')).toBeNull();
        expect(await store.peekToken(second, 'setup')).not.toBeNull();
      });

      it('invitations expire, are revoked per account or per package, and are pruned', async () => {
        const user = await store.insertUser({ email: 'p@b.no' });
        const i1 = await store.createInvitation(user.id, 'p1', 'editor');
        const i2 = await store.createInvitation(user.id, 'p2', 'viewer');
        expect(await store.hasOpenInvitation(user.id)).toBe(true);
        await store.revokePackageInvitations(user.id, 'p1');
        expect(await store.peekToken(i1.token, 'invite')).toBeNull();
        expect(await store.peekToken(i2.token, 'invite')).not.toBeNull();
        await store.revokeInvitations(user.id);
        expect(await store.hasOpenInvitation(user.id)).toBe(false);
        const i3 = await store.createInvitation(user.id, null, null);
        await a.sql("UPDATE auth_tokens SET expires_at = ? WHERE kind = 'invite'", Date.now() - 1);
        expect(await store.peekToken(i3.token, 'invite')).toBeNull();
        await store.pruneExpired();
        expect(await a.sql('SELECT token_hash FROM auth_tokens')).toEqual([]);
      });
    });

    describe('memberships', () => {
      it('adds, lists (owners first, then by name), updates, counts and removes', async () => {
        const [ola, kari, bo] = [
          await store.insertUser({ email: 'ola@b.no', name: 'ola', passwordHash: 'h' }),
          await store.insertUser({ email: 'kari@b.no', name: 'Kari' }),
          await store.insertUser({ email: 'bo@b.no', name: 'Bo', passwordHash: 'h' }),
        ];
        await store.addMembership('pkg', ola.id, 'editor', 'SV');
        await store.addMembership('pkg', kari.id, 'editor', 'Ap');
        await store.addMembership('pkg', bo.id, 'owner', null);
        await store.addMembership('other', bo.id, 'viewer', null);
        await expect(store.addMembership('pkg', bo.id, 'viewer', null)).rejects.toThrow();
        const members = await store.listMembers('pkg');
        // Code point order, as SQLite compares: "Kari" before "ola".
        expect(members.map((m) => [m.name, m.role, m.active])).toEqual([
          ['Bo', 'owner', true],
          ['Kari', 'editor', false],
          ['ola', 'editor', true],
        ]);
        expect(await store.countOwners('pkg')).toBe(1);
        expect(await store.updateMembership('pkg', kari.id, { role: 'owner' })).toMatchObject({ role: 'owner', party: 'Ap' });
        expect(await store.updateMembership('pkg', kari.id, { party: null })).toMatchObject({ role: 'owner', party: null });
        expect(await store.updateMembership('nope', kari.id, { role: 'viewer' })).toBeNull();
        expect(await store.countOwners('pkg')).toBe(2);
        expect((await store.listMembershipsOfUser(bo.id)).map((m) => m.packageId).sort()).toEqual(['other', 'pkg']);
        expect(await store.getMembership('pkg', ola.id)).toMatchObject({ role: 'editor', party: 'SV' });
        expect(await store.removeMembership('pkg', ola.id)).toBe(true);
        expect(await store.removeMembership('pkg', ola.id)).toBe(false);
        expect(await store.getMembership('pkg', ola.id)).toBeNull();
      });

      it('a transaction rolls back entirely when its work throws', async () => {
        await expect(
          store.transaction(function* (tx) {
            const u = yield* tx.insertUser({ email: 'halv@b.no' });
            yield* tx.addMembership('pkg', u.id, 'owner', null);
            throw new Error('stop');
          }),
        ).rejects.toThrow('stop');
        expect(await store.getUserByEmail('halv@b.no')).toBeNull();
        expect(await store.countOwners('pkg')).toBe(0);
      });

      it('two owners demoting each other at the same time: one wins, the package keeps an owner (20 rounds)', async () => {
        const ann = await store.insertUser({ email: 'ann@b.no', passwordHash: 'h' });
        const bob = await store.insertUser({ email: 'bob@b.no', passwordHash: 'h' });
        for (let round = 0; round < 20; round++) {
          const pkg = `pkg-${round}`;
          await store.addMembership(pkg, ann.id, 'owner', null);
          await store.addMembership(pkg, bob.id, 'owner', null);
          const demote = (userId: string) =>
            store.transaction(function* (tx) {
              if ((yield* tx.countOwners(pkg)) <= 1) return 'last-owner';
              yield* tx.updateMembership(pkg, userId, { role: 'viewer' });
              return 'done';
            });
          const outcomes = await Promise.all([demote(ann.id), demote(bob.id)]);
          expect(outcomes.sort(), `round ${round}`).toEqual(['done', 'last-owner']);
          expect(await store.countOwners(pkg)).toBe(1);
        }
      });
    });

    describe('login failures', () => {
      it('counts per scope and key within a window; forgets one row; clears a key; prunes old rows', async () => {
        const now = Date.now();
        const r1 = await store.recordLoginFailure('account', 'a@b.no', now - 1000);
        await store.recordLoginFailure('account', 'a@b.no', now - 500);
        await store.recordLoginFailure('address', '10.0.0.1', now);
        const old = await store.recordLoginFailure('account', 'a@b.no', now - 2 * 24 * 3600 * 1000);
        expect(r1).not.toBe(old);
        expect(await store.loginFailuresSince('account', 'a@b.no', now - 60_000)).toEqual({ count: 2, oldest: now - 1000 });
        await store.forgetLoginFailure(r1);
        expect(await store.loginFailuresSince('account', 'a@b.no', now - 60_000)).toEqual({ count: 1, oldest: now - 500 });
        expect(await store.loginFailuresSince('address', 'x', 0)).toEqual({ count: 0, oldest: null });
        await store.pruneExpired(now);
        expect(await store.loginFailuresSince('account', 'a@b.no', 0)).toEqual({ count: 1, oldest: now - 500 });
        await store.clearLoginFailures('account', 'a@b.no');
        expect((await store.loginFailuresSince('account', 'a@b.no', 0)).count).toBe(0);
        expect((await store.loginFailuresSince('address', '10.0.0.1', 0)).count).toBe(1);
      });
    });

    describe('bootstrapAccounts', () => {
      const quiet = () => {};

      it('creates the first admin from BOOTSTRAP_ADMIN_EMAIL/PASSWORD while no user exists', async () => {
        const env = { BOOTSTRAP_ADMIN_EMAIL: 'Sjef@Kommune.no', BOOTSTRAP_ADMIN_PASSWORD: 'et langt passord 123' };
        expect(await bootstrapAccounts(store, env, 'http://localhost:8080', quiet)).toEqual({ kind: 'admin-created', email: 'sjef@kommune.no' });
        expect((await store.verifyLogin('sjef@kommune.no', 'et langt passord 123'))?.isAdmin).toBe(true);
        // Once a user exists the variables are ignored: they cannot reset anything later.
        const again = await bootstrapAccounts(store, { ...env, BOOTSTRAP_ADMIN_PASSWORD: 'et annet passord 456' }, 'http://x', quiet);
        expect(again).toEqual({ kind: 'existing' });
        expect(await store.verifyLogin('sjef@kommune.no', 'et annet passord 456')).toBeNull();
        expect(await store.userCount()).toBe(1);
      });

      it('prints a one-time setup link when no variables are set; never a default password', async () => {
        const lines: string[] = [];
        const out = await bootstrapAccounts(store, {}, 'https://budsjett.kommune.no/', (l) => lines.push(l));
        expect(out.kind).toBe('setup-link');
        if (out.kind !== 'setup-link') return;
        expect(out.url).toMatch(/^https:\/\/budsjett\.kommune\.no\/setup#[A-Za-z0-9_-]{43}$/);
        expect(lines.join('\n')).toContain(out.url);
        expect(await store.peekToken(out.token, 'setup')).not.toBeNull();
        expect(await store.userCount()).toBe(0);
      });

      it('fails loudly on half or invalid bootstrap settings', async () => {
        await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_EMAIL: 'a@b.no' }, 'http://x', quiet)).rejects.toThrow(/both/);
        await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_PASSWORD: 'et langt passord' }, 'http://x', quiet)).rejects.toThrow(/both/);
        await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_EMAIL: 'ikke-epost', BOOTSTRAP_ADMIN_PASSWORD: 'et langt passord' }, 'http://x', quiet)).rejects.toThrow(/valid email/);
        await expect(bootstrapAccounts(store, { BOOTSTRAP_ADMIN_EMAIL: 'a@b.no', BOOTSTRAP_ADMIN_PASSWORD: 'kort' }, 'http://x', quiet)).rejects.toThrow(/characters/);
        expect(await store.userCount()).toBe(0);
      });
    });
  });
}
