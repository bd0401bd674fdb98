/**
 * Binds what a connection says about itself in the awareness to its login: who it
 * is (the app's `user`, Lexical's cursor label `name`/`color`) and whether it may
 * show up as editing.
 */
import { getMetaMap, readMetaFromDoc } from '../../shared/doc/schema';
import { EDITING_FIELDS, presenceColorFor, type PresenceIdentity } from '../../shared/protocol';
import type { HookRoom, RoomHooks, SyncPrincipal } from '../sync';

type StateRecord = Record<string, unknown>;

/** The identity the server shows for `principal` in `room`: its user id, name, party and the party's colour. */
export function presenceIdentityOf(room: HookRoom, principal: SyncPrincipal): PresenceIdentity {
  const userId = principal.userId ?? '';
  const party = principal.party ?? undefined;
  // The comments doc has no parties; its awareness shows no colours, so the default is right there.
  const parties = room.kind === 'content' ? readMetaFromDoc(room.doc).parties : [];
  return { id: userId, name: principal.name ?? userId, ...(party ? { party } : {}), color: presenceColorFor(parties, party) };
}

/**
 * The awareness identity hook. For every state a client connection publishes:
 * - identity fields are **rewritten**, not refused: `user` (when present) becomes
 *   `{ id, name, party, color }` of the login — user id, the account's name (or
 *   email), the member's party in this package and that party's colour — and the
 *   top-level `name` and `color` (Lexical's cursor label, when present) become the
 *   same name and colour. An honest client already publishes exactly these, so for
 *   it nothing changes; a forged claim is replaced by the truth, and a client whose
 *   colour raced a change of the party colours is corrected instead of dropped.
 * - a read-only connection (a viewer; a commenter in the content doc) loses the
 *   editing fields (`editing`, `anchorPos`, `focusPos`, `focusing`,
 *   `cursorTextId`): it cannot show up as editing a cell or with a caret in a text.
 * - a state that is not a JSON object (or null, which removes it) is dropped.
 * Size and rate limits are the awareness hub's (server/sync/awareness.ts), and it
 * holds the rewritten state to the size limit too. The party is the one the member
 * had when the connection opened; a change applies from the next connection.
 */
export function awarenessIdentityHook(): RoomHooks {
  return {
    name: 'awareness-identity',
    onCreateReplica({ room, doc }) {
      if (room.kind === 'content') getMetaMap(doc);
    },
    beforeHandleAwareness({ room, principal, states }) {
      const connection = principal.connection;
      if (principal.source !== 'connection' || !connection) return;
      let identity: PresenceIdentity | null = null;
      for (const [clientId, entry] of states) {
        const state = entry.state;
        if (state === null) continue;
        if (typeof state !== 'object' || Array.isArray(state)) {
          states.delete(clientId);
          continue;
        }
        const next: StateRecord = { ...(state as StateRecord) };
        identity ??= presenceIdentityOf(room, principal);
        if ('user' in next) next.user = { ...identity };
        if ('name' in next) next.name = identity.name;
        if ('color' in next) next.color = identity.color;
        if (!connection.canWrite) for (const field of EDITING_FIELDS) delete next[field];
        entry.state = next;
      }
    },
  };
}
