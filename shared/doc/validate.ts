/**
 * The content document's schema as one table of fields, and the one validator
 * over it (docs/schema.md §1 describes the same table in prose). The server runs
 * `checkContentChange` on every change before it is stored or relayed and refuses
 * the change when it reports an error; `checkContentDoc` runs the same checks over
 * a whole document (tests, and the list of malformed entries an owner may remove).
 *
 * Pure: reads the document, never changes it, no DOM, no timers. A change is
 * checked by the types and keys it changed (`transaction.changed`), so checking an
 * amount edit costs the same in a package of 5 lines or 5,000.
 */
import * as Y from 'yjs';
import { MAX_INPUT_DECIMALS, MAX_INTEGER_DIGITS, isCanonical } from '../money';
import { GROUPS, LEDGERS, STATUSES } from '../types';
import { MAX_DECISION_NUMBER_CHARS, MAX_DECISION_POINTS, MAX_DECISION_TEXT_CHARS } from './limits';
import {
  MAX_BASELINE_AREAS,
  MAX_CELL_CHARS,
  MAX_CODE_CHARS,
  MAX_ENTRY_ID_CHARS,
  MAX_NAME_CHARS,
  MAX_PARTIES,
  MAX_RICH_ATTRIBUTE_CHARS,
  MAX_RICH_TEXT_DEPTH,
  MAX_RICH_TEXT_NODES,
  MAX_TEXT_CHARS,
  MAX_TITLE_CHARS,
  MAX_YEARS,
} from './limits';

/** The keyed collections of the content document: id → `Y.Map` entry. */
export const ENTRY_KINDS = ['lines', 'sections', 'verbal'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Where a finding is: an entry of a collection, a key of `meta`, or a top-level type. */
export type IssueKind = EntryKind | 'meta' | 'root';

/**
 * One finding of the validator: the entry (`kind`, `id`: an entry id, a meta key or
 * a root name), the field of that entry when the problem is one field, and what is
 * wrong (English, for logs; the UI words its own message from kind, id and field).
 */
export interface DocIssue {
  kind: IssueKind;
  id: string;
  field?: string;
  message: string;
}

/** What the validator found: errors refuse a change; warnings are reported only. */
export interface SchemaReport {
  errors: DocIssue[];
  warnings: DocIssue[];
}

/** Whether `kind` names a keyed collection of the content document. */
export function isEntryKind(kind: unknown): kind is EntryKind {
  return typeof kind === 'string' && (ENTRY_KINDS as readonly string[]).includes(kind);
}

// ---------------------------------------------------------------------------
// Value checks. Each returns null when the value is fine, else what is wrong.

type Check = (value: unknown) => string | null;

const YEAR_RE = /^\d{4}$/;

/** Whether `s` is a stored amount: the canonical form of shared/money.ts, within the digits a typed amount may have. */
export function isStoredAmount(s: unknown): s is string {
  if (typeof s !== 'string' || !isCanonical(s)) return false;
  const [int = '', frac = ''] = s.replace('-', '').split('.');
  return int.length <= MAX_INTEGER_DIGITS && frac.length <= MAX_INPUT_DECIMALS;
}

/** A plain decimal as the baseline stores it (`"1.50"` allowed), within the same digits. */
function isBaselineAmount(s: unknown): boolean {
  if (typeof s !== 'string' || !/^-?\d+(\.\d+)?$/.test(s)) return false;
  const [int = '', frac = ''] = s.replace('-', '').split('.');
  return int.replace(/^0+(?=\d)/, '').length <= MAX_INTEGER_DIGITS && frac.length <= MAX_INPUT_DECIMALS;
}

const text =
  (max: number): Check =>
  (v) =>
    typeof v !== 'string' ? 'must be a string' : v.length > max ? `longer than ${max} characters` : null;

const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;

const finiteNumber: Check = (v) => (typeof v === 'number' && Number.isFinite(v) ? null : 'must be a finite number');
const boolean: Check = (v) => (typeof v === 'boolean' ? null : 'must be a boolean');

/** A title: a plain string (schema v1) or a `Y.Text` of plain characters (schema v2), within MAX_TITLE_CHARS. */
const title: Check = (v) => {
  if (typeof v === 'string') return v.length > MAX_TITLE_CHARS ? `longer than ${MAX_TITLE_CHARS} characters` : null;
  if (v instanceof Y.Text && !(v instanceof Y.XmlText)) return checkPlainText(v, MAX_TITLE_CHARS);
  return 'must be a string or a Y.Text';
};

function checkPlainText(t: Y.Text, max: number): string | null {
  if (t.length > max) return `longer than ${max} characters`;
  for (let it = t._start; it !== null; it = it.right) {
    if (it.deleted) continue;
    const c = it.content;
    if (!(c instanceof Y.ContentString) && !(c instanceof Y.ContentFormat)) return 'may hold only characters';
  }
  if (t._map.size > 0) return 'may not carry attributes';
  return null;
}

const years: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array of years';
  if (v.length > MAX_YEARS) return `more than ${MAX_YEARS} years`;
  if (!v.every((y) => typeof y === 'string' && YEAR_RE.test(y))) return 'every year must be four digits';
  if (new Set(v).size !== v.length) return 'a year appears twice';
  return null;
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

const parties: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array of parties';
  if (v.length > MAX_PARTIES) return `more than ${MAX_PARTIES} parties`;
  for (const p of v) {
    if (!isPlainObject(p)) return 'every party must be { id, name, color }';
    if (Object.keys(p).some((k) => k !== 'id' && k !== 'name' && k !== 'color')) return 'a party has an unknown field';
    if (typeof p.id !== 'string' || p.id === '' || p.id.length > MAX_NAME_CHARS) return 'a party id must be a string of 1–200 characters';
    if (typeof p.name !== 'string' || p.name.length > MAX_NAME_CHARS) return 'a party name must be a string of at most 200 characters';
    if (typeof p.color !== 'string' || p.color.length > MAX_CODE_CHARS) return 'a party colour must be a short string';
  }
  return null;
};

const amount: Check = (v) => (isStoredAmount(v) ? null : 'must be a canonical decimal string');

const baseline: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array of service areas';
  if (v.length > MAX_BASELINE_AREAS) return `more than ${MAX_BASELINE_AREAS} service areas`;
  for (const a of v) {
    if (!isPlainObject(a) || Object.keys(a).some((k) => k !== 'name' && k !== 'amounts')) return 'every service area must be { name, amounts }';
    if (typeof a.name !== 'string' || a.name.length > MAX_NAME_CHARS) return 'a service area name must be a string of at most 200 characters';
    if (!isPlainObject(a.amounts)) return 'a service area needs amounts';
    const entries = Object.entries(a.amounts);
    if (entries.length > MAX_YEARS) return `a service area has more than ${MAX_YEARS} years`;
    if (!entries.every(([y, x]) => YEAR_RE.test(y) && isBaselineAmount(x))) return 'a baseline amount must be a decimal string under a four-digit year';
  }
  return null;
};

/** The decision points of the package settings: `{ number, text }` strings within the limits. */
const decisionPoints: Check = (v) => {
  if (!Array.isArray(v)) return 'must be an array of decision points';
  if (v.length > MAX_DECISION_POINTS) return `more than ${MAX_DECISION_POINTS} decision points`;
  for (const p of v) {
    if (!isPlainObject(p) || Object.keys(p).some((k) => k !== 'number' && k !== 'text')) return 'every decision point must be { number, text }';
    if (typeof p.number !== 'string' || p.number.length > MAX_DECISION_NUMBER_CHARS) return `a decision point number must be a string of at most ${MAX_DECISION_NUMBER_CHARS} characters`;
    if (typeof p.text !== 'string' || p.text.length > MAX_DECISION_TEXT_CHARS) return `a decision point text must be a string of at most ${MAX_DECISION_TEXT_CHARS} characters`;
  }
  return null;
};

const schemaVersion: Check = (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1000 ? null : 'must be a positive integer');

/** The checks of the values inside a nested Y type of an entry (the keys of `amounts`, all of a rich text). */
type Nested = 'amounts' | 'invalid' | 'rich' | 'title';

/** One field of an entry or of `meta`: the check of its value, and what kind of nested type it may be. */
interface FieldSpec {
  check: Check;
  nested?: Nested;
}

const yearMap =
  (valueCheck: Check, what: string): Check =>
  (v) => {
    if (!(v instanceof Y.Map) || v instanceof Y.XmlText) return 'must be a Y.Map of years';
    let n = 0;
    for (const [year, value] of v.entries()) {
      if (++n > MAX_YEARS) return `more than ${MAX_YEARS} years`;
      if (!YEAR_RE.test(year)) return `key «${year.slice(0, 20)}» is not a four-digit year`;
      const problem = valueCheck(value);
      if (problem) return `${what} of ${year}: ${problem}`;
    }
    return null;
  };

const amounts = yearMap(amount, 'amount');
const invalid = yearMap(text(MAX_CELL_CHARS), 'typed text');
const richText: Check = (v) => checkRichText(v);

/**
 * THE FIELD TABLE (docs/schema.md §1). Every field an entry or `meta` may have, with
 * its check; a key not listed here is refused. Titles accept a string (schema v1) or
 * a `Y.Text` (schema v2) until the conversion has run everywhere: tighten `title`
 * here once it has.
 */
export const SCHEMA_FIELDS: Readonly<Record<EntryKind | 'meta', Readonly<Record<string, FieldSpec>>>> = {
  meta: {
    title: { check: title, nested: 'title' },
    years: { check: years },
    planYears: { check: years },
    parties: { check: parties },
    fundOpeningBalance: { check: amount },
    baseline: { check: baseline },
    baselineInvestering: { check: baseline },
    decisionOpening: { check: text(MAX_DECISION_TEXT_CHARS) },
    decisionPoints: { check: decisionPoints },
    proposedBorrowing: { check: amount },
    schemaVersion: { check: schemaVersion },
  },
  lines: {
    ledger: { check: oneOf(LEDGERS) },
    group: { check: oneOf(GROUPS) },
    title: { check: title, nested: 'title' },
    section: { check: text(MAX_ENTRY_ID_CHARS) },
    order: { check: finiteNumber },
    status: { check: oneOf(STATUSES) },
    party: { check: text(MAX_NAME_CHARS) },
    permanent: { check: boolean },
    area: { check: text(MAX_NAME_CHARS) },
    amounts: { check: amounts, nested: 'amounts' },
    invalid: { check: invalid, nested: 'invalid' },
    rationale: { check: richText, nested: 'rich' },
  },
  sections: {
    title: { check: title, nested: 'title' },
    order: { check: finiteNumber },
    intro: { check: richText, nested: 'rich' },
  },
  verbal: {
    section: { check: text(MAX_ENTRY_ID_CHARS) },
    title: { check: title, nested: 'title' },
    order: { check: finiteNumber },
    status: { check: oneOf(STATUSES) },
    party: { check: text(MAX_NAME_CHARS) },
    text: { check: richText, nested: 'rich' },
  },
};

// ---------------------------------------------------------------------------
// Rich text: the layout inside is @lexical/yjs's, so only its kinds and sizes are checked.

interface RichBudget {
  chars: number;
  nodes: number;
}

function plainValueProblem(v: unknown): string | null {
  if (v === null || v === undefined || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : 'holds a non-finite number';
  if (typeof v === 'string') return v.length > MAX_RICH_ATTRIBUTE_CHARS ? 'holds an overlong value' : null;
  if (v instanceof Y.Doc || v instanceof Uint8Array) return 'holds a sub-document or binary data';
  if (Array.isArray(v) || isPlainObject(v)) {
    let json: string;
    try {
      json = JSON.stringify(v);
    } catch {
      return 'holds a value that is not JSON';
    }
    return json.length > MAX_RICH_ATTRIBUTE_CHARS ? 'holds an overlong value' : null;
  }
  return 'holds a value of an unknown kind';
}

function walkRich(t: AnyType, depth: number, budget: RichBudget): string | null {
  if (depth > MAX_RICH_TEXT_DEPTH) return `nested deeper than ${MAX_RICH_TEXT_DEPTH}`;
  if (++budget.nodes > MAX_RICH_TEXT_NODES) return `more than ${MAX_RICH_TEXT_NODES} parts`;
  if (!(t instanceof Y.XmlText || t instanceof Y.XmlElement || (t instanceof Y.Map && !(t instanceof Y.XmlText)))) return 'holds a type Lexical does not write';
  for (const [key, item] of t._map) {
    if (item.deleted) continue;
    if (key.length > MAX_RICH_ATTRIBUTE_CHARS) return 'holds an overlong attribute name';
    const c = item.content;
    if (c instanceof Y.ContentType) {
      const p = walkRich(c.type as AnyType, depth + 1, budget);
      if (p) return p;
    } else if (c instanceof Y.ContentAny || c instanceof Y.ContentJSON) {
      for (const v of c.getContent()) {
        const p = plainValueProblem(v);
        if (p) return p;
      }
    } else if (!(c instanceof Y.ContentDeleted)) return 'holds a sub-document or binary data';
  }
  for (let it = t._start; it !== null; it = it.right) {
    if (it.deleted) continue;
    const c = it.content;
    if (c instanceof Y.ContentString) {
      budget.chars += c.str.length;
      if (budget.chars > MAX_TEXT_CHARS) return `longer than ${MAX_TEXT_CHARS} characters`;
    } else if (c instanceof Y.ContentType) {
      const p = walkRich(c.type as AnyType, depth + 1, budget);
      if (p) return p;
    } else if (c instanceof Y.ContentEmbed) {
      const p = plainValueProblem(c.embed);
      if (p) return p;
    } else if (c instanceof Y.ContentFormat) {
      if (c.key.length > MAX_RICH_ATTRIBUTE_CHARS) return 'holds an overlong format name';
      const p = plainValueProblem(c.value);
      if (p) return p;
    } else if (!(c instanceof Y.ContentDeleted)) return 'holds list values, a sub-document or binary data';
  }
  return null;
}

/** Checks a rich text (rationale, intro, verbal text): a `Y.XmlText` within the sizes of shared/doc/limits.ts. */
function checkRichText(v: unknown): string | null {
  if (!(v instanceof Y.XmlText)) return 'must be a Y.XmlText';
  return walkRich(v as unknown as AnyType, 1, { chars: 0, nodes: 0 });
}

// ---------------------------------------------------------------------------
// The validator.

/** Any shared type, as a transaction's `changed` keys them. */
type AnyType = Parameters<Y.Transaction['changed']['get']>[0];

/** How many items `it` yields, counting no further than `limit`. */
function countUpTo(it: Iterable<unknown>, limit: number): number {
  let n = 0;
  for (const _item of it) if (++n >= limit) break;
  return n;
}

/** Where a changed type sits: its root, and the keys from the root down to it. */
interface Located {
  root: AnyType;
  /** Types from the child of the root down to the changed type, with the key each has in its parent (null: a list position). */
  path: Array<{ type: AnyType; key: string | null }>;
}

function locate(type: AnyType): Located {
  const path: Located['path'] = [];
  let t = type;
  while (t._item !== null) {
    path.push({ type: t, key: t._item.parentSub });
    t = t._item.parent as AnyType;
  }
  path.reverse();
  return { root: t, path };
}

/** The name of a root type of `doc` (for messages; roots are few). */
function rootName(doc: Y.Doc, root: AnyType): string {
  for (const [name, t] of doc.share) if (t === root) return name;
  return '?';
}

/** The collection (or `meta`) a root type is, when it is one of the schema's. */
function kindOfRoot(doc: Y.Doc, root: AnyType): EntryKind | 'meta' | null {
  for (const kind of ['meta', ...ENTRY_KINDS] as const) if (doc.share.get(kind) === root) return kind;
  return null;
}

/** Collects findings, keeping at most a few of each (a refused change needs one reason, logs need no more). */
class Findings implements SchemaReport {
  errors: DocIssue[] = [];
  warnings: DocIssue[] = [];
  constructor(private readonly cap: number) {}
  error(issue: DocIssue): void {
    if (this.errors.length < this.cap) this.errors.push(Findings.plain(issue));
  }
  warn(issue: DocIssue): void {
    if (this.warnings.length < this.cap) this.warnings.push(Findings.plain(issue));
  }
  /** A key of `meta` is its own field: it is named once, as `id`. */
  private static plain(issue: DocIssue): DocIssue {
    if (issue.kind !== 'meta' || issue.field === undefined) return issue;
    const { field: _field, ...rest } = issue;
    return rest;
  }
}

/** At most this many findings of each kind per change (a refusal needs one reason, logs need no more). */
const CHANGE_FINDINGS = 20;
/** At most this many findings of each kind from a whole document. */
export const DOC_FINDINGS = 500;

/** The package's years, read once per check (only when an amount needs them). */
function yearsOf(doc: Y.Doc): Set<string> {
  const meta = doc.share.get('meta');
  const v = meta instanceof Y.Map ? meta.get('years') : undefined;
  return new Set(Array.isArray(v) ? v.filter((y): y is string => typeof y === 'string') : []);
}

/** Checks one field value of an entry (or of meta) against the table; adds the amount-outside-years warnings. */
function checkField(kind: EntryKind | 'meta', id: string, field: string, value: unknown, out: Findings, years: () => Set<string>): void {
  if (value === undefined) return; // deleted: every field is optional
  const spec = SCHEMA_FIELDS[kind][field];
  if (!spec) {
    out.error({ kind, id, field: field.slice(0, MAX_ENTRY_ID_CHARS), message: 'unknown field' });
    return;
  }
  const problem = spec.check(value);
  if (problem) {
    out.error({ kind, id, field, message: problem });
    return;
  }
  if (spec.nested === 'amounts' && value instanceof Y.Map) {
    for (const year of value.keys()) if (!years().has(year)) out.warn({ kind, id, field, message: `amount in ${year}, outside the package's years` });
  }
}

/** Checks a whole entry of a collection: a `Y.Map` whose every field passes the table. */
function checkEntry(kind: EntryKind, id: string, value: unknown, out: Findings, years: () => Set<string>): void {
  if (value === undefined) return; // deleted
  if (id.length > MAX_ENTRY_ID_CHARS || id === '') {
    out.error({ kind, id: id.slice(0, MAX_ENTRY_ID_CHARS), message: `the id must have 1–${MAX_ENTRY_ID_CHARS} characters` });
    return;
  }
  if (!(value instanceof Y.Map) || value instanceof Y.XmlText) {
    out.error({ kind, id, message: 'an entry must be a Y.Map' });
    return;
  }
  for (const [field, v] of value.entries()) checkField(kind, id, field, v, out, years);
}

/**
 * Checks a change to a nested type of an entry's field (a key of `amounts`, a
 * keystroke in a rationale or a `Y.Text` title): the field's value as a whole for
 * rich text and titles, only the changed keys for the year maps.
 */
function checkNested(
  kind: EntryKind | 'meta',
  id: string,
  field: string,
  fieldType: AnyType,
  keys: ReadonlySet<string | null>,
  isFieldItself: boolean,
  out: Findings,
  years: () => Set<string>,
  checkedWhole: Set<AnyType>,
): void {
  const spec = SCHEMA_FIELDS[kind][field];
  if (!spec) {
    out.error({ kind, id, field: field.slice(0, MAX_ENTRY_ID_CHARS), message: 'unknown field' });
    return;
  }
  if ((spec.nested === 'amounts' || spec.nested === 'invalid') && isFieldItself && fieldType instanceof Y.Map) {
    const valueCheck = spec.nested === 'amounts' ? amount : text(MAX_CELL_CHARS);
    if (countUpTo(fieldType.keys(), MAX_YEARS + 1) > MAX_YEARS) out.error({ kind, id, field, message: `more than ${MAX_YEARS} years` });
    for (const key of keys) {
      if (key === null) {
        out.error({ kind, id, field, message: 'must be a Y.Map of years, not a list' });
        continue;
      }
      const value = fieldType.get(key);
      if (value === undefined) continue;
      if (!YEAR_RE.test(key)) out.error({ kind, id, field, message: `key «${key.slice(0, 20)}» is not a four-digit year` });
      else {
        const problem = valueCheck(value);
        if (problem) out.error({ kind, id, field, message: `${key}: ${problem}` });
        else if (spec.nested === 'amounts' && !years().has(key)) out.warn({ kind, id, field, message: `amount in ${key}, outside the package's years` });
      }
    }
    return;
  }
  if (spec.nested === 'rich' || spec.nested === 'title') {
    // A keystroke may change several types of one rich text: check it once.
    if (checkedWhole.has(fieldType)) return;
    checkedWhole.add(fieldType);
    const problem = spec.check(fieldType);
    if (problem) out.error({ kind, id, field, message: problem });
    return;
  }
  out.error({ kind, id, field, message: 'must not hold a nested type' });
}

/**
 * Checks one change of a content document: `changed` is the transaction's map of
 * changed types to changed keys (`transaction.changed`: null for list positions).
 * Every changed key of a root, an entry or a nested field is checked against
 * `SCHEMA_FIELDS`, and any value set in the change is checked in full (a new line
 * with all its fields). Types the change created are reached through their
 * parents, which are in `changed`. Costs O(size of what changed), plus the size of
 * the one rich text or title a keystroke touched. An amount in a year outside
 * `meta.years` is a warning: it can race with a change of the years.
 */
export function checkContentChange(doc: Y.Doc, changed: ReadonlyMap<AnyType, ReadonlySet<string | null>>): SchemaReport {
  const out = new Findings(CHANGE_FINDINGS);
  let yearSet: Set<string> | null = null;
  const years = () => (yearSet ??= yearsOf(doc));
  const checkedWhole = new Set<AnyType>();
  for (const [type, keys] of changed) {
    if (type._item?.deleted) continue; // a change inside something deleted in the same change
    const { root, path } = locate(type);
    const kind = kindOfRoot(doc, root);
    if (kind === null) {
      out.error({ kind: 'root', id: rootName(doc, root).slice(0, MAX_ENTRY_ID_CHARS), message: 'unknown top-level type' });
      continue;
    }
    if (path.length === 0) {
      // The root itself: entries (or meta fields) were set or deleted.
      if (!(root instanceof Y.Map)) {
        out.error({ kind: 'root', id: kind, message: 'must be a Y.Map' });
        continue;
      }
      for (const key of keys) {
        if (key === null) {
          out.error({ kind: 'root', id: kind, message: 'must be a Y.Map, not a list' });
          continue;
        }
        if (kind === 'meta') checkField('meta', key, key, root.get(key), out, years);
        else checkEntry(kind, key, root.get(key), out, years);
      }
      continue;
    }
    const [first, second] = path;
    if (first!.key === null) {
      out.error({ kind: 'root', id: kind, message: 'must be a Y.Map, not a list' });
      continue;
    }
    if (kind === 'meta') {
      // A nested type under a meta key: only a Y.Text title may be one.
      checkNested('meta', first!.key, first!.key, first!.type, keys, path.length === 1, out, years, checkedWhole);
      continue;
    }
    const id = first!.key;
    if (path.length === 1) {
      // The entry's map: fields were set or deleted.
      const entry = first!.type;
      if (!(entry instanceof Y.Map) || entry instanceof Y.XmlText) {
        out.error({ kind, id, message: 'an entry must be a Y.Map' });
        continue;
      }
      for (const key of keys) {
        if (key === null) out.error({ kind, id, message: 'an entry must be a Y.Map, not a list' });
        else checkField(kind, id, key, entry.get(key), out, years);
      }
      continue;
    }
    if (second!.key === null) {
      out.error({ kind, id, message: 'an entry must be a Y.Map, not a list' });
      continue;
    }
    checkNested(kind, id, second!.key, second!.type, keys, path.length === 2, out, years, checkedWhole);
  }
  return out;
}

/**
 * Checks a whole content document with the same table: every root, every entry,
 * every field. O(document): for tests and for listing what an owner may remove,
 * not for the write path. Unknown top-level types are reported as errors too; at
 * most `DOC_FINDINGS` of each kind.
 */
export function checkContentDoc(doc: Y.Doc): SchemaReport {
  const out = new Findings(DOC_FINDINGS);
  let yearSet: Set<string> | null = null;
  const years = () => (yearSet ??= yearsOf(doc));
  for (const kind of ['meta', ...ENTRY_KINDS] as const) {
    try {
      // Types a root that arrived untyped (read from storage into a fresh doc) as the map it must be.
      doc.getMap(kind);
    } catch {
      // Already defined as another type: reported below.
    }
  }
  for (const [name, root] of doc.share) {
    const kind = kindOfRoot(doc, root);
    if (kind === null) {
      // A root nobody wrote to (someone only asked for it) holds nothing.
      if (root._map.size > 0 || root._start !== null) out.error({ kind: 'root', id: name.slice(0, MAX_ENTRY_ID_CHARS), message: 'unknown top-level type' });
      continue;
    }
    if (!(root instanceof Y.Map)) {
      out.error({ kind: 'root', id: kind, message: 'must be a Y.Map' });
      continue;
    }
    if (root._start !== null) out.error({ kind: 'root', id: kind, message: 'must be a Y.Map, not a list' });
    for (const [key, value] of root.entries()) {
      if (kind === 'meta') checkField('meta', key, key, value, out, years);
      else checkEntry(kind, key, value, out, years);
    }
  }
  return out;
}

/**
 * Checks one entry of a collection (`kind`, `id`), or one key of `meta` (`kind`
 * 'meta', `id` the key), in full with the same table: what an owner's removal of a
 * malformed entry is decided on. An absent entry has no findings.
 */
export function checkContentEntry(doc: Y.Doc, kind: EntryKind | 'meta', id: string): SchemaReport {
  const out = new Findings(DOC_FINDINGS);
  const root = doc.share.get(kind);
  if (!(root instanceof Y.Map)) return out;
  let yearSet: Set<string> | null = null;
  const years = () => (yearSet ??= yearsOf(doc));
  if (kind === 'meta') checkField('meta', id, id, root.get(id), out, years);
  else checkEntry(kind, id, root.get(id), out, years);
  return out;
}
