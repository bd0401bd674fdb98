/**
 * Agreement derived from sign-offs (docs/schema.md §4): the content fingerprint
 * of an item, whether an item is agreed (every party of the package accepted its
 * current content), the `GET /agreement` view, and the package with its `agreed`
 * statuses derived (what the `agreed` export scope and the agreed balance read).
 * Pure: the server calls it with the stored sign-offs; a client may call it with
 * the sign-offs of `GET /agreement` to recompute as the document changes.
 */
import { canonicalJson } from '../format/canonical';
import { sha256Hex } from '../sha256';
import type { PackageLine, Party, PlainPackage, Status, VerbalInstruction } from '../types';
import type { AgreementItem, AgreementView, LockState, SignoffCounts, SignoffState, SignoffView } from '../protocol/agreement';
import { packageReportOf } from './packageReport';

/**
 * Fingerprint of a line's content: SHA-256 (hex) of the canonical JSON of
 * `{ kind: 'line', title, ledger, group, amounts, invalid, rationale }` — amounts
 * as the canonical strings the document holds, `invalid` the typed text of
 * unreadable cells (an unreadable cell is content too), rationale as plain text.
 * Status, party, section, area, order are not content: changing them keeps sign-offs.
 */
export function fingerprintLine(line: Pick<PackageLine, 'title' | 'ledger' | 'group' | 'amounts' | 'invalid' | 'description'>): string {
  return sha256Hex(
    canonicalJson({ kind: 'line', title: line.title, ledger: line.ledger, group: line.group, amounts: line.amounts, invalid: line.invalid ?? {}, rationale: line.description ?? '' }),
  );
}

/** Fingerprint of a verbal instruction: SHA-256 of the canonical JSON of `{ kind: 'verbal', title, text }` (text as plain text). */
export function fingerprintVerbal(v: Pick<VerbalInstruction, 'title' | 'text'>): string {
  return sha256Hex(canonicalJson({ kind: 'verbal', title: v.title, text: v.text }));
}

/** A sign-off as the server stores it (one per package, item and party). */
export interface StoredSignoff {
  itemId: string;
  party: string;
  state: SignoffState;
  note?: string;
  by: string;
  /** The signer's display name when signed. */
  byName?: string;
  at: string;
  fingerprint: string;
}

/** The items of a package with their current fingerprint. */
export function itemFingerprints(pkg: Pick<PlainPackage, 'lines' | 'verbal'>): Map<string, { kind: 'line' | 'verbal'; title: string; fingerprint: string }> {
  const out = new Map<string, { kind: 'line' | 'verbal'; title: string; fingerprint: string }>();
  for (const l of pkg.lines) out.set(l.id, { kind: 'line', title: l.title, fingerprint: fingerprintLine(l) });
  for (const v of pkg.verbal) out.set(v.id, { kind: 'verbal', title: v.title, fingerprint: fingerprintVerbal(v) });
  return out;
}

const emptyCounts = (): SignoffCounts => ({ accepted: 0, reservation: 0, declined: 0, none: 0 });

/**
 * The agreement of a package: per item its sign-offs (of current parties only),
 * stale ones marked, and `agreed` exactly when the package has parties and each
 * has a non-stale `accepted`. `nameOf` gives display names of signers.
 */
export function agreementOf(
  pkg: PlainPackage,
  signoffs: readonly StoredSignoff[],
  lock: LockState = { locked: false },
  nameOf: (userId: string) => string | undefined = () => undefined,
): AgreementView {
  const parties: Party[] = pkg.parties;
  const partyIds = new Set(parties.map((p) => p.id));
  const fps = itemFingerprints(pkg);
  const byItem = new Map<string, StoredSignoff[]>();
  for (const s of signoffs) {
    if (!partyIds.has(s.party) || !fps.has(s.itemId)) continue;
    const list = byItem.get(s.itemId) ?? [];
    list.push(s);
    byItem.set(s.itemId, list);
  }
  const items: Record<string, AgreementItem> = {};
  const byParty: Record<string, SignoffCounts> = {};
  for (const p of parties) byParty[p.id] = emptyCounts();
  let agreedCount = 0;
  for (const [id, info] of fps) {
    const views: Record<string, SignoffView> = {};
    let changed = false;
    for (const s of byItem.get(id) ?? []) {
      const stale = s.fingerprint !== info.fingerprint;
      if (stale) changed = true;
      const name = nameOf(s.by) ?? s.byName;
      views[s.party] = { state: s.state, ...(s.note ? { note: s.note } : {}), by: s.by, ...(name ? { byName: name } : {}), at: s.at, fingerprint: s.fingerprint, stale };
    }
    const agreed = parties.length > 0 && parties.every((p) => views[p.id]?.state === 'accepted' && !views[p.id]!.stale);
    if (agreed) agreedCount++;
    for (const p of parties) {
      const v = views[p.id];
      byParty[p.id]![v && !v.stale ? v.state : 'none']++;
    }
    items[id] = { kind: info.kind, title: info.title, fingerprint: info.fingerprint, signoffs: views, agreed, changedSinceSigned: changed };
  }
  const agreedIds = new Set(Object.entries(items).filter(([, it]) => it.agreed).map(([id]) => id));
  return {
    parties,
    items,
    summary: { agreed: agreedCount, open: fps.size - agreedCount, byParty },
    agreedBalance: packageReportOf(agreedPackage(pkg, agreedIds)).balance,
    lock,
  };
}

/** The ids of the agreed items of an agreement view. */
export function agreedIdsOf(view: Pick<AgreementView, 'items'>): Set<string> {
  return new Set(Object.entries(view.items).filter(([, it]) => it.agreed).map(([id]) => id));
}

function derive<T extends { id: string; status?: Status }>(item: T, agreed: Set<string>): T {
  if (agreed.has(item.id)) return item.status === 'agreed' ? item : { ...item, status: 'agreed' };
  // A hand-set `agreed` from before sign-offs existed reads as not yet signed.
  return item.status === 'agreed' ? { ...item, status: 'proposed' } : item;
}

/**
 * The package with every item's `agreed` status derived from `agreed` (the ids of
 * the agreed items): agreed items get status `agreed`, any other item that holds
 * `agreed` (set by hand before sign-offs) reads `proposed`; other statuses stay.
 */
export function withDerivedAgreement<P extends { lines: { id: string; status?: Status }[]; verbal: { id: string; status?: Status }[] }>(pkg: P, agreed: Set<string>): P {
  return { ...pkg, lines: pkg.lines.map((l) => derive(l, agreed)), verbal: pkg.verbal.map((v) => derive(v, agreed)) };
}

/** The package restricted to its agreed items (statuses derived): what a lock seals and the agreed balance counts. */
export function agreedPackage<P extends { lines: { id: string; status?: Status }[]; verbal: { id: string; status?: Status }[] }>(pkg: P, agreed: Set<string>): P {
  const d = withDerivedAgreement(pkg, agreed);
  return { ...d, lines: d.lines.filter((l) => agreed.has(l.id)), verbal: d.verbal.filter((v) => agreed.has(v.id)) };
}

/**
 * What a live replica needs of the sign-offs to derive agreement as the document
 * changes: the package's parties (ids, as the server counted them) and, per
 * item, the fingerprint each party's `accepted` sign-off was given on.
 */
export interface Acceptances {
  parties: string[];
  /** itemId → partyId → fingerprint the party accepted. */
  accepted: Record<string, Record<string, string>>;
}

/** No sign-offs: nothing is agreed. */
export const NO_ACCEPTANCES: Acceptances = { parties: [], accepted: {} };

/** The acceptances of an agreement view (`GET /agreement`): every `accepted` sign-off, stale or not (staleness is re-derived). */
export function acceptancesOf(view: Pick<AgreementView, 'parties' | 'items'>): Acceptances {
  const accepted: Record<string, Record<string, string>> = {};
  for (const [id, item] of Object.entries(view.items)) {
    for (const [party, s] of Object.entries(item.signoffs)) {
      if (s.state !== 'accepted') continue;
      (accepted[id] ??= {})[party] = s.fingerprint;
    }
  }
  return { parties: view.parties.map((p) => p.id), accepted };
}

/**
 * Whether every party accepted the item's current content (`fingerprint`,
 * computed only when every party has accepted something) — the rule of `agreementOf`.
 */
export function acceptedByAll(acc: Acceptances, itemId: string, fingerprint: () => string): boolean {
  const mine = acc.accepted[itemId];
  if (!mine || acc.parties.length === 0 || !acc.parties.every((p) => p in mine)) return false;
  const fp = fingerprint();
  return acc.parties.every((p) => mine[p] === fp);
}
