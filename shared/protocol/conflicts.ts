/**
 * Conflicts on amount cells, as the server reports them (docs/schema.md,
 * "Conflicts"): the shape the HTTP routes answer with and the notices the server
 * pushes over the content document's websocket.
 *
 * A conflict: someone wrote an amount cell without having seen its current value
 * (in Yjs terms, a map write whose origin is not the key's current item, or a
 * value that leaves a value of the cell's other map the writer never removed). Only
 * the server can tell who and when (Yjs items carry only a client id), so only the
 * server records them; a record stays unresolved until a member dismisses it.
 */
import * as encoding from 'lib0/encoding';
import { MESSAGE_NOTICE } from './wire';

/** A value of an amount cell: a canonical amount, text that did not parse, or nothing. */
export type CellValue = { amount: string } | { typed: string } | null;

/** One side of a conflict: a value of the cell, and who wrote it when (null: the server could not tell). */
export interface ConflictSide {
  value: CellValue;
  userId: string | null;
  /** ISO 8601. */
  at: string | null;
}

/** A conflict on one amount cell, as `GET /api/packages/:id/conflicts` lists it. */
export interface ConflictView {
  id: string;
  packageId: string;
  lineId: string;
  year: string;
  /** The line's title when the conflict happened. */
  lineTitle: string;
  /** The write made without having seen `other`. */
  written: ConflictSide;
  /** The value the writer had not seen (overwritten by it, or keeping it out). */
  other: ConflictSide;
  /** Which of the two the cell showed after the change (Yjs, not the server, decides that). */
  kept: 'written' | 'other';
  /** When the server saw it (ISO 8601). */
  at: string;
  /** Set once a member dismissed it. */
  dismissed: { userId: string | null; at: string } | null;
}

/** Push messages about conflicts (type 100, like the other notices): a new one, or one dismissed. */
export type ConflictNotice = { kind: 'conflict'; conflict: ConflictView } | { kind: 'conflict-dismissed'; id: string; by: string | null };

/** Encodes a conflict notice frame (`varuint 100, varString JSON`). */
export function encodeConflictNotice(notice: ConflictNotice): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_NOTICE);
  encoding.writeVarString(e, JSON.stringify(notice));
  return encoding.toUint8Array(e);
}

function isSide(v: unknown): v is ConflictSide {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  return 'value' in s && (s.userId === null || typeof s.userId === 'string') && (s.at === null || typeof s.at === 'string');
}

/** Reads a conflict notice from a notice's JSON text; null for anything else, never throws. */
export function parseConflictNotice(json: string): ConflictNotice | null {
  try {
    const raw = JSON.parse(json) as Record<string, unknown>;
    if (raw.kind === 'conflict-dismissed' && typeof raw.id === 'string') return { kind: 'conflict-dismissed', id: raw.id, by: typeof raw.by === 'string' ? raw.by : null };
    if (raw.kind !== 'conflict' || !raw.conflict || typeof raw.conflict !== 'object') return null;
    const c = raw.conflict as Record<string, unknown>;
    if (typeof c.id !== 'string' || typeof c.lineId !== 'string' || typeof c.year !== 'string' || !isSide(c.written) || !isSide(c.other)) return null;
    return { kind: 'conflict', conflict: c as unknown as ConflictView };
  } catch {
    return null;
  }
}

/** The two values of a conflict as the cell keeps them: what it shows now, and the one it does not. */
export function keptAndLost(c: Pick<ConflictView, 'written' | 'other' | 'kept'>): { kept: ConflictSide; lost: ConflictSide } {
  return c.kept === 'written' ? { kept: c.written, lost: c.other } : { kept: c.other, lost: c.written };
}
