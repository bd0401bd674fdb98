/**
 * Awareness state conventions of a package (content doc's provider), as
 * shared/protocol/presence.ts describes them:
 * ```
 * { user: { id, name, color, party },
 *   editing?: { lineId, year } | { textId },
 *   // written by the text editors (client/editor/collab.ts), read by Lexical:
 *   name, color, focusing, anchorPos, focusPos, cursorTextId }
 * ```
 * Every write here merges into the existing state, so the editors' cursor
 * fields and presence fields never overwrite each other. The server binds `user`,
 * `name` and `color` to the login (a forged identity is rewritten) and removes
 * `editing` and the caret from read-only connections.
 */
import type { Awareness } from 'y-protocols/awareness';
import { presenceColorFor, type PresenceIdentity } from '../../shared/protocol';
import type { Party } from '../../shared/types';

/** Who a peer is: id, name, the party's colour (CSS colour) and party. */
export type PresenceUser = PresenceIdentity;

export type Editing = { lineId: string; year: string } | { textId: string };

/** One person here now; several tabs of one user are one peer. */
export interface Peer {
  user: PresenceUser;
  clientIds: number[];
  editing: Editing[];
  isSelf: boolean;
}

/** Anything with an awareness: the package's WebsocketProvider. */
export interface HasAwareness {
  awareness: Awareness;
}

type StateRecord = Record<string, unknown>;

function merge(provider: HasAwareness, patch: StateRecord): void {
  const cur = (provider.awareness.getLocalState() as StateRecord | null) ?? {};
  provider.awareness.setLocalState({ ...cur, ...patch });
}

/** The avatar and cursor colour of a member of `party` (id or name): the party's colour, else a calm blue (the colour the server assigns too). */
export function colorForParty(parties: readonly Party[], party: string | undefined): string {
  return presenceColorFor(parties, party);
}

/**
 * Announces who I am; also sets the name and colour my text cursor shows.
 * The package connection (client/app/connection.ts) is the one caller.
 */
export function initPresence(provider: HasAwareness, user: PresenceUser): void {
  merge(provider, { user, name: user.name, color: user.color });
}

/** Says what I am editing now (a grid cell or a text), or nothing. */
export function setEditing(provider: HasAwareness, editing: Editing | null): void {
  const cur = (provider.awareness.getLocalState() as StateRecord | null) ?? {};
  if (editing === null) {
    if (cur.editing === undefined) return;
    const { editing: _drop, ...rest } = cur;
    provider.awareness.setLocalState(rest);
    return;
  }
  if (JSON.stringify(cur.editing) === JSON.stringify(editing)) return;
  provider.awareness.setLocalState({ ...cur, editing });
}

/** Clears my editing state only if it still names `textId` (a blur after a newer focus must not clear it). */
export function clearEditingText(provider: HasAwareness, textId: string): void {
  const cur = provider.awareness.getLocalState() as StateRecord | null;
  const editing = cur?.editing as { textId?: string } | undefined;
  if (editing && editing.textId === textId) setEditing(provider, null);
}

function isUser(v: unknown): v is PresenceUser {
  if (typeof v !== 'object' || v === null) return false;
  const u = v as Record<string, unknown>;
  return typeof u.id === 'string' && typeof u.name === 'string' && typeof u.color === 'string';
}

function isEditing(v: unknown): v is Editing {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return (typeof e.lineId === 'string' && typeof e.year === 'string') || typeof e.textId === 'string';
}

/**
 * Everyone present, grouped by user id, me first, then by name. States
 * without a well-formed `user` (a peer still starting up) are left out.
 */
export function readPeers(awareness: Awareness): Peer[] {
  const byUser = new Map<string, Peer>();
  const self = awareness.clientID;
  const selfUserId = (awareness.getLocalState() as StateRecord | null)?.user;
  for (const [clientId, state] of awareness.getStates()) {
    const s = state as StateRecord;
    if (!isUser(s.user)) continue;
    let peer = byUser.get(s.user.id);
    if (!peer) {
      peer = { user: s.user, clientIds: [], editing: [], isSelf: isUser(selfUserId) && selfUserId.id === s.user.id };
      byUser.set(s.user.id, peer);
    }
    peer.clientIds.push(clientId);
    if (clientId === self) peer.isSelf = true;
    if (isEditing(s.editing)) peer.editing.push(s.editing);
  }
  return [...byUser.values()].sort((a, b) => (a.isSelf !== b.isSelf ? (a.isSelf ? -1 : 1) : a.user.name.localeCompare(b.user.name, 'nb')));
}

/** Who (other than me) is editing this grid cell, for the grid's cell marker. */
export function peersEditingCell(peers: Peer[], lineId: string, year: string): Peer[] {
  return peers.filter((p) => !p.isSelf && p.editing.some((e) => 'lineId' in e && e.lineId === lineId && e.year === year));
}

/** Who (other than me) is writing in this text. */
export function peersEditingText(peers: Peer[], textId: string): Peer[] {
  return peers.filter((p) => !p.isSelf && p.editing.some((e) => 'textId' in e && e.textId === textId));
}

/** Up to two initials: "Kari Nordmann" → "KN", "Ola" → "O". */
export function initialsOf(name: string): string {
  const parts = name.trim().split(/[\s-]+/).filter(Boolean);
  if (parts.length === 0) return '?';
  const first = parts[0]!.charAt(0);
  const last = parts.length > 1 ? parts[parts.length - 1]!.charAt(0) : '';
  return (first + last).toLocaleUpperCase('nb');
}

/** Black or white text, whichever contrasts more with `color` (#rgb or #rrggbb; others get white). */
export function textColorOn(color: string): '#000' | '#fff' {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return '#fff';
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const lum = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  // Contrast against white vs black (WCAG relative luminance).
  return (1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05) ? '#fff' : '#000';
}
