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
