import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { MemberView, Principal, Role } from '../../shared/protocol';
import type { AccountsAuth } from '../auth/provider';
import { appOrigin, originCheck } from '../auth/security';
import type { Sql } from '../auth/sql';
import { USER_ID_RE, type AccountsTx, type AuthStore, type MemberRecord, type User } from '../auth/store';
import { MAX_JSON_BODY_BYTES, emailSchema, errorBody, nameSchema, partySchema, payloadTooLarge, readJsonBody, roleSchema } from '../auth/validation';
import type { PackageAccess } from './access';
import type { PackageInfo } from './info';

const MSG_OWNER_ONLY = 'Bare eiere av pakken kan endre medlemmer';
const MSG_LAST_OWNER = 'Pakken må ha minst én eier';
const MSG_NOT_INVITER =
  'Personen har ikke aktivert kontoen sin ennå. Bare den som opprettet kontoen, eller en administrator, kan lage en ny invitasjonslenke.';
const MSG_PARTY_REQUIRED = 'Redaktører og kommentatorer må høre til et parti (feltet «party»)';
const MSG_NO_MEMBER = 'Medlemmet finnes ikke';

/** Body of `POST /api/packages/:id/members`, strict (unknown fields → 400). */
export const addMemberBody = z.strictObject({
  email: emailSchema,
  role: roleSchema,
  party: partySchema.nullable().optional(),
  name: nameSchema.optional(),
});
/** Body of `PATCH /api/packages/:id/members/:userId`: a new role, party, or both. */
export const patchMemberBody = z
  .strictObject({ role: roleSchema.optional(), party: partySchema.nullable().optional() })
  .refine((b) => b.role !== undefined || b.party !== undefined, { message: 'Oppgi role eller party' });

/** Options of `memberRoutes`. */
export interface MemberRoutesOptions {
  store: AuthStore;
  /** The accounts provider, which announces every membership change. */
  auth: AccountsAuth;
  access: PackageAccess;
  /** PUBLIC_ORIGIN: invitation links are built on it (else on the request's origin). */
  publicOrigin: string | undefined;
  /** TRUST_PROXY: the request's scheme comes from `X-Forwarded-Proto`. */
  trustProxy?: boolean;
  /** Title and parties of a package, when the server can tell. */
  packageInfo?(id: string): PackageInfo | null | Promise<PackageInfo | null>;
}

function memberView(m: MemberRecord, forOwner: boolean): MemberView {
  const view: MemberView = { userId: m.userId, email: m.email, name: m.name, role: m.role, party: m.party };
  if (forOwner) view.status = m.active ? 'active' : 'invited';
  return view;
}

/** Roles that act for a party (edit or comment) and therefore must name one. */
function roleNeedsParty(role: Role): boolean {
  return role === 'editor' || role === 'commenter';
}

/**
 * The package members routes as a Hono sub-app (mount with `app.route('/', …)`):
 * list (any member; invite status for owners only), add by email (creating a pending
 * account with an invitation when the person has none), change role or party,
 * re-issue an invitation, remove. Access comes from the package access resolver: 401
 * without a session, the same 404 for a malformed id, a non-member and a missing
 * package, 403 for a member who is not an owner wherever something changes. Bodies
 * are validated with zod (400 naming the field), over `MAX_JSON_BODY_BYTES` 413, from
 * a foreign Origin 403. The last owner can be neither removed nor downgraded (409);
 * editors and commenters must belong to one of the coalition's parties. Every change
 * reaches `onMembershipChange` listeners before the answer is sent. An invitation
 * never hands over an account someone else was given: only the account's creator or
 * an administrator gets an activation link for a pending account.
 */
export function memberRoutes(options: MemberRoutesOptions): Hono {
  const { store, auth, access } = options;
  const app = new Hono();

  // Guards are attached to each route, never with `app.use('*')`: `app.route('/', …)`
  // merges a sub-app's wildcard middleware into the parent, where a 64 KiB limit
  // would also cut the server's 5 MiB CSV import.
  const guard = [
    originCheck(options.publicOrigin, options.trustProxy ?? false),
    bodyLimit({ maxSize: MAX_JSON_BODY_BYTES, onError: (c) => payloadTooLarge(c, MAX_JSON_BODY_BYTES) }),
  ] as const;

  /** Checks a party against the package's coalition; returns an error message or null. */
  async function partyProblem(packageId: string, party: string | null | undefined): Promise<string | null> {
    if (party === null || party === undefined) return null;
    const info = await options.packageInfo?.(packageId);
    if (info && info.parties.length > 0 && !info.parties.includes(party)) {
      return `Ukjent parti i feltet «party» (tillatt: ${info.parties.join(', ')})`;
    }
    return null;
  }

  /**
   * Whether `who` may hand out a link that activates `user`'s account: only for a
   * pending account, and only its creator or an administrator. An invitation grants a
   * membership, never an account someone else was given.
   */
  function* mayIssueInvitation(tx: AccountsTx, who: Principal, user: User): Sql<boolean> {
    if (user.active) return false;
    if (user.createdBy !== null && user.createdBy === who.userId) return true;
    return (yield* tx.getUserById(who.userId))?.isAdmin === true;
  }

  app.get('/api/packages/:id/members', ...guard, async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const forOwner = a.role === 'owner';
    return c.json({ members: (await store.listMembers(a.id)).map((m) => memberView(m, forOwner)) });
  });

  app.post('/api/packages/:id/members', ...guard, async (c) => {
    const a = await access.forRoute(c, 'owner', MSG_OWNER_ONLY);
    if (a instanceof Response) return a;
    const body = await readJsonBody(c, addMemberBody);
    if (!body.ok) return body.response;
    const { email, role, name } = body.data;
    const party = body.data.party ?? null;
    if (roleNeedsParty(role) && party === null) return c.json(errorBody(MSG_PARTY_REQUIRED, 'party'), 400);
    const problem = await partyProblem(a.id, party);
    if (problem) return c.json(errorBody(problem, 'party'), 400);

    const result = await store.transaction(function* (tx) {
      const user = (yield* tx.getUserByEmail(email)) ?? (yield* tx.insertUser({ email, name, passwordHash: null, createdBy: a.principal.userId }));
      if (yield* tx.getMembership(a.id, user.id)) return null;
      yield* tx.addMembership(a.id, user.id, role, party);
      // A pending account someone else created gets only the membership: it takes
      // effect when that person activates the account with their own link.
      const invite = (yield* mayIssueInvitation(tx, a.principal, user)) ? yield* tx.createInvitation(user.id, a.id, role) : null;
      return { user, invite };
    });
    if (!result) return c.json(errorBody('Personen er allerede medlem av pakken', 'email'), 409);
    auth.emitMembershipChange({ packageId: a.id, userId: result.user.id, role });
    const member = (await store.listMembers(a.id)).find((m) => m.userId === result.user.id);
    const token = result.invite?.token ?? null;
    return c.json(
      {
        member: member ? memberView(member, true) : null,
        inviteUrl: token ? `${appOrigin(c, options.publicOrigin)}/invite#${token}` : null,
        token,
        inviteExpiresAt: result.invite?.expiresAt ?? null,
      },
      201,
    );
  });

  app.patch('/api/packages/:id/members/:userId', ...guard, async (c) => {
    const a = await access.forRoute(c, 'owner', MSG_OWNER_ONLY);
    if (a instanceof Response) return a;
    const userId = c.req.param('userId');
    const body = await readJsonBody(c, patchMemberBody);
    if (!body.ok) return body.response;
    const problem = await partyProblem(a.id, body.data.party);
    if (problem) return c.json(errorBody(problem, 'party'), 400);
    const outcome = await store.transaction(function* (tx) {
      const current = USER_ID_RE.test(userId) ? yield* tx.getMembership(a.id, userId) : null;
      if (!current) return 'missing' as const;
      const role = body.data.role ?? current.role;
      const party = body.data.party === undefined ? current.party : body.data.party;
      if (current.role === 'owner' && role !== 'owner' && (yield* tx.countOwners(a.id)) <= 1) return 'last-owner' as const;
      if (roleNeedsParty(role) && party === null) return 'party' as const;
      return yield* tx.updateMembership(a.id, userId, { role, party });
    });
    if (outcome === 'missing' || outcome === null) return c.json(errorBody(MSG_NO_MEMBER), 404);
    if (outcome === 'last-owner') return c.json(errorBody(MSG_LAST_OWNER, 'role'), 409);
    if (outcome === 'party') return c.json(errorBody(MSG_PARTY_REQUIRED, 'party'), 400);
    auth.emitMembershipChange({ packageId: a.id, userId, role: outcome.role });
    const member = (await store.listMembers(a.id)).find((m) => m.userId === userId);
    return c.json({ member: member ? memberView(member, true) : null });
  });

  /** A fresh invitation link for a member who has not activated their account (the old one expired or was lost). */
  app.post('/api/packages/:id/members/:userId/invitation', ...guard, async (c) => {
    const a = await access.forRoute(c, 'owner', MSG_OWNER_ONLY);
    if (a instanceof Response) return a;
    const userId = c.req.param('userId');
    const member = USER_ID_RE.test(userId) ? await store.getMembership(a.id, userId) : null;
    const user = member ? await store.getUserById(userId) : null;
    if (!member || !user) return c.json(errorBody(MSG_NO_MEMBER), 404);
    if (user.active) return c.json(errorBody('Kontoen er allerede aktivert; personen kan logge inn'), 409);
    if (!(await store.transaction((tx) => mayIssueInvitation(tx, a.principal, user)))) return c.json(errorBody(MSG_NOT_INVITER), 403);
    const invite = await store.createInvitation(userId, a.id, member.role);
    return c.json({ inviteUrl: `${appOrigin(c, options.publicOrigin)}/invite#${invite.token}`, token: invite.token, inviteExpiresAt: invite.expiresAt }, 201);
  });

  app.delete('/api/packages/:id/members/:userId', ...guard, async (c) => {
    const a = await access.forRoute(c, 'owner', MSG_OWNER_ONLY);
    if (a instanceof Response) return a;
    const userId = c.req.param('userId');
    const outcome = await store.transaction(function* (tx) {
      const current = USER_ID_RE.test(userId) ? yield* tx.getMembership(a.id, userId) : null;
      if (!current) return 'missing' as const;
      if (current.role === 'owner' && (yield* tx.countOwners(a.id)) <= 1) return 'last-owner' as const;
      yield* tx.removeMembership(a.id, userId);
      yield* tx.revokePackageInvitations(userId, a.id);
      return 'removed' as const;
    });
    if (outcome === 'missing') return c.json(errorBody(MSG_NO_MEMBER), 404);
    if (outcome === 'last-owner') return c.json(errorBody(MSG_LAST_OWNER), 409);
    auth.emitMembershipChange({ packageId: a.id, userId, role: null });
    return c.body(null, 204);
  });

  return app;
}
