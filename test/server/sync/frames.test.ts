/**
 * The wire format as typed messages: what decodes, what is malformed, and that the
 * encoders produce what y-protocols reads.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { MalformedMessageError } from '../../../server/sync';
import { KEEPALIVE_FRAME, decodeAwarenessUpdate, decodeClientMessage, encodeAwarenessUpdate, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate, parseUpdate } from '../../../server/sync/frames';
import { MESSAGE_NOTICE } from '../../../shared/protocol';

describe('frames', () => {
  it('decodes the three sync messages, awareness and query-awareness', () => {
    const doc = new Y.Doc();
    doc.getMap('m').set('k', 1);
    const update = Y.encodeStateAsUpdate(doc);
    const sv = Y.encodeStateVector(doc);
    expect(decodeClientMessage(encodeSyncStep1(sv))).toEqual({ type: 'sync-step1', stateVector: sv });
    expect(decodeClientMessage(encodeSyncStep2(update))).toEqual({ type: 'sync-step2', update });
    expect(decodeClientMessage(encodeSyncUpdate(update))).toEqual({ type: 'sync-update', update });
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ type: 'query-awareness' });
    const aw = new awarenessProtocol.Awareness(doc);
    aw.setLocalState({ name: 'Å' });
    const awUpdate = awarenessProtocol.encodeAwarenessUpdate(aw, [doc.clientID]);
    const msg = decodeClientMessage(new Uint8Array([1, ...encodeLength(awUpdate.length), ...awUpdate]));
    expect(msg).toMatchObject({ type: 'awareness', entries: [{ clientId: doc.clientID, clock: 1, state: { name: 'Å' } }] });
    aw.destroy();
  });

  it('encodes what y-protocols reads, and awareness entries round-trip', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hei');
    const other = new Y.Doc();
    const d = decoding.createDecoder(encodeSyncUpdate(Y.encodeStateAsUpdate(doc)));
    expect(decoding.readVarUint(d)).toBe(0);
    syncProtocol.readSyncMessage(d, { bufs: [], cpos: 0, cbuf: new Uint8Array(0) } as never, other, null);
    expect(other.getText('t').toString()).toBe('hei');
    const entries = [
      { clientId: 7, clock: 3, state: { cursor: 2 } },
      { clientId: 9, clock: 1, state: null },
    ];
    expect(decodeAwarenessUpdate(encodeAwarenessUpdate(entries))).toEqual(entries);
    expect([...KEEPALIVE_FRAME]).toEqual([1, 1, 0]);
  });

  it.each([
    ['empty frame', new Uint8Array([]), /Ugyldig melding/],
    ['unknown type', new Uint8Array([7]), /ukjent meldingstype 7/],
    ['a notice from a client', new Uint8Array([MESSAGE_NOTICE, 0]), /ukjent meldingstype 100/],
    ['unknown sync type', new Uint8Array([0, 9, 0]), /ukjent synkroniseringstype 9/],
    ['trailing bytes', new Uint8Array([3, 0]), /overskytende bytes/],
    ['truncated payload', new Uint8Array([0, 0, 5, 1]), /Ugyldig melding/],
    ['awareness without state', new Uint8Array([1, 3, 1, 1, 1]), /tilstedeværelse/],
    ['awareness state not JSON', new Uint8Array([1, 5, 1, 1, 1, 1, 0x7b]), /tilstedeværelse/],
  ])('a malformed frame throws MalformedMessageError (%s)', (_name, bytes, reason) => {
    expect(() => decodeClientMessage(bytes)).toThrow(MalformedMessageError);
    expect(() => decodeClientMessage(bytes)).toThrow(reason);
  });

  it('refuses an update Yjs cannot read', () => {
    expect(() => parseUpdate(new Uint8Array([5, 200, 1, 2, 3, 99, 99, 99, 1]))).toThrow(/kan ikke leses/);
  });
});

function encodeLength(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}
