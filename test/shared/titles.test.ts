/**
 * Titles as Y.Text (shared/doc/text.ts): two people editing one title at once
 * both keep their typing, whether each keystroke is written at once (the bound
 * inputs) or a draft is committed later (a grid cell); old documents' string
 * titles are read and converted; the smallest change is placed where it was typed.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  convertStringTitles,
  createLineInDoc,
  createSectionInDoc,
  createVerbalInDoc,
  getLinesMap,
  getMetaMap,
  getSectionsMap,
  getVerbalMap,
  readPackageFromDoc,
  readSchemaVersion,
  setLineFields,
  upgradeDocument,
  writeMetaToDoc,
  SCHEMA_VERSION,
} from '../../shared/doc/schema';
import { setSectionFields, setVerbalFields } from '../../shared/doc/sections';
import { applyEditSince, captureTextBase, diffText, readTitle, setTextValue, titleText } from '../../shared/doc/text';

/** Two replicas of one document, with the updates of each held until `sync`. */
function pair(): { a: Y.Doc; b: Y.Doc; sync(): void } {
  const a = new Y.Doc();
  const b = new Y.Doc();
  const held: Array<[Y.Doc, Uint8Array]> = [];
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && held.push([b, u]));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && held.push([a, u]));
  return {
    a,
    b,
    sync() {
      while (held.length) {
        const [to, u] = held.shift()!;
        Y.applyUpdate(to, u, 'net');
      }
    },
  };
}

const BASE = 'Sunn skolemat';

describe('two people editing one title at once', () => {
  it('keeps both appended runs, keystroke by keystroke (`… og kjøkken` and `… i kantiner`)', () => {
    const { a, b, sync } = pair();
    const id = createLineInDoc(a, { ledger: 'drift', group: 'tiltak', title: BASE });
    sync();
    // Each side types at the end of the title it sees, one key at a time, before any update crosses.
    let ta = BASE;
    let tb = BASE;
    for (const ch of ' og kjøkken') setLineFields(a, id, { title: (ta += ch) });
    for (const ch of ' i kantiner') setLineFields(b, id, { title: (tb += ch) });
    sync();
    const ra = readPackageFromDoc(a, 'p').lines[0]!.title;
    expect(readPackageFromDoc(b, 'p').lines[0]!.title).toBe(ra);
    expect([`${BASE} og kjøkken i kantiner`, `${BASE} i kantiner og kjøkken`]).toContain(ra);
  });

  it('a grid draft started before a partner typed keeps the partner’s typing (three-way)', () => {
    const { a, b, sync } = pair();
    const id = createLineInDoc(a, { ledger: 'drift', group: 'tiltak', title: BASE });
    sync();
    // A opens the title cell; the draft starts from the title as it is now.
    const base = captureTextBase(titleText(getLinesMap(a).get(id)!)!);
    // B types meanwhile, and it arrives at A before A commits.
    setLineFields(b, id, { title: `${BASE} i kantiner` });
    sync();
    a.transact(() => applyEditSince(base, `${BASE} og kjøkken`));
    sync();
    expect(readTitle(getLinesMap(a).get(id)!)).toBe(readTitle(getLinesMap(b).get(id)!));
    expect([`${BASE} og kjøkken i kantiner`, `${BASE} i kantiner og kjøkken`]).toContain(readTitle(getLinesMap(a).get(id)!));
  });

  it('a grid draft that replaces the whole title removes only the characters it replaced', () => {
    const { a, b, sync } = pair();
    const id = createLineInDoc(a, { ledger: 'drift', group: 'tiltak', title: 'Skolemat' });
    sync();
    const base = captureTextBase(titleText(getLinesMap(a).get(id)!)!);
    setLineFields(b, id, { title: 'Skolemat i kantiner' });
    sync();
    a.transact(() => applyEditSince(base, 'Frukt'));
    sync();
    expect(readTitle(getLinesMap(a).get(id)!)).toBe('Frukt i kantiner');
  });

  it('section and verbal-instruction titles and the package title merge the same way', () => {
    const { a, b, sync } = pair();
    writeMetaToDoc(a, { title: 'Budsjett' });
    const s = createSectionInDoc(a, 'Skole');
    const v = createVerbalInDoc(a, { title: 'Utred' });
    sync();
    writeMetaToDoc(a, { title: 'Budsjett 2025' });
    writeMetaToDoc(b, { title: 'Felles budsjett' });
    setSectionFields(a, s, { title: 'Skole og SFO' });
    setSectionFields(b, s, { title: 'Grunnskole' });
    setVerbalFields(a, v, { title: 'Utred kantiner' });
    setVerbalFields(b, v, { title: 'Utred raskt' });
    sync();
    const pa = readPackageFromDoc(a, 'p');
    expect(readPackageFromDoc(b, 'p')).toEqual(pa);
    expect(pa.title).toBe('Felles budsjett 2025');
    expect(pa.sections[0]!.title).toBe('Grunnskole og SFO');
    expect(['Utred kantiner raskt', 'Utred raskt kantiner']).toContain(pa.verbal[0]!.title);
  });
});

describe('old documents (schema version 1: string titles)', () => {
  function oldDoc(): Y.Doc {
    const doc = new Y.Doc();
    doc.transact(() => {
      getMetaMap(doc).set('title', 'Gammel pakke');
      const line = new Y.Map<unknown>();
      getLinesMap(doc).set('l1', line);
      line.set('title', 'Skolemat');
      line.set('ledger', 'drift');
      line.set('group', 'tiltak');
      const section = new Y.Map<unknown>();
      getSectionsMap(doc).set('s1', section);
      section.set('title', 'Oppvekst');
      const verbal = new Y.Map<unknown>();
      getVerbalMap(doc).set('v1', verbal);
      verbal.set('title', 'Utred');
    });
    return doc;
  }

  it('are read as they are, and upgraded once: every title becomes a Y.Text with the same characters', () => {
    const doc = oldDoc();
    const before = readPackageFromDoc(doc, 'p');
    expect(before.title).toBe('Gammel pakke');
    expect(readSchemaVersion(doc)).toBe(1);
    expect(doc.transact(() => upgradeDocument(doc))).toBe(true);
    expect(readSchemaVersion(doc)).toBe(SCHEMA_VERSION);
    expect(readPackageFromDoc(doc, 'p')).toEqual(before);
    for (const m of [getMetaMap(doc), getLinesMap(doc).get('l1')!, getSectionsMap(doc).get('s1')!, getVerbalMap(doc).get('v1')!]) expect(m.get('title')).toBeInstanceOf(Y.Text);
    // A second upgrade finds nothing to do and writes nothing.
    const sv = Y.encodeStateVector(doc);
    expect(upgradeDocument(doc)).toBe(false);
    expect(Y.encodeStateVector(doc)).toEqual(sv);
  });

  it('a string title written later (an old tab) is read, and converted on request', () => {
    const doc = oldDoc();
    upgradeDocument(doc);
    getLinesMap(doc).get('l1')!.set('title', 'Fra gammel fane');
    expect(readPackageFromDoc(doc, 'p').lines[0]!.title).toBe('Fra gammel fane');
    expect(convertStringTitles(doc)).toBe(1);
    expect(titleText(getLinesMap(doc).get('l1')!)!.toString()).toBe('Fra gammel fane');
  });

  it('a writer edits a string title by replacing it with a Y.Text', () => {
    const doc = oldDoc();
    setLineFields(doc, 'l1', { title: 'Skolemat og frukt' });
    expect(titleText(getLinesMap(doc).get('l1')!)!.toString()).toBe('Skolemat og frukt');
  });
});

describe('the smallest change', () => {
  it.each<[string, string, string, number | undefined, { index: number; remove: number; insert: string }]>([
    ['typed at the end', 'ab', 'abc', undefined, { index: 2, remove: 0, insert: 'c' }],
    ['typed next to an identical character, at the caret', 'aa', 'aaa', 1, { index: 0, remove: 0, insert: 'a' }],
    ['typed between identical characters', 'aa', 'aaa', 2, { index: 1, remove: 0, insert: 'a' }],
    ['deleted one of two identical characters (caret after the first)', 'aa', 'a', 0, { index: 0, remove: 1, insert: '' }],
    ['replaced a middle word', 'Sunn skolemat', 'Sunn kantinemat', 11, { index: 5, remove: 4, insert: 'kantin' }],
    ['no change', 'abc', 'abc', 3, { index: 3, remove: 0, insert: '' }],
    ['never splits a surrogate pair', 'x😀', 'x😃', undefined, { index: 1, remove: 2, insert: '😃' }],
  ])('%s', (_name, a, b, cursor, expected) => {
    const d = diffText(a, b, cursor);
    expect(d).toEqual(expected);
    expect(a.slice(0, d.index) + d.insert + a.slice(d.index + d.remove)).toBe(b);
  });

  it('setTextValue writes exactly the change, so a partner’s concurrent insertion elsewhere stays', () => {
    const { a, b, sync } = pair();
    const ta = a.getText('t');
    ta.insert(0, 'Skolemat');
    sync();
    setTextValue(b.getText('t'), 'Sunn Skolemat', 5);
    setTextValue(ta, 'Skolemat og frukt');
    sync();
    expect(ta.toString()).toBe('Sunn Skolemat og frukt');
    expect(b.getText('t').toString()).toBe('Sunn Skolemat og frukt');
  });
});
