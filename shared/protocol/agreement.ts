/**
 * The agreement API (issue 13; docs/schema.md §4 «Agreement»): per-party
 * sign-offs, negotiation rounds (versions) and their diff, counter-offers on
 * amounts, lock and seal, comments on one cell and mentions. These are the
 * request and response shapes of the HTTP routes and the lock notice the server
 * pushes over the content document's websocket. The server keeps all of it in its
 * own store next to the audit trail — nothing of it lives in the Yjs documents, so
 * no client can write it.
 *
 * Fingerprints: `fingerprintLine` / `fingerprintVerbal` (shared/report/agreement.ts)
 * are pure and synchronous (SHA-256 in shared/sha256.ts), so client and server
 * compute the same value from the same item; the server also sends each item's
 * current fingerprint in `GET /agreement`, which a client may echo as `seen`.
 */
import * as encoding from 'lib0/encoding';
import type { BalanceReport, DecimalString, Party, PlainPackage, Year } from '../types';
import { MESSAGE_NOTICE } from './wire';

// ─── Sign-offs ──────────────────────────────────────────────────────────────

/** A party's stand on one item. `none` (no row) is the default. `declined` ≠ the line status «Forkastet» (`rejected`). */
export const SIGNOFF_STATES = ['accepted', 'reservation', 'declined'] as const;
export type SignoffState = (typeof SIGNOFF_STATES)[number];
/** What `PUT /signoffs` may set: a state, or `none` to remove the party's sign-off. */
export type SignoffStateInput = SignoffState | 'none';
/** Longest sign-off note (a reservation's reason), in characters. */
export const MAX_SIGNOFF_NOTE_CHARS = 2000;
/** Most items one `PUT /signoffs` may name. */
export const MAX_SIGNOFF_ITEMS = 5000;

/** `PUT /api/packages/:id/signoffs` body. A `reservation` needs a non-empty `note`. */
export interface SignoffRequest {
  items: string[];
  party: string;
  state: SignoffStateInput;
  note?: string;
  /** itemId → the fingerprint the caller saw; 409 `{ error, changed: [itemId…] }` when one differs from the current. */
  seen?: Record<string, string>;
}
/** 200 answer of `PUT /signoffs`: how many items' sign-offs were written (set or removed). */
export interface SignoffResponse {
  updated: number;
}

/** One party's sign-off on one item as `GET /agreement` lists it. */
export interface SignoffView {
  state: SignoffState;
  note?: string;
  /** User id of the member who signed. */
  by: string;
  /** Their display name when the server knows it. */
  byName?: string;
  /** ISO 8601. */
  at: string;
  /** The item's fingerprint when signed. */
  fingerprint: string;
  /** The item changed since (`fingerprint` ≠ the item's current one): «endret etter signering». A stale sign-off counts as none. */
  stale: boolean;
}

export type AgreementItemKind = 'line' | 'verbal';

/** One item (line or verbal instruction) of `GET /agreement`. */
export interface AgreementItem {
  kind: AgreementItemKind;
  title: string;
  /** The item's current content fingerprint (echo it in `seen`). */
  fingerprint: string;
  /** partyId → sign-off (parties without one are absent). Sign-offs of parties no longer in the package are left out. */
  signoffs: Record<string, SignoffView>;
  /** Every party of the package has `accepted` the current content (no stale sign-off). False when the package has no parties. */
  agreed: boolean;
  /** Some sign-off is stale: «endret etter signering». */
  changedSinceSigned: boolean;
}

/** Counts per party; stale sign-offs count as `none`. */
export type SignoffCounts = Record<SignoffState | 'none', number>;

/** `GET /api/packages/:id/agreement`. */
export interface AgreementView {
  parties: Party[];
  items: Record<string, AgreementItem>;
  summary: { agreed: number; open: number; byParty: Record<string, SignoffCounts> };
  /** The balance report (as `GET /balance`) of the agreed lines alone. */
  agreedBalance: BalanceReport;
  lock: LockState;
}

// ─── Versions (rounds) ──────────────────────────────────────────────────────

export const MAX_VERSION_NAME_CHARS = 200;

/** `POST /api/packages/:id/versions` body (editors, owners). */
export interface CreateVersionRequest {
  name: string;
}
/** A stored round: 201 of `POST /versions`, and each entry of `GET /versions` (newest first). */
export interface VersionInfo {
  id: string;
  name: string;
  /** ISO 8601. */
  createdAt: string;
  /** User id. */
  createdBy: string | null;
  createdByName?: string;
  /** Set for the round a lock saved (`GET /versions/:vid/seal` has the details). */
  sealed?: { checksum: string; override?: string };
}
/** `GET /api/packages/:id/versions` */
export interface VersionList {
  versions: VersionInfo[];
}
/**
 * `GET /api/packages/:id/versions/:vid` answers the package at that round in the
 * JSON package format (the file `GET /export?format=json&scope=all` writes:
 * `{ format, version, package }`); `GET …/:vid/balance` its balance report.
 */

// ─── Diff ───────────────────────────────────────────────────────────────────

/** `from`/`to` of one value; `null` where a cell (or field) is empty. */
export interface FromTo<T = string | null> {
  from: T;
  to: T;
}
/** The fields of a line the diff compares besides amounts (`description` is the rationale as plain text). */
export const DIFF_LINE_FIELDS = ['title', 'ledger', 'group', 'section', 'status', 'party', 'area', 'permanent', 'description'] as const;
export type DiffLineField = (typeof DIFF_LINE_FIELDS)[number];

export interface LineChange {
  id: string;
  /** The title in `to`. */
  title: string;
  /** Only fields that differ; values as strings (`permanent`: "true"/null), null when absent. */
  fields: Partial<Record<DiffLineField, FromTo>>;
  /** Only years whose amount differs; canonical decimal strings, null where empty. An unreadable cell reads as its typed text prefixed `?` (e.g. `"?1,2,3"`). */
  amounts: Record<Year, FromTo>;
}
export interface VerbalChange {
  id: string;
  title: string;
  /** Whole instruction texts (title is compared too: a changed title shows in `fromTitle`/`toTitle`). */
  from: string;
  to: string;
  fromTitle?: string;
  toTitle?: string;
}
/**
 * `GET /api/packages/:id/diff?from=<vid>&to=<vid|current>` (`from` may be
 * `current` too). Lines and instructions ordered as in `to` (removed: as in `from`).
 */
export interface PackageDiff {
  lines: { added: DiffLine[]; removed: DiffLine[]; changed: LineChange[] };
  verbal: { added: DiffVerbal[]; removed: DiffVerbal[]; changed: VerbalChange[] };
  /** Every ledger × every year of either side: the net (tiltak + inndekning) of readable amounts in `from` and `to`, and `to − from`. */
  net: Record<string, Record<Year, { from: DecimalString; to: DecimalString; delta: DecimalString }>>;
}
/** A line as the diff lists added/removed ones (the plain line of the JSON API). */
export type DiffLine = PlainPackage['lines'][number];
export type DiffVerbal = PlainPackage['verbal'][number];

// ─── Counter-offers (proposals) ─────────────────────────────────────────────

export const PROPOSAL_STATES = ['pending', 'accepted', 'declined', 'withdrawn'] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];
export const MAX_PROPOSAL_NOTE_CHARS = 2000;

/**
 * `POST /api/packages/:id/proposals` (editors and owners with a party): a figure
 * for one cell without changing it. `amount` as typed (`"2,6"`, `"-3"`) or
 * canonical; the server stores it canonical; unreadable → 400.
 */
export interface CreateProposalRequest {
  lineId: string;
  year: Year;
  amount: string;
  note?: string;
}
/** A counter-offer as the API answers it. */
export interface ProposalView {
  id: string;
  lineId: string;
  year: Year;
  /** The proposed amount, canonical. */
  amount: DecimalString;
  /** The cell's amount when proposed (canonical, or null when empty / unreadable). */
  against: DecimalString | null;
  note?: string;
  /** The proposer's party id (null without one). */
  party: string | null;
  by: string;
  byName?: string;
  /** ISO 8601. */
  at: string;
  state: ProposalState;
  /** Pending and the cell's current amount differs from `against` (derived on every read). */
  outdated: boolean;
  resolvedBy?: string;
  resolvedByName?: string;
  resolvedAt?: string;
}
/** `GET /api/packages/:id/proposals[?state=pending]` (any member), oldest first. */
export interface ProposalList {
  proposals: ProposalView[];
}
/**
 * `POST /api/packages/:id/proposals/:pid/accept` — an editor/owner of another
 * party than the proposer's: the cell becomes the amount, written through the room
 * as an ordinary edit attributed to the accepter (audit row `amount`); 409 when it
 * is not pending, outdated, or the package is locked. → 200 `ProposalView`.
 * `POST …/:pid/decline` `{ note? }` — a member of another party (editor/owner):
 * state `declined`. `POST …/:pid/withdraw` — the proposer: state `withdrawn`.
 */
export interface ResolveProposalRequest {
  note?: string;
}

// ─── Lock and seal ──────────────────────────────────────────────────────────

export const MAX_LOCK_REASON_CHARS = 2000;

/** The lock state as `GET /agreement` and `GET /lock` give it. */
export interface LockState {
  locked: boolean;
  /** When locked: who, when, the override reason if one was given, and the sealed round. */
  lockedBy?: string;
  /** The locker's display name when locked (members who may not list members still see who locked). */
  lockedByName?: string;
  lockedAt?: string;
  override?: string;
  versionId?: string;
}
/** One entry of the lock log. */
export interface LockLogEntry {
  action: 'lock' | 'unlock' | 'parties';
  by: string;
  byName?: string;
  at: string;
  /** Override reason (lock), reason (unlock), or a summary (parties). */
  reason?: string;
  versionId?: string;
}
/** `GET /api/packages/:id/lock` (any member). */
export interface LockView extends LockState {
  log: LockLogEntry[];
}
/** `POST /api/packages/:id/lock` body (owners). */
export interface LockRequest {
  override?: string;
}
/** `POST /api/packages/:id/unlock` body (owners); the reason is required. */
export interface UnlockRequest {
  reason: string;
}
/** An item that blocks a lock. */
export interface OpenItem {
  id: string;
  kind: AgreementItemKind;
  title: string;
}
/**
 * 409 body of `POST /lock` without override: `error.message` plus what blocks it —
 * items not agreed, plan years where the agreed lines leave drift unbalanced,
 * cells of agreed lines holding an unreadable amount. Also 409 `{ error }` when
 * already locked.
 */
export interface LockRefusal {
  error: { message: string };
  open: OpenItem[];
  unbalancedYears: Year[];
  unreadable: { lineId: string; year: Year }[];
}
/** 200 of `POST /lock`: the new state and the sealed round. */
export interface LockResponse {
  lock: LockState;
  version: VersionInfo;
  seal: SealRecord;
}
/**
 * What a lock seals (`GET /api/packages/:id/versions/:vid/seal`): the sign-offs at
 * that moment, the balance of the agreed package, and `checksum` = SHA-256 (hex)
 * of `canonicalJson` (shared/format/canonical.ts: keys sorted, no whitespace) of the
 * **agreed package**: the package file's `package` object (rich package: id, title,
 * years, planYears, parties, sections, decision, fund opening balance, baselines)
 * with only the agreed lines and verbal instructions, each with status `agreed` —
 * exactly what `GET /export?format=json&version=<vid>` writes under `package` and
 * what `X-Package-Checksum` of that export carries. Sign-offs are not in the checksum.
 */
export interface SealRecord {
  versionId: string;
  checksum: string;
  lockedBy: string;
  lockedByName?: string;
  lockedAt: string;
  override?: string;
  /** itemId → partyId → sign-off at sealing. */
  signoffs: Record<string, Record<string, SignoffView>>;
  /** Party id → name, and how many items it accepted. */
  parties: { id: string; name: string; accepted: number }[];
  /** Balance report of the agreed package. */
  balance: BalanceReport;
}

/** `PUT /api/packages/:id/parties` body (owners; the only way once a sign-off exists). */
export interface PartiesRequest {
  parties: Party[];
}

// ─── Comments on a cell, mentions ───────────────────────────────────────────

/**
 * A comment target of kind `cell` is `{ kind: 'cell', id: lineId, year }`
 * (shared/doc/comments.ts). A comment or reply may carry `mentions`: the user ids
 * of members it mentions (`@navn` in its text), checked by the server's comments
 * hook (each must be a member of the package, at most `MAX_MENTIONS`).
 */
export const MAX_MENTIONS = 20;

/** One thread of `GET /api/mentions` («Til meg»): a comment that mentions the caller, or has a reply that does. */
export interface MentionThread {
  packageId: string;
  packageTitle: string;
  commentId: string;
  target: { kind: string; id: string; year?: Year };
  authorId: string;
  authorName: string;
  text: string;
  createdAt: string;
  resolved: boolean;
  /** Where the caller is mentioned: the comment itself, and/or the ids of the replies. */
  inComment: boolean;
  inReplies: string[];
  /** Latest createdAt of the comment and its mentioning replies. */
  lastAt: string;
}
/** `GET /api/mentions[?open=1]`: threads across the caller's packages, newest first (at most 200). */
export interface MentionList {
  threads: MentionThread[];
}

// ─── Notices ────────────────────────────────────────────────────────────────

/**
 * Pushed (type 100) to every connection of a package's content and comments
 * documents when it is locked or unlocked, and when sign-offs or proposals change
 * (`agreement-changed`: refetch `GET /agreement` / `GET /proposals`).
 */
export type AgreementNotice =
  | { kind: 'lock'; locked: boolean; by: string; at: string; reason?: string }
  | { kind: 'agreement-changed'; what: 'signoffs' | 'proposals' | 'versions' | 'parties' };

export function encodeAgreementNotice(notice: AgreementNotice): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_NOTICE);
  encoding.writeVarString(e, JSON.stringify(notice));
  return encoding.toUint8Array(e);
}

/** Reads an agreement notice from a notice's JSON text; null for anything else, never throws. */
export function parseAgreementNotice(json: string): AgreementNotice | null {
  try {
    const raw = JSON.parse(json) as Record<string, unknown>;
    if (raw.kind === 'lock' && typeof raw.locked === 'boolean' && typeof raw.by === 'string' && typeof raw.at === 'string') {
      return { kind: 'lock', locked: raw.locked, by: raw.by, at: raw.at, ...(typeof raw.reason === 'string' ? { reason: raw.reason } : {}) };
    }
    if (raw.kind === 'agreement-changed' && (raw.what === 'signoffs' || raw.what === 'proposals' || raw.what === 'versions' || raw.what === 'parties')) {
      return { kind: 'agreement-changed', what: raw.what };
    }
    return null;
  } catch {
    return null;
  }
}
