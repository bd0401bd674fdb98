import {
  AlignmentType,
  BorderStyle,
  Document,
  ExternalHyperlink,
  Footer,
  HeadingLevel,
  LevelFormat,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  VerticalAlign,
  WidthType,
  type IBorderOptions,
  type ParagraphChild,
} from 'docx';
import { formatAmount } from '../../shared/money';
import type { RichBlock, RichRun } from '../../shared/doc/richtext';
import { LEDGER_LABELS, STATUS_LABELS, formatDateNorwegian, type ExportLine, type ExportModel, type ExportRow, type ExportTable } from '../../shared/export/model';
import { safeLinkUrl, stripControlChars } from './text';

/** A4 in twentieths of a point (twips), with 2,5 cm side margins. */
const PAGE_WIDTH_TWIPS = 11906;
const PAGE_HEIGHT_TWIPS = 16838;
const MARGIN_TWIPS = 1417;
const TEXT_WIDTH_TWIPS = PAGE_WIDTH_TWIPS - 2 * MARGIN_TWIPS;
/** Body font size in half-points (11 pt); tables and footer are smaller. */
const BODY_SIZE_HALF_PT = 22;
const TABLE_SIZE_HALF_PT = 18;
const FOOTER_SIZE_HALF_PT = 16;
const FONT = 'Calibri';
const ORDERED_LIST_REF = 'ordered-list';

const fmt = (v: string): string => formatAmount(v, { decimals: 2 });

function runsToChildren(runs: RichRun[], extra: { bold?: boolean; italics?: boolean } = {}): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const run of runs) {
    const parts = stripControlChars(run.text).split('\n');
    const textRuns = parts.map(
      (text, i) =>
        new TextRun({
          text,
          bold: run.bold || extra.bold,
          italics: run.italic || extra.italics,
          break: i > 0 ? 1 : undefined,
          style: run.link && safeLinkUrl(run.link) ? 'Hyperlink' : undefined,
        }),
    );
    const url = run.link ? safeLinkUrl(run.link) : null;
    if (url) out.push(new ExternalHyperlink({ link: url, children: textRuns }));
    else out.push(...textRuns);
  }
  return out;
}

/** Renders rich blocks; headings inside a text become bold lead-ins, so the document outline stays sections. */
function richToParagraphs(blocks: RichBlock[], listCounter: { n: number }): Paragraph[] {
  const out: Paragraph[] = [];
  for (const b of blocks) {
    if (b.type === 'list') {
      const instance = ++listCounter.n;
      for (const item of b.items) {
        out.push(
          new Paragraph({
            children: runsToChildren(item),
            ...(b.ordered ? { numbering: { reference: ORDERED_LIST_REF, level: 0, instance } } : { bullet: { level: 0 } }),
          }),
        );
      }
    } else if (b.type === 'heading') {
      out.push(new Paragraph({ children: runsToChildren(b.runs, { bold: true }), keepNext: true, spacing: { before: 160, after: 60 } }));
    } else if (b.type === 'quote') {
      out.push(new Paragraph({ children: runsToChildren(b.runs, { italics: true }), indent: { left: 567 } }));
    } else if (b.runs.some((r) => r.text.trim() !== '')) {
      out.push(new Paragraph({ children: runsToChildren(b.runs) }));
    }
  }
  return out;
}

function statusRun(status: ExportLine['status']): TextRun {
  return new TextRun({ text: `  [${STATUS_LABELS[status]}]`, italics: true, color: status === 'agreed' ? '2E7D32' : 'B71C1C', bold: false });
}

/** «2023: 8,00   2024: 8,00 …» under a line's title, on tab stops so the years line up from line to line. */
function amountsParagraph(line: ExportLine, years: string[]): Paragraph {
  const children: TextRun[] = [];
  const shown = years.filter((y) => line.amounts[y] !== undefined || line.invalid[y] !== undefined);
  shown.forEach((y, i) => {
    const value = line.amounts[y] !== undefined ? formatAmount(line.amounts[y]) : `«${stripControlChars(line.invalid[y] ?? '')}» (ugyldig)`;
    if (i > 0) children.push(new TextRun({ text: '\t' }));
    children.push(new TextRun({ text: `${y}: `, color: '555555' }), new TextRun({ text: value }));
  });
  if (shown.length === 0) children.push(new TextRun({ text: 'Ingen beløp', italics: true, color: '555555' }));
  else children.push(new TextRun({ text: '\tmill. kr', color: '555555' }));
  const step = Math.floor(TEXT_WIDTH_TWIPS / 5);
  return new Paragraph({
    children,
    style: 'LineAmounts',
    tabStops: [1, 2, 3, 4].map((k) => ({ type: TabStopType.LEFT, position: k * step })),
    keepNext: line.rich.length > 0,
  });
}

function lineParagraphs(line: ExportLine, model: ExportModel, listCounter: { n: number }): Paragraph[] {
  const title: ParagraphChild[] = [new TextRun({ text: stripControlChars(line.title) || '(uten tittel)', bold: true })];
  if (model.scope === 'all') title.push(statusRun(line.status));
  return [
    new Paragraph({ children: title, style: 'LineTitle' }),
    amountsParagraph(line, model.years),
    ...richToParagraphs(line.rich, listCounter),
  ];
}

function heading(text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel], opts: { pageBreakBefore?: boolean } = {}): Paragraph {
  return new Paragraph({ text: stripControlChars(text), heading: level, keepNext: true, pageBreakBefore: opts.pageBreakBefore });
}

const THIN: IBorderOptions = { style: BorderStyle.SINGLE, size: 4, color: '999999' };
const THICK: IBorderOptions = { style: BorderStyle.SINGLE, size: 12, color: '000000' };
const NONE: IBorderOptions = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };

interface CellOptions {
  width: number;
  right?: boolean;
  bold?: boolean;
  italics?: boolean;
  top?: IBorderOptions;
  shade?: boolean;
  span?: number;
  color?: string;
  /** Keeps the row on the page of the next one, so a table moves to a new page whole instead of splitting. */
  keepNext?: boolean;
}

function cell(text: string, opts: CellOptions): TableCell {
  return new TableCell({
    width: { size: opts.width, type: WidthType.DXA },
    columnSpan: opts.span,
    verticalAlign: VerticalAlign.BOTTOM,
    margins: { left: 60, right: 60, top: 20, bottom: 20 },
    borders: { top: opts.top ?? NONE, bottom: THIN, left: NONE, right: NONE },
    shading: opts.shade ? { type: ShadingType.CLEAR, fill: 'EDEDED', color: 'auto' } : undefined,
    children: [
      new Paragraph({
        alignment: opts.right ? AlignmentType.RIGHT : AlignmentType.LEFT,
        style: 'TableText',
        keepNext: opts.keepNext,
        children: [new TextRun({ text: stripControlChars(text), bold: opts.bold, italics: opts.italics, color: opts.color })],
      }),
    ],
  });
}

function tableFor(table: ExportTable, model: ExportModel): Table {
  const withStatus = model.scope === 'all';
  const numberCols = table.years.length + 1;
  const statusWidth = withStatus ? 1000 : 0;
  // Wide enough for a bold «−1 148,45» at 9 pt without wrapping; the label column takes the rest.
  const numberWidth = Math.min(1050, Math.floor((TEXT_WIDTH_TWIPS * 0.68 - statusWidth) / numberCols));
  const labelWidth = TEXT_WIDTH_TWIPS - statusWidth - numberWidth * numberCols;
  const cols = [labelWidth, ...(withStatus ? [statusWidth] : []), ...Array<number>(numberCols).fill(numberWidth)];
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: [
      cell('', { width: labelWidth, top: THICK, shade: true, keepNext: true }),
      ...(withStatus ? [cell('Status', { width: statusWidth, bold: true, top: THICK, shade: true, keepNext: true })] : []),
      ...table.years.map((y) => cell(y, { width: numberWidth, right: true, bold: true, top: THICK, shade: true, keepNext: true })),
      cell('Sum', { width: numberWidth, right: true, bold: true, top: THICK, shade: true, keepNext: true }),
    ],
  });
  const rows = table.rows.map((row: ExportRow, index) => {
    const keepNext = index < table.rows.length - 1;
    if (row.kind === 'heading') {
      return new TableRow({ cantSplit: true, children: [cell(row.label, { width: TEXT_WIDTH_TWIPS, italics: true, span: cols.length, keepNext })] });
    }
    const isSum = row.kind === 'sum';
    const bold = isSum;
    const top = isSum ? (row.emphasis === 'total' ? THICK : THIN) : undefined;
    const values = table.years.map((y) => {
      if (row.kind === 'line' && row.invalid[y] !== undefined) return cell(`«${row.invalid[y]}»`, { width: numberWidth, right: true, color: 'B71C1C', top, keepNext });
      const v = row.values[y];
      return cell(v === null || v === undefined ? '' : fmt(v), { width: numberWidth, right: true, bold, top, keepNext });
    });
    return new TableRow({
      cantSplit: true,
      children: [
        cell(row.label, { width: labelWidth, bold, italics: row.kind === 'info', top, keepNext }),
        ...(withStatus ? [cell(row.kind === 'line' ? STATUS_LABELS[row.status] : '', { width: statusWidth, top, keepNext })] : []),
        ...values,
        cell(row.total === null ? '' : fmt(row.total), { width: numberWidth, right: true, bold, top, keepNext }),
      ],
    });
  });
  return new Table({
    width: { size: TEXT_WIDTH_TWIPS, type: WidthType.DXA },
    columnWidths: cols,
    layout: TableLayoutType.FIXED,
    rows: [header, ...rows],
  });
}

function footer(model: ExportModel): Footer {
  const parts = [model.footer.versionName, model.footer.date ? formatDateNorwegian(model.footer.date) : undefined].filter((p): p is string => !!p);
  const first = new Paragraph({
    style: 'FooterText',
    tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH_TWIPS }],
    children: [
      new TextRun({ text: stripControlChars([model.title, ...parts].join(' · ')) }),
      new TextRun({ children: ['\tSide ', PageNumber.CURRENT, ' av ', PageNumber.TOTAL_PAGES] }),
    ],
  });
  const children = [first];
  if (model.footer.checksum) {
    children.push(new Paragraph({ style: 'FooterText', children: [new TextRun({ text: `Forseglet versjon, SHA-256: ${stripControlChars(model.footer.checksum)}` })] }));
  }
  return new Footer({ children });
}

/**
 * Renders the export model as a Word document laid out like a council's
 * decision document: title, decision paragraph, sections (introduction,
 * drift, investering, disposisjonsfond, numbered verbale føringer), the
 * inndekning, then the four tables on their own pages with right-aligned
 * amounts (`−93,65`) and total rows; footer with version, date, page numbers
 * and the checksum of a sealed version. Returns the .docx bytes.
 */
export async function renderDocx(model: ExportModel): Promise<Uint8Array> {
  const listCounter = { n: 0 };
  const body: (Paragraph | Table)[] = [];
  body.push(new Paragraph({ text: stripControlChars(model.title) || 'Budsjettforslag', heading: HeadingLevel.TITLE }));
  if (model.scope === 'all') {
    body.push(
      new Paragraph({
        children: [new TextRun({ text: 'Arbeidsversjon: inneholder også punkter det ikke er enighet om. Status står ved hvert punkt.', italics: true, color: 'B71C1C' })],
      }),
    );
  }
  body.push(new Paragraph({ children: [new TextRun({ text: model.decision })], spacing: { after: 240 } }));

  for (const section of model.sections) {
    body.push(heading(section.title || 'Uten tittel', HeadingLevel.HEADING_1));
    body.push(...richToParagraphs(section.intro, listCounter));
    for (const ledger of ['drift', 'investering', 'fond'] as const) {
      if (section[ledger].length === 0) continue;
      body.push(heading(LEDGER_LABELS[ledger], HeadingLevel.HEADING_2));
      for (const line of section[ledger]) body.push(...lineParagraphs(line, model, listCounter));
    }
    if (section.verbal.length > 0) {
      body.push(heading('Verbale føringer', HeadingLevel.HEADING_2));
      for (const v of section.verbal) {
        const title: ParagraphChild[] = [new TextRun({ text: `${v.number}. ${stripControlChars(v.title)}`, bold: true })];
        if (model.scope === 'all') title.push(statusRun(v.status));
        body.push(new Paragraph({ children: title, style: 'LineTitle' }));
        body.push(...richToParagraphs(v.rich, listCounter));
      }
    }
  }

  const inn = model.inndekning;
  if (inn.drift.length + inn.investering.length + inn.fond.length > 0 || inn.intro.length > 0) {
    body.push(heading('Inndekning', HeadingLevel.HEADING_1));
    body.push(...richToParagraphs(inn.intro, listCounter));
    for (const ledger of ['drift', 'investering', 'fond'] as const) {
      if (inn[ledger].length === 0) continue;
      body.push(heading(LEDGER_LABELS[ledger], HeadingLevel.HEADING_2));
      for (const line of inn[ledger]) body.push(...lineParagraphs(line, model, listCounter));
    }
  }

  body.push(heading('Tabeller', HeadingLevel.HEADING_1, { pageBreakBefore: true }));
  model.tables.forEach((table, i) => {
    body.push(
      new Paragraph({
        children: [new TextRun({ text: table.title, bold: true })],
        style: 'TableCaption',
        keepNext: true,
        spacing: { before: i === 0 ? 0 : 360, after: 120 },
      }),
    );
    body.push(tableFor(table, model));
  });

  const doc = new Document({
    creator: 'Budsjettverksted',
    title: stripControlChars(model.title),
    description: model.decision,
    styles: {
      default: {
        document: { run: { font: FONT, size: BODY_SIZE_HALF_PT }, paragraph: { spacing: { after: 120, line: 264, lineRule: LineRuleType.AUTO } } },
        title: { run: { font: FONT, size: 40, bold: true, color: '000000' }, paragraph: { spacing: { after: 240, line: 240, lineRule: LineRuleType.AUTO } } },
        heading1: { run: { font: FONT, size: 32, bold: true, color: '1F3864' }, paragraph: { spacing: { before: 360, after: 120 }, keepNext: true } },
        heading2: { run: { font: FONT, size: 26, bold: true, color: '1F3864' }, paragraph: { spacing: { before: 240, after: 80 }, keepNext: true } },
      },
      paragraphStyles: [
        { id: 'LineTitle', name: 'Linjetittel', basedOn: 'Normal', next: 'Normal', run: { size: BODY_SIZE_HALF_PT }, paragraph: { keepNext: true, spacing: { before: 200, after: 20 } } },
        { id: 'LineAmounts', name: 'Linjebeløp', basedOn: 'Normal', next: 'Normal', run: { size: TABLE_SIZE_HALF_PT }, paragraph: { spacing: { after: 80 } } },
        { id: 'TableText', name: 'Tabelltekst', basedOn: 'Normal', run: { size: TABLE_SIZE_HALF_PT }, paragraph: { spacing: { after: 0, line: 240 } } },
        { id: 'TableCaption', name: 'Tabelltittel', basedOn: 'Normal', next: 'Normal', run: { size: 24, bold: true }, paragraph: { keepNext: true } },
        { id: 'FooterText', name: 'Bunntekst', basedOn: 'Normal', run: { size: FOOTER_SIZE_HALF_PT, color: '555555' }, paragraph: { spacing: { after: 0 } } },
      ],
    },
    numbering: {
      config: [
        {
          reference: ORDERED_LIST_REF,
          levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 720, hanging: 360 } } } }],
        },
      ],
    },
    sections: [
      {
        properties: {
          page: { size: { width: PAGE_WIDTH_TWIPS, height: PAGE_HEIGHT_TWIPS }, margin: { top: MARGIN_TWIPS, bottom: MARGIN_TWIPS, left: MARGIN_TWIPS, right: MARGIN_TWIPS } },
        },
        footers: { default: footer(model) },
        children: body,
      },
    ],
  });
  const buf = await Packer.toBuffer(doc);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
