import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createLineInDoc, createSectionInDoc, createVerbalInDoc, setLineAmount } from '../../shared/doc/schema';
import { applyRichPackageToDoc, readRichPackageFromDoc } from '../../shared/doc/richPackage';
import { PACKAGE_FORMAT, PACKAGE_FORMAT_VERSION, canonicalJson, readPackageJson, writePackageJson } from '../../shared/format/json';
import { exportPackage, packageChecksum } from '../../server/export/index';
import { buildSeedDoc } from './fixture';

/** The seed doc plus the awkward cases: an invalid cell, a permanent line, headings, quotes, formats, links. */
function richDoc(): Y.Doc {
  const doc = buildSeedDoc({ notAgreed: ['Juba Juba'] });
  const section = createSectionInDoc(doc, 'Finans og organisasjon', [
    { type: 'heading', level: 3, runs: [{ text: 'Heltid' }] },
    { type: 'quote', runs: [{ text: 'Heltid gir bedre kvalitet', italic: true }, { text: ' i tjenestene.', bold: true, italic: true }] },
  ]);
  const id = createLineInDoc(doc, {
    ledger: 'fond',
    group: 'tiltak',
    title: 'HMS for yrker med emosjonelle belastninger',
    amounts: { '2023': '0.9', '2024': '0.9' },
    section,
    permanent: true,
    status: 'rejected',
    party: 'sv',
    area: 'Utvikling og støttetjenester',
    rationale: [
      { type: 'paragraph', runs: [{ text: 'Se ' }, { text: 'arbeidsmiljøenheten', link: 'https://example.org/ame?a=1&b=2' }, { text: '.\nNy linje.' }] },
      { type: 'list', ordered: true, items: [[{ text: 'én', bold: true }], [{ text: 'to' }]] },
    ],
  });
  setLineAmount(doc, id, '2025', '0,9 mill??');
  createVerbalInDoc(doc, { title: 'Arbeidstidsordninger', section, status: 'draft', text: [{ type: 'paragraph', runs: [{ text: '30-timers arbeidsuke' }] }] });
  return doc;
}

describe('JSON package format', () => {
  it('round-trips doc → JSON → new doc → JSON losslessly, rich text included', () => {
    const doc = richDoc();
    const pkg1 = readRichPackageFromDoc(doc, 'p1');
    const json1 = writePackageJson(pkg1);
    const read = readPackageJson(json1);
    if (!read.ok) throw new Error(JSON.stringify(read.errors));
    expect(read.pkg).toEqual(pkg1);
    const doc2 = new Y.Doc();
    applyRichPackageToDoc(doc2, read.pkg);
    const pkg2 = readRichPackageFromDoc(doc2, 'p1');
    expect(pkg2).toEqual(pkg1);
    expect(writePackageJson(pkg2)).toBe(json1);
    // The awkward cases really are in the file.
    const hms = pkg2.lines.find((l) => l.title.startsWith('HMS'));
    expect(hms).toMatchObject({ permanent: true, status: 'rejected', invalid: { '2025': '0,9 mill??' }, amounts: { '2023': '0.9', '2024': '0.9' } });
    expect(hms?.rich[0]).toEqual({ type: 'paragraph', runs: [{ text: 'Se ' }, { text: 'arbeidsmiljøenheten', link: 'https://example.org/ame?a=1&b=2' }, { text: '.\nNy linje.' }] });
    expect(pkg2.sections.at(-1)?.rich[0]).toEqual({ type: 'heading', level: 3, runs: [{ text: 'Heltid' }] });
    // Ids and order are kept, so a section reference still points at its section.
    expect(pkg2.lines.map((l) => l.id)).toEqual(pkg1.lines.map((l) => l.id));
    expect(JSON.parse(json1)).toMatchObject({ format: PACKAGE_FORMAT, version: PACKAGE_FORMAT_VERSION });
  });

  it('exports through exportPackage with the checksum of the canonical JSON, independent of key order', async () => {
    const pkg = readRichPackageFromDoc(richDoc(), 'p1');
    const all = await exportPackage(pkg, { format: 'json', scope: 'all' });
    const back = readPackageJson(all.body as string);
    expect(back.ok && back.pkg).toEqual(pkg);
    expect(all.checksum).toBe(packageChecksum(pkg));
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(reverseKeys) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const shuffled = reverseKeys(pkg);
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(pkg));
    expect(canonicalJson(shuffled)).toBe(canonicalJson(pkg));
    const agreed = await exportPackage(pkg, { format: 'json' });
    const agreedPkg = readPackageJson(agreed.body as string);
    expect(agreedPkg.ok && agreedPkg.pkg.lines.every((l) => l.status === 'agreed')).toBe(true);
    expect(agreed.checksum).not.toBe(all.checksum);
  });

  it('refuses bad files with every problem, its JSON path and a Norwegian message', () => {
    const pkg = readRichPackageFromDoc(richDoc(), 'p1');
    const env = JSON.parse(writePackageJson(pkg));
    expect(readPackageJson('{ nope')).toMatchObject({ ok: false, errors: [{ path: '', message: expect.stringMatching(/^Filen er ikke gyldig JSON/) }] });
    expect(readPackageJson(JSON.stringify({ ...env, format: 'annet' }))).toMatchObject({ ok: false, errors: [{ path: 'format' }] });
    expect(readPackageJson(JSON.stringify({ ...env, version: PACKAGE_FORMAT_VERSION + 1 }))).toMatchObject({ ok: false, errors: [{ path: 'version', message: expect.stringContaining('Ukjent formatversjon') }] });
    env.package.lines[2].amounts['2024'] = '1,5';
    env.package.lines[3].section = 'finnes-ikke';
    env.package.verbal[0].id = env.package.verbal[1].id;
    env.package.sections[0].rich = [{ type: 'table', rows: [] }];
    const result = readPackageJson(JSON.stringify(env));
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining(['package.lines.2.amounts.2024', 'package.sections.0.rich.0.type']),
    );
    expect(errors.find((e) => e.path === 'package.lines.2.amounts.2024')?.message).toContain('kanonisk desimalstreng');
  });

  it('reports reference and duplicate errors once the shape is valid', () => {
    const pkg = readRichPackageFromDoc(richDoc(), 'p1');
    const env = JSON.parse(writePackageJson(pkg));
    env.package.lines[3].section = 'finnes-ikke';
    env.package.verbal[0].id = env.package.verbal[1].id;
    const result = readPackageJson(JSON.stringify(env));
    const errors = result.ok ? [] : result.errors;
    expect(errors).toEqual(
      expect.arrayContaining([
        { path: 'package.lines.3.section', message: 'Ukjent seksjon «finnes-ikke»' },
        { path: 'package.verbal.1.id', message: expect.stringContaining('finnes to ganger') },
      ]),
    );
  });
});
