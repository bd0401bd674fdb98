import { describe, expect, it } from 'vitest';
import { computeBalance } from '../../shared/balance';
import { Money, formatAmount, parseAmount } from '../../shared/money';
import { buildExportModel, selectExportedPackage } from '../../shared/export/model';
import { exportPackage, packageChecksum } from '../../server/export/index';
import { renderDocx } from '../../server/export/docx';
import { seedPackage } from './fixture';
import { paragraphs, readZipParts, tableCaptions, tables, wText } from './ooxml';

const NOT_AGREED = ['Juba Juba', 'Ny Ringve skole', 'Leksehjelp', 'Riddervolds gate'];
const fmt2 = (v: string) => formatAmount(v, { decimals: 2 });

/** Reads a table amount as shown («−1 148,45») back into a decimal. */
function readShown(text: string) {
  const parsed = parseAmount(text);
  if (!parsed.ok || parsed.value === null) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  return parsed.value;
}

async function exportDocx(scope: 'agreed' | 'all') {
  const pkg = seedPackage({ notAgreed: NOT_AGREED });
  const result = await exportPackage(pkg, { format: 'docx', scope, versionName: 'Endelig forslag', date: '2022-11-01', sealed: true });
  const parts = await readZipParts(result.body as Uint8Array);
  return { pkg, result, parts, doc: parts.get('word/document.xml') ?? '' };
}

describe('DOCX export', () => {
  it('holds only agreed items by default, in the decision document order, with verbal instructions numbered continuously', async () => {
    const { doc } = await exportDocx('agreed');
    const text = paragraphs(doc);
    const body = text.join('\n');
    expect(text[0]).toBe('Budsjettforslag fra de rødgrønne partiene 2023–2026');
    expect(body).toMatch(/Bystyret vedtar kommunedirektørens forslag til handlings- og økonomiplan 2023–2026 og budsjett 2023 med følgende endringer/);
    for (const missing of NOT_AGREED) expect(body).not.toContain(missing);
    const order = ['Klima og byutvikling', 'Forsterka innsats for videre klimamål', 'Utslippsfrie bygg- og anleggsplasser', '1. Mer plantebasert kosthold', '2. Solceller', 'Oppvekst', 'Helse og eldre', '3. Helsestasjon for eldre', 'Bolig', '4. Sosial boligpolitikk', 'Inndekning', 'Kompensasjon for koronautgifter', 'Tabeller'];
    const positions = order.map((t) => text.findIndex((p) => p === t));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    // A line's amounts per year sit under its title.
    const i = text.indexOf('Forsterka innsats for videre klimamål');
    expect(text[i + 1]).toBe('2023: 8\t2024: 8\t2025: 8\t2026: 8\tmill. kr');
  });

  it('prints the four tables whose totals equal the engine report over the agreed lines, right-aligned with − signs', async () => {
    const { pkg, doc } = await exportDocx('agreed');
    const report = computeBalance(selectExportedPackage(pkg, 'agreed'));
    const parsed = tables(doc);
    expect(tableCaptions(doc)).toEqual([
      'Tabell 1: Driftsbudsjettet – tiltak (mill. kr)',
      'Tabell 2: Driftsbudsjettet – inndekning (mill. kr)',
      'Tabell 3: Disposisjonsfond (mill. kr)',
      'Tabell 4: Investeringsbudsjettet med finansiering (mill. kr)',
    ]);
    expect(parsed).toHaveLength(4);
    const [t1, t2, t3, t4] = parsed as [typeof parsed[0], typeof parsed[0], typeof parsed[0], typeof parsed[0]];
    const header = (t: typeof t1) => (t[0] ?? []).map((c) => c.text);
    expect(header(t1)).toEqual(['', '2023', '2024', '2025', '2026', 'Sum']);
    expect(header(t3)).toEqual(['', '2022', '2023', '2024', '2025', '2026', 'Sum']);
    const row = (t: typeof t1, label: string) => {
      const r = t.find((cells) => cells[0]?.text === label);
      if (!r) throw new Error(`no row ${label}`);
      return r;
    };
    const years = ['2023', '2024', '2025', '2026'];
    const expectRow = (t: typeof t1, label: string, values: string[]) => expect(row(t, label).slice(1).map((c) => c.text)).toEqual(values.map(fmt2));
    const d = report.ledgers.drift;
    expectRow(t1, 'Sum tiltak drift', [...years.map((y) => d.byYear[y]?.tiltak ?? 'x'), d.total.tiltak]);
    expectRow(t2, 'Sum inndekning drift', [...years.map((y) => d.byYear[y]?.inndekning ?? 'x'), d.total.inndekning]);
    expectRow(t2, 'Netto drift (skal være 0)', [...years.map((y) => d.byYear[y]?.net ?? 'x'), d.total.net]);
    const inv = report.ledgers.investering;
    expectRow(t4, 'Sum investeringstiltak', [...years.map((y) => inv.byYear[y]?.tiltak ?? 'x'), inv.total.tiltak]);
    expectRow(t4, 'Sum finansiering', [...years.map((y) => inv.byYear[y]?.inndekning ?? 'x'), inv.total.inndekning]);
    expectRow(t4, 'Endring i lånebehov', [...years.map((y) => inv.byYear[y]?.net ?? 'x'), inv.total.net]);
    const f = report.ledgers.fond;
    expectRow(t3, 'Netto bruk av disposisjonsfond', [...['2022', ...years].map((y) => f.byYear[y]?.net ?? 'x'), f.total.net]);
    expect(row(t3, 'Saldo disposisjonsfond ved årets slutt').slice(1, 6).map((c) => c.text)).toEqual(['2022', ...years].map((y) => fmt2(f.runningBalance[y] ?? 'x')));
    // Leaving out the unagreed Ny Ringve skole (5/20/20/20) and Riddervolds gate (−7) leaves investering unbalanced:
    // the table shows the implied borrowing the engine computes, not a made-up zero.
    expect(row(t4, 'Endring i lånebehov')[1]?.text).toBe(fmt2(inv.byYear['2023']?.net ?? 'x'));
    expect(inv.byYear['2023']?.net).toBe('2');

    // The line rows add up to the printed sum (the figures in the body are the figures in the total).
    for (const [t, label] of [[t1, 'Sum tiltak drift'], [t2, 'Sum inndekning drift']] as const) {
      const lines = t.slice(1).filter((cells) => cells.length === 6 && !cells[0]?.bold && !/^Sum|^Netto/.test(cells[0]?.text ?? ''));
      years.forEach((_, k) => {
        const sum = lines.reduce((acc, cells) => (cells[k + 1]?.text ? acc.plus(readShown(cells[k + 1]?.text ?? '')) : acc), new Money(0));
        expect(fmt2(sum.toFixed())).toBe(row(t, label)[k + 1]?.text);
      });
    }
    // Amounts are right-aligned; negative amounts use the minus sign U+2212; totals are bold.
    const coronaRow = row(t2, 'Kompensasjon for koronautgifter');
    expect(coronaRow.slice(1).every((c) => c.rightAligned)).toBe(true);
    expect(coronaRow[1]?.text).toBe('−100,00');
    expect(row(t2, 'Sum inndekning drift').every((c) => c.bold)).toBe(true);
    expect(doc).not.toMatch(/>-\d/);
  });

  it('keeps rich text: bold, italic, bullet and numbered lists, and links as external hyperlinks', async () => {
    const { doc, parts } = await exportDocx('agreed');
    expect(doc).toMatch(/<w:r><w:rPr><w:b\/><w:bCs\/>(?:<[^>]+>)*<\/w:rPr><w:t xml:space="preserve">8 millioner kroner per år<\/w:t>/);
    expect(doc).toMatch(/<w:i\/><w:iCs\/>(?:<[^>]+>)*<\/w:rPr><w:t xml:space="preserve">anleggsmaskiner<\/w:t>/);
    const link = /<w:hyperlink[^>]*r:id="([^"]+)"[^>]*>([\s\S]*?)<\/w:hyperlink>/.exec(doc);
    expect(link && wText(link[2] ?? '')).toBe('saksframlegget');
    const rels = parts.get('word/_rels/document.xml.rels') ?? '';
    expect(rels).toContain(`Id="${link?.[1]}"`);
    expect(rels).toMatch(/Target="https:\/\/www\.trondheim\.kommune\.no\/" TargetMode="External"/);
    // The three-point list of «Sosial boligpolitikk» is a decimal-numbered list; the bullets are bullets.
    const numbering = parts.get('word/numbering.xml') ?? '';
    expect(numbering).toContain('w:val="decimal"');
    const listParas = [...doc.matchAll(/<w:p>(?:(?!<\/w:p>)[\s\S])*?<w:numPr>[\s\S]*?<\/w:p>/g)].map((m) => wText(m[0]));
    expect(listParas).toEqual(
      expect.arrayContaining(['god styring og overvåkning', 'Køen på egnede familieboliger avvikles i løpet av 2023.', 'Grunnlag for salg til stiftelser presenteres i en sak 1. tertial 2023.']),
    );
  });

  it('has a footer with version name, Norwegian date, page numbers and, when sealed, the checksum of the exported package', async () => {
    const { parts, pkg, result } = await exportDocx('agreed');
    const footer = [...parts].filter(([name]) => /^word\/footer\d*\.xml$/.test(name)).map(([, xml]) => xml).join('');
    expect(wText(footer)).toContain('Endelig forslag · 01.11.2022');
    expect(footer).toMatch(/PAGE/);
    expect(result.checksum).toBe(packageChecksum(selectExportedPackage(pkg, 'agreed')));
    expect(result.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(wText(footer)).toContain(`SHA-256: ${result.checksum}`);
    // Not sealed: no checksum printed.
    const unsealed = await exportPackage(pkg, { format: 'docx', versionName: 'Utkast' });
    const unsealedParts = await readZipParts(unsealed.body as Uint8Array);
    expect(wText(unsealedParts.get('word/footer1.xml') ?? '')).not.toContain('SHA-256');
  });

  it('with scope=all holds every item with its status, in text and tables', async () => {
    const { doc, pkg } = await exportDocx('all');
    const body = paragraphs(doc).join('\n');
    expect(body).toContain('Juba Juba  [Foreslått]');
    expect(body).toContain('Forsterka innsats for videre klimamål  [Enighet]');
    expect(body).toMatch(/\d\. Leksehjelp {2}\[Foreslått\]/);
    const t1 = tables(doc)[0] ?? [];
    expect(t1[0]?.map((c) => c.text)).toEqual(['', 'Status', '2023', '2024', '2025', '2026', 'Sum']);
    expect(t1.find((r) => r[0]?.text === 'Juba Juba')?.[1]?.text).toBe('Foreslått');
    const report = computeBalance(pkg);
    expect(t1.find((r) => r[0]?.text === 'Sum tiltak drift')?.at(-1)?.text).toBe(fmt2(report.ledgers.drift.total.tiltak));
  });

  it('turns unsafe links into plain text and strips characters XML cannot hold', async () => {
    const pkg = seedPackage();
    const line = pkg.lines[0];
    if (!line) throw new Error('fixture');
    line.title = 'Farlig\u0001 tittel <w:t>&';
    line.rich = [{ type: 'paragraph', runs: [{ text: 'klikk her', link: 'javascript:alert(1)' }] }];
    const bytes = await renderDocx(buildExportModel(pkg, { scope: 'agreed' }));
    const parts = await readZipParts(bytes);
    const doc = parts.get('word/document.xml') ?? '';
    expect(doc).not.toContain('\u0001');
    expect(paragraphs(doc)).toContain('Farlig tittel <w:t>&');
    expect(doc).not.toContain('javascript:');
    expect(paragraphs(doc)).toContain('klikk her');
  });
});
