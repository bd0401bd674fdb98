/**
 * Renders the Word decision document of the real 2023 package (test/export/fixture.ts)
 * to PDF with LibreOffice and to one PNG per page with pdftoppm, into
 * docs/screenshots/docx-page-N.png (and docx-tables.png, the first page of the
 * «Tabeller» chapter), so a person can look at what the secretariat files.
 * `npm run render:docx`; needs `soffice` and `pdftoppm`
 * (`apt-get install -y libreoffice-writer-nogui poppler-utils fonts-crosextra-carlito`).
 * Not part of the test suite: the tests parse the DOCX instead.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportPackage } from '../../server/export/index';
import { seedPackage } from '../export/fixture';

/** Pixels per inch of the page images: an A4 page becomes about 700 × 990 px. */
const PAGE_IMAGE_DPI = 84;
const OUT_DIR = path.resolve('docs/screenshots');

function need(tool: string): void {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is missing: apt-get install -y libreoffice-writer-nogui poppler-utils fonts-crosextra-carlito`);
  }
}

async function main(): Promise<void> {
  need('soffice');
  need('pdftoppm');
  const scope = process.argv.includes('--all') ? 'all' : 'agreed';
  const pkg = seedPackage({ notAgreed: ['Juba Juba', 'Leksehjelp'] });
  const result = await exportPackage(pkg, { format: 'docx', scope, versionName: 'Endelig forslag', date: '2022-11-29', sealed: true });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-docx-'));
  const docx = path.join(dir, 'vedtak.docx');
  fs.writeFileSync(docx, result.body as Uint8Array);
  // A private profile directory, so a LibreOffice someone has open elsewhere is not disturbed.
  execFileSync('soffice', [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, docx], { stdio: 'ignore' });
  const pdf = path.join(dir, 'vedtak.pdf');
  for (const old of fs.readdirSync(OUT_DIR).filter((f) => /^docx-page-\d+\.png$/.test(f))) fs.rmSync(path.join(OUT_DIR, old));
  execFileSync('pdftoppm', ['-png', '-r', String(PAGE_IMAGE_DPI), pdf, path.join(dir, 'page')]);
  const pages = fs.readdirSync(dir).filter((f) => /^page-\d+\.png$/.test(f)).sort((a, b) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]));
  let tablesPage: string | null = null;
  pages.forEach((file, i) => {
    const target = path.join(OUT_DIR, `docx-page-${i + 1}.png`);
    fs.copyFileSync(path.join(dir, file), target);
    const text = execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' });
    if (tablesPage === null && /Tabell 1:/.test(text)) tablesPage = target;
  });
  if (tablesPage) fs.copyFileSync(tablesPage, path.join(OUT_DIR, 'docx-tables.png'));
  console.log(`${pages.length} pages → ${OUT_DIR}/docx-page-1…${pages.length}.png (PDF: ${pdf})`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
