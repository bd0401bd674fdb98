import type * as Y from 'yjs';
import { entryOf, getSectionsMap, getVerbalMap, orderOf } from './schema';
import { TITLE_KEY, writeTitle } from './text';

/**
 * Writers for the ordered structure of a package that the UI edits besides
 * lines: section titles and order, verbal instructions' fields and order, and
 * deletions. Like the other shared/doc helpers, each write is one transaction
 * with the caller's origin (so the per-user UndoManager can track it).
 */

/** A patch of a section's plain fields; the introduction text is edited through its XmlText. */
export interface SectionPatch {
  title?: string;
  order?: number;
}

/** Changes a section's title (into its `Y.Text`, by the smallest change) and/or order; unknown ids are ignored. */
export function setSectionFields(doc: Y.Doc, id: string, patch: SectionPatch, origin?: unknown): void {
  doc.transact(() => {
    const m = entryOf(getSectionsMap(doc), id);
    if (!m) return;
    if (patch.title !== undefined) writeTitle(m, patch.title);
    if (patch.order !== undefined) m.set('order', patch.order);
  }, origin);
}

/** Deletes a section. Its lines keep their (now dangling) section id and show as "no section". */
export function deleteSectionInDoc(doc: Y.Doc, id: string, origin?: unknown): void {
  doc.transact(() => getSectionsMap(doc).delete(id), origin);
}

/** A patch of a verbal instruction's plain fields; `undefined`/'' removes a field. */
export interface VerbalPatch {
  title?: string;
  section?: string;
  status?: string;
  party?: string;
  order?: number;
}

/** Changes fields of a verbal instruction (the title into its `Y.Text`, by the smallest change); unknown ids are ignored. */
export function setVerbalFields(doc: Y.Doc, id: string, patch: VerbalPatch, origin?: unknown): void {
  doc.transact(() => {
    const m = entryOf(getVerbalMap(doc), id);
    if (!m) return;
    for (const [k, v] of Object.entries(patch)) {
      if (k === TITLE_KEY) writeTitle(m, typeof v === 'string' ? v : '');
      else if (v === undefined || v === '') m.delete(k);
      else m.set(k, v);
    }
  }, origin);
}

/** Deletes a verbal instruction. */
export function deleteVerbalInDoc(doc: Y.Doc, id: string, origin?: unknown): void {
  doc.transact(() => getVerbalMap(doc).delete(id), origin);
}

/**
 * Swaps the `order` of item `id` with its neighbour in `orderedIds` (the
 * display order) in the given map (`sections` or `verbal`). Equal orders are
 * separated by half a step so the move is always visible. One transaction.
 */
export function moveOrderedItem(map: Y.Map<Y.Map<unknown>>, orderedIds: readonly string[], id: string, delta: -1 | 1, origin?: unknown): void {
  const i = orderedIds.indexOf(id);
  const otherId = orderedIds[i + delta];
  const doc = map.doc;
  if (i < 0 || otherId === undefined || !doc) return;
  const a = entryOf(map, id);
  const b = entryOf(map, otherId);
  if (!a || !b) return;
  const oa = orderOf(a);
  const ob = orderOf(b);
  doc.transact(() => {
    if (oa === ob) a.set('order', ob + delta * 0.5);
    else {
      a.set('order', ob);
      b.set('order', oa);
    }
  }, origin);
}
