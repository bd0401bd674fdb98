/**
 * The awareness (presence) state a client publishes and the server's rules for it:
 * which fields say who someone is (bound to the login by the server), which say
 * what someone is editing (dropped for read-only connections), the colour the
 * server assigns, and the size and rate limits.
 *
 * A state looks like
 * ```
 * { user: { id, name, color, party? },
 *   editing?: { lineId, year } | { textId },
 *   // Lexical's cursor fields, top level (client/editor/collab.ts):
 *   name, color, focusing, anchorPos, focusPos, cursorTextId, awarenessData }
 * ```
 */

/** The largest awareness state (its JSON, in bytes) the server accepts from a client; larger ones are dropped. */
export const AWARENESS_MAX_STATE_BYTES = 8 * 1024;

/**
 * A connection's awareness updates are applied at most once per this interval, so at
 * most 1000 / 100 = 10 per second; faster ones are coalesced (the newest wins).
 */
export const AWARENESS_MIN_INTERVAL_MS = 100;

/** The colour of a member without a party, or whose party has no colour. */
export const DEFAULT_PRESENCE_COLOR = '#3b6ea5';

/**
 * Fields that say what a person is doing in the document (a grid cell, a text
 * caret): a read-only connection edits nothing, so the server removes them from its
 * state (it cannot show up as editing a line or with a caret in a text).
 */
export const EDITING_FIELDS: readonly string[] = ['editing', 'anchorPos', 'focusPos', 'focusing', 'cursorTextId'];

/** The identity the server binds a connection's awareness to: `user` and the top-level `name`/`color` carry it. */
export interface PresenceIdentity {
  id: string;
  name: string;
  color: string;
  party?: string;
}

/**
 * The presence colour of a member of `party` (a party id or name): that party's
 * colour from the package's `parties`, else `DEFAULT_PRESENCE_COLOR`. The client
 * publishes this colour and the server assigns it, so they agree.
 */
export function presenceColorFor(parties: ReadonlyArray<{ id: string; name: string; color?: string }>, party: string | null | undefined): string {
  if (!party) return DEFAULT_PRESENCE_COLOR;
  return parties.find((p) => p.id === party || p.name === party)?.color || DEFAULT_PRESENCE_COLOR;
}

/**
 * The display name a member publishes and the server binds: the account's name, or
 * its email when the name is empty.
 */
export function presenceNameOf(user: { name?: string | null; email?: string | null }): string {
  return user.name || user.email || '?';
}
