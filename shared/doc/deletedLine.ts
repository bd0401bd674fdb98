import * as Y from 'yjs';
import type { Group, Ledger, Status, Year } from '../types';
import { LIVE_XML_VIEW, readRichTextFromXml, type RichBlock, type XmlView } from './richtext';
import { createLineInDoc, getLinesMap, type LineInput } from './schema';
import { readTextValue } from './text';

/**
 * Everything needed to bring a deleted line back exactly as it was: its plain
 * fields, its display position, its amounts, the cells whose typed text was
 * invalid, and its rationale as rich text. Stored as JSON with the `deleted` audit
 * entry of the line (docs/schema.md).
 */
export interface LineSnapshot {
  id: string;
  ledger: Ledger;
  group: Group;
  title: string;
  order: number;
  section?: string;
  permanent?: boolean;
  status?: Status;
  party?: string;
  area?: string;
  /** Year → the amount exactly as stored (a canonical decimal string). */
  amounts: Record<Year, string>;
  /** Year → the typed text that did not parse. */
  invalid: Record<Year, string>;
  rationale: RichBlock[];
}

/** Any shared type (maps and texts alike): its map part, which holds a map's entries and an element's attributes. */
type AnyType = { _map: Map<string, Y.Item> };

/** How `snapshotOf` sees a line map's entries, and the rich text under it. */
interface LineView extends XmlView {
  entries(map: AnyType): Array<[string, unknown]>;
}

const LIVE_VIEW: LineView = {
  ...LIVE_XML_VIEW,
  entries: (map) => [...(map as unknown as Y.Map<unknown>).entries()],
};

/** The last value of a map entry's item (a map entry is one item; its content holds the value last). */
function itemValue(item: Y.Item): unknown {
  const content = item.content.getContent();
  return content[content.length - 1];
}

/**
 * A view of the document as it was just before `tr`: items `tr` deleted still
 * count (its deletions are visible only through the items, until Yjs collects them
 * when the transaction ends). Valid only inside `tr`.
 */
function viewBefore(tr: Y.Transaction): LineView & { alive(item: Y.Item): boolean } {
  const deletedByTr = (item: Y.Item): boolean => {
    // The transaction's delete set is not sorted yet: a linear scan of its ranges.
    for (const r of tr.deleteSet.clients.get(item.id.client) ?? []) {
      if (item.id.clock >= r.clock && item.id.clock < r.clock + r.len) return true;
    }
    return false;
  };
  const alive = (item: Y.Item): boolean => !item.deleted || deletedByTr(item);
  const mapEntries = (map: AnyType): Array<[string, unknown]> => {
    const out: Array<[string, unknown]> = [];
    for (const [key, item] of map._map) if (alive(item)) out.push([key, itemValue(item)]);
    return out;
  };
  return {
    alive,
    entries: mapEntries,
    mapValue: (map, key) => {
      const item = map._map.get(key);
      return item && alive(item) ? itemValue(item) : undefined;
    },
    attribute: (el, key) => {
      const item = el._map.get(key);
      return item && alive(item) ? itemValue(item) : undefined;
    },
    inserts: (text) => {
      const out: unknown[] = [];
      for (let n = text._start; n !== null; n = n.right) {
        if (!alive(n) || !n.countable) continue;
        const c = n.content;
        if (c instanceof Y.ContentString) out.push(c.str);
        else if (c instanceof Y.ContentType) out.push(c.type);
        else if (c instanceof Y.ContentEmbed) out.push(c.embed);
      }
      return out;
    },
  };
}

/** A title as it was (a `Y.Text` read through `view`, so a deleted one still reads; or a string of schema version 1). */
function titleOf(value: unknown, view: LineView): string {
  if (value instanceof Y.Text && !(value instanceof Y.XmlText)) {
    return readTextValue(
      view
        .inserts(value as unknown as Y.XmlText)
        .filter((s): s is string => typeof s === 'string')
        .join(''),
    );
  }
  return readTextValue(value);
}

function snapshotOf(id: string, line: AnyType, view: LineView): LineSnapshot {
  const fields = new Map(view.entries(line));
  const str = (key: string): string | undefined => {
    const v = fields.get(key);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const record = (key: string): Record<string, string> => {
    const out: Record<string, string> = {};
    const m = fields.get(key);
    if (m instanceof Y.Map) for (const [k, v] of view.entries(m)) if (typeof v === 'string') out[k] = v;
    return out;
  };
  const ledger = fields.get('ledger');
  const group = fields.get('group');
  const order = fields.get('order');
  const rationale = fields.get('rationale');
  const snap: LineSnapshot = {
    id,
    ledger: ledger === 'investering' || ledger === 'fond' ? ledger : 'drift',
    group: group === 'inndekning' ? 'inndekning' : 'tiltak',
    title: titleOf(fields.get('title'), view),
    order: typeof order === 'number' ? order : 0,
    amounts: record('amounts'),
    invalid: record('invalid'),
    rationale: rationale instanceof Y.XmlText ? readRichTextFromXml(rationale, view) : [],
  };
  for (const key of ['section', 'status', 'party', 'area'] as const) {
    const v = str(key);
    if (v) (snap as unknown as Record<string, string>)[key] = v;
  }
  if (fields.get('permanent') === true) snap.permanent = true;
  return snap;
}

/** The snapshot of a line as it is in `doc` now, or null when there is no such line. */
export function snapshotLine(doc: Y.Doc, id: string): LineSnapshot | null {
  const m = getLinesMap(doc).get(id);
  return m ? snapshotOf(id, m, LIVE_VIEW) : null;
}

/**
 * The snapshot of a line that `tr` deletes, read inside `tr` (a transaction
 * observer or a room hook's `checkChange`/`rowsForChange`), as it was just before:
 * the deleted map is still there, only marked deleted. Null when the line was not
 * there before `tr` or is not deleted by it.
 */
export function snapshotOfDeletedLine(tr: Y.Transaction, id: string): LineSnapshot | null {
  const item = getLinesMap(tr.doc)._map.get(id);
  if (!item || !item.deleted || !(item.content instanceof Y.ContentType)) return null;
  const view = viewBefore(tr);
  if (!view.alive(item)) return null;
  return snapshotOf(id, item.content.type as AnyType, view);
}

/** Reads a stored snapshot (JSON); null when it is not one. */
export function parseLineSnapshot(json: string): LineSnapshot | null {
  try {
    const v = JSON.parse(json) as Partial<LineSnapshot> | null;
    if (!v || typeof v.id !== 'string' || typeof v.title !== 'string' || typeof v.amounts !== 'object' || !Array.isArray(v.rationale)) return null;
    return { invalid: {}, order: 0, ...v } as LineSnapshot;
  } catch {
    return null;
  }
}

/**
 * Brings a deleted line back into `doc` in one transaction with `origin`: the same
 * id, fields, position, amounts, invalid cells and rationale, so the line reads
 * exactly as before it was deleted. Returns false (and changes nothing) when a line
 * with that id exists.
 */
export function restoreLineInDoc(doc: Y.Doc, snap: LineSnapshot, origin?: unknown): boolean {
  if (getLinesMap(doc).has(snap.id)) return false;
  doc.transact(() => {
    const input: LineInput = { id: snap.id, ledger: snap.ledger, group: snap.group, title: snap.title, order: snap.order, amounts: { ...snap.amounts }, rationale: snap.rationale };
    if (snap.section) input.section = snap.section;
    if (snap.permanent) input.permanent = true;
    if (snap.status) input.status = snap.status;
    if (snap.party) input.party = snap.party;
    if (snap.area) input.area = snap.area;
    createLineInDoc(doc, input, origin);
    const invalid = getLinesMap(doc).get(snap.id)!.get('invalid') as Y.Map<string>;
    for (const [year, typed] of Object.entries(snap.invalid)) invalid.set(year, typed);
  }, origin);
  return true;
}
