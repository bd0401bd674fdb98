import * as Y from 'yjs';
import { MAX_DECISION_NUMBER_CHARS, MAX_DECISION_POINTS, MAX_DECISION_TEXT_CHARS } from './limits';
import { parseAmount, toCanonical } from '../money';
import type {
  DecisionPoint,
  Group,
  Ledger,
  PackageLine,
  PackageSection,
  Party,
  PlainPackage,
  Status,
  VerbalInstruction,
  Year,
} from '../types';
import { plainTextFromRichText, readRichTextFromXml, richTextFromPlain, writeRichTextToXml, type RichBlock } from './richtext';
import { MAX_CELL_CHARS, MAX_NAME_CHARS, MAX_PARTIES, MAX_YEARS } from './limits';
import { TITLE_KEY, newTitleText, readTextValue, readTitle, titleText, writeTitle } from './text';

/**
 * The package document schema (documented in docs/schema.md) and the only module
 * that knows Y types (with ./text for the title texts). Everything else reads and
 * writes packages through these helpers, which turn Y types into plain records at
 * exactly this boundary.
 *
 * - `meta`:     title: Y.Text, schemaVersion, years, planYears, parties,
 *                fundOpeningBalance (plain values)
 * - `sections`: id → Y.Map { title: Y.Text, order, intro: Y.XmlText }
 * - `lines`:    id → Y.Map { ledger, group, section, title: Y.Text, order, status,
 *                party, permanent, area, amounts: Y.Map<year, decimal string>,
 *                invalid: Y.Map<year, typed text>, rationale: Y.XmlText }
 * - `verbal`:   id → Y.Map { section, title: Y.Text, order, status, party, text: Y.XmlText }
 *
 * Titles were plain strings in schema version 1; readers accept both (see ./text).
 *
 * Readers never throw on a shape the schema does not allow (older data, a bug):
 * an entry that is not a `Y.Map` is skipped, a field of the wrong type reads as
 * absent, overlong values are cut to their limit. `checkContentDoc`
 * (shared/doc/validate.ts) lists what was skipped, by entry id. Writers cut what a
 * person typed to the limits of shared/doc/limits.ts, so an honest client never
 * writes a change the server refuses.
 */

export const META = 'meta';
/**
 * The schema version this code writes, stored as `meta.schemaVersion` (a number).
 * 1 (or absent): titles are strings. 2: every title is a `Y.Text`. The server
 * alone raises a document's version, once, when it loads it (`upgradeDocument`).
 */
export const SCHEMA_VERSION = 2;
/** The key of the schema version in `meta`. */
export const SCHEMA_VERSION_KEY = 'schemaVersion';
export const SECTIONS = 'sections';
export const LINES = 'lines';
export const VERBAL = 'verbal';

/** Package metadata as stored in `meta`. */
export interface PackageMeta {
  title: string;
  years: Year[];
  planYears: Year[];
  parties: Party[];
  fundOpeningBalance?: string;
  /** The decision's opening sentence; absent means the default wording of the decision document. */
  decisionOpening?: string;
  /** The decision points the package changes, in order (a plain array, replaced as a whole when saved). */
  decisionPoints: DecisionPoint[];
  /** The chief executive's proposed borrowing for the first plan year (canonical decimal string, million NOK). */
  proposedBorrowing?: string;
}

/**
 * Reads a stored `decisionPoints` value: entries that are not `{ number, text }`
 * strings, or have neither, are skipped (never coerced); lengths are capped
 * at the limits of shared/doc/limits.ts so a hand-made document cannot blow up an export.
 */
export function readDecisionPoints(raw: unknown): DecisionPoint[] {
  if (!Array.isArray(raw)) return [];
  const out: DecisionPoint[] = [];
  for (const item of raw.slice(0, MAX_DECISION_POINTS) as unknown[]) {
    if (!item || typeof item !== 'object') continue;
    const { number, text } = item as { number?: unknown; text?: unknown };
    if (typeof number !== 'string' || typeof text !== 'string') continue;
    if (number.trim() === '' && text.trim() === '') continue;
    out.push({ number: number.trim().slice(0, MAX_DECISION_NUMBER_CHARS), text: text.trim().slice(0, MAX_DECISION_TEXT_CHARS) });
  }
  return out;
}

/** A line as written by import or creation; rationale may be rich. */
export interface LineInput {
  id?: string;
  ledger: Ledger;
  group: Group;
  title: string;
  amounts?: Record<Year, string>;
  section?: string;
  permanent?: boolean;
  status?: Status;
  party?: string;
  area?: string;
  rationale?: RichBlock[];
  /** Display position; defaults to after every existing line. */
  order?: number;
}

/** A field of a line that `setLineFields` may change (amounts go through `setLineAmount`). */
export type LineFieldPatch = Partial<Pick<PackageLine, 'ledger' | 'group' | 'title' | 'section' | 'permanent' | 'status' | 'party' | 'area'>> & {
  order?: number;
};

/** Returns a fresh random id for lines, sections and instructions. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

export function getLinesMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(LINES);
}
export function getSectionsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(SECTIONS);
}
export function getVerbalMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap(VERBAL);
}
export function getMetaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap(META);
}

/** Whether a value read from the document is an entry map (a malformed entry can be anything). */
export function isEntryMap(v: unknown): v is Y.Map<unknown> {
  return v instanceof Y.Map;
}

/** The entry `id` of a collection (`lines`, `sections`, `verbal`) when it is a well-formed map; undefined otherwise. */
export function entryOf(map: Y.Map<Y.Map<unknown>>, id: string): Y.Map<unknown> | undefined {
  const m: unknown = map.get(id);
  return isEntryMap(m) ? m : undefined;
}

/** The well-formed entries of a collection, skipping any that are not maps. */
export function* entriesOf(map: Y.Map<Y.Map<unknown>>): Generator<[string, Y.Map<unknown>]> {
  for (const [id, m] of map.entries()) if (isEntryMap(m)) yield [id, m];
}

/** An entry's `order` as a finite number (0 when absent or malformed). */
export function orderOf(m: Y.Map<unknown>): number {
  const o = m.get('order');
  return typeof o === 'number' && Number.isFinite(o) ? o : 0;
}

/** Cuts what a person typed to `max` characters (writers keep to the limits the server checks). */
export function clampText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/**
 * Writes package metadata. Only the given keys change; the title goes into its
 * `Y.Text` by the smallest change (`writeTitle`).
 */
export function writeMetaToDoc(doc: Y.Doc, meta: Partial<PackageMeta>, origin?: unknown): void {
  doc.transact(() => {
    const m = getMetaMap(doc);
    for (const [k, v] of Object.entries(meta)) {
      if (k === TITLE_KEY && typeof v === 'string') writeTitle(m, v);
      else if (v === undefined) m.delete(k);
      else m.set(k, v);
    }
  }, origin);
}

/** Four-digit years, each once, at most MAX_YEARS of them; anything else is skipped. */
function readYears(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out = new Set<string>();
  for (const y of v) {
    if (out.size >= MAX_YEARS) break;
    if (typeof y === 'string' && /^\d{4}$/.test(y)) out.add(y);
  }
  return [...out];
}

/** The document's schema version (1 when `meta` has none). */
export function readSchemaVersion(doc: Y.Doc): number {
  const v = getMetaMap(doc).get(SCHEMA_VERSION_KEY);
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : 1;
}

/**
 * Replaces every string title (lines, sections, verbal instructions, the package)
 * by a `Y.Text` with the same characters; returns how many it replaced. Call inside
 * one transaction. Only the server calls this (see `upgradeDocument`): two clients
 * converting the same title would each create a text, and one would be lost.
 */
export function convertStringTitles(doc: Y.Doc): number {
  let n = 0;
  const convert = (m: Y.Map<unknown>) => {
    const v = m.get(TITLE_KEY);
    if (typeof v !== 'string') return;
    m.set(TITLE_KEY, newTitleText(v));
    n++;
  };
  convert(getMetaMap(doc));
  for (const map of [getLinesMap(doc), getSectionsMap(doc), getVerbalMap(doc)]) for (const m of map.values()) if (m instanceof Y.Map) convert(m);
  return n;
}

/**
 * Brings a document of an older schema version to `SCHEMA_VERSION` in the caller's
 * transaction: string titles become `Y.Text` (`convertStringTitles`) and
 * `meta.schemaVersion` is set. Returns whether it changed anything: a document
 * already at the current version, and one without a string title (new and empty,
 * or written only by current code), are left alone — nothing in them needs
 * converting, and an empty document gets its version from its creation
 * (`markCurrentSchema`). The server runs it once per load.
 */
export function upgradeDocument(doc: Y.Doc): boolean {
  if (readSchemaVersion(doc) >= SCHEMA_VERSION || !hasStringTitles(doc)) return false;
  convertStringTitles(doc);
  getMetaMap(doc).set(SCHEMA_VERSION_KEY, SCHEMA_VERSION);
  return true;
}

/**
 * Marks a document the current code has just written from scratch (the server's
 * package creation) as `SCHEMA_VERSION`. Never on a client: a client holding an
 * old document offline would mark it current without converting it.
 */
export function markCurrentSchema(doc: Y.Doc): void {
  getMetaMap(doc).set(SCHEMA_VERSION_KEY, SCHEMA_VERSION);
}

/** Whether any title in the document is still a string (an old tab wrote one after the upgrade, or the document is not upgraded). */
export function hasStringTitles(doc: Y.Doc): boolean {
  if (typeof getMetaMap(doc).get(TITLE_KEY) === 'string') return true;
  for (const map of [getLinesMap(doc), getSectionsMap(doc), getVerbalMap(doc)]) {
    for (const m of map.values()) if (m instanceof Y.Map && typeof m.get(TITLE_KEY) === 'string') return true;
  }
  return false;
}

/** Parties with a string id and name (colour '' when missing), at most MAX_PARTIES; anything else is skipped. */
function readParties(v: unknown): Party[] {
  if (!Array.isArray(v)) return [];
  const out: Party[] = [];
  for (const p of v as unknown[]) {
    if (out.length >= MAX_PARTIES) break;
    if (typeof p !== 'object' || p === null) continue;
    const { id, name, color } = p as Record<string, unknown>;
    if (typeof id !== 'string' || id === '' || typeof name !== 'string') continue;
    out.push({ id: id.slice(0, MAX_NAME_CHARS), name: name.slice(0, MAX_NAME_CHARS), color: typeof color === 'string' ? color.slice(0, 64) : '' });
  }
  return out;
}

/** Reads package metadata; missing or malformed fields come back empty, never undefined arrays. */
export function readMetaFromDoc(doc: Y.Doc): PackageMeta {
  const m = getMetaMap(doc);
  const meta: PackageMeta = {
    title: readTextValue(m.get(TITLE_KEY)),
    years: readYears(m.get('years')),
    planYears: readYears(m.get('planYears')),
    parties: readParties(m.get('parties')),
    decisionPoints: readDecisionPoints(m.get('decisionPoints')),
  };
  const fob = m.get('fundOpeningBalance');
  if (typeof fob === 'string' && fob !== '') meta.fundOpeningBalance = fob.slice(0, 64);
  const opening = m.get('decisionOpening');
  if (typeof opening === 'string' && opening.trim() !== '') meta.decisionOpening = opening.slice(0, MAX_DECISION_TEXT_CHARS);
  const borrowing = m.get('proposedBorrowing');
  if (typeof borrowing === 'string' && borrowing !== '') meta.proposedBorrowing = borrowing.slice(0, 64);
  return meta;
}

function maxOrder(map: Y.Map<Y.Map<unknown>>): number {
  let max = 0;
  for (const [, item] of entriesOf(map)) {
    const o = orderOf(item);
    if (o > max) max = o;
  }
  return max;
}

function str(m: Y.Map<unknown>, key: string, max = MAX_NAME_CHARS): string | undefined {
  const v = m.get(key);
  return typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined;
}

/** Entries of a collection in display order (by `order`, then id), skipping malformed ones. */
function sortedEntries(map: Y.Map<Y.Map<unknown>>): Array<[string, Y.Map<unknown>]> {
  const entries = [...entriesOf(map)];
  entries.sort(([ia, a], [ib, b]) => orderOf(a) - orderOf(b) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  return entries;
}

/** Reads the rich text stored under `key`, or [] when absent. */
export function readRichField(m: Y.Map<unknown>, key: string): RichBlock[] {
  const x = m.get(key);
  return x instanceof Y.XmlText ? readRichTextFromXml(x) : [];
}

/** Reads one line as plain data. Unknown or malformed amounts and fields are skipped, never coerced. */
export function readLineFromMap(id: string, m: Y.Map<unknown>): PackageLine {
  const amounts: Record<Year, string> = {};
  const am = m.get('amounts');
  if (am instanceof Y.Map) {
    // Any string counts (the engine reports what it cannot read); an overlong one is cut.
    for (const [year, v] of am.entries()) if (typeof v === 'string') amounts[year] = v.slice(0, MAX_CELL_CHARS);
  }
  const ledger = m.get('ledger');
  const group = m.get('group');
  const line: PackageLine = {
    id,
    ledger: ledger === 'investering' || ledger === 'fond' ? ledger : 'drift',
    group: group === 'inndekning' ? 'inndekning' : 'tiltak',
    title: readTitle(m),
    amounts,
  };
  const section = str(m, 'section');
  if (section) line.section = section;
  if (m.get('permanent') === true) line.permanent = true;
  const status = readStatus(m.get('status'));
  if (status) line.status = status;
  const party = str(m, 'party');
  if (party) line.party = party;
  const area = str(m, 'area');
  if (area) line.area = area;
  const inv = m.get('invalid');
  if (inv instanceof Y.Map && inv.size > 0) {
    line.invalid = {};
    for (const [year, v] of inv.entries()) if (typeof v === 'string') line.invalid[year] = v.slice(0, MAX_CELL_CHARS);
  }
  const description = plainTextFromRichText(readRichField(m, 'rationale'));
  if (description) line.description = description;
  return line;
}

/** A status when it is one of the statuses; undefined otherwise. */
function readStatus(v: unknown): Status | undefined {
  return v === 'draft' || v === 'proposed' || v === 'agreed' || v === 'rejected' ? v : undefined;
}

/** Lines in display order (by `order`, then id for a stable tie-break); malformed entries are skipped. */
export function readLinesFromDoc(doc: Y.Doc): PackageLine[] {
  return sortedEntries(getLinesMap(doc)).map(([id, m]) => readLineFromMap(id, m));
}

/** Sections in display order; malformed entries are skipped. */
export function readSectionsFromDoc(doc: Y.Doc): PackageSection[] {
  return sortedEntries(getSectionsMap(doc)).map(([id, m]) => {
    const s: PackageSection = { id, title: readTitle(m) };
    const intro = plainTextFromRichText(readRichField(m, 'intro'));
    if (intro) s.intro = intro;
    return s;
  });
}

/** Verbal instructions in display order; malformed entries are skipped. */
export function readVerbalFromDoc(doc: Y.Doc): VerbalInstruction[] {
  return sortedEntries(getVerbalMap(doc)).map(([id, m]) => {
    const v: VerbalInstruction = { id, title: readTitle(m), text: plainTextFromRichText(readRichField(m, 'text')) };
    const section = str(m, 'section');
    if (section) v.section = section;
    const status = readStatus(m.get('status'));
    if (status) v.status = status;
    const party = str(m, 'party');
    if (party) v.party = party;
    return v;
  });
}

/** The whole package as plain data (rich text flattened to plain text). */
export function readPackageFromDoc(doc: Y.Doc, id: string): PlainPackage {
  const meta = readMetaFromDoc(doc);
  const pkg: PlainPackage = {
    id,
    title: meta.title,
    years: meta.years,
    planYears: meta.planYears,
    parties: meta.parties,
    sections: readSectionsFromDoc(doc),
    lines: readLinesFromDoc(doc),
    verbal: readVerbalFromDoc(doc),
  };
  if (meta.fundOpeningBalance) pkg.fundOpeningBalance = meta.fundOpeningBalance;
  if (meta.decisionOpening) pkg.decisionOpening = meta.decisionOpening;
  if (meta.decisionPoints.length > 0) pkg.decisionPoints = meta.decisionPoints;
  if (meta.proposedBorrowing) pkg.proposedBorrowing = meta.proposedBorrowing;
  return pkg;
}

/** Creates a section with its introduction text in one transaction; returns its id. */
export function createSectionInDoc(doc: Y.Doc, title: string, intro: RichBlock[] = [], origin?: unknown, id = newId()): string {
  doc.transact(() => {
    const sections = getSectionsMap(doc);
    const m = new Y.Map<unknown>();
    m.set(TITLE_KEY, newTitleText(title));
    m.set('order', maxOrder(sections) + 1);
    const x = new Y.XmlText();
    m.set('intro', x);
    sections.set(id, m);
    writeRichTextToXml(x, intro);
  }, origin);
  return id;
}

/** Finds a section by (trimmed, case-insensitive) title. */
export function findSectionByTitle(doc: Y.Doc, title: string): string | undefined {
  const want = title.trim().toLocaleLowerCase('nb');
  for (const [id, m] of entriesOf(getSectionsMap(doc))) {
    if (readTitle(m).trim().toLocaleLowerCase('nb') === want) return id;
  }
  return undefined;
}

function fillLineMap(m: Y.Map<unknown>, input: LineInput, order: number): Y.XmlText {
  m.set('ledger', input.ledger);
  m.set('group', input.group);
  m.set(TITLE_KEY, newTitleText(input.title));
  m.set('order', order);
  if (input.section) m.set('section', input.section);
  if (input.permanent) m.set('permanent', true);
  m.set('status', input.status ?? 'draft');
  if (input.party) m.set('party', input.party);
  if (input.area) m.set('area', input.area);
  const amounts = new Y.Map<string>();
  for (const [year, v] of Object.entries(input.amounts ?? {})) amounts.set(year, v);
  m.set('amounts', amounts);
  m.set('invalid', new Y.Map<string>());
  const x = new Y.XmlText();
  m.set('rationale', x);
  return x;
}

/** The largest `order` among the document's lines (0 when there are none). */
export function lastLineOrder(doc: Y.Doc): number {
  return maxOrder(getLinesMap(doc));
}

/** Creates a line (with its rationale text) in one transaction; returns its id. */
export function createLineInDoc(doc: Y.Doc, input: LineInput, origin?: unknown): string {
  const id = input.id ?? newId();
  doc.transact(() => {
    const lines = getLinesMap(doc);
    const m = new Y.Map<unknown>();
    const order = input.order ?? maxOrder(lines) + 1;
    lines.set(id, m);
    const x = fillLineMap(m, input, order);
    writeRichTextToXml(x, input.rationale ?? []);
  }, origin);
  return id;
}

/** Deletes a line. */
export function deleteLineInDoc(doc: Y.Doc, id: string, origin?: unknown): void {
  doc.transact(() => getLinesMap(doc).delete(id), origin);
}

/**
 * Changes fields of a line; `undefined` values remove the field. The title is
 * written into its `Y.Text` by the smallest change (`writeTitle`), never removed.
 */
export function setLineFields(doc: Y.Doc, id: string, patch: LineFieldPatch, origin?: unknown): void {
  doc.transact(() => {
    const m = entryOf(getLinesMap(doc), id);
    if (!m) return;
    for (const [k, v] of Object.entries(patch)) {
      if (k === TITLE_KEY) writeTitle(m, typeof v === 'string' ? v : '');
      else if (v === undefined || v === '' || v === false) m.delete(k);
      else m.set(k, v);
    }
  }, origin);
}

/** The `Y.Text` of a line's title, or null (no such line, or a string title not yet converted). */
export function lineTitleText(doc: Y.Doc, id: string): Y.Text | null {
  const m = getLinesMap(doc).get(id);
  return m ? titleText(m) : null;
}

/**
 * The Yjs client id that wrote what an amount cell shows now (its typed text, else
 * its amount), or null when the cell is empty or the line is gone. A client maps
 * it to a person through the awareness states, which are keyed by the same id.
 */
export function amountCellWriter(doc: Y.Doc, id: string, year: Year): number | null {
  const m = getLinesMap(doc).get(id);
  if (!m) return null;
  for (const key of ['invalid', 'amounts']) {
    const map = m.get(key);
    const item = map instanceof Y.Map ? map._map.get(year) : undefined;
    if (item && !item.deleted) return item.id.client;
  }
  return null;
}

/**
 * The `gcFilter` of every client replica (`new Y.Doc({ gcFilter: keepCellValues })`):
 * true (may be garbage-collected) for every deleted item except an overwritten
 * value of an amount cell. A client that learns of someone's concurrent value for a
 * cell before it has sent its own (its tab was offline while another tab or its
 * balance worker was not) then still sends its own value, not an empty deleted
 * item, so the server can name both values of the conflict (docs/schema.md,
 * "Conflicts"). The values kept are a few bytes each.
 */
export function keepCellValues(item: Y.Item): boolean {
  if (item.parentSub === null || !(item.parent instanceof Y.Map)) return true;
  const key = item.parent._item?.parentSub;
  return key !== 'amounts' && key !== 'invalid';
}

/** The outcome of writing typed text into an amount cell. */
export type SetAmountResult = { ok: true; value: string | null } | { ok: false; message: string };

/**
 * Writes what a person typed into a line's cell for `year`. A valid amount is
 * stored canonically (and any earlier bad text for that cell is cleared); blank
 * removes the amount; invalid text is kept under `invalid` with no amount, so
 * it is never silently 0 and the engine reports it.
 */
export function setLineAmount(doc: Y.Doc, id: string, year: Year, typed: string, origin?: unknown): SetAmountResult {
  const parsed = parseAmount(typed);
  let result: SetAmountResult = { ok: false, message: 'Linjen finnes ikke' };
  doc.transact(() => {
    const m = entryOf(getLinesMap(doc), id);
    if (!m) return;
    let amounts = m.get('amounts');
    if (!(amounts instanceof Y.Map)) {
      amounts = new Y.Map<string>();
      m.set('amounts', amounts);
    }
    let invalid = m.get('invalid');
    if (!(invalid instanceof Y.Map)) {
      invalid = new Y.Map<string>();
      m.set('invalid', invalid);
    }
    const am = amounts as Y.Map<string>;
    const inv = invalid as Y.Map<string>;
    if (parsed.ok) {
      if (parsed.value === null) am.delete(year);
      else {
        const canonical = toCanonical(parsed.value);
        if (am.get(year) !== canonical) am.set(year, canonical);
      }
      if (inv.has(year)) inv.delete(year);
      result = { ok: true, value: parsed.value === null ? null : toCanonical(parsed.value) };
    } else {
      if (am.has(year)) am.delete(year);
      inv.set(year, clampText(parsed.text, MAX_CELL_CHARS));
      result = { ok: false, message: parsed.message };
    }
  }, origin);
  return result;
}

/** Creates a verbal instruction with its text in one transaction; returns its id. */
export function createVerbalInDoc(
  doc: Y.Doc,
  input: { title: string; section?: string; text?: RichBlock[]; status?: Status; party?: string; id?: string },
  origin?: unknown,
): string {
  const id = input.id ?? newId();
  doc.transact(() => {
    const verbal = getVerbalMap(doc);
    const m = new Y.Map<unknown>();
    m.set(TITLE_KEY, newTitleText(input.title));
    m.set('order', maxOrder(verbal) + 1);
    if (input.section) m.set('section', input.section);
    m.set('status', input.status ?? 'draft');
    if (input.party) m.set('party', input.party);
    const x = new Y.XmlText();
    m.set('text', x);
    verbal.set(id, m);
    writeRichTextToXml(x, input.text ?? []);
  }, origin);
  return id;
}

/** A line of an import file, sections named by title. */
export interface ImportedLine {
  section?: string;
  ledger: Ledger;
  group: Group;
  title: string;
  amounts: Record<Year, string>;
  area?: string;
  party?: string;
  status?: Status;
  description?: string;
}

/**
 * Adds imported lines to the document in one transaction: sections are found by
 * title or created, each line's rationale is seeded from its description.
 * Returns the number of lines added.
 */
export function applyImportToDoc(doc: Y.Doc, lines: ImportedLine[], origin?: unknown): number {
  doc.transact(() => {
    const sectionIds = new Map<string, string>();
    // One scan for the last position, not one per line: imports stay linear in size.
    let order = maxOrder(getLinesMap(doc));
    for (const line of lines) {
      let section: string | undefined;
      if (line.section) {
        const key = line.section.trim();
        section = sectionIds.get(key) ?? findSectionByTitle(doc, key) ?? createSectionInDoc(doc, key, [], origin);
        sectionIds.set(key, section);
      }
      const input: LineInput = {
        ledger: line.ledger,
        group: line.group,
        title: line.title,
        amounts: line.amounts,
        rationale: line.description ? richTextFromPlain(line.description) : [],
        order: ++order,
      };
      if (section) input.section = section;
      if (line.area) input.area = line.area;
      if (line.party) input.party = line.party;
      if (line.status) input.status = line.status;
      createLineInDoc(doc, input, origin);
    }
  }, origin);
  return lines.length;
}

/** Which line ids a transaction touched, for incremental recomputation. */
export interface LineChanges {
  changed: Set<string>;
  deleted: Set<string>;
  metaChanged: boolean;
}

/**
 * Calls `onChange` after each transaction that touches lines or meta, naming the
 * lines that changed or were deleted. Returns the unsubscribe function.
 */
export function observeLineChanges(doc: Y.Doc, onChange: (changes: LineChanges, origin: unknown) => void): () => void {
  const lines = getLinesMap(doc);
  const meta = getMetaMap(doc);
  const onLines = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction) => {
    const changes: LineChanges = { changed: new Set(), deleted: new Set(), metaChanged: false };
    for (const ev of events) {
      if (ev.target === lines) {
        for (const [key, change] of ev.changes.keys) {
          if (change.action === 'delete') changes.deleted.add(key);
          else changes.changed.add(key);
        }
      } else {
        // A nested change: path[0] is the line id.
        const id = ev.path[0];
        if (typeof id === 'string') changes.changed.add(id);
      }
    }
    for (const id of changes.deleted) changes.changed.delete(id);
    if (changes.changed.size > 0 || changes.deleted.size > 0) onChange(changes, tr.origin);
  };
  // Deep: the package title is a Y.Text inside meta.
  const onMeta = (_ev: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction) => {
    onChange({ changed: new Set(), deleted: new Set(), metaChanged: true }, tr.origin);
  };
  lines.observeDeep(onLines);
  meta.observeDeep(onMeta);
  return () => {
    lines.unobserveDeep(onLines);
    meta.unobserveDeep(onMeta);
  };
}
export { MAX_DECISION_NUMBER_CHARS, MAX_DECISION_POINTS, MAX_DECISION_TEXT_CHARS } from './limits';
