import * as Y from 'yjs';
import { MAX_TITLE_CHARS } from './limits';

/**
 * Titles as `Y.Text`, merged by character: line, section and verbal-instruction
 * titles and the package title (docs/schema.md, "Text fields"). Documents of
 * schema version 1 hold them as plain strings, and an old tab may still write one;
 * every reader here accepts both, and every writer edits an existing `Y.Text` by
 * the smallest change, so two people typing in one title both keep their typing.
 */

/** The key every titled map (a line, section, verbal instruction, and `meta`) keeps its title under. */
export const TITLE_KEY = 'title';

/**
 * The title's text, from a `Y.Text` or (schema version 1, old tabs) a string; ''
 * for anything else (a rich `Y.XmlText` included); cut to MAX_TITLE_CHARS, so a
 * malformed stored title never reaches an export whole.
 */
export function readTextValue(value: unknown): string {
  const t = value instanceof Y.Text && !(value instanceof Y.XmlText) ? value.toString() : typeof value === 'string' ? value : '';
  return t.length > MAX_TITLE_CHARS ? t.slice(0, MAX_TITLE_CHARS) : t;
}

/** The title of a titled map (see `readTextValue`). */
export function readTitle(m: Y.Map<unknown>): string {
  return readTextValue(m.get(TITLE_KEY));
}

/** The title's `Y.Text`, or null while it is a string (or missing). */
export function titleText(m: Y.Map<unknown>): Y.Text | null {
  const v = m.get(TITLE_KEY);
  return v instanceof Y.Text ? v : null;
}

/** A new `Y.Text` holding `value`, cut to MAX_TITLE_CHARS (insert it into a map in the same transaction). */
export function newTitleText(value: string): Y.Text {
  const t = new Y.Text();
  const v = value.length > MAX_TITLE_CHARS ? value.slice(0, MAX_TITLE_CHARS) : value;
  if (v) t.insert(0, v);
  return t;
}

/** One contiguous change: at `index`, remove `remove` characters and insert `insert`. */
export interface TextChange {
  index: number;
  remove: number;
  insert: string;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The smallest contiguous change from `a` to `b`. `cursor` is where the caret is
 * in `b` after the edit (an input's `selectionEnd`): the edit ends there, so a
 * typed character next to an identical one is placed where it was typed, not
 * after its twin (which may be a partner's, which would tear both runs apart).
 * Never splits a surrogate pair. `b === a` gives `{ index: a.length, remove: 0, insert: '' }`.
 */
export function diffText(a: string, b: string, cursor: number = b.length): TextChange {
  const grow = Math.max(0, b.length - a.length);
  const leftLimit = Math.min(a.length, b.length, Math.max(0, cursor - grow));
  let left = 0;
  while (left < leftLimit && a.charCodeAt(left) === b.charCodeAt(left)) left++;
  if (left > 0 && isHighSurrogate(a.charCodeAt(left - 1)) && left < Math.max(a.length, b.length)) left--;
  let right = 0;
  while (right < a.length - left && right < b.length - left && a.charCodeAt(a.length - 1 - right) === b.charCodeAt(b.length - 1 - right)) right++;
  if (right > 0 && isLowSurrogate(a.charCodeAt(a.length - right)) && a.length - right > left) right--;
  return { index: left, remove: a.length - left - right, insert: b.slice(left, b.length - right) };
}

/** Applies the smallest change that turns `text` into `value` (`cursor` as in `diffText`); no-op when equal. */
export function setTextValue(text: Y.Text, value: string, cursor?: number): void {
  const current = text.toString();
  if (current === value) return;
  const d = diffText(current, value, cursor);
  if (d.remove > 0) text.delete(d.index, d.remove);
  if (d.insert) text.insert(d.index, d.insert);
}

/**
 * Writes a title into `m` (call inside the caller's transaction): an existing
 * `Y.Text` gets the smallest change (so a partner's concurrent typing survives);
 * a string or missing title is replaced by a new `Y.Text`. Returns whether it wrote.
 */
export function writeTitle(m: Y.Map<unknown>, text: string): boolean {
  // Writers keep to the limit the server checks, so an honest edit is never refused.
  const value = text.length > MAX_TITLE_CHARS ? text.slice(0, MAX_TITLE_CHARS) : text;
  const t = titleText(m);
  if (t) {
    if (t.toString() === value) return false;
    setTextValue(t, value);
    return true;
  }
  if (m.get(TITLE_KEY) === value && value !== '') return false;
  m.set(TITLE_KEY, newTitleText(value));
  return true;
}

/**
 * A text as someone started editing it elsewhere (a grid cell's draft): its value
 * then and where each of its characters is, so that the edit can later be applied
 * to the text as it is by then (`applyEditSince`), keeping what others typed meanwhile.
 */
export interface TextBase {
  text: Y.Text;
  value: string;
  /** `positions[i]`: the place right after character i − 1 (`positions[0]`: the start). */
  positions: Y.RelativePosition[];
}

/** Captures `text` as it is now, for `applyEditSince`. */
export function captureTextBase(text: Y.Text): TextBase {
  const value = text.toString();
  const positions: Y.RelativePosition[] = [];
  for (let i = 0; i <= value.length; i++) positions.push(Y.createRelativePositionFromTypeIndex(text, i, -1));
  return { text, value, positions };
}

/**
 * Applies the edit `base.value → next` to the text as it is now (call inside the
 * caller's transaction): the characters of `base` the edit removes are removed if
 * they are still there, characters others inserted meanwhile stay, and the new
 * characters go where the edit made them (after the character before the edit).
 * This is a three-way merge by character: a draft started before a partner typed
 * keeps the partner's typing.
 */
export function applyEditSince(base: TextBase, next: string): void {
  const { text } = base;
  const doc = text.doc;
  if (!doc) throw new Error('applyEditSince: the text is not in a document');
  const d = diffText(base.value, next);
  // Remove from the right, so earlier absolute indices stay valid.
  for (let j = d.index + d.remove - 1; j >= d.index; j--) {
    const after = base.positions[j + 1];
    const id = after?.item;
    if (!after || !id) continue;
    const item = Y.getItem(doc.store, id);
    if (!(item instanceof Y.Item) || item.deleted) continue;
    const abs = Y.createAbsolutePositionFromRelativePosition(after, doc);
    if (abs && abs.type === text && abs.index > 0) text.delete(abs.index - 1, 1);
  }
  if (d.insert) {
    const at = base.positions[d.index] ? Y.createAbsolutePositionFromRelativePosition(base.positions[d.index]!, doc) : null;
    text.insert(at && at.type === text ? at.index : Math.min(d.index, text.length), d.insert);
  }
}
