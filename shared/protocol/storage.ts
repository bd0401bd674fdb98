/**
 * The storage notice (type 100, like the other notices): y-websocket has no
 * acknowledgements, so while a room's writes wait for the database (a failed append
 * that will be retried) the server tells every connection of that document that
 * saving is delayed, once per outage, and that its changes are saved once the
 * retried append succeeds. A connection that arrives during an outage gets
 * `delayed` right after the server's greeting. docs/schema.md, "The notice message".
 */
import * as encoding from 'lib0/encoding';
import { MESSAGE_NOTICE } from './wire';

export type StorageState = 'delayed' | 'saved';

/** Payload of a storage notice; `message` is Norwegian, for the UI (clients may show their own text). */
export interface StorageNotice {
  kind: 'storage';
  state: StorageState;
  message: string;
}

/** The messages of the storage notices (user-visible, Norwegian). */
export const STORAGE_MESSAGES: Readonly<Record<StorageState, string>> = {
  delayed: 'Lagring forsinket — endringene venter på databasen',
  saved: 'Lagret',
};

/** The notice for `state`, with its message. */
export function storageNotice(state: StorageState): StorageNotice {
  return { kind: 'storage', state, message: STORAGE_MESSAGES[state] };
}

/** Encodes a storage notice frame (`varuint 100, varString JSON`). */
export function encodeStorageNotice(notice: StorageNotice): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_NOTICE);
  encoding.writeVarString(e, JSON.stringify(notice));
  return encoding.toUint8Array(e);
}

/** A storage notice from a notice's JSON text; null for anything else (other kinds included). Never throws. */
export function parseStorageNotice(json: string): StorageNotice | null {
  try {
    const raw = JSON.parse(json) as { kind?: unknown; state?: unknown; message?: unknown } | null;
    if (!raw || raw.kind !== 'storage' || (raw.state !== 'delayed' && raw.state !== 'saved')) return null;
    return { kind: 'storage', state: raw.state, message: typeof raw.message === 'string' ? raw.message : STORAGE_MESSAGES[raw.state] };
  } catch {
    return null;
  }
}
