import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { readRichPackageFromDoc, type RichPackage } from '../../shared/doc/richPackage';
import { readPackageFromDoc, writeMetaToDoc } from '../../shared/doc/schema';
import { selectExportedPackage } from '../../shared/export/model';
import { readPackageJson, writePackageJson } from '../../shared/format/json';
import {
  MAX_JSON_BYTES,
  MAX_LOCK_REASON_CHARS,
  MAX_SIGNOFF_ITEMS,
  MAX_SIGNOFF_NOTE_CHARS,
  displayName,
  type AgreementView,
  type LockRefusal,
  type LockResponse,
  type OpenItem,
  type Principal,
  type SealRecord,
  type SignoffView,
  type VersionInfo,
} from '../../shared/protocol';
import { agreedIdsOf, agreementOf, itemFingerprints, withDerivedAgreement } from '../../shared/report/agreement';
import type { Party } from '../../shared/types';
import { errorBody, partySchema, payloadTooLarge, readJsonBody } from '../auth/validation';
import { packageChecksum } from '../export/index';
import { PartiesOrigin, type AgreementHub } from '../hooks/agreement';
import type { DocStorage, VersionRecord } from '../storage/types';
import { docFromStored } from '../storage/stored';
import { docNameFor } from '../sync/registry';
import type { PackageGrant } from './access';
import type { PackageRouteDeps } from './deps';

/** What the agreement route groups need beyond the package routes: the hub (lock cache, notices, `PackageEvents`). */
export interface AgreementRouteDeps extends PackageRouteDeps {
  agreement: AgreementHub;
}

/** Norwegian messages of the agreement routes. */
export const AGREEMENT_MESSAGES = {
  locked: 'Pakken er låst. Den må låses opp før noe endres.',
  notSigner: 'Bare redaktører og eiere kan signere',
  otherParty: 'Du kan bare signere for ditt eget parti',
  unknownParty: 'Partiet finnes ikke i pakken',
  unknownItems: 'Ukjente punkter i pakken',
  changedSince: 'Punktet er endret siden du så det. Se gjennom endringen og signer på nytt.',
  noteRequired: 'Et forbehold må ha en merknad',
  notAgreed: 'Pakken kan ikke låses: ikke alt er det enighet om, eller driftsbudsjettet går ikke i balanse.',
  alreadyLocked: 'Pakken er allerede låst',
  notLocked: 'Pakken er ikke låst',
  movedWhileLocking: 'Pakken ble endret mens den ble låst, så låsingen er angret. Se gjennom endringen og lås på nytt.',
} as const;

/** The caller's party in the package (from the membership), or null. */
export async function partyOf(deps: PackageRouteDeps, principal: Principal, packageId: string): Promise<string | null> {
  return (await deps.auth.listMemberships(principal)).find((m) => m.packageId === packageId)?.party ?? null;
}

/** 409 with `AGREEMENT_MESSAGES.locked` when the package is locked (read from storage, the source of truth), else null. */
export async function refuseWhenLocked(c: Context, storage: DocStorage, packageId: string): Promise<Response | null> {
  return (await storage.getLock(packageId)).locked ? c.json(errorBody(AGREEMENT_MESSAGES.locked), 409) : null;
}

/** The live package (rich) and its agreement: sign-offs from storage, statuses derived. */
export async function liveAgreement(deps: AgreementRouteDeps, packageId: string): Promise<{ rich: RichPackage; view: AgreementView; agreed: Set<string> }> {
  const [signoffs, lock] = await Promise.all([deps.storage.listSignoffs(packageId), deps.storage.getLock(packageId)]);
  const rich = await deps.rooms.withRoom(packageId, 'content', (room) => readRichPackageFromDoc(room.doc, packageId));
  const view = agreementOf(rich, signoffs, lock);
  const agreed = agreedIdsOf(view);
  return { rich: withDerivedAgreement(rich, agreed), view, agreed };
}

/**
 * The package and its agreement as storage holds them now (not as this instance's
 * room has them: another instance's writes are in storage before its clients see
 * them) — what a lock compares its seal with once it holds.
 */
async function storedAgreement(deps: AgreementRouteDeps, packageId: string): Promise<{ data: string; items: AgreementView['items'] }> {
  const [stored, signoffs, lock] = await Promise.all([deps.storage.load(docNameFor(packageId, 'content')), deps.storage.listSignoffs(packageId), deps.storage.getLock(packageId)]);
  const doc = docFromStored(stored);
  const rich = readRichPackageFromDoc(doc, packageId);
  doc.destroy();
  const view = agreementOf(rich, signoffs, lock);
  return { data: writePackageJson(withDerivedAgreement(rich, agreedIdsOf(view))), items: view.items };
}

/** A stored version as the API lists it. */
export function versionInfoOf(v: Omit<VersionRecord, 'data'>): VersionInfo {
  const seal = v.seal ? (JSON.parse(v.seal) as SealRecord) : null;
  return {
    id: v.id,
    name: v.name,
    createdAt: v.createdAt,
    createdBy: v.createdBy,
    ...(v.createdByName ? { createdByName: v.createdByName } : {}),
    ...(seal ? { sealed: { checksum: seal.checksum, ...(seal.override ? { override: seal.override } : {}) } } : {}),
  };
}

/** The package of a stored version (its statuses as derived when it was saved), or null when the text does not read. */
export function versionPackage(v: VersionRecord): RichPackage | null {
  const r = readPackageJson(v.data);
  return r.ok ? r.pkg : null;
}

/**
 * The checksum a lock seals: SHA-256 of the canonical JSON of the agreed package —
 * the package file's `package` of the round (read back from its stored text),
 * restricted to the items with status `agreed` (`selectExportedPackage(…, 'agreed')`),
 * exactly what a JSON export of that round with scope `agreed` writes.
 */
export function sealChecksum(pkg: RichPackage): string {
  return packageChecksum(selectExportedPackage(pkg, 'agreed'));
}

const signoffBody = z.strictObject({
  items: z.array(z.string().min(1).max(200)).min(1).max(MAX_SIGNOFF_ITEMS),
  party: z.string().min(1).max(200),
  state: z.enum(['accepted', 'reservation', 'declined', 'none']),
  note: z.string().trim().max(MAX_SIGNOFF_NOTE_CHARS).optional(),
  seen: z.record(z.string().max(200), z.string().max(128)).optional(),
});
const lockBody = z.strictObject({ override: z.string().trim().min(1).max(MAX_LOCK_REASON_CHARS).optional() });
const unlockBody = z.strictObject({ reason: z.string().trim().min(1).max(MAX_LOCK_REASON_CHARS) });
const partiesBody = z.strictObject({
  parties: z
    .array(z.strictObject({ id: partySchema, name: z.string().trim().min(1).max(200), color: z.string().regex(/^#[0-9a-fA-F]{6}$/) }))
    .max(20)
    .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'Hvert parti kan bare stå én gang'),
});

/** Whether the caller's role may sign at all (owners and editors; commenters and viewers never). */
function maySign(a: PackageGrant): boolean {
  return a.role === 'owner' || a.role === 'editor';
}

/**
 * Agreement routes (docs/schema.md §4): `PUT /api/packages/:id/signoffs`,
 * `GET /api/packages/:id/agreement`, `GET /api/packages/:id/lock`,
 * `POST /api/packages/:id/lock`, `POST /api/packages/:id/unlock` and
 * `PUT /api/packages/:id/parties`.
 */
export function agreementRoutes(deps: AgreementRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms, storage, agreement } = deps;
  const jsonLimit = bodyLimit({ maxSize: MAX_JSON_BYTES, onError: (c) => payloadTooLarge(c, MAX_JSON_BYTES) });

  app.put('/api/packages/:id/signoffs', jsonLimit, async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    if (!maySign(a)) return c.json(errorBody(AGREEMENT_MESSAGES.notSigner), 403);
    const body = await readJsonBody(c, signoffBody);
    if (!body.ok) return body.response;
    const { items, party, state, note, seen } = body.data;
    if ((await partyOf(deps, a.principal, a.id)) !== party) return c.json(errorBody(AGREEMENT_MESSAGES.otherParty), 403);
    if (state === 'reservation' && !note) return c.json(errorBody(AGREEMENT_MESSAGES.noteRequired, 'note'), 400);
    const current = await rooms.withRoom(a.id, 'content', (room) => {
      const pkg = readPackageFromDoc(room.doc, a.id);
      return { parties: pkg.parties, fps: itemFingerprints(pkg) };
    });
    if (!current.parties.some((p) => p.id === party)) return c.json(errorBody(AGREEMENT_MESSAGES.unknownParty), 403);
    const unknown = items.filter((id) => !current.fps.has(id));
    if (unknown.length > 0) return c.json({ ...errorBody(AGREEMENT_MESSAGES.unknownItems), unknown }, 404);
    const changed = Object.entries(seen ?? {})
      .filter(([id, fp]) => current.fps.has(id) && current.fps.get(id)!.fingerprint !== fp)
      .map(([id]) => id);
    if (changed.length > 0) return c.json({ ...errorBody(AGREEMENT_MESSAGES.changedSince), changed }, 409);
    const at = new Date().toISOString();
    const by = a.principal.userId;
    const byName = displayName(a.principal);
    const unique = [...new Set(items)];
    const result = await storage.putSignoffs(
      a.id,
      unique.map((itemId) => ({
        itemId,
        party,
        state: state === 'none' ? null : state,
        ...(note && state !== 'none' ? { note } : {}),
        by,
        byName,
        at,
        fingerprint: current.fps.get(itemId)!.fingerprint,
      })),
    );
    if ('locked' in result) return c.json(errorBody(AGREEMENT_MESSAGES.locked), 409);
    await agreement.agreementChanged(a.id, 'signoffs');
    return c.json({ updated: result.updated });
  });

  app.get('/api/packages/:id/agreement', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const { view } = await liveAgreement(deps, a.id);
    return c.json(view);
  });

  app.get('/api/packages/:id/lock', async (c) => {
    const a = await access.forRoute(c, 'read');
    if (a instanceof Response) return a;
    const [lock, log] = await Promise.all([storage.getLock(a.id), storage.listLockLog(a.id)]);
    return c.json({ ...lock, log });
  });

  app.post('/api/packages/:id/lock', jsonLimit, async (c) => {
    const a = await access.forRoute(c, 'owner');
    if (a instanceof Response) return a;
    const body = await readJsonBody(c, lockBody);
    if (!body.ok) return body.response;
    if ((await storage.getLock(a.id)).locked) return c.json(errorBody(AGREEMENT_MESSAGES.alreadyLocked), 409);
    const { rich, view, agreed } = await liveAgreement(deps, a.id);
    const open: OpenItem[] = Object.entries(view.items)
      .filter(([, it]) => !it.agreed)
      .map(([id, it]) => ({ id, kind: it.kind, title: it.title }));
    const drift = view.agreedBalance.ledgers.drift;
    const planYears = new Set(rich.planYears);
    const unbalancedYears = [...new Set([...drift.unbalancedYears, ...drift.unknownYears])].filter((y) => planYears.has(y)).sort();
    const unreadable = rich.lines.filter((l) => agreed.has(l.id)).flatMap((l) => Object.keys(l.invalid ?? {}).map((year) => ({ lineId: l.id, year })));
    const override = body.data.override;
    if (!override && (open.length > 0 || unbalancedYears.length > 0 || unreadable.length > 0)) {
      const refusal: LockRefusal = { ...errorBody(AGREEMENT_MESSAGES.notAgreed), open, unbalancedYears, unreadable };
      return c.json(refusal, 409);
    }
    const at = new Date().toISOString();
    const by = a.principal.userId;
    const byName = displayName(a.principal);
    const data = writePackageJson(rich);
    const stored = readPackageJson(data);
    if (!stored.ok) throw new Error('the package file of the sealed round does not read back');
    const signoffs: SealRecord['signoffs'] = {};
    for (const [id, it] of Object.entries(view.items)) if (Object.keys(it.signoffs).length > 0) signoffs[id] = it.signoffs as Record<string, SignoffView>;
    const versionId = globalThis.crypto.randomUUID();
    const seal: SealRecord = {
      versionId,
      checksum: sealChecksum(stored.pkg),
      lockedBy: by,
      lockedByName: byName,
      lockedAt: at,
      ...(override ? { override } : {}),
      signoffs,
      parties: view.parties.map((p) => ({ id: p.id, name: p.name, accepted: view.summary.byParty[p.id]?.accepted ?? 0 })),
      balance: view.agreedBalance,
    };
    const version: VersionRecord = {
      packageId: a.id,
      id: versionId,
      name: `Forseglet ${at.slice(0, 10)}`,
      createdAt: at,
      createdBy: by,
      createdByName: byName,
      data,
      seal: JSON.stringify(seal),
    };
    const done = await storage.setLock(a.id, { locked: true, by, byName, at, ...(override ? { override } : {}), seal: version });
    if (!done) return c.json(errorBody(AGREEMENT_MESSAGES.alreadyLocked), 409);
    await agreement.lockChanged(a.id);
    // A write or a sign-off may have landed between the read above and the lock. Storage
    // refuses people's writes and sign-offs from the lock on, on every instance, so read
    // what it holds: if the package or its sign-offs moved, the seal is not of what is
    // locked — undo the lock, withdraw the seal, and let the owner look again.
    const after = await storedAgreement(deps, a.id);
    if (after.data !== data || JSON.stringify(after.items) !== JSON.stringify(view.items)) {
      await storage.setLock(a.id, { locked: false, by, byName, at: new Date().toISOString(), reason: AGREEMENT_MESSAGES.movedWhileLocking, withdrawSeal: versionId });
      await agreement.lockChanged(a.id);
      return c.json(errorBody(AGREEMENT_MESSAGES.movedWhileLocking), 409);
    }
    const answer: LockResponse = { lock: await storage.getLock(a.id), version: versionInfoOf(version), seal };
    return c.json(answer);
  });

  app.post('/api/packages/:id/unlock', jsonLimit, async (c) => {
    const a = await access.forRoute(c, 'owner');
    if (a instanceof Response) return a;
    const body = await readJsonBody(c, unlockBody);
    if (!body.ok) return body.response;
    const done = await storage.setLock(a.id, { locked: false, by: a.principal.userId, byName: displayName(a.principal), at: new Date().toISOString(), reason: body.data.reason });
    if (!done) return c.json(errorBody(AGREEMENT_MESSAGES.notLocked), 409);
    await agreement.lockChanged(a.id);
    return c.json({ lock: await storage.getLock(a.id) });
  });

  app.put('/api/packages/:id/parties', jsonLimit, async (c) => {
    const a = await access.forRoute(c, 'owner');
    if (a instanceof Response) return a;
    const body = await readJsonBody(c, partiesBody);
    if (!body.ok) return body.response;
    const locked = await refuseWhenLocked(c, storage, a.id);
    if (locked) return locked;
    const parties: Party[] = body.data.parties;
    const before = await rooms.withRoom(a.id, 'content', (room) => readPackageFromDoc(room.doc, a.id).parties);
    const removed = before.filter((p) => !parties.some((q) => q.id === p.id));
    const origin = new PartiesOrigin(a.principal.userId);
    await rooms.withRoom(a.id, 'content', (room) => room.transact((doc) => writeMetaToDoc(doc, { parties }, origin), origin));
    // Removing a party must not make the items the others accepted agreed: every sign-off starts over.
    let reset = 0;
    if (removed.length > 0) {
      const all = await storage.listSignoffs(a.id);
      reset = all.length;
      if (all.length > 0) await storage.putSignoffs(a.id, all.map((s) => ({ ...s, state: null })));
    }
    await storage.appendLockLog(a.id, {
      action: 'parties',
      by: a.principal.userId,
      byName: displayName(a.principal),
      at: new Date().toISOString(),
      reason: `Partier: ${parties.map((p) => p.name).join(', ')}${removed.length > 0 ? ` (fjernet: ${removed.map((p) => p.name).join(', ')}; ${reset} signeringer nullstilt)` : ''}`,
    });
    await agreement.agreementChanged(a.id, 'signoffs');
    await agreement.agreementChanged(a.id, 'parties');
    return c.json({ parties, signoffsReset: reset });
  });

  return app;
}
