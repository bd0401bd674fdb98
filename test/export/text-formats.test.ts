import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeBalance } from '../../shared/balance';
import { importLinesFromCsv } from '../../shared/csv';
import { formatAmount } from '../../shared/money';
import { buildExportModel, selectExportedPackage } from '../../shared/export/model';
import { exportPackage } from '../../server/export/index';
import { renderHtml } from '../../server/export/html';
import { renderMarkdown } from '../../server/export/markdown';
import { seedPackage } from './fixture';

const EVIL_TITLE = '<script>window.pwned=1</script>"; } body { display:none } /* & ';
const fmt2 = (v: string) => formatAmount(v, { decimals: 2 });

function evilPackage() {
  const pkg = seedPackage({ notAgreed: ['Juba Juba'] });
  pkg.title = EVIL_TITLE;
  const [a, b] = pkg.lines;
  if (!a || !b) throw new Error('fixture');
  a.title = '<img src=x onerror="window.pwned=2">';
  a.rich = [
    { type: 'paragraph', runs: [{ text: 'javascript', link: 'javascript:window.pwned=3' }, { text: ' og ' }, { text: 'sitat', link: 'https://example.org/"onmouseover="window.pwned=4' }] },
    { type: 'paragraph', runs: [{ text: '# ikke overskrift *ikke fet* [lenke](javascript:x) <b>rå html</b> | rør' }] },
  ];
  b.title = '=HYPERLINK("http://evil.example")';
  return pkg;
}

describe('HTML export', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('escapes every user text: no element, attribute, script or style can be injected', async () => {
    const html = renderHtml(buildExportModel(evilPackage(), { scope: 'agreed', versionName: EVIL_TITLE, date: '2022-11-01' }));
    // The words may appear as escaped text; never as markup.
    expect(html).not.toMatch(/<script|<img|href="javascript:|onmouseover="window/i);
    expect(html).toContain('&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;');
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).not.toContain('display:none');
    expect(style).not.toContain('"; }');
    const page = await browser.newPage();
    try {
      await page.setContent(html);
      const found = await page.evaluate(() => ({
        pwned: (window as unknown as { pwned?: number }).pwned ?? 0,
        scripts: document.querySelectorAll('script, img, iframe, b').length,
        rawText: document.body.textContent?.includes('<b>rå html</b>') ?? false,
        links: [...document.querySelectorAll('a')].map((a) => a.getAttribute('href')),
        h1: document.querySelector('h1')?.textContent,
        bodyVisible: getComputedStyle(document.body).display,
      }));
      expect(found).toMatchObject({ pwned: 0, scripts: 0, rawText: true, h1: EVIL_TITLE, bodyVisible: 'block' });
      expect(found.links).toEqual(['https://example.org/"onmouseover="window.pwned=4', 'https://www.trondheim.kommune.no/']);
    } finally {
      await page.close();
    }
  });

  it('prints on A4 with the tables starting on a new page, and shows the engine totals', async () => {
    const pkg = seedPackage({ notAgreed: ['Juba Juba'] });
    const html = renderHtml(buildExportModel(pkg, { scope: 'agreed', versionName: 'Endelig', date: '2022-11-01' }));
    expect(html).toMatch(/@media print \{\s*@page \{ size: A4;/);
    const page = await browser.newPage();
    try {
      await page.setContent(html);
      await page.emulateMedia({ media: 'print' });
      const layout = await page.evaluate(() => ({
        breakBefore: getComputedStyle(document.querySelector('.tables') as Element).breakBefore,
        sumRow: [...document.querySelectorAll('table')][0]?.querySelector('tr.sum')?.textContent,
      }));
      expect(layout.breakBefore).toBe('page');
      const report = computeBalance(selectExportedPackage(pkg, 'agreed'));
      expect(layout.sumRow).toContain(fmt2(report.ledgers.drift.byYear['2023']?.tiltak ?? 'x'));
      expect(layout.sumRow).toContain(fmt2(report.ledgers.drift.total.tiltak));
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await page.close();
    }
  });
});

describe('Markdown export', () => {
  it('has the decision structure: one title, sections in order, numbered verbal instructions, tables with engine totals', () => {
    const pkg = seedPackage({ notAgreed: ['Leksehjelp'] });
    const md = renderMarkdown(buildExportModel(pkg, { scope: 'agreed', versionName: 'Endelig', date: '2022-11-01' }));
    const lines = md.split('\n');
    expect(lines.filter((l) => l.startsWith('# '))).toEqual(['# Budsjettforslag fra de rødgrønne partiene 2023–2026']);
    const h2 = lines.filter((l) => l.startsWith('## '));
    expect(h2).toEqual(['## Klima og byutvikling', '## Oppvekst', '## Helse og eldre', '## Arbeid og sosial', '## Bolig', '## Kultur, idrett og friluftsliv', '## Inndekning', '## Tabeller']);
    expect(lines.filter((l) => /^\*\*\d+\\\. /.test(l))).toEqual([
      '**1\\. Mer plantebasert kosthold**',
      '**2\\. Solceller**',
      '**3\\. Helsestasjon for eldre**',
      '**4\\. Sosial boligpolitikk**',
    ]);
    expect(md).toContain('**Forsterka innsats for videre klimamål**  \n2023: 8 · 2024: 8 · 2025: 8 · 2026: 8 (mill. kr)');
    expect(md).toContain('Klimamidler økes med ytterligere **8 millioner kroner per år** med sikte på videre klimamål for 2025 og 2030\\.'.replace('\\.', '.'));
    expect(md).toContain('[saksframlegget](https://www.trondheim.kommune.no/)');
    expect(md).toContain('1. Køen på egnede familieboliger avvikles i løpet av 2023.');
    const report = computeBalance(selectExportedPackage(pkg, 'agreed'));
    const sumRow = lines.find((l) => l.startsWith('| **Sum tiltak drift**'));
    expect(sumRow).toBe(
      `| **Sum tiltak drift** | ${['2023', '2024', '2025', '2026'].map((y) => `**${fmt2(report.ledgers.drift.byYear[y]?.tiltak ?? 'x')}**`).join(' | ')} | **${fmt2(report.ledgers.drift.total.tiltak)}** |`,
    );
    expect(lines).toContain('| :-- | --: | --: | --: | --: | --: |');
    expect(md).toContain('*Endelig · 01.11.2022*');
  });

  it('escapes markup and raw HTML in user text', () => {
    const md = renderMarkdown(buildExportModel(evilPackage(), { scope: 'agreed' }));
    expect(md).toContain('\\# ikke overskrift \\*ikke fet\\* \\[lenke\\](javascript:x) &lt;b&gt;rå html&lt;/b&gt; \\| rør');
    expect(md).not.toMatch(/<script|<img|(?<!\\)\]\(javascript:/);
    expect(md.split('\n')[0]).toBe('# &lt;script&gt;window.pwned=1&lt;/script&gt;"; } body { display:none } /\\* &amp; ');
  });
});

describe('CSV export', () => {
  it('round-trips through the CSV import: the agreed lines come back with their amounts', async () => {
    const pkg = seedPackage({ notAgreed: ['Juba Juba'] });
    const csv = await exportPackage(pkg, { format: 'csv' });
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    const back = importLinesFromCsv(csv.body as string, { years: pkg.years });
    if (!back.ok) throw new Error(back.error.message);
    const agreed = selectExportedPackage(pkg, 'agreed').lines;
    expect(back.lines.map((l) => [l.title, l.ledger, l.group, l.amounts])).toEqual(agreed.map((l) => [l.title, l.ledger, l.group, l.amounts]));
    expect(back.lines.some((l) => l.title === 'Juba Juba')).toBe(false);
  });

  it('neutralises formula-like text cells', async () => {
    const csv = (await exportPackage(evilPackage(), { format: 'csv' })).body as string;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(csv).not.toMatch(/(^|;)=HYPERLINK/m);
  });
});
