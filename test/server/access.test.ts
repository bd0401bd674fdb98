/**
 * The package access resolver (server/packages/access.ts) on its own, with the test
 * provider: the order of its checks and its answer for every need and role. The HTTP
 * routes, the members routes and the websocket upgrade all answer with it (api.test.ts,
 * auth/attack-http.test.ts, auth/attack-ws.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ACCESS_MESSAGES, createPackageAccess, type PackageNeed } from '../../server/packages/access';
import type { Role } from '../../shared/protocol';
import { createTestAuth, TEST_SESSION_COOKIE } from './testAuth';

function setup() {
  const auth = createTestAuth();
  const existing = new Set(['pkg']);
  const access = createPackageAccess({ auth, packageExists: (id) => existing.has(id) });
  const headersOf = (userId: string) => new Headers({ cookie: `${TEST_SESSION_COOKIE}=${auth.addUser({ userId })}` });
  return { auth, existing, access, headersOf };
}

describe('package access resolver', () => {
  it('401 without a session; the same 404 for a malformed id, a non-member and a package that no longer exists', async () => {
    const { auth, existing, access, headersOf } = setup();
    expect(await access.resolve(new Headers(), 'pkg', 'read')).toEqual({ ok: false, status: 401, message: ACCESS_MESSAGES.unauthenticated });
    const member = headersOf('member');
    auth.setRole('member', 'pkg', 'owner');
    // Even a provider and a storage that would accept it: a malformed id is never looked up.
    auth.setRole('member', '../pkg', 'owner');
    existing.add('../pkg');
    const notFound = { ok: false, status: 404, message: ACCESS_MESSAGES.notFound };
    expect(await access.resolve(member, '../pkg', 'read')).toEqual(notFound);
    expect(await access.resolve(headersOf('outsider'), 'pkg', 'read')).toEqual(notFound);
    existing.delete('pkg');
    expect(await access.resolve(member, 'pkg', 'read')).toEqual(notFound);
  });

  it.each<[Role, PackageNeed[], PackageNeed[]]>([
    ['owner', ['read', 'comment', 'write', 'owner'], []],
    ['editor', ['read', 'comment', 'write'], ['owner']],
    ['commenter', ['read', 'comment'], ['write', 'owner']],
    ['viewer', ['read'], ['comment', 'write', 'owner']],
  ])('%s: granted %j, 403 for %j', async (role, granted, refused) => {
    const { auth, access, headersOf } = setup();
    const headers = headersOf('u');
    auth.setRole('u', 'pkg', role);
    for (const need of granted) {
      expect(await access.resolve(headers, 'pkg', need), need).toMatchObject({ ok: true, role, id: 'pkg', principal: { userId: 'u' } });
    }
    for (const need of refused) {
      const expected = ACCESS_MESSAGES.forbidden[need as Exclude<PackageNeed, 'read'>];
      expect(await access.resolve(headers, 'pkg', need), need).toEqual({ ok: false, status: 403, message: expected });
      expect(await access.resolve(headers, 'pkg', need, 'Egen melding'), need).toEqual({ ok: false, status: 403, message: 'Egen melding' });
    }
  });
});
