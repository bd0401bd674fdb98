/**
 * Schema-check benchmark: what the server's checks on every write cost per edit.
 * A package of 5,000 lines (4 years of amounts and a rationale each) is the
 * server's replica; a client in sync with it changes one amount per update.
 *
 * 1. Apply only: `Y.applyUpdate` on the replica, without and with the checks the
 *    package hooks run (the applicability check on the decoded update before, the
 *    schema validator on the transaction after).
 * 2. The whole room path: `room.receive` of the update frame (decode, read-only
 *    gate, hooks, apply, audit rows, queueing for storage) in a room with only the
 *    rows hooks (audit, package touch) and in one with every package hook.
 * Both as median and p95 per edit, and the ratio with/without.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { createLineInDoc, getLinesMap, getMetaMap, getSectionsMap, getVerbalMap, setLineAmount, writeMetaToDoc } from '../../shared/doc/schema';
import { checkContentChange } from '../../shared/doc/validate';
import { MESSAGE_SYNC, SYNC_UPDATE } from '../../shared/protocol';
import { lineAuditHook, packageHooks, packageTouchHook, unappliableReason } from '../../server/hooks';
import { MemoryStorage } from '../../server/storage/memory';
import { Room, type RoomHooks, type SyncSocket } from '../../server/sync';
import { measure, ms, type BenchTable, type Timing } from './measure';

const LINES = 5000;
const YEARS = ['2025', '2026', '2027', '2028'];
const RUNS = 2000;
const WARMUP = 200;

/** A package doc of `LINES` lines, and their ids. */
function bigPackage(): { doc: Y.Doc; ids: string[] } {
  const doc = new Y.Doc();
  writeMetaToDoc(doc, { title: 'Stor pakke', years: YEARS, planYears: YEARS, parties: [] });
  const ids: string[] = [];
  doc.transact(() => {
    for (let i = 0; i < LINES; i++) {
      ids.push(
        createLineInDoc(doc, {
          ledger: i % 3 === 0 ? 'investering' : 'drift',
          group: i % 2 === 0 ? 'tiltak' : 'inndekning',
          title: `Linje ${i}`,
          amounts: Object.fromEntries(YEARS.map((y, k) => [y, String((i + k) % 97)])),
          rationale: [{ type: 'paragraph', runs: [{ text: `Begrunnelse for linje ${i}.` }] }],
        }),
      );
    }
  });
  return { doc, ids };
}

/** `n` amount edits by a client that starts in sync with `state`, one update each, in order. */
function amountEdits(state: Uint8Array, ids: string[], n: number): Uint8Array[] {
  const client = new Y.Doc();
  Y.applyUpdate(client, state);
  const out: Uint8Array[] = [];
  client.on('update', (u: Uint8Array) => out.push(u));
  for (let i = 0; i < n; i++) setLineAmount(client, ids[(i * 7919) % ids.length]!, YEARS[i % YEARS.length]!, String(1000 + i));
  return out;
}

function replica(state: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  getMetaMap(doc);
  getSectionsMap(doc);
  getLinesMap(doc);
  getVerbalMap(doc);
  Y.applyUpdate(doc, state);
  return doc;
}

function frame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  encoding.writeVarUint(e, SYNC_UPDATE);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

async function roomWith(hooks: RoomHooks[], state: Uint8Array): Promise<{ room: Room; socket: SyncSocket }> {
  const storage = new MemoryStorage();
  await storage.append({ docName: 'bench', updates: [state] });
  const quiet = { info() {}, warn() {}, error() {} };
  const room = new Room({ docName: 'bench', packageId: 'bench', kind: 'content', storage, log: quiet, hooks, idleTimeoutMs: 3_600_000 });
  await room.ready;
  let closed = false;
  const socket: SyncSocket = { send() {}, close: () => void (closed = true), isOpen: () => !closed };
  room.connect(socket, { userId: 'bench', role: 'editor' });
  return { room, socket };
}

function row(what: string, without: Timing, withChecks: Timing): Record<string, string | number> {
  return {
    path: what,
    'without, median ms': ms(without.medianMs),
    'without, p95 ms': ms(without.p95Ms),
    'with checks, median ms': ms(withChecks.medianMs),
    'with checks, p95 ms': ms(withChecks.p95Ms),
    'ratio (median)': (withChecks.medianMs / without.medianMs).toFixed(2),
  };
}

/** The `schema` section of `npm run bench`. */
export async function runSchemaBench(): Promise<BenchTable[]> {
  const { doc, ids } = bigPackage();
  const state = Y.encodeStateAsUpdate(doc);
  const edits = amountEdits(state, ids, WARMUP + RUNS);

  // 1. Apply only.
  const plain = replica(state);
  const without = measure((u: Uint8Array) => Y.applyUpdate(plain, u), { runs: RUNS, warmup: WARMUP, setup: (i) => edits[i]! });
  const checked = replica(state);
  let refused = 0;
  checked.on('afterTransaction', (tr: Y.Transaction) => {
    if (checkContentChange(checked, tr.changed).errors.length > 0) refused++;
  });
  const withChecks = measure(
    (u: Uint8Array) => {
      if (unappliableReason(checked, Y.decodeUpdate(u)) !== null) refused++;
      Y.applyUpdate(checked, u);
    },
    { runs: RUNS, warmup: WARMUP, setup: (i) => edits[i]! },
  );

  // 2. The room path.
  const frames = edits.map(frame);
  const rowsOnly = await roomWith([lineAuditHook(), packageTouchHook()], state);
  const roomWithout = measure((f: Uint8Array) => rowsOnly.room.receive(rowsOnly.socket, f), { runs: RUNS, warmup: WARMUP, setup: (i) => frames[i]! });
  const all = await roomWith(packageHooks(), state);
  const roomWithChecks = measure((f: Uint8Array) => all.room.receive(all.socket, f), { runs: RUNS, warmup: WARMUP, setup: (i) => frames[i]! });
  // Every edit was applied (the last one is in both replicas), none refused.
  const lastEdit = new Y.Doc();
  Y.applyUpdate(lastEdit, state);
  for (const u of edits) Y.applyUpdate(lastEdit, u);
  const expected = JSON.stringify(getLinesMap(lastEdit).toJSON());
  for (const d of [plain, checked, rowsOnly.room.doc, all.room.doc]) if (JSON.stringify(getLinesMap(d).toJSON()) !== expected) throw new Error('an edit did not reach a replica');
  for (const r of [rowsOnly, all]) {
    await r.room.whenPersisted();
    await r.room.shutdown(1001, 'bench');
  }
  if (refused > 0) throw new Error(`the checks refused ${refused} honest edits`);

  return [
    {
      title: `Schema check per edit — ${LINES.toLocaleString('en')}-line package, one amount per update`,
      rows: [row('Y.applyUpdate on the replica', without, withChecks), row('room.receive (hooks, apply, audit, queue)', roomWithout, roomWithChecks)],
      notes: [
        `${RUNS} edits after ${WARMUP} warm-up, each a different line. "With checks": the applicability check on the decoded update and checkContentChange on the transaction;`,
        'for the room, every package hook (applicability, schema, comments, audit, touch, origin rows) against only the rows hooks (audit, touch).',
      ],
    },
  ];
}
