import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type * as Y from 'yjs';
import { entryOf, getLinesMap, setLineAmount } from '../../shared/doc/schema';
import { parseAmount, toCanonical } from '../../shared/money';
import { MAX_JSON_BYTES, MAX_PROPOSAL_NOTE_CHARS, displayName, type ProposalView } from '../../shared/protocol';
import { errorBody, payloadTooLarge, readJsonBody } from '../auth/validation';
import type { ProposalRecord } from '../storage/types';
import { AGREEMENT_MESSAGES, partyOf, refuseWhenLocked, type AgreementRouteDeps } from './agreement';
import { HttpOrigin } from './origin';

const createBody = z.strictObject({
  lineId: z.string().min(1).max(200),
  year: z.string().regex(/^\d{4}$/),
  amount: z.string().min(1).max(100),
  note: z.string().trim().max(MAX_PROPOSAL_NOTE_CHARS).optional(),
});
const resolveBody = z.strictObject({ note: z.string().trim().max(MAX_PROPOSAL_NOTE_CHARS).optional() });

const MESSAGES = {
  notFound: 'Forslaget finnes ikke',
  noLine: 'Linjen finnes ikke',
  noParty: 'Du må høre til et parti for å foreslå eller svare på et beløp',
  badAmount: 'Ugyldig beløp',
  ownParty: 'Et forslag godtas eller avslås av et annet parti enn forslagsstillerens',
  notProposer: 'Bare den som foreslo kan trekke forslaget',
  notPending: 'Forslaget er allerede besvart',
  outdated: 'Cellen er endret siden forslaget ble gitt',
} as const;

/** The amount of a cell as a proposal compares it: the canonical amount, or null (empty or unreadable). */
function cellAmount(doc: Y.Doc, lineId: string, year: string): string | null {
  const line = entryOf(getLinesMap(doc), lineId);
  const amounts = line?.get('amounts') as Y.Map<unknown> | undefined;
  const v = amounts && typeof amounts.get === 'function' ? amounts.get(year) : undefined;
  return typeof v === 'string' ? v : null;
}

function viewOf(p: ProposalRecord, current: string | null | undefined): ProposalView {
  const { packageId: _p, resolveNote: _n, ...rest } = p;
  return { ...rest, outdated: p.state === 'pending' && current !== undefined && current !== p.against };
}

/**
 * Counter-offers (docs/schema.md §4): `POST /api/packages/:id/proposals` (editors
 * and owners with a party; 201 `ProposalView`), `GET …/proposals[?state=]` (any
 * member), `POST …/proposals/:pid/accept` (an editor or owner of another party: the
 * cell becomes the amount through the room as an edit attributed to the accepter,
 * so the audit trail records it; 409 when not pending, outdated or locked),
 * `POST …/:pid/decline` (another party) and `POST …/:pid/withdraw` (the proposer).
 * `outdated` is derived on every read: the cell's amount differs from `against`.
 */
export function proposalRoutes(deps: AgreementRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms, storage, agreement } = deps;
  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BYTES, onError: (c) => payloadTooLarge(c, MAX_JSON_BYTES) });

  app.post('/api/packages/:id/proposals', jsonLimit, async (c) => {
    const a = await access.forRoute(c, 'write');
    if (a instanceof Response) return a;
    const body = await readJsonBody(c, createBody);
    if (!body.ok) return body.response;
    const party = await partyOf(deps, a.principal, a.id);
    if (!party) return c.json(errorBody(MESSAGES.noParty), 403);
    const parsed = parseAmount(body.data.amount);
    if (!parsed.ok || parsed.value === null) return c.json(errorBody(MESSAGES.badAmount, 'amount'), 400);
    const locked = await refuseWhenLocked(c, storage, a.id);
    if (locked) return locked;
    const against = await rooms.withRoom(a.id, 'content', (room) => (entryOf(getLinesMap(room.doc), body.data.lineId) ? cellAmount(room.doc, body.data.lineId, body.data.year) : undefined));
    if (against === undefined) return c.json(errorBody(MESSAGES.noLine), 404);
    const p: ProposalRecord = {
      packageId: a.id,
      id: globalThis.crypto.randomUUID(),
      lineId: body.data.lineId,
      year: body.data.year,
      amount: toCanonical(parsed.value),
      against,
      ...(body.data.note ? { note: body.data.note } : {}),
      party,
      by: a.principal.userId,
      byName: displayName(a.principal),
      at: new Date().toISOString(),
      state: 'pending',
    };
    await storage.createProposal(p);
    await agreement.agreementChanged(a.id, 'proposals');
    return c.json(viewOf(p, against), 201);
  });

  app.get('/api/packages/:id/proposals', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const state = c.req.query('state');
    const all = (await storage.listProposals(a.id)).filter((p) => !state || p.state === state);
    const proposals = await rooms.withRoom(a.id, 'content', (room) => all.map((p) => viewOf(p, cellAmount(room.doc, p.lineId, p.year))));
    return c.json({ proposals });
  });

  for (const action of ['accept', 'decline', 'withdraw'] as const) {
    app.post(`/api/packages/:id/proposals/:pid/${action}`, jsonLimit, async (c) => {
      const a = await access.forRoute(c, 'write');
      if (a instanceof Response) return a;
      const body = c.req.header('content-type') ? await readJsonBody(c, resolveBody) : { ok: true as const, data: {} as z.infer<typeof resolveBody> };
      if (!body.ok) return body.response;
      const p = await storage.getProposal(a.id, c.req.param('pid'));
      if (!p) return c.json(errorBody(MESSAGES.notFound), 404);
      const party = await partyOf(deps, a.principal, a.id);
      if (action === 'withdraw') {
        if (p.by !== a.principal.userId) return c.json(errorBody(MESSAGES.notProposer), 403);
      } else {
        if (!party) return c.json(errorBody(MESSAGES.noParty), 403);
        if (party === p.party) return c.json(errorBody(MESSAGES.ownParty), 403);
      }
      if (p.state !== 'pending') return c.json(errorBody(MESSAGES.notPending), 409);
      const resolution = {
        state: action === 'accept' ? ('accepted' as const) : action === 'decline' ? ('declined' as const) : ('withdrawn' as const),
        by: a.principal.userId,
        byName: displayName(a.principal),
        at: new Date().toISOString(),
        ...(body.data.note ? { note: body.data.note } : {}),
      };
      if (action === 'accept') {
        if ((await storage.getLock(a.id)).locked) return c.json(errorBody(AGREEMENT_MESSAGES.locked), 409);
        const origin = new HttpOrigin(a.principal.userId);
        // Checked and written in one turn of the room, so no edit slips in between.
        const outcome = await rooms.withRoom(a.id, 'content', async (room) => {
          if (!entryOf(getLinesMap(room.doc), p.lineId)) return 'gone' as const;
          if (cellAmount(room.doc, p.lineId, p.year) !== p.against) return 'outdated' as const;
          await room.transact((doc) => setLineAmount(doc, p.lineId, p.year, p.amount, origin), origin);
          return 'ok' as const;
        });
        if (outcome === 'gone') return c.json(errorBody(MESSAGES.noLine), 409);
        if (outcome === 'outdated') return c.json(errorBody(MESSAGES.outdated), 409);
      }
      const r = await storage.resolveProposal(a.id, p.id, resolution);
      if (!r) return c.json(errorBody(MESSAGES.notFound), 404);
      if (!r.changed) return c.json(errorBody(MESSAGES.notPending), 409);
      await agreement.agreementChanged(a.id, 'proposals');
      const current = await rooms.withRoom(a.id, 'content', (room) => cellAmount(room.doc, p.lineId, p.year));
      return c.json(viewOf(r.proposal, current));
    });
  }

  return app;
}
