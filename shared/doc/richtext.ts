import * as Y from 'yjs';

/**
 * Rich text as plain records, and the conversion to and from the `Y.XmlText`
 * layout that `@lexical/yjs` (binding v1) reads and writes.
 *
 * Layout: the root XmlText holds one embedded XmlText per block element
 * (attribute `__type`: paragraph, heading, list, quote); a list holds listitem
 * XmlTexts; inline text is a `Y.Map` embed with the text node's properties
 * (`__type: 'text'`, `__format` bit flags) followed by the characters; a link is
 * an embedded XmlText with `__type: 'link'` and `__url`; a line break is a
 * `Y.Map` embed `{ __type: 'linebreak' }`. Every element carries the same
 * attributes a fresh Lexical 0.52 node writes (`__format`, `__style`,
 * `__indent`, `__dir: null`, `__textFormat`, `__textStyle`, plus its own), so
 * an editor that loads a written text renders it as written and writes nothing
 * back (test/client/editor/richtext.test.ts compares against Lexical itself).
 */

/** Lexical's text format bit flags. */
export const TEXT_FORMAT_BOLD = 1;
export const TEXT_FORMAT_ITALIC = 2;

/** A stretch of text with one formatting; `\n` inside `text` is a line break. */
export interface RichRun {
  text: string;
  bold?: boolean;
  italic?: boolean;
  /** Set when the run is (part of) a link. */
  link?: string;
}

/** A block of rich text: paragraph, heading (level 1–6), quote, or a flat bulleted/numbered list. */
export type RichBlock =
  | { type: 'paragraph'; runs: RichRun[] }
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; runs: RichRun[] }
  | { type: 'quote'; runs: RichRun[] }
  | { type: 'list'; ordered: boolean; items: RichRun[][] };

function newTextMap(format: number): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('__type', 'text');
  map.set('__format', format);
  map.set('__style', '');
  map.set('__mode', 0);
  map.set('__detail', 0);
  return map;
}

/**
 * A block or inline element with exactly the attributes Lexical 0.52 itself writes
 * for a fresh node (checked against `@lexical/yjs` in test/client/editor/richtext.test.ts),
 * so that loading the text into an editor and saving it back changes nothing.
 */
function newElement(type: string, attrs: Record<string, string | number | null> = {}): Y.XmlText {
  const el = new Y.XmlText();
  const base: Record<string, string | number | null> = {
    __type: type,
    __format: 0,
    __style: '',
    __indent: 0,
    __dir: null,
    __textFormat: 0,
    __textStyle: '',
    ...attrs,
  };
  // Yjs types attribute values as strings, but Lexical stores numbers and null as is.
  for (const [k, v] of Object.entries(base)) el.setAttribute(k, v as never);
  return el;
}

function newLineBreakMap(): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('__type', 'linebreak');
  return map;
}

/**
 * Appends runs to an element. Must be called after `el` is integrated into a
 * document (Yjs types can only be filled once they have a doc), which is why
 * the writers below insert the element first and fill it afterwards.
 */
function appendRuns(el: Y.XmlText, runs: RichRun[]): void {
  for (const run of runs) {
    if (run.text === '') continue;
    const format = (run.bold ? TEXT_FORMAT_BOLD : 0) | (run.italic ? TEXT_FORMAT_ITALIC : 0);
    let target = el;
    if (run.link) {
      const link = newElement('link', { __url: run.link, __target: null, __rel: null, __title: null });
      el.insertEmbed(el.length, link);
      target = link;
    }
    // A newline inside a run is a Lexical LineBreakNode; the text after it is a
    // new text node and so needs its own property map.
    run.text.split('\n').forEach((part, i) => {
      if (i > 0) target.insertEmbed(target.length, newLineBreakMap());
      if (part === '') return;
      target.insertEmbed(target.length, newTextMap(format));
      target.insert(target.length, part);
    });
  }
}

/**
 * Replaces the content of `root` (an integrated XmlText) with `blocks`.
 * Call it inside the same transaction that creates the item holding `root`,
 * so that no client ever sees the text empty and seeds it on its own.
 */
export function writeRichTextToXml(root: Y.XmlText, blocks: RichBlock[]): void {
  if (root.length > 0) root.delete(0, root.length);
  const list = blocks.length > 0 ? blocks : [{ type: 'paragraph', runs: [] } as RichBlock];
  for (const block of list) {
    if (block.type === 'list') {
      const listEl = newElement('list', {
        __listType: block.ordered ? 'number' : 'bullet',
        __tag: block.ordered ? 'ol' : 'ul',
        __start: 1,
      });
      root.insertEmbed(root.length, listEl);
      block.items.forEach((runs, i) => {
        const item = newElement('listitem', { __value: i + 1 });
        listEl.insertEmbed(listEl.length, item);
        appendRuns(item, runs);
      });
      continue;
    }
    const el =
      block.type === 'heading'
        ? newElement('heading', { __tag: `h${block.level}` })
        : newElement(block.type === 'quote' ? 'quote' : 'paragraph');
    root.insertEmbed(root.length, el);
    appendRuns(el, block.runs);
  }
}

/** Splits plain text into paragraphs (one per line) for `writeRichTextToXml`. */
export function richTextFromPlain(text: string): RichBlock[] {
  const lines = text.split(/\r?\n/);
  return lines.map((line) => ({ type: 'paragraph', runs: line ? [{ text: line }] : [] }));
}

function sameFormat(a: RichRun, b: RichRun): boolean {
  return !!a.bold === !!b.bold && !!a.italic === !!b.italic && a.link === b.link;
}

/** Links nest in a paragraph once; deeper nesting (malformed data) is not read, so a reader cannot run out of stack. */
const MAX_READ_DEPTH = 16;

/**
 * How the readers below see Y types: the live view by default; a deleted line's
 * text is read through a view that still sees what its deleting transaction
 * removed (shared/doc/deletedLine.ts).
 */
export interface XmlView {
  /** The inserts of `text` in order: strings, embedded `Y.Map`s and `Y.XmlText`s. */
  inserts(text: Y.XmlText): unknown[];
  /** An attribute of an element. */
  attribute(el: Y.XmlText, key: string): unknown;
  /** A value of a `Y.Map` embed. */
  mapValue(map: Y.Map<unknown>, key: string): unknown;
}

/** The view of the document as it is. */
export const LIVE_XML_VIEW: XmlView = {
  inserts: (text) => (text.toDelta() as Array<{ insert: unknown }>).map((op) => op.insert),
  attribute: (el, key) => el.getAttribute(key),
  mapValue: (map, key) => map.get(key),
};

function readRunsInto(runs: RichRun[], el: Y.XmlText, view: XmlView, link?: string, depth = 0): void {
  if (depth > MAX_READ_DEPTH) return;
  let format = 0;
  const push = (text: string): void => {
    const run: RichRun = { text };
    if (format & TEXT_FORMAT_BOLD) run.bold = true;
    if (format & TEXT_FORMAT_ITALIC) run.italic = true;
    if (link) run.link = link;
    const last = runs[runs.length - 1];
    // Adjacent runs with the same formatting are one run: Lexical splits text
    // nodes at line breaks and merges them again on edit, the records do not care.
    if (last && sameFormat(last, run)) last.text += text;
    else runs.push(run);
  };
  for (const ins of view.inserts(el)) {
    if (typeof ins === 'string') {
      push(ins);
    } else if (ins instanceof Y.Map) {
      if (view.mapValue(ins, '__type') === 'linebreak') {
        push('\n');
        format = 0;
      } else {
        const f = view.mapValue(ins, '__format');
        format = typeof f === 'number' ? f : 0;
      }
    } else if (ins instanceof Y.XmlText) {
      const type = view.attribute(ins, '__type');
      const url = type === 'link' || type === 'autolink' ? String(view.attribute(ins, '__url') ?? '') : link;
      readRunsInto(runs, ins, view, url, depth + 1);
    }
  }
}

function readRuns(el: Y.XmlText, view: XmlView): RichRun[] {
  const runs: RichRun[] = [];
  readRunsInto(runs, el, view);
  return runs;
}

/** Reads the block structure of a Lexical-bound XmlText as plain records (through `view`, by default the live document). */
export function readRichTextFromXml(root: Y.XmlText, view: XmlView = LIVE_XML_VIEW): RichBlock[] {
  const blocks: RichBlock[] = [];
  for (const el of view.inserts(root)) {
    if (typeof el === 'string') {
      // Text directly under the root is not a layout Lexical writes; keep it anyway.
      blocks.push({ type: 'paragraph', runs: [{ text: el }] });
      continue;
    }
    if (!(el instanceof Y.XmlText)) continue;
    const type = view.attribute(el, '__type');
    if (type === 'list') {
      const items: RichRun[][] = [];
      for (const item of view.inserts(el)) {
        if (item instanceof Y.XmlText) items.push(readRuns(item, view));
      }
      blocks.push({ type: 'list', ordered: view.attribute(el, '__listType') === 'number', items });
    } else if (type === 'heading') {
      const tag = String(view.attribute(el, '__tag') ?? 'h2');
      const level = Math.min(6, Math.max(1, Number(tag.slice(1)) || 2)) as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ type: 'heading', level, runs: readRuns(el, view) });
    } else if (type === 'quote') {
      blocks.push({ type: 'quote', runs: readRuns(el, view) });
    } else {
      blocks.push({ type: 'paragraph', runs: readRuns(el, view) });
    }
  }
  return blocks;
}

/** Plain text of rich blocks: one line per paragraph or list item. */
export function plainTextFromRichText(blocks: RichBlock[]): string {
  const lines: string[] = [];
  for (const b of blocks) {
    if (b.type === 'list') for (const item of b.items) lines.push(item.map((r) => r.text).join(''));
    else lines.push(b.runs.map((r) => r.text).join(''));
  }
  return lines.join('\n').replace(/\n+$/, '');
}
