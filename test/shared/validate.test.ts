/**
 * The document schema validator (shared/doc/validate.ts): every helper of
 * shared/doc writes documents it accepts, change by change and as a whole; each
 * malformed shape the attack run found is an error naming its entry; an amount
 * outside the package's years is a warning; a change is checked by what it
 * changed, so a malformed entry already stored does not block other edits.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  applyImportToDoc,
  createLineInDoc,
  createSectionInDoc,
  createVerbalInDoc,
  deleteLineInDoc,
  getLinesMap,
  getMetaMap,
  getSectionsMap,
  readPackageFromDoc,
  setLineAmount,
  setLineFields,
  writeMetaToDoc,
} from '../../shared/doc/schema';
import { moveOrderedItem, setSectionFields, setVerbalFields } from '../../shared/doc/sections';
import { writeBaselineToDoc } from '../../shared/doc/baseline';
import { readRichPackageFromDoc } from '../../shared/doc/richPackage';
import { createBalanceReplica } from '../../shared/report/replica';
import { richTextFromPlain, writeRichTextToXml } from '../../shared/doc/richtext';
import { checkContentChange, checkContentDoc, type SchemaReport } from '../../shared/doc/validate';
import { MAX_TEXT_CHARS, MAX_TITLE_CHARS, MAX_YEARS } from '../../shared/doc/limits';

/** A content doc whose every transaction is checked as the server checks it; the reports are kept. */
function checkedDoc(): { doc: Y.Doc; reports: SchemaReport[]; last(): SchemaReport } {
  const doc = new Y.Doc();
  for (const root of ['meta', 'lines', 'sections', 'verbal']) doc.getMap(root);
  const reports: SchemaReport[] = [];
  doc.on('afterTransaction', (tr: Y.Transaction) => {
    reports.push(checkContentChange(doc, tr.changed));
  });
  return { doc, reports, last: () => reports.at(-1)! };
}

function seed(doc: Y.Doc): { lineId: string; sectionId: string; verbalId: string } {
  writeMetaToDoc(doc, { title: 'Budsjett 2026', years: ['2025', '2026', '2027'], planYears: ['2026', '2027'], parties: [{ id: 'AP', name: 'Arbeiderpartiet', color: '#c8102e' }], fundOpeningBalance: '120.5' });
  const sectionId = createSectionInDoc(doc, 'Oppvekst', richTextFromPlain('Innledning'));
  const lineId = createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Flere lærere', amounts: { '2026': '10' }, section: sectionId, party: 'AP', area: 'Skole', rationale: [{ type: 'paragraph', runs: [{ text: 'Fordi', bold: true }, { text: ' se', link: 'https://example.org' }] }] });
  const verbalId = createVerbalInDoc(doc, { title: 'Utred skolebruksplan', section: sectionId, text: [{ type: 'list', ordered: true, items: [[{ text: 'én\nto' }]] }] });
  return { lineId, sectionId, verbalId };
}

describe('honest writers', () => {
  it('every helper of shared/doc writes changes the validator accepts, and a document it accepts as a whole', () => {
    const { doc, reports } = checkedDoc();
    const { lineId, sectionId, verbalId } = seed(doc);
    setLineAmount(doc, lineId, '2027', '−1 500,25');
    setLineAmount(doc, lineId, '2025', 'tja');
    setLineAmount(doc, lineId, '2025', '3 mill');
    setLineAmount(doc, lineId, '2026', '');
    setLineFields(doc, lineId, { title: 'Nye lærere', status: 'agreed', permanent: true, ledger: 'fond', group: 'inndekning', order: 7.5 });
    setLineFields(doc, lineId, { permanent: false, party: undefined, area: '' });
    setSectionFields(doc, sectionId, { title: 'Oppvekst og skole', order: 3 });
    setVerbalFields(doc, verbalId, { title: '', status: 'proposed', party: 'AP' });
    const s2 = createSectionInDoc(doc, 'Helse');
    moveOrderedItem(getSectionsMap(doc), [sectionId, s2], s2, -1);
    writeBaselineToDoc(doc, [{ name: 'Skole', amounts: { '2026': '1500.50', '2027': '1510' } }]);
    applyImportToDoc(doc, [{ section: 'Kultur', ledger: 'investering', group: 'tiltak', title: 'Bibliotek', amounts: { '2026': '-4.5' }, description: 'a\nb' }]);
    const rationale = getLinesMap(doc).get(lineId)!.get('rationale') as Y.XmlText;
    doc.transact(() => writeRichTextToXml(rationale, [{ type: 'heading', level: 2, runs: [{ text: 'Ny', italic: true }] }]));
    writeMetaToDoc(doc, { fundOpeningBalance: undefined });
    deleteLineInDoc(doc, lineId);
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
    expect(checkContentDoc(doc).errors).toEqual([]);
  });

  it('accepts a title as a Y.Text (schema v2) within the limit, and refuses a longer one', () => {
    const { doc, last } = checkedDoc();
    const { lineId } = seed(doc);
    const line = getLinesMap(doc).get(lineId)!;
    doc.transact(() => line.set('title', new Y.Text('Flere lærere')));
    expect(last().errors).toEqual([]);
    (line.get('title') as Y.Text).insert(0, 'Mange ');
    expect(last().errors).toEqual([]);
    (line.get('title') as Y.Text).insert(0, 'x'.repeat(MAX_TITLE_CHARS));
    expect(last().errors).toMatchObject([{ kind: 'lines', id: lineId, field: 'title' }]);
    doc.transact(() => getMetaMap(doc).set('title', new Y.Text('Pakke')));
    expect(last().errors).toEqual([]);
    doc.transact(() => getMetaMap(doc).set('schemaVersion', 2));
    expect(last().errors).toEqual([]);
  });
});

describe('malformed writes', () => {
  const cases: Array<[string, (doc: Y.Doc, lineId: string) => void, { kind: string; id?: string; field?: string }]> = [
    ['lines.x = a string', (doc) => getLinesMap(doc).set('x', 'a string' as never), { kind: 'lines', id: 'x' }],
    ['amounts = "x"', (doc, id) => getLinesMap(doc).get(id)!.set('amounts', 'x'), { kind: 'lines', field: 'amounts' }],
    ['an amount as a number', (doc, id) => (getLinesMap(doc).get(id)!.get('amounts') as Y.Map<unknown>).set('2026', 12.5), { kind: 'lines', field: 'amounts' }],
    ['an amount not canonical', (doc, id) => (getLinesMap(doc).get(id)!.get('amounts') as Y.Map<unknown>).set('2026', '1,5'), { kind: 'lines', field: 'amounts' }],
    ['an amount under a key that is no year', (doc, id) => (getLinesMap(doc).get(id)!.get('amounts') as Y.Map<unknown>).set('neste år', '1'), { kind: 'lines', field: 'amounts' }],
    ['meta.years = "x"', (doc) => getMetaMap(doc).set('years', 'x'), { kind: 'meta', id: 'years' }],
    ['10,000 years', (doc) => getMetaMap(doc).set('years', Array.from({ length: 10_000 }, (_, i) => String(1000 + i))), { kind: 'meta', id: 'years' }],
    ['parties = null', (doc) => getMetaMap(doc).set('parties', null), { kind: 'meta', id: 'parties' }],
    ['a party without a name', (doc) => getMetaMap(doc).set('parties', [{ id: 'AP' }]), { kind: 'meta', id: 'parties' }],
    ['a 1.9 MB title', (doc, id) => getLinesMap(doc).get(id)!.set('title', 'x'.repeat(1_900_000)), { kind: 'lines', field: 'title' }],
    ['a 1.9 MB package title', (doc) => getMetaMap(doc).set('title', 'x'.repeat(1_900_000)), { kind: 'meta', id: 'title' }],
    ['an unknown field', (doc, id) => getLinesMap(doc).get(id)!.set('isAdmin', true), { kind: 'lines', field: 'isAdmin' }],
    ['an unknown top-level type', (doc) => doc.getMap('evil').set('a', 1), { kind: 'root', id: 'evil' }],
    ['a rationale as a string', (doc, id) => getLinesMap(doc).get(id)!.set('rationale', 'tekst'), { kind: 'lines', field: 'rationale' }],
    ['a status that does not exist', (doc, id) => getLinesMap(doc).get(id)!.set('status', 'vedtatt'), { kind: 'lines', field: 'status' }],
    ['an order that is not a number', (doc, id) => getLinesMap(doc).get(id)!.set('order', '1'), { kind: 'lines', field: 'order' }],
    ['a sub-document', (doc, id) => getLinesMap(doc).get(id)!.set('rationale', new Y.Doc() as never), { kind: 'lines', field: 'rationale' }],
    ['overlong typed text', (doc, id) => (getLinesMap(doc).get(id)!.get('invalid') as Y.Map<unknown>).set('2026', 'x'.repeat(10_000)), { kind: 'lines', field: 'invalid' }],
    ['a section that is a number', (doc) => getSectionsMap(doc).set('s', 5 as never), { kind: 'sections', id: 's' }],
    ['an overlong id', (doc) => createLineInDoc(doc, { id: 'i'.repeat(5000), ledger: 'drift', group: 'tiltak', title: 't' }), { kind: 'lines' }],
  ];
  for (const [name, write, expected] of cases) {
    it(`refuses ${name}`, () => {
      const { doc, last } = checkedDoc();
      const { lineId } = seed(doc);
      write(doc, lineId);
      const errors = last().errors;
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatchObject({ kind: expected.kind, ...(expected.id ? { id: expected.id } : {}), ...(expected.field ? { field: expected.field } : {}) });
      if (expected.kind === 'lines' && expected.field) expect(errors[0]!.id).toBe(lineId);
      expect(checkContentDoc(doc).errors.length).toBeGreaterThan(0);
    });
  }

  it('refuses a rationale longer than the limit, typed into an existing text', () => {
    const { doc, last } = checkedDoc();
    const { lineId } = seed(doc);
    const paragraph = (getLinesMap(doc).get(lineId)!.get('rationale') as Y.XmlText).toDelta()[0].insert as Y.XmlText;
    paragraph.insert(paragraph.length, 'y'.repeat(MAX_TEXT_CHARS - 100));
    expect(last().errors).toEqual([]);
    paragraph.insert(paragraph.length, 'y'.repeat(200));
    expect(last().errors).toMatchObject([{ kind: 'lines', id: lineId, field: 'rationale' }]);
  });

  it('refuses a year map with more than MAX_YEARS years, built key by key', () => {
    const { doc, last } = checkedDoc();
    const { lineId } = seed(doc);
    const am = getLinesMap(doc).get(lineId)!.get('amounts') as Y.Map<string>;
    doc.transact(() => {
      for (let i = 0; i < MAX_YEARS + 1; i++) am.set(String(2000 + i), '1');
    });
    expect(last().errors).toMatchObject([{ kind: 'lines', id: lineId, field: 'amounts' }]);
  });
});

describe('warnings and cost', () => {
  it('an amount in a year outside the package is a warning, not an error', () => {
    const { doc, last } = checkedDoc();
    const { lineId } = seed(doc);
    setLineAmount(doc, lineId, '2031', '4');
    expect(last().errors).toEqual([]);
    expect(last().warnings).toMatchObject([{ kind: 'lines', id: lineId, field: 'amounts' }]);
    const created = createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Ny', amounts: { '2040': '1' } });
    expect(last().warnings).toMatchObject([{ kind: 'lines', id: created, field: 'amounts' }]);
  });

  it('checks what a change changed: a malformed entry already stored does not refuse an edit elsewhere', () => {
    const { doc, last } = checkedDoc();
    const { lineId } = seed(doc);
    getLinesMap(doc).set('x', 'a string' as never);
    getLinesMap(doc).get(lineId)!.set('amounts', 'x');
    const stored = checkContentDoc(doc).errors;
    expect(stored).toHaveLength(2);
    expect(stored).toEqual(expect.arrayContaining([expect.objectContaining({ id: lineId, field: 'amounts' }), expect.objectContaining({ id: 'x', kind: 'lines' })]));
    const other = createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Annen linje', amounts: { '2026': '1' } });
    expect(last().errors).toEqual([]);
    setLineAmount(doc, other, '2027', '2');
    expect(last().errors).toEqual([]);
    getLinesMap(doc).delete('x');
    expect(last().errors).toEqual([]);
  });
});

describe('readers on a malformed document', () => {
  it('never throw: malformed entries are skipped, overlong values cut, and writers still work around them', () => {
    const doc = new Y.Doc();
    const { lineId, sectionId } = seed(doc);
    getMetaMap(doc).set('parties', [null, 5, { id: 'SV' }, { id: 'AP', name: 'Arbeiderpartiet', color: '#c8102e' }]);
    getMetaMap(doc).set('planYears', 'x');
    getLinesMap(doc).set('x', 'a string' as never);
    getLinesMap(doc).set('n', null as never);
    getLinesMap(doc).get(lineId)!.set('title', 'y'.repeat(100_000));
    getLinesMap(doc).get(lineId)!.set('order', 'først');
    getLinesMap(doc).get(lineId)!.set('status', 'vedtatt');
    getSectionsMap(doc).set('s', 5 as never);
    doc.getMap('verbal').set('v', 'tekst');
    const pkg = readPackageFromDoc(doc, 'p');
    expect(pkg.lines.map((l) => l.id)).toEqual([lineId]);
    expect(pkg.lines[0]!.title).toHaveLength(MAX_TITLE_CHARS);
    expect(pkg.lines[0]!.status).toBeUndefined();
    expect(pkg.parties).toEqual([{ id: 'AP', name: 'Arbeiderpartiet', color: '#c8102e' }]);
    expect(pkg.planYears).toEqual([]);
    expect(pkg.sections.map((s) => s.id)).toEqual([sectionId]);
    expect(readRichPackageFromDoc(doc, 'p').lines).toHaveLength(1);
    const replica = createBalanceReplica(doc);
    expect(replica.report().balance.ledgers.drift.byYear['2026']!.net).toBe('10');
    // Writers go round the malformed entries.
    const created = createLineInDoc(doc, { ledger: 'drift', group: 'inndekning', title: 'Ny', amounts: { '2026': '-10' } });
    expect(setLineAmount(doc, 'x', '2026', '1')).toMatchObject({ ok: false });
    setLineFields(doc, 'x', { title: 'z' });
    setSectionFields(doc, 's', { title: 'z' });
    moveOrderedItem(getSectionsMap(doc), ['s', sectionId], sectionId, -1);
    expect(replica.report().balance.ledgers.drift.byYear['2026']!.net).toBe('0');
    expect(readPackageFromDoc(doc, 'p').lines.map((l) => l.id).sort()).toEqual([lineId, created].sort());
    replica.destroy();
  });
});
