import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { createLineInDoc, createSectionInDoc, writeMetaToDoc } from '../../shared/doc/schema';
import { readRichPackageFromDoc } from '../../shared/doc/richPackage';
import { EXPORT_FORMATS } from '../../shared/protocol';
import { exportPackage, filenameSlug, parseExportQuery } from '../../server/export/index';
import { readZipParts, tables } from './ooxml';
import { ExportQueryError, createPackageExporters } from '../../server/export/exporters';
import { buildSeedDoc } from './fixture';

describe('export edge cases', () => {
  it('exports an empty package in every format without failing', async () => {
    const doc = new Y.Doc();
    writeMetaToDoc(doc, { title: '', years: ['2024', '2025'], planYears: ['2024', '2025'], parties: [] });
    const pkg = readRichPackageFromDoc(doc, 'tom');
    for (const format of EXPORT_FORMATS) {
      const r = await exportPackage(pkg, { format });
      expect(r.body.length, format).toBeGreaterThan(0);
      expect(r.filename).toBe(`budsjettforslag.${format}`);
    }
  });

  it('exports a large package (600 lines, 12 sections) in every format; tables hold every agreed line', async () => {
    const doc = new Y.Doc();
    writeMetaToDoc(doc, { title: 'Stor pakke', years: ['2023', '2024', '2025', '2026'], planYears: ['2023', '2024', '2025', '2026'], parties: [] });
    const sections = Array.from({ length: 12 }, (_, k) => createSectionInDoc(doc, `Seksjon ${k + 1}`, [{ type: 'paragraph', runs: [{ text: 'Innledning.' }] }]));
    for (let i = 0; i < 600; i++) {
      createLineInDoc(doc, {
        ledger: i % 3 === 0 ? 'investering' : 'drift',
        group: i % 2 === 0 ? 'tiltak' : 'inndekning',
        title: `Linje ${i}`,
        amounts: { '2023': String(i % 7), '2024': `${i % 5}.25` },
        section: sections[i % 12] ?? '',
        status: i % 10 === 0 ? 'proposed' : 'agreed',
        rationale: [{ type: 'paragraph', runs: [{ text: `Begrunnelse for linje ${i} med 2 millioner i 2023.` }] }],
      });
    }
    const pkg = readRichPackageFromDoc(doc, 'stor');
    const timings: Record<string, number> = {};
    for (const format of EXPORT_FORMATS) {
      const t0 = performance.now();
      const r = await exportPackage(pkg, { format });
      timings[format] = Math.round(performance.now() - t0);
      if (format === 'docx') {
        const parts = await readZipParts(r.body as Uint8Array);
        const lineRows = tables(parts.get('word/document.xml') ?? '').flat().filter((row) => /^Linje \d+$/.test(row[0]?.text ?? ''));
        expect(lineRows).toHaveLength(540);
      }
    }
    console.log('export of 600 lines, ms per format:', JSON.stringify(timings));
  });

  it('makes ASCII file names', () => {
    expect(filenameSlug('Budsjettforslag fra de rødgrønne 2023–2026: «Endelig»')).toBe('budsjettforslag-fra-de-rodgronne-2023-2026-endelig');
    expect(filenameSlug('Økonomiplan Åfjord')).toBe('okonomiplan-afjord');
  });
});

describe('export query', () => {
  it('parses the route query and refuses bad values with a Norwegian message', () => {
    expect(parseExportQuery({ format: 'docx' })).toEqual({ ok: true, options: { format: 'docx', scope: 'agreed' } });
    expect(parseExportQuery({ format: 'xlsx', scope: 'all', version: ' Endelig ', date: '2022-11-01', sealed: '1' })).toEqual({
      ok: true,
      options: { format: 'xlsx', scope: 'all', versionName: 'Endelig', date: '2022-11-01', sealed: true },
    });
    const bad = parseExportQuery({ format: 'pdf' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/^Ugyldig parameter format/);
    expect(parseExportQuery({ format: 'md', date: '1.11.2022' })).toEqual({ ok: false, message: 'Ugyldig parameter date: Dato må skrives ÅÅÅÅ-MM-DD' });
  });
});

describe('exporters for the app route', () => {
  it('read the rich package from the live doc and honour the query', async () => {
    const doc = buildSeedDoc({ notAgreed: ['Juba Juba'] });
    const exporters = createPackageExporters();
    expect(Object.keys(exporters).sort()).toEqual([...EXPORT_FORMATS].sort());
    const agreed = await exporters.md({ doc, pkg: { id: 'seed' } });
    expect(agreed.body).not.toContain('Juba Juba');
    const all = await exporters.md({ doc, pkg: { id: 'seed' }, query: { scope: 'all', version: 'Utkast', date: '2022-10-20' } });
    expect(all.body).toContain('**Juba Juba** *[Foreslått]*');
    expect(all.filename).toBe('budsjettforslag-fra-de-rodgronne-partiene-2023-2026-alle-punkter-utkast.md');
    await expect(exporters.docx({ doc, pkg: { id: 'seed' }, query: { scope: 'noen' } })).rejects.toThrow(ExportQueryError);
  });
});
