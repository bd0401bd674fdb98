/**
 * Frames a hostile or broken client could send over a package websocket, by kind:
 * the attack run's list (bad varints, wrong message types, truncated updates,
 * updates with missing dependencies, oversized frames, text frames, bad awareness)
 * and a few more. Each generator takes a random source, so a seeded run sends the
 * same frames again. `closes` says how the server must answer: the close code, or
 * null when the frame is well-formed and only dropped or kept pending.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { CLOSE_MALFORMED, CLOSE_MESSAGE_TOO_BIG, MAX_MESSAGE_BYTES, MESSAGE_AWARENESS, MESSAGE_QUERY_AWARENESS, MESSAGE_SYNC, SYNC_STEP1, SYNC_UPDATE } from '../../shared/protocol';

/** One kind of bad frame: how to make one, and the close code it earns (null: not closed). */
export interface FrameKind {
  name: string;
  make(rnd: () => number): Uint8Array | string;
  closes: number | null;
}

function frame(...parts: Array<(e: encoding.Encoder) => void>): Uint8Array {
  const e = encoding.createEncoder();
  for (const p of parts) p(e);
  return encoding.toUint8Array(e);
}

function syncFrame(sub: number, payload: Uint8Array): Uint8Array {
  return frame(
    (e) => encoding.writeVarUint(e, MESSAGE_SYNC),
    (e) => encoding.writeVarUint(e, sub),
    (e) => encoding.writeVarUint8Array(e, payload),
  );
}

/** An awareness frame around an awareness update. */
export function awarenessFrame(update: Uint8Array): Uint8Array {
  return frame(
    (e) => encoding.writeVarUint(e, MESSAGE_AWARENESS),
    (e) => encoding.writeVarUint8Array(e, update),
  );
}

function randomBytes(rnd: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rnd() * 256);
  return b;
}

/** A real Yjs update of a fresh client: `n` keys written into the `fuzz` map (never the package's own types). */
function realUpdate(rnd: () => number, n = 3): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < n; i++) doc.getMap('fuzz').set(`k${Math.floor(rnd() * 1e9)}`, i);
  return { doc, updates };
}

/** An update whose structs depend on clocks the server never got: it is kept pending, never applied or relayed. */
function missingDependencyUpdate(rnd: () => number): Uint8Array {
  const { updates } = realUpdate(rnd, 3);
  // Only the last of three updates: its clock starts at 2, the server has 0 of this client.
  return updates[2]!;
}

/** An awareness update (`n, n × (clientId, clock, JSON)`) with the given raw JSON strings. */
export function awarenessUpdate(entries: Array<{ clientId: number; clock: number; json: string }>): Uint8Array {
  return frame(
    (e) => encoding.writeVarUint(e, entries.length),
    ...entries.map((x) => (e: encoding.Encoder) => {
      encoding.writeVarUint(e, x.clientId);
      encoding.writeVarUint(e, x.clock);
      encoding.writeVarString(e, x.json);
    }),
  );
}

/**
 * Every kind of bad frame. The malformed ones close their sender with 4400, an
 * oversized frame with 1009; an update with missing dependencies, an oversized
 * awareness state and an awareness update for a client id someone else owns are
 * well-formed and only kept pending or dropped.
 */
export const FRAME_KINDS: readonly FrameKind[] = [
  // A varint that never ends (every byte has its high bit set).
  { name: 'bad varint (unterminated)', make: (rnd) => new Uint8Array(1 + Math.floor(rnd() * 6)).fill(0x80), closes: CLOSE_MALFORMED },
  // A varint longer than 53 bits.
  { name: 'bad varint (too long)', make: () => new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), closes: CLOSE_MALFORMED },
  { name: 'empty frame', make: () => new Uint8Array(0), closes: CLOSE_MALFORMED },
  {
    name: 'unknown message type',
    make: (rnd) => frame((e) => encoding.writeVarUint(e, [2, 4, 7, 42, 99, 100, 101, 255, 1000][Math.floor(rnd() * 9)]!), (e) => encoding.writeVarUint8Array(e, randomBytes(rnd, 4))),
    closes: CLOSE_MALFORMED,
  },
  { name: 'unknown sync type', make: (rnd) => syncFrame(3 + Math.floor(rnd() * 20), randomBytes(rnd, 4)), closes: CLOSE_MALFORMED },
  {
    name: 'truncated update (frame cut short)',
    make: (rnd) => {
      const f = syncFrame(SYNC_UPDATE, realUpdate(rnd, 5).updates.reduce((a, b) => Y.mergeUpdates([a, b])));
      return f.slice(0, 3 + Math.floor(rnd() * (f.length - 4)));
    },
    closes: CLOSE_MALFORMED,
  },
  {
    name: 'truncated update (update cut short)',
    make: (rnd) => {
      const u = Y.mergeUpdates(realUpdate(rnd, 5).updates);
      return syncFrame(SYNC_UPDATE, u.slice(0, 2 + Math.floor(rnd() * (u.length - 3))));
    },
    closes: CLOSE_MALFORMED,
  },
  { name: 'garbage update', make: (rnd) => syncFrame(SYNC_UPDATE, randomBytes(rnd, 1 + Math.floor(rnd() * 64))), closes: CLOSE_MALFORMED },
  { name: 'garbage state vector', make: (rnd) => syncFrame(SYNC_STEP1, new Uint8Array([5, ...randomBytes(rnd, 3)])), closes: CLOSE_MALFORMED },
  {
    name: 'trailing bytes',
    make: (rnd) => {
      const f = syncFrame(SYNC_UPDATE, realUpdate(rnd, 1).updates[0]!);
      return new Uint8Array([...f, ...randomBytes(rnd, 1 + Math.floor(rnd() * 8))]);
    },
    closes: CLOSE_MALFORMED,
  },
  { name: 'query awareness with trailing bytes', make: (rnd) => new Uint8Array([MESSAGE_QUERY_AWARENESS, ...randomBytes(rnd, 2)]), closes: CLOSE_MALFORMED },
  {
    name: 'bad awareness (broken JSON)',
    make: (rnd) => awarenessFrame(awarenessUpdate([{ clientId: Math.floor(rnd() * 1e9), clock: 1, json: '{"user":' }])),
    closes: CLOSE_MALFORMED,
  },
  {
    name: 'bad awareness (count larger than the entries)',
    make: (rnd) => awarenessFrame(frame((e) => encoding.writeVarUint(e, 1000 + Math.floor(rnd() * 1000)), (e) => encoding.writeVarUint(e, 1))),
    closes: CLOSE_MALFORMED,
  },
  { name: 'text frame', make: (rnd) => `hallo ${Math.floor(rnd() * 1000)}`, closes: CLOSE_MALFORMED },
  { name: 'oversized frame', make: () => new Uint8Array(MAX_MESSAGE_BYTES + 1), closes: CLOSE_MESSAGE_TOO_BIG },
  // Well-formed, so not closed:
  { name: 'update with missing dependencies', make: (rnd) => syncFrame(SYNC_UPDATE, missingDependencyUpdate(rnd)), closes: null },
  {
    name: 'oversized awareness state',
    // Just over the 8 KiB limit up to 64 KiB: dropped unparsed, whatever the size.
    make: (rnd) => awarenessFrame(awarenessUpdate([{ clientId: 1 + Math.floor(rnd() * 1e9), clock: 1, json: JSON.stringify({ junk: 'x'.repeat(9_000 + Math.floor(rnd() * 56_000)) }) }])),
    closes: null,
  },
];

/** The kinds the server answers by closing the sender. */
export const CLOSING_KINDS: readonly FrameKind[] = FRAME_KINDS.filter((k) => k.closes !== null);
/** The well-formed kinds (pending or dropped, the sender stays). */
export const QUIET_KINDS: readonly FrameKind[] = FRAME_KINDS.filter((k) => k.closes === null);
