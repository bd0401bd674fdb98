/**
 * The websocket protocol between the `y-websocket` provider and the server: the
 * y-protocols message types, our one extension (the notice message), the limits,
 * and every close code with its meaning. docs/schema.md mirrors this file.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { isRole, type Role } from './roles';

/**
 * The version of the protocol the app's client speaks: these message types,
 * notices, close codes and the document schema. Its providers send it as the query
 * parameter `PROTOCOL_VERSION_PARAM` of the websocket upgrade; a client that names
 * another version (a tab loaded before the server was upgraded) is closed at once
 * with `CLOSE_OUTDATED_CLIENT` and told to reload. A client that names none is a
 * plain y-websocket client and is served as the schema allows. Raise it whenever a
 * change makes an older client's writes or reads wrong.
 */
export const PROTOCOL_VERSION = 1;
/** The query parameter of the upgrade that carries `PROTOCOL_VERSION` (`/ws/<id>?v=1`). */
export const PROTOCOL_VERSION_PARAM = 'v';

/** y-websocket message types (first varuint of every frame). */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;
/**
 * Our extension: a server → client notice, `varuint 100, varstring JSON`. The
 * y-websocket provider ignores unknown types; our client registers a handler for it.
 * Sent rarely: when a connection's write is first dropped, when its role changes,
 * and when saving is delayed and then done (./storage).
 */
export const MESSAGE_NOTICE = 100;

/** Sub-types of MESSAGE_SYNC (y-protocols/sync). */
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/** Largest websocket frame a client may send; larger frames close with 1009. */
export const MAX_MESSAGE_BYTES = 2 * 1024 * 1024;
/** A connection that lets this much outgoing data pile up (a stalled reader) is closed with 1013. */
export const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

/** Close codes. 44xx: the client should not retry; 45xx and 1012/1013: retry later. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
export const CLOSE_SERVICE_RESTART = 1012;
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const CLOSE_MALFORMED = 4400;
/** The login session behind the connection ended (logout, password change, expiry). */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_FORBIDDEN = 4403;
/**
 * A server rule refused a change the connection sent (a hook's check): nothing of
 * it was stored or relayed. Final like 4400: resending the same change would be
 * refused again.
 */
export const CLOSE_UPDATE_REFUSED = 4422;
/** The client named another `PROTOCOL_VERSION` than the server's: it must reload the page (like HTTP 426). */
export const CLOSE_OUTDATED_CLIENT = 4426;
export const CLOSE_LOAD_FAILED = 4500;
export const CLOSE_STORAGE_FAILED = 4501;

/** Close codes after which the client must not reconnect on its own. */
export const FINAL_CLOSE_CODES: readonly number[] = [CLOSE_MALFORMED, CLOSE_SESSION_ENDED, CLOSE_FORBIDDEN, CLOSE_UPDATE_REFUSED, CLOSE_OUTDATED_CLIENT];

/** Close reasons (user-visible, Norwegian; at most 123 bytes UTF-8). */
export const REASONS = {
  tooBig: 'Meldingen er for stor',
  restart: 'Serveren starter på nytt',
  slowReader: 'Forbindelsen henger etter',
  removed: 'Tilgangen din til pakken er fjernet',
  sessionEnded: 'Økten din er avsluttet. Logg inn på nytt.',
  loadFailed: 'Dokumentet kunne ikke lastes. Prøv igjen senere.',
  storageFailed: 'Lagring feilet. Koble til på nytt.',
  lockedBeforeStored: 'Pakken ble låst før de siste endringene ble lagret.',
  updateRefused: 'Endringen ble avvist av serveren og er ikke lagret. Last siden på nytt.',
  tooMuchQueued: 'For mange meldinger mens dokumentet ble lastet. Kobler til på nytt.',
  outdatedClient: 'Appen er oppdatert. Last inn siden på nytt.',
} as const;

/** Payload of a MESSAGE_NOTICE. */
export type Notice = { kind: 'read-only'; role: Role; message: string } | { kind: 'writable'; role: Role; message: string };

/** Encodes a notice frame. */
export function encodeNotice(notice: Notice): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_NOTICE);
  encoding.writeVarString(e, JSON.stringify(notice));
  return encoding.toUint8Array(e);
}

/**
 * Reads a notice's payload (the decoder positioned after the message type). Returns
 * null for anything that is not a well-formed notice, never throws.
 */
export function decodeNoticePayload(decoder: decoding.Decoder): Notice | null {
  const json = readNoticeText(decoder);
  return json === null ? null : parseNotice(json);
}

/**
 * Reads a notice's JSON text (the decoder positioned after the message type), for a
 * client that tells the kinds apart itself (role notices here, conflict notices in
 * ./conflicts); null when it cannot be read. Never throws.
 */
export function readNoticeText(decoder: decoding.Decoder): string | null {
  try {
    return decoding.readVarString(decoder);
  } catch {
    return null;
  }
}

/** A role notice from its JSON text; null for anything else (other kinds included). Never throws. */
export function parseNotice(json: string): Notice | null {
  try {
    const raw = JSON.parse(json) as { kind?: unknown; role?: unknown; message?: unknown };
    if ((raw.kind !== 'read-only' && raw.kind !== 'writable') || !isRole(raw.role) || typeof raw.message !== 'string') return null;
    return { kind: raw.kind, role: raw.role, message: raw.message };
  } catch {
    return null;
  }
}

/** Trims a close reason to the 123-byte limit of the websocket protocol. */
export function closeReason(reason: string): string {
  let r = reason;
  while (new TextEncoder().encode(r).byteLength > 123) r = r.slice(0, -1);
  return r;
}
