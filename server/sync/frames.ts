/**
 * The y-websocket wire format as typed values: decoding what a client sends into
 * `ClientMessage`s and encoding what the server sends. Pure functions, no room
 * state; anything a client could send that is not well-formed throws
 * `MalformedMessageError`, whose message is the (Norwegian) close reason.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE, encodeNotice, type Notice } from '../../shared/protocol';

/** What was wrong with a malformed frame (counted by kind, server/sync/problems.ts). */
export type MalformedKind =
  | 'unknown-message-type'
  | 'unknown-sync-type'
  | 'trailing-bytes'
  | 'truncated'
  | 'bad-varint'
  | 'unreadable-update'
  | 'bad-state-vector'
  | 'bad-awareness'
  | 'other';

/**
 * A client sent something that is not a well-formed message. The room closes only
 * that connection, with 4400 and this error's message as the reason; `kind` says
 * what was wrong, for the counters.
 */
export class MalformedMessageError extends Error {
  constructor(
    message: string,
    readonly kind: MalformedKind = 'other',
  ) {
    super(message);
  }
}

/** lib0's decoding errors, by message: reading past the end, or a varint longer than 53 bits. */
function kindOfDecodingError(err: unknown): MalformedKind {
  const msg = err instanceof Error ? err.message : '';
  if (msg === 'Unexpected end of array') return 'truncated';
  if (msg === 'Integer out of Range') return 'bad-varint';
  return 'other';
}

/**
 * One client's entry in an awareness update: its clock and state (null = gone).
 * `tooBig` marks a state whose JSON is longer than the decoder's limit: it was not
 * parsed, and `state` is undefined.
 */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
  tooBig?: true;
}

/** A decoded client → server frame. Sync step 2 and update carry the same payload. */
export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2' | 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array; entries: AwarenessEntry[] }
  | { type: 'query-awareness' };

/** The result of `Y.decodeUpdate`: the structs and delete set of an update. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

function assertConsumed(d: decoding.Decoder): void {
  if (decoding.hasContent(d)) throw new MalformedMessageError('Ugyldig melding: overskytende bytes', 'trailing-bytes');
}

/**
 * Decodes one binary frame from a client. Guarantees the whole frame was consumed
 * (trailing bytes are malformed) and that awareness entries parse as JSON (states
 * longer than `maxAwarenessStateBytes` are marked `tooBig`, not parsed); an
 * update's content is checked separately by `parseUpdate`. The server's own notice
 * type (100) is not something a client sends and counts as an unknown type.
 */
export function decodeClientMessage(data: Uint8Array, maxAwarenessStateBytes = Infinity): ClientMessage {
  try {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    switch (type) {
      case MESSAGE_SYNC: {
        const sub = decoding.readVarUint(d);
        if (sub !== SYNC_STEP1 && sub !== SYNC_STEP2 && sub !== SYNC_UPDATE) {
          throw new MalformedMessageError(`Ugyldig melding: ukjent synkroniseringstype ${sub}`, 'unknown-sync-type');
        }
        const payload = decoding.readVarUint8Array(d);
        assertConsumed(d);
        if (sub === SYNC_STEP1) return { type: 'sync-step1', stateVector: payload };
        return { type: sub === SYNC_STEP2 ? 'sync-step2' : 'sync-update', update: payload };
      }
      case MESSAGE_AWARENESS: {
        const update = decoding.readVarUint8Array(d);
        assertConsumed(d);
        return { type: 'awareness', update, entries: decodeAwarenessUpdate(update, maxAwarenessStateBytes) };
      }
      case MESSAGE_QUERY_AWARENESS:
        assertConsumed(d);
        return { type: 'query-awareness' };
      default:
        throw new MalformedMessageError(`Ugyldig melding: ukjent meldingstype ${type}`, 'unknown-message-type');
    }
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    throw new MalformedMessageError(`Ugyldig melding: ${err instanceof Error ? err.message : String(err)}`, kindOfDecodingError(err));
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads an awareness update (`varuint n, n × (clientId, clock, JSON state)`); throws
 * when malformed. A state longer than `maxStateBytes` is not parsed: its entry comes
 * back with `tooBig` (the caller drops it).
 */
export function decodeAwarenessUpdate(update: Uint8Array, maxStateBytes = Infinity): AwarenessEntry[] {
  try {
    const d = decoding.createDecoder(update);
    const n = decoding.readVarUint(d);
    const entries: AwarenessEntry[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const json = decoding.readVarUint8Array(d);
      if (json.byteLength > maxStateBytes) {
        entries.push({ clientId, clock, state: undefined, tooBig: true });
        continue;
      }
      const state: unknown = JSON.parse(utf8.decode(json));
      entries.push({ clientId, clock, state });
    }
    assertConsumed(d);
    return entries;
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    throw new MalformedMessageError('Ugyldig melding: ugyldig tilstedeværelse', 'bad-awareness');
  }
}

/** Encodes awareness entries as an awareness update (the inverse of `decodeAwarenessUpdate`). */
export function encodeAwarenessUpdate(entries: readonly AwarenessEntry[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, JSON.stringify(state ?? null));
  }
  return encoding.toUint8Array(e);
}

/**
 * Reads a Yjs update's structs and delete set. Guarantees a returned update can be
 * decoded by Yjs; one that cannot throws `MalformedMessageError`.
 */
export function parseUpdate(update: Uint8Array): DecodedUpdate {
  try {
    return Y.decodeUpdate(update);
  } catch {
    throw new MalformedMessageError('Ugyldig melding: oppdateringen kan ikke leses', 'unreadable-update');
  }
}

function encodeSync(sub: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** A sync step 1 frame (asks the peer for what it has beyond `stateVector`). */
export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSync(SYNC_STEP1, stateVector);
}

/** A sync step 2 frame (the answer to a step 1: the update the peer lacks). */
export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSync(SYNC_STEP2, update);
}

/** A sync update frame (a broadcast of one stored update). */
export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSync(SYNC_UPDATE, update);
}

/** An awareness frame around an encoded awareness update. */
export function encodeAwarenessFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/**
 * The keepalive frame: an awareness update with no entries (`[1, 1, 0]`), a no-op
 * for every client that still counts as a sign of life for y-websocket's watchdog.
 */
export const KEEPALIVE_FRAME: Uint8Array = encodeAwarenessFrame(new Uint8Array([0]));

/** A notice frame (our message type 100); see shared/protocol. */
export function encodeNoticeFrame(notice: Notice): Uint8Array {
  return encodeNotice(notice);
}
