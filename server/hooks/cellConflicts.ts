/**
 * Conflicts on amount cells: the server decides them, records them with the change
 * that caused them, and tells every member's open connection (docs/schema.md,
 * "Conflicts").
 */
import { randomUUID } from 'node:crypto';
import * as Y from 'yjs';
import { getLinesMap } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import { encodeConflictNotice, type CellValue, type ConflictNotice, type ConflictSide, type ConflictView } from '../../shared/protocol';
import type { AuditEntry, DocStorage } from '../storage/types';
import type { ChangeContext, Connection, HookRoom, RoomHooks } from '../sync';

/** The two maps of a line that together make up its amount cells. */
type CellMap = 'amounts' | 'invalid';
const CELL_MAPS: readonly CellMap[] = ['amounts', 'invalid'];

/** Who wrote an item of a cell, as this server saw it. */
interface Authorship {
  id: Y.ID;
  userId: string | null;
  at: string;
}

/** A cell a transaction wrote: the line, the year and the items it inserted there (per map, the first of each). */
interface CellTouch {
  lineId: string;
  year: string;
  line: Y.Map<unknown>;
  inserted: Partial<Record<CellMap, Y.Item>>;
}

function insertedIn(item: Y.Item, tr: Y.Transaction): boolean {
  return item.id.clock >= (tr.beforeState.get(item.id.client) ?? 0);
}

function contains(item: Y.Item, id: Y.ID): boolean {
  return item.id.client === id.client && id.clock >= item.id.clock && id.clock < item.id.clock + item.length;
}

/** The cell (line, year, map) an inserted item is a value of, or null. */
function cellOf(item: Y.Item, lines: Y.Map<unknown>): { lineId: string; year: string; kind: CellMap; line: Y.Map<unknown> } | null {
  if (item.parentSub === null || !(item.parent instanceof Y.Map)) return null;
  const mapItem = item.parent._item;
  if (!mapItem || (mapItem.parentSub !== 'amounts' && mapItem.parentSub !== 'invalid')) return null;
  const line = mapItem.parent;
  if (!(line instanceof Y.Map) || !line._item || line._item.parent !== lines || line._item.parentSub === null) return null;
  return { lineId: line._item.parentSub, year: item.parentSub, kind: mapItem.parentSub, line: line as Y.Map<unknown> };
}

/** The item that was the key's current value before the transaction (deleted or not), or null. */
function itemBefore(map: Y.Map<unknown>, key: string, tr: Y.Transaction): Y.Item | null {
  let it: Y.Item | null = map._map.get(key) ?? null;
  while (it && insertedIn(it, tr)) it = it.left;
  return it;
}

/** Whether an item held the cell's value just before the transaction (not deleted then). */
function liveBefore(item: Y.Item | null, tr: Y.Transaction): item is Y.Item {
  return item !== null && (!item.deleted || Y.isDeleted(tr.deleteSet, item.id));
}

function valueOf(item: Y.Item, kind: CellMap): CellValue {
  const v = item.content instanceof Y.ContentAny ? item.content.arr[item.content.arr.length - 1] : undefined;
  if (typeof v !== 'string') return null;
  return kind === 'amounts' ? { amount: v } : { typed: v };
}

function mapOf(line: Y.Map<unknown>, kind: CellMap): Y.Map<unknown> | null {
  const m = line.get(kind);
  return m instanceof Y.Map ? m : null;
}

/** What the cell shows now: the typed text when there is one, else the amount, else nothing. */
function shownNow(line: Y.Map<unknown>, year: string): CellValue {
  const typed = mapOf(line, 'invalid')?.get(year);
  if (typeof typed === 'string') return { typed };
  const amount = mapOf(line, 'amounts')?.get(year);
  return typeof amount === 'string' ? { amount } : null;
}

function sameValue(a: CellValue, b: CellValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Whether a write to a cell was made without having seen the cell's current value:
 * an item it inserted has an origin other than the key's current item on the
 * server (the writer's "previous value" is not the one the server holds — also
 * when its item arrives already deleted, having lost to the current one), or it
 * leaves a value of the cell's other map standing that every writer removes
 * (`setLineAmount` keeps an amount and typed text never together), so the writer
 * had not seen that one.
 */
function isBlind(touch: CellTouch, tr: Y.Transaction): boolean {
  for (const kind of CELL_MAPS) {
    const item = touch.inserted[kind];
    const map = mapOf(touch.line, kind);
    if (!item || !map) continue;
    // A map created by this change (a new line) has no earlier value to have missed.
    if (map._item && insertedIn(map._item, tr)) continue;
    const before = itemBefore(map, touch.year, tr);
    const informed = item.origin === null ? before === null : before !== null && contains(before, item.origin);
    if (!informed) return true;
  }
  const amount = mapOf(touch.line, 'amounts')?._map.get(touch.year);
  const typed = mapOf(touch.line, 'invalid')?._map.get(touch.year);
  if (amount && typed && !amount.deleted && !typed.deleted && insertedIn(amount, tr) !== insertedIn(typed, tr)) return true;
  return false;
}

/** The cell's value just before the transaction, and the item that held it. */
function cellBefore(touch: CellTouch, tr: Y.Transaction): { value: CellValue; item: Y.Item | null } {
  for (const kind of ['invalid', 'amounts'] as const) {
    const map = mapOf(touch.line, kind);
    const item = map ? itemBefore(map, touch.year, tr) : null;
    if (liveBefore(item, tr)) return { value: valueOf(item, kind), item };
  }
  return { value: null, item: null };
}

/**
 * The latest audit entry that set the cell to `side`'s amount before the conflict,
 * leaving out the conflicting write itself. Gives the author of a value this server
 * did not see written (it was written before the room was last loaded).
 */
function authorFromAudit(c: ConflictView, side: ConflictSide, audit: readonly AuditEntry[]): ConflictSide {
  if (side.userId !== null || (side.value !== null && !('amount' in side.value))) return side;
  const want = side.value === null ? null : side.value.amount;
  for (let i = audit.length - 1; i >= 0; i--) {
    const e = audit[i]!;
    if (e.lineId !== c.lineId || e.field !== 'amount' || e.year !== c.year || e.at > c.at) continue;
    if (e.at === c.at && e.userId === c.written.userId) continue;
    if (e.newValue === want) return { ...side, userId: e.userId, at: e.at };
  }
  return side;
}

/**
 * Conflicts of a package's content rooms: the room hook that decides and records
 * them, the notices to every open connection of the package, and the completion of
 * a record's authors from the audit trail.
 *
 * The rule (decided on the server, per accepted change of a client or the server):
 * a write of a value into an amount cell (`lines[id].amounts[year]` or
 * `lines[id].invalid[year]`) conflicts when its writer had not seen the cell's
 * current value (`isBlind`) and the value it wrote differs from that one. Clearing
 * a cell deletes only items its writer had, so it never overwrites a value its
 * writer had not seen, and carries nothing the server could check: it is never a
 * conflict. An overwrite made knowingly (the editing cell showed the other value,
 * and its writer pressed Enter) is an ordinary edit.
 *
 * Who and when come from the server: the change's principal and time, and for the
 * other value the author this server saw write it (or, after a reload, the audit
 * trail). The record is stored with the change, in the same batch.
 */
export class ConflictHub {
  private readonly connections = new Map<string, Set<Connection>>();
  private readonly authors = new WeakMap<HookRoom, Map<string, Authorship>>();

  /** `storage`: where the audit trail is read to complete authors the server did not see. */
  constructor(private readonly storage?: DocStorage) {}

  /** Sends a notice to every open connection of the package's content document. */
  broadcast(packageId: string, notice: ConflictNotice): void {
    const frame = encodeConflictNotice(notice);
    for (const c of this.connections.get(packageId) ?? []) {
      if (!c.closed && c.socket.isOpen()) c.socket.send(frame);
    }
  }

  /** Fills the authors of conflicts' sides the server did not see write from the audit trail. */
  async complete(packageId: string, conflicts: ConflictView[]): Promise<ConflictView[]> {
    if (!this.storage || conflicts.every((c) => c.written.userId !== null && c.other.userId !== null)) return conflicts;
    const audit = await this.storage.listAudit(packageId, 5000);
    return conflicts.map((c) => ({ ...c, other: authorFromAudit(c, c.other, audit) }));
  }

  /** The room hook (content documents only). */
  hook(): RoomHooks {
    const authorsOf = (room: HookRoom) => {
      let m = this.authors.get(room);
      if (!m) this.authors.set(room, (m = new Map()));
      return m;
    };
    return {
      name: 'cell-conflicts',
      onCreateReplica: ({ room, doc }) => {
        if (room.kind === 'content') getLinesMap(doc);
      },
      onConnect: ({ room, connection }) => {
        if (room.kind !== 'content') return;
        let set = this.connections.get(room.packageId);
        if (!set) this.connections.set(room.packageId, (set = new Set()));
        set.add(connection);
      },
      onDisconnect: ({ room, connection }) => {
        const set = this.connections.get(room.packageId);
        set?.delete(connection);
        if (set?.size === 0) this.connections.delete(room.packageId);
      },
      rowsForChange: (ctx: ChangeContext) => {
        const { room, principal, transaction: tr } = ctx;
        if (room.kind !== 'content' || principal.source === 'load') return;
        const lines = getLinesMap(tr.doc) as unknown as Y.Map<unknown>;
        const touches = new Map<string, CellTouch>();
        for (const item of ctx.insertedItems()) {
          const cell = cellOf(item, lines);
          if (!cell) continue;
          const key = `${cell.lineId}|${cell.year}`;
          let t = touches.get(key);
          if (!t) touches.set(key, (t = { lineId: cell.lineId, year: cell.year, line: cell.line, inserted: {} }));
          // The first item of the key in this change is the one whose origin says what its writer had seen.
          const first = t.inserted[cell.kind];
          if (!first || item.id.clock < first.id.clock) t.inserted[cell.kind] = item;
        }
        if (touches.size === 0) return;
        const at = ctx.at.toISOString();
        const authors = authorsOf(room);
        const conflicts: ConflictView[] = [];
        for (const t of touches.values()) {
          if (isBlind(t, tr)) {
            const writtenItem = t.inserted.invalid ?? t.inserted.amounts!;
            const written: CellValue = valueOf(writtenItem, t.inserted.invalid ? 'invalid' : 'amounts');
            const before = cellBefore(t, tr);
            if (!sameValue(written, before.value)) {
              const known = before.item ? [...CELL_MAPS].map((k) => authors.get(`${t.lineId}|${t.year}|${k}`)).find((a) => a && contains(before.item!, a.id)) : undefined;
              conflicts.push({
                id: randomUUID(),
                packageId: room.packageId,
                lineId: t.lineId,
                year: t.year,
                lineTitle: readTitle(t.line),
                written: { value: written, userId: principal.userId, at },
                other: { value: before.value, userId: known?.userId ?? null, at: known?.at ?? null },
                kept: sameValue(shownNow(t.line, t.year), written) ? 'written' : 'other',
                at,
                dismissed: null,
              });
            }
          }
          for (const kind of CELL_MAPS) {
            const item = t.inserted[kind];
            if (item) authors.set(`${t.lineId}|${t.year}|${kind}`, { id: item.id, userId: principal.userId, at });
          }
        }
        return conflicts.length > 0 ? { conflicts } : undefined;
      },
      afterStoreDocument: async ({ room, rows }) => {
        if (room.kind !== 'content' || !rows.conflicts?.length) return;
        // Awaited before sending, so the change itself (relayed right after this hook) reaches clients first.
        const complete = await this.complete(room.packageId, rows.conflicts);
        for (const conflict of complete) this.broadcast(room.packageId, { kind: 'conflict', conflict });
      },
    };
  }
}
