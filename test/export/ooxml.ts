import JSZip from 'jszip';

/** Reads the named parts of a .docx (or any zip) as text. */
export async function readZipParts(bytes: Uint8Array): Promise<Map<string, string>> {
  const zip = await JSZip.loadAsync(bytes);
  const parts = new Map<string, string>();
  for (const name of Object.keys(zip.files)) {
    const f = zip.file(name);
    if (f) parts.set(name, await f.async('string'));
  }
  return parts;
}

const unescapeXml = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The visible text of a piece of WordprocessingML: all `<w:t>` contents, tabs as \t. */
export function wText(xml: string): string {
  let out = '';
  for (const m of xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>/g)) out += m[1] !== undefined ? unescapeXml(m[1]) : '\t';
  return out;
}

/** Paragraph texts of the document body, in order. */
export function paragraphs(documentXml: string): string[] {
  return [...documentXml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => wText(m[0]));
}

export interface ParsedCell {
  text: string;
  rightAligned: boolean;
  bold: boolean;
}

/** Every table of the body as rows of cells (text, alignment, boldness). Tables are not nested here. */
export function tables(documentXml: string): ParsedCell[][][] {
  return [...documentXml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((t) =>
    [...t[0].matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) =>
      [...r[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => ({
        text: wText(c[0]),
        rightAligned: /<w:jc w:val="right"\/>/.test(c[0]),
        bold: /<w:b\/>|<w:b w:val="true"\/>/.test(c[0]),
      })),
    ),
  );
}

/** The caption paragraph text preceding each table (the text of the last paragraph before `<w:tbl>`). */
export function tableCaptions(documentXml: string): string[] {
  const out: string[] = [];
  for (const m of documentXml.matchAll(/<w:tbl>/g)) {
    const before = documentXml.slice(0, m.index);
    const paras = [...before.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)];
    out.push(wText(paras[paras.length - 1]?.[0] ?? ''));
  }
  return out;
}

/** A body paragraph as the tests read it: its text, paragraph style, and the pagination properties set on it. */
export interface BodyParagraph {
  kind: 'p';
  text: string;
  /** `w:pStyle` (e.g. `Heading1`), or null for Normal. */
  style: string | null;
  keepNext: boolean;
  /** Part of a numbered or bulleted list (`w:numPr`). */
  numbered: boolean;
  pageBreakBefore: boolean;
}

/** A table row: its cells, whether it is a repeated header row (`w:tblHeader`) and may not split (`w:cantSplit`), and whether its paragraphs keep with the next. */
export interface BodyRow {
  cells: ParsedCell[];
  header: boolean;
  cantSplit: boolean;
  keepNext: boolean;
}

export interface BodyTable {
  kind: 'tbl';
  rows: BodyRow[];
}

/** The top-level blocks of the document body in order: paragraphs and tables (tables are not nested here). */
export function bodyBlocks(documentXml: string): Array<BodyParagraph | BodyTable> {
  const body = /<w:body>([\s\S]*)<\/w:body>/.exec(documentXml)?.[1] ?? '';
  const out: Array<BodyParagraph | BodyTable> = [];
  for (const m of body.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>|<w:p[ >][\s\S]*?<\/w:p>|<w:p\/>/g)) {
    const xml = m[0];
    if (xml.startsWith('<w:tbl>')) {
      out.push({
        kind: 'tbl',
        rows: [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) => {
          const trPr = /<w:trPr>([\s\S]*?)<\/w:trPr>/.exec(r[0])?.[1] ?? '';
          const cells = [...r[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => ({
            text: wText(c[0]),
            rightAligned: /<w:jc w:val="right"\/>/.test(c[0]),
            bold: /<w:b\/>|<w:b w:val="true"\/>/.test(c[0]),
          }));
          const paras = [...r[0].matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((p) => p[0]);
          return { cells, header: /<w:tblHeader\/>/.test(trPr), cantSplit: /<w:cantSplit\/>/.test(trPr), keepNext: paras.length > 0 && paras.every((p) => /<w:keepNext\/>/.test(p)) };
        }),
      });
    } else {
      const pPr = /<w:pPr>([\s\S]*?)<\/w:pPr>/.exec(xml)?.[1] ?? '';
      out.push({
        kind: 'p',
        text: wText(xml),
        style: /<w:pStyle w:val="([^"]+)"\/>/.exec(pPr)?.[1] ?? null,
        keepNext: /<w:keepNext\/>/.test(pPr),
        numbered: /<w:numPr>/.test(pPr),
        pageBreakBefore: /<w:pageBreakBefore\/>/.test(pPr),
      });
    }
  }
  return out;
}
