import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { computeAreaFrames, readBaselineFromDoc, writeBaselineToDoc } from '../../shared/doc/baseline';
import { createSectionInDoc, createVerbalInDoc, getMetaMap, getSectionsMap, readSectionsFromDoc, readVerbalFromDoc } from '../../shared/doc/schema';
import { deleteVerbalInDoc, moveOrderedItem, setSectionFields, setVerbalFields } from '../../shared/doc/sections';
import { importBaselineFromCsv } from '../../shared/csv';
import fs from 'node:fs';
import type { PackageLine } from '../../shared/types';

describe('baseline in the doc', () => {
  it('round-trips the fixture through meta and a second replica', () => {
    const parsed = importBaselineFromCsv(fs.readFileSync('test/fixtures/baseline-drift-2022-2025.csv', 'utf8'));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const a = new Y.Doc();
    writeBaselineToDoc(a, parsed.areas);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const read = readBaselineFromDoc(b);
    expect(read).toHaveLength(parsed.areas.length);
    expect(read.find((x) => x.name === 'Skole')!.amounts).toEqual({ '2021': '2027', '2022': '2014', '2023': '2026', '2024': '2021', '2025': '2001' });
    expect(read.find((x) => x.name === 'Samferdsel')!.amounts['2022']).toBe('-84');
  });

  it('drops malformed entries instead of coercing them', () => {
    const doc = new Y.Doc();
    getMetaMap(doc).set('baseline', [{ name: 'Skole', amounts: { '2025': '1,5', '2026': '2', x: '3' } }, { name: '' }, 'junk', null]);
    expect(readBaselineFromDoc(doc)).toEqual([{ name: 'Skole', amounts: { '2026': '2' } }]);
    getMetaMap(doc).set('baseline', 'not an array');
    expect(readBaselineFromDoc(doc)).toEqual([]);
  });

  it('computes frames before → after from the linked lines, exactly', () => {
    const lines: PackageLine[] = [
      { id: '1', ledger: 'drift', group: 'tiltak', title: 'a', amounts: { '2025': '0.1' }, area: 'skole ' },
      { id: '2', ledger: 'drift', group: 'tiltak', title: 'b', amounts: { '2025': '0.2', '2026': '-1' }, area: 'Skole' },
      { id: '3', ledger: 'drift', group: 'tiltak', title: 'c', amounts: { '2025': '5' }, area: 'Barnehage' },
    ];
    const frames = computeAreaFrames([{ name: 'Skole', amounts: { '2025': '2001' } }], lines, ['2025', '2026']);
    expect(frames.Skole!['2025']).toEqual({ before: '2001', after: '2001.3', change: '0.3' });
    expect(frames.Skole!['2026']).toEqual({ before: null, after: null, change: '-1' });
  });
});

describe('sections and verbal instructions', () => {
  it('renames, reorders and deletes in single transactions', () => {
    const doc = new Y.Doc();
    const s1 = createSectionInDoc(doc, 'Oppvekst');
    const s2 = createSectionInDoc(doc, 'Helse');
    let tx = 0;
    doc.on('afterTransaction', () => tx++);
    setSectionFields(doc, s1, { title: 'Oppvekst og utdanning' }, 'me');
    moveOrderedItem(getSectionsMap(doc), [s1, s2], s2, -1, 'me');
    expect(tx).toBe(2);
    expect(readSectionsFromDoc(doc).map((s) => s.title)).toEqual(['Helse', 'Oppvekst og utdanning']);
    const v = createVerbalInDoc(doc, { title: 'Utred', section: s1 });
    setVerbalFields(doc, v, { title: 'Utred skolemat', party: 'Ap' });
    expect(readVerbalFromDoc(doc)[0]).toMatchObject({ title: 'Utred skolemat', party: 'Ap', section: s1 });
    setVerbalFields(doc, v, { party: '' });
    expect(readVerbalFromDoc(doc)[0]!.party).toBeUndefined();
    deleteVerbalInDoc(doc, v);
    expect(readVerbalFromDoc(doc)).toEqual([]);
  });
});
