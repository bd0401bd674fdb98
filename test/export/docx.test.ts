import { describe, expect, it } from 'vitest';
import { computeBalance } from '../../shared/balance';
import { Money, formatAmount, parseAmount } from '../../shared/money';
import { buildExportModel, selectExportedPackage } from '../../shared/export/model';
import { exportPackage, packageChecksum } from '../../server/export/index';
import { renderDocx } from '../../server/export/docx';
import { seedPackage } from './fixture';
import { bodyBlocks, paragraphs, readZipParts, tableCaptions, tables, wText, type BodyParagraph, type BodyTable } from './ooxml';

const NOT_AGREED = ['Juba Juba', 'Ny Ringve skole', 'Leksehjelp', 'Riddervolds gate'];
const fmt2 = (v: string) => formatAmount(v, { decimals: 2 });

/** Reads a table amount as shown («−1 148,45») back into a decimal. */
function readShown(text: string) {
  const parsed = parseAmount(text);
  if (!parsed.ok || parsed.value === null) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  return parsed.value;
}

async function exportDocx(scope: 'agreed' | 'all', alsoNotAgreed: string[] = []) {
  const pkg = seedPackage({ notAgreed: [...NOT_AGREED, ...alsoNotAgreed] });
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
  });

  it('opens like the real decision: the opening sentence, the numbered decision points from the settings, and the computed borrowing point', async () => {
    const { doc, pkg } = await exportDocx('agreed');
    const blocks = bodyBlocks(doc);
    const paras = blocks.filter((b): b is BodyParagraph => b.kind === 'p');
    const opening = paras.findIndex((p) => p.text.startsWith('Bystyret vedtar'));
    expect(paras[opening]?.text).toBe('Bystyret vedtar kommunedirektørens forslag til handlings- og økonomiplan 2023–2026 og budsjett 2023 med følgende endringer, fremmet av Arbeiderpartiet, SV og Senterpartiet:');
    const points = paras.slice(opening + 1, opening + 4);
    expect(points.every((p) => p.numbered)).toBe(true);
    // The chief executive proposes 1 403; leaving out Ny Ringve skole (5) and Riddervolds gate (−7) makes
    // the package borrow 2 more in 2023, so the decision allows 1 405.
    const report = computeBalance(selectExportedPackage(pkg, 'agreed'));
    expect(report.ledgers.investering.borrowing['2023']).toBe('2');
    expect(points.map((p) => p.text)).toEqual([
      'Budsjettvedtak for 2023, punkt 2.4.1 endres til: Formannskapet gis fullmakt til å fordele klimamidlene på 8 millioner kroner per år.',
      'Kommunedirektøren bes legge fram en sak om sosial boligpolitikk i løpet av 1. tertial 2023.',
      `Lån til investeringer på inntil ${formatAmount(new Money('1403').plus(report.ledgers.investering.borrowing['2023'] ?? 'x').toFixed())} millioner kroner.`,
    ]);
    expect(points[2]?.text).toBe('Lån til investeringer på inntil 1\u00a0405 millioner kroner.');
    // With every item (scope all) investering is financed in full in 2023: the proposal as it stands.
    const all = await exportDocx('all');
    expect(paragraphs(all.doc)).toContain('Lån til investeringer på inntil 1\u00a0403 millioner kroner.');
    // Without a proposal in the settings there is no borrowing point (nothing is made up).
    const bare = seedPackage();
    delete bare.proposedBorrowing;
    const bareDoc = (await readZipParts(await renderDocx(buildExportModel(bare, { scope: 'agreed' })))).get('word/document.xml') ?? '';
    expect(paragraphs(bareDoc).some((p) => p.startsWith('Lån til investeringer'))).toBe(false);
  });

  it('uses real Word headings: sections Heading 1, their parts Heading 2, items Heading 3, with no empty and no repeated heading', async () => {
    const { doc, parts } = await exportDocx('agreed');
    const paras = bodyBlocks(doc).filter((b): b is BodyParagraph => b.kind === 'p');
    const h = (level: number) => paras.filter((p) => p.style === `Heading${level}`).map((p) => p.text);
    expect(h(1)).toEqual(['Klima og byutvikling', 'Oppvekst', 'Helse og eldre', 'Arbeid og sosial', 'Bolig', 'Kultur, idrett og friluftsliv', 'Inndekning', 'Tabeller']);
    expect(new Set(h(2))).toEqual(new Set(['Drift', 'Investering', 'Disposisjonsfond', 'Verbale føringer', 'Tabell 1: Driftsbudsjettet (mill. kr)', 'Tabell 2: Investeringsbudsjettet (mill. kr)', 'Tabell 3: Disposisjonsfond (mill. kr)']));
    expect(h(3)).toContain('Forsterka innsats for videre klimamål');
    expect(h(3)).toContain('1. Mer plantebasert kosthold');
    // The navigation pane reads the outline from the heading styles' outline levels.
    const styles = parts.get('word/styles.xml') ?? '';
    for (const [level, outline] of [[1, 0], [2, 1], [3, 2]] as const) {
      expect(styles).toMatch(new RegExp(`w:styleId="Heading${level}"><w:name w:val="Heading ${level}"/>[\\s\\S]*?<w:outlineLvl w:val="${outline}"/>`));
    }
    // Every heading has text, and none is followed by a heading of the next level saying the same.
    const headings = paras.filter((p) => /^Heading\d$/.test(p.style ?? ''));
    expect(headings.every((p) => p.text.trim() !== '')).toBe(true);
    headings.forEach((p, i) => {
      const next = headings[i + 1];
      if (next && Number(next.style?.slice(-1)) > Number(p.style?.slice(-1))) expect(next.text.toLowerCase().replace(/er$/, '')).not.toBe(p.text.toLowerCase().replace(/er$/, ''));
    });
  });

  it('leaves out a section with nothing exported, and never prints «Drift / Drift» or «Investeringer / Investering»', async () => {
    // Helse og eldre holds one line and one verbal instruction; neither agreed, so the section goes.
    const { doc } = await exportDocx('agreed', ['Eldreplanen – opptrapping av grunnbemanning', 'Helsestasjon for eldre']);
    expect(paragraphs(doc)).not.toContain('Helse og eldre');
    expect(paragraphs((await exportDocx('all', ['Eldreplanen – opptrapping av grunnbemanning', 'Helsestasjon for eldre'])).doc)).toContain('Helse og eldre');

    const pkg = seedPackage();
    const [klima, oppvekst] = pkg.sections;
    if (!klima || !oppvekst) throw new Error('fixture');
    klima.title = 'Investeringer';
    oppvekst.title = 'Drift';
    const xml = (await readZipParts(await renderDocx(buildExportModel(pkg, { scope: 'agreed' })))).get('word/document.xml') ?? '';
    const heads = bodyBlocks(xml).filter((b): b is BodyParagraph => b.kind === 'p' && /^Heading[12]$/.test(b.style ?? '')).map((p) => `${p.style}:${p.text}`);
    const at = (title: string) => heads.indexOf(`Heading1:${title}`);
    // «Investeringer» keeps its drift part; its investment items follow without a second heading.
    expect(heads.slice(at('Investeringer') + 1, at('Drift'))).toEqual(['Heading2:Drift', 'Heading2:Verbale føringer']);
    expect(heads.slice(at('Drift') + 1, at('Drift') + 3)).toEqual(['Heading2:Investering', 'Heading2:Verbale føringer']);
    // The investment items are still there, under the section heading.
    expect(paragraphs(xml)).toContain('Utslippsfrie bygg- og anleggsplasser');
  });

  it("puts an item's amounts in its ledger's year columns, keeps its title with them, and splits no row across pages", async () => {
    const { doc, pkg } = await exportDocx('agreed');
    const blocks = bodyBlocks(doc);
    const itemTable = (title: string): BodyTable => {
      const i = blocks.findIndex((b) => b.kind === 'p' && b.text === title);
      const next = blocks[i + 1];
      if (!next || next.kind !== 'tbl') throw new Error(`no amounts table after ${title}`);
      return next;
    };
    const texts = (t: BodyTable) => t.rows.map((r) => r.cells.map((c) => c.text));
    expect(texts(itemTable('Forsterka innsats for videre klimamål'))).toEqual([
      ['mill. kr', '2023', '2024', '2025', '2026'],
      ['Beløp', '8,00', '8,00', '8,00', '8,00'],
    ]);
    // A line that starts in 2025 has its figures under 2025 and 2026, not in the first columns.
    expect(texts(itemTable('Ishall Tiller idrettspark'))).toEqual([
      ['mill. kr', '2023', '2024', '2025', '2026'],
      ['Beløp', '', '', '3,00', '3,00'],
    ]);
    // The fund puts money in in 2022, so the fund's items have a 2022 column too.
    expect(texts(itemTable('Økt skatteinngang avsatt til disposisjonsfond'))[1]).toEqual(['Inndekning', '−50,00', '', '', '', '']);

    // Keep-with-next from every item title to its amounts: the title paragraph and the table's header row.
    let items = 0;
    blocks.forEach((b, i) => {
      if (b.kind !== 'p' || b.style !== 'Heading3' || /^\d+\. /.test(b.text)) return;
      items++;
      expect(b.keepNext, b.text).toBe(true);
      const table = blocks[i + 1];
      expect(table?.kind, b.text).toBe('tbl');
      if (table?.kind === 'tbl') expect(table.rows[0]?.keepNext, b.text).toBe(true);
    });
    expect(items).toBe(selectExportedPackage(pkg, 'agreed').lines.length);
    // No row of any table splits across pages; every table repeats its header row.
    const tablesInDoc = blocks.filter((b): b is BodyTable => b.kind === 'tbl');
    expect(tablesInDoc.length).toBe(items + 3);
    for (const t of tablesInDoc) {
      expect(t.rows.every((r) => r.cantSplit)).toBe(true);
      expect(t.rows[0]?.header).toBe(true);
      expect(t.rows.slice(1).some((r) => r.header)).toBe(false);
    }
    // A lead-in line stays with the short list it introduces, and the list with itself.
    const leadIn = blocks.findIndex((b) => b.kind === 'p' && b.text === 'Eiendomstjenestene tilføres midler for å redusere energiforbruk gjennom:');
    expect(blocks.slice(leadIn, leadIn + 3).map((b) => b.kind === 'p' && b.keepNext)).toEqual([true, true, true]);
    const last = blocks[leadIn + 3];
    expect(last?.kind === 'p' ? last.text : null).toBe('ny teknologi');
    // «Tabeller» starts on a new page.
    expect(blocks.find((b): b is BodyParagraph => b.kind === 'p' && b.text === 'Tabeller')?.pageBreakBefore).toBe(true);
  });

  it('closes with «Tabeller»: one table per ledger with its Inndekning block, totals equal to the engine over the agreed lines, right-aligned with − signs', async () => {
    const { pkg, doc } = await exportDocx('agreed');
    const report = computeBalance(selectExportedPackage(pkg, 'agreed'));
    const parsed = tables(doc).slice(-3);
    expect(tableCaptions(doc).slice(-3)).toEqual(['Tabell 1: Driftsbudsjettet (mill. kr)', 'Tabell 2: Investeringsbudsjettet (mill. kr)', 'Tabell 3: Disposisjonsfond (mill. kr)']);
    const [t1, t2, t3] = parsed as [typeof parsed[0], typeof parsed[0], typeof parsed[0]];
    const header = (t: typeof t1) => (t[0] ?? []).map((c) => c.text);
    expect(header(t1)).toEqual(['', '2023', '2024', '2025', '2026', 'Sum']);
    expect(header(t3)).toEqual(['', '2022', '2023', '2024', '2025', '2026', 'Sum']);
    const row = (t: typeof t1, label: string) => {
      const r = t.find((cells) => cells[0]?.text === label);
      if (!r) throw new Error(`no row ${label}`);
      return r;
    };
    const labels = (t: typeof t1) => t.map((cells) => cells[0]?.text);
    // The Inndekning block sits between the measures' sum and its own sum, then the net.
    const l1 = labels(t1);
    expect(l1.indexOf('Sum tiltak drift')).toBeLessThan(l1.indexOf('Inndekning'));
    expect(l1.slice(l1.indexOf('Inndekning'))).toEqual(['Inndekning', 'Kompensasjon for koronautgifter', 'Kjøp av varer og tjenester', 'Helse- og velferdskontorene', 'Avsetning disposisjonsfond', 'Sum inndekning drift', 'Netto drift (skal være 0)']);
    expect(labels(t3)).toEqual([
      '',
      'Bruk av disposisjonsfond',
      'Utredning Sluppenbølgen',
      'Samlet bruk av disposisjonsfond',
      'Tilført disposisjonsfondet',
      'Økt skatteinngang avsatt til disposisjonsfond',
      'Samlet tilført disposisjonsfondet',
      'Netto bruk av disposisjonsfond',
      'Saldo disposisjonsfond ved årets slutt',
    ]);
    const years = ['2023', '2024', '2025', '2026'];
    const expectRow = (t: typeof t1, label: string, values: string[]) => expect(row(t, label).slice(1).map((c) => c.text)).toEqual(values.map(fmt2));
    const d = report.ledgers.drift;
    expectRow(t1, 'Sum tiltak drift', [...years.map((y) => d.byYear[y]?.tiltak ?? 'x'), d.total.tiltak]);
    expectRow(t1, 'Sum inndekning drift', [...years.map((y) => d.byYear[y]?.inndekning ?? 'x'), d.total.inndekning]);
    expectRow(t1, 'Netto drift (skal være 0)', [...years.map((y) => d.byYear[y]?.net ?? 'x'), d.total.net]);
    const inv = report.ledgers.investering;
    expectRow(t2, 'Sum investeringstiltak', [...years.map((y) => inv.byYear[y]?.tiltak ?? 'x'), inv.total.tiltak]);
    expectRow(t2, 'Sum inndekning investering', [...years.map((y) => inv.byYear[y]?.inndekning ?? 'x'), inv.total.inndekning]);
    expectRow(t2, 'Netto investering (finansieres med lån)', [...years.map((y) => inv.borrowing[y] ?? 'x'), inv.total.net]);
    const f = report.ledgers.fond;
    const fy = ['2022', ...years];
    expectRow(t3, 'Samlet bruk av disposisjonsfond', [...fy.map((y) => f.byYear[y]?.tiltak ?? 'x'), f.total.tiltak]);
    expectRow(t3, 'Samlet tilført disposisjonsfondet', [...fy.map((y) => f.byYear[y]?.inndekning ?? 'x'), f.total.inndekning]);
    expectRow(t3, 'Netto bruk av disposisjonsfond', [...fy.map((y) => f.byYear[y]?.net ?? 'x'), f.total.net]);
    expect(f.total.tiltak).toBe('2');
    expect(f.total.inndekning).toBe('-50');
    expect(row(t3, 'Saldo disposisjonsfond ved årets slutt').slice(1, 6).map((c) => c.text)).toEqual(fy.map((y) => fmt2(f.runningBalance[y] ?? 'x')));
    // Leaving out the unagreed Ny Ringve skole (5/20/20/20) and Riddervolds gate (−7) leaves borrowing to cover:
    // the table shows the implied borrowing the engine computes, not a made-up zero.
    expect(inv.byYear['2023']?.net).toBe('2');

    // The line rows add up to the printed sums (the figures in the body are the figures in the total).
    for (const [from, to, label] of [['', 'Sum tiltak drift', 'Sum tiltak drift'], ['Inndekning', 'Sum inndekning drift', 'Sum inndekning drift']] as const) {
      const start = from === '' ? 1 : l1.indexOf(from) + 1;
      const lines = t1.slice(start, l1.indexOf(to)).filter((cells) => cells.length === 6);
      years.forEach((_, k) => {
        const sum = lines.reduce((acc, cells) => (cells[k + 1]?.text ? acc.plus(readShown(cells[k + 1]?.text ?? '')) : acc), new Money(0));
        expect(fmt2(sum.toFixed())).toBe(row(t1, label)[k + 1]?.text);
      });
    }
    // Amounts are right-aligned; negative amounts use the minus sign U+2212; totals are bold.
    const coronaRow = row(t1, 'Kompensasjon for koronautgifter');
    expect(coronaRow.slice(1).every((c) => c.rightAligned)).toBe(true);
    expect(coronaRow[1]?.text).toBe('−100,00');
    expect(row(t1, 'Sum inndekning drift').every((c) => c.bold)).toBe(true);
    expect(doc).not.toMatch(/>-\d/);
  });

  it('prints «?» for a sum over a year with an unreadable amount, never a partial sum', async () => {
    const pkg = seedPackage();
    const line = pkg.lines.find((l) => l.title === 'Fagfornyelsen');
    if (!line) throw new Error('fixture');
    line.invalid = { '2024': '12,,5' };
    const xml = (await readZipParts(await renderDocx(buildExportModel(pkg, { scope: 'agreed' })))).get('word/document.xml') ?? '';
    const t1 = tables(xml).at(-3) ?? [];
    const net = t1.find((r) => r[0]?.text === 'Netto drift (skal være 0)')?.map((c) => c.text);
    expect(net).toEqual(['Netto drift (skal være 0)', fmt2('0'), '?', fmt2('0'), fmt2('0'), '?']);
    expect(t1.find((r) => r[0]?.text === 'Fagfornyelsen')?.[2]?.text).toBe('«12,,5»');
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
    const t1 = tables(doc).at(-3) ?? [];
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
