/**
 * The `AuthProvider` contract (server/auth/types.ts) as one suite, run against every
 * provider the server can be given: the test provider (test/server/testAuth.ts) and
 * the real accounts provider (server/auth/provider.ts over `AuthStore` on SQLite).
 * The server relies on exactly these facts; a provider that passes can be swapped in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthProvider, MembershipChange } from '../../../server/auth/types';
import type { Role } from '../../../shared/protocol';

/** A user the adapter made, with the request headers of a live session of theirs. */
export interface SessionUser {
  userId: string;
  /** Request headers carrying the session (the `session` cookie). */
  headers: Headers;
}

/** A provider under test plus the few provider-specific operations the contract needs. */
export interface ProviderUnderTest {
  provider: AuthProvider;
  /** Makes an active user and starts a session for them. */
  userWithSession(opts?: { isAdmin?: boolean }): SessionUser | Promise<SessionUser>;
  /**
   * Gives `userId` a role in a package (null removes the membership) the way the
   * provider's own membership API does it, including announcing the change.
   */
  setRole(userId: string, packageId: string, role: Role | null): void | Promise<void>;
  /** Ends the session behind `headers` the way logout does; absent when the provider has no sessions. */
  endSession?(headers: Headers): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Registers the contract suite for one provider; `make` gives a fresh provider for every test. */
export function authProviderContract(name: string, make: () => ProviderUnderTest | Promise<ProviderUnderTest>, opts: { sessions: boolean }): void {
  describe(`AuthProvider contract: ${name}`, () => {
    let t: ProviderUnderTest;
    let auth: AuthProvider;
    beforeEach(async () => {
      t = await make();
      auth = t.provider;
    });
    afterEach(async () => {
      await t.close();
    });

    const principalOf = async (u: SessionUser) => {
      const p = await auth.authenticate(u.headers);
      if (!p) throw new Error(`no principal for ${u.userId}`);
      return p;
    };

    it('authenticate: a valid session cookie gives that user; no cookie, a forged token or another cookie name gives null', async () => {
      const ann = await t.userWithSession();
      const bob = await t.userWithSession({ isAdmin: true });
      const a = await auth.authenticate(ann.headers);
      expect(a).toMatchObject({ userId: ann.userId, isAdmin: false, email: expect.any(String), name: expect.any(String) });
      expect(await auth.authenticate(bob.headers)).toMatchObject({ userId: bob.userId, isAdmin: true });
      expect(await auth.authenticate(new Headers())).toBeNull();
      expect(await auth.authenticate(new Headers({ cookie: 'session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }))).toBeNull();
      const token = /session=([^;]+)/.exec(ann.headers.get('cookie') ?? '')?.[1];
      expect(token).toBeTruthy();
      expect(await auth.authenticate(new Headers({ cookie: `other=${token}` }))).toBeNull();
      // The session cookie among others still counts.
      expect(await auth.authenticate(new Headers({ cookie: `theme=dark; session=${token}` }))).toMatchObject({ userId: ann.userId });
    });

    it('roleFor: the member’s role in that package; null for a non-member and for other packages; changes count at once', async () => {
      const ann = await t.userWithSession();
      const outsider = await t.userWithSession();
      await t.setRole(ann.userId, 'pkg-a', 'editor');
      const a = await principalOf(ann);
      expect(await auth.roleFor(a, 'pkg-a')).toBe('editor');
      expect(await auth.roleFor(a, 'pkg-b')).toBeNull();
      expect(await auth.roleFor(await principalOf(outsider), 'pkg-a')).toBeNull();
      await t.setRole(ann.userId, 'pkg-a', 'viewer');
      expect(await auth.roleFor(a, 'pkg-a')).toBe('viewer');
      await t.setRole(ann.userId, 'pkg-a', null);
      expect(await auth.roleFor(a, 'pkg-a')).toBeNull();
    });

    it('canCreatePackage: administrators may, other users may not', async () => {
      const admin = await principalOf(await t.userWithSession({ isAdmin: true }));
      const user = await principalOf(await t.userWithSession());
      expect(await auth.canCreatePackage(admin)).toBe(true);
      expect(await auth.canCreatePackage(user)).toBe(false);
    });

    it('afterPackageCreated makes the creator owner, also when they were already a member', async () => {
      const admin = await principalOf(await t.userWithSession({ isAdmin: true }));
      await auth.afterPackageCreated(admin, 'pkg-new');
      expect(await auth.roleFor(admin, 'pkg-new')).toBe('owner');
      expect(await auth.listMemberships(admin)).toContainEqual(expect.objectContaining({ packageId: 'pkg-new', role: 'owner' }));
      await t.setRole(admin.userId, 'pkg-old', 'viewer');
      await auth.afterPackageCreated(admin, 'pkg-old');
      expect(await auth.roleFor(admin, 'pkg-old')).toBe('owner');
    });

    it('listMemberships: exactly the principal’s packages with their roles', async () => {
      const ann = await t.userWithSession();
      const bob = await t.userWithSession();
      await t.setRole(ann.userId, 'pkg-1', 'editor');
      await t.setRole(ann.userId, 'pkg-2', 'viewer');
      await t.setRole(bob.userId, 'pkg-3', 'owner');
      const byPackage = (list: Awaited<ReturnType<AuthProvider['listMemberships']>>) =>
        list.map((m) => ({ packageId: m.packageId, role: m.role })).sort((x, y) => x.packageId.localeCompare(y.packageId));
      expect(byPackage(await auth.listMemberships(await principalOf(ann)))).toEqual([
        { packageId: 'pkg-1', role: 'editor' },
        { packageId: 'pkg-2', role: 'viewer' },
      ]);
      await t.setRole(ann.userId, 'pkg-1', null);
      expect(byPackage(await auth.listMemberships(await principalOf(ann)))).toEqual([{ packageId: 'pkg-2', role: 'viewer' }]);
      expect(await auth.listMemberships(await principalOf(await t.userWithSession()))).toEqual([]);
    });

    it('listMemberIds: exactly the package’s members, any role; a removed member is gone at once', async () => {
      const ann = await t.userWithSession();
      const bob = await t.userWithSession();
      const outsider = await t.userWithSession();
      await t.setRole(ann.userId, 'pkg-m', 'editor');
      await t.setRole(bob.userId, 'pkg-m', 'viewer');
      await t.setRole(outsider.userId, 'pkg-other', 'owner');
      expect((await auth.listMemberIds('pkg-m')).sort()).toEqual([ann.userId, bob.userId].sort());
      await t.setRole(bob.userId, 'pkg-m', null);
      expect(await auth.listMemberIds('pkg-m')).toEqual([ann.userId]);
      expect(await auth.listMemberIds('pkg-none')).toEqual([]);
    });

    it('onMembershipChange: every listener hears each change synchronously; after unsubscribing, that listener hears nothing', async () => {
      const ann = await t.userWithSession();
      const first: MembershipChange[] = [];
      const second: MembershipChange[] = [];
      const stopFirst = auth.onMembershipChange((c) => first.push(c));
      const stopSecond = auth.onMembershipChange((c) => second.push(c));
      try {
        await t.setRole(ann.userId, 'pkg-a', 'editor');
        // The listeners have heard by the time the change has been made.
        expect(first).toEqual([{ packageId: 'pkg-a', userId: ann.userId, role: 'editor' }]);
        expect(second).toEqual(first);
        stopFirst();
        await t.setRole(ann.userId, 'pkg-a', null);
        expect(first).toHaveLength(1);
        expect(second).toEqual([
          { packageId: 'pkg-a', userId: ann.userId, role: 'editor' },
          { packageId: 'pkg-a', userId: ann.userId, role: null },
        ]);
      } finally {
        stopFirst();
        stopSecond();
      }
    });

    if (opts.sessions) {
      it('onSessionEnd: the ended session is named by its principal’s sessionId, synchronously; it no longer authenticates; unsubscribe works', async () => {
        expect(auth.onSessionEnd).toBeTypeOf('function');
        const ann = await t.userWithSession();
        const bob = await t.userWithSession();
        const annSession = (await principalOf(ann)).sessionId;
        const bobSession = (await principalOf(bob)).sessionId;
        expect(annSession).toEqual(expect.any(String));
        expect(bobSession).not.toBe(annSession);
        const heard: string[][] = [];
        const stop = auth.onSessionEnd!((ids) => heard.push(ids));
        try {
          await t.endSession!(ann.headers);
          expect(heard).toEqual([[annSession]]);
          expect(await auth.authenticate(ann.headers)).toBeNull();
          expect(await auth.authenticate(bob.headers)).toMatchObject({ userId: bob.userId, sessionId: bobSession });
          stop();
          await t.endSession!(bob.headers);
          expect(heard).toHaveLength(1);
          expect(await auth.authenticate(bob.headers)).toBeNull();
        } finally {
          stop();
        }
      });
    }
  });
}
