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
import { STATUS_LABELS, formatDateNorwegian, type ExportLine, type ExportModel, type ExportPart, type ExportRow, type ExportTable, type ExportVerbal } from '../../shared/export/model';
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
/** The numbering of the decision points (1., 2., …). */
const DECISION_LIST_REF = 'decision-points';

const fmt = (v: string): string => formatAmount(v, { decimals: 2 });
/** What a sum cell shows for a year whose figures are unknown (an unreadable amount). */
const UNKNOWN_MARK = '?';
/** Tables with at most this many rows are kept on one page (moved to the next whole); longer ones break between rows. */
const KEEP_WHOLE_MAX_ROWS = 32;

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
function richToParagraphs(blocks: RichBlock[], listCounter: { n: number }, opts: { spaceBeforeFirst?: number } = {}): Paragraph[] {
  const out: Paragraph[] = [];
  // Space above the first block only (text right under an amounts table), so it does not touch the table's rule.
  const before = (): { spacing?: { before: number } } => (out.length === 0 && opts.spaceBeforeFirst ? { spacing: { before: opts.spaceBeforeFirst } } : {});
  for (const [i, b] of blocks.entries()) {
    // A lead-in line («… gjennom:») stays on the page of the list it introduces.
    const leadsIntoList = blocks[i + 1]?.type === 'list';
    if (b.type === 'list') {
      const instance = ++listCounter.n;
      // A short list is not split over two pages.
      const keepTogether = b.items.length <= SHORT_LIST_MAX_ITEMS;
      for (const [k, item] of b.items.entries()) {
        out.push(
          new Paragraph({
            children: runsToChildren(item),
            keepNext: keepTogether && k < b.items.length - 1,
            ...before(),
            ...(b.ordered ? { numbering: { reference: ORDERED_LIST_REF, level: 0, instance } } : { bullet: { level: 0 } }),
          }),
        );
      }
    } else if (b.type === 'heading') {
      out.push(new Paragraph({ children: runsToChildren(b.runs, { bold: true }), keepNext: true, spacing: { before: Math.max(160, opts.spaceBeforeFirst ?? 0), after: 60 } }));
    } else if (b.type === 'quote') {
      out.push(new Paragraph({ children: runsToChildren(b.runs, { italics: true }), indent: { left: 567 }, ...before() }));
    } else if (b.runs.some((r) => r.text.trim() !== '')) {
      out.push(new Paragraph({ children: runsToChildren(b.runs), keepNext: leadsIntoList, ...before() }));
    }
  }
  return out;
}

function statusRun(status: ExportLine['status']): TextRun {
  return new TextRun({ text: `  [${STATUS_LABELS[status]}]`, italics: true, color: status === 'agreed' ? '2E7D32' : 'B71C1C', bold: false });
}

/** Lists of at most this many items are kept on one page. */
const SHORT_LIST_MAX_ITEMS = 6;
/** Space between an item's amounts table and its rationale (twips). */
const SPACE_UNDER_TABLE_TWIPS = 100;
/** Width of an item's label column and of each year column in its amounts table (twips). */
const ITEM_LABEL_WIDTH_TWIPS = 2200;
const ITEM_YEAR_WIDTH_TWIPS = 1150;

/**
 * An item's amounts as a small table in the columns of its ledger (a line
 * that starts in 2024 has its first figure under 2024): a header row of
 * years and one row of amounts; neither row splits, and the header keeps
 * with the amounts, so a title (kept with the next paragraph) never stands
 * alone at the foot of a page.
 */
function amountsTable(line: ExportLine, years: string[], keepWithText: boolean): Table {
  const shown = years.length > 0 ? years : Object.keys(line.amounts).sort();
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: [
      cell('mill. kr', { width: ITEM_LABEL_WIDTH_TWIPS, italics: true, color: '555555', top: THIN, keepNext: true }),
      ...shown.map((y) => cell(y, { width: ITEM_YEAR_WIDTH_TWIPS, right: true, bold: true, top: THIN, keepNext: true })),
    ],
  });
  const values = new TableRow({
    cantSplit: true,
    children: [
      cell(line.group === 'inndekning' ? 'Inndekning' : 'Beløp', { width: ITEM_LABEL_WIDTH_TWIPS, color: '555555', keepNext: keepWithText }),
      ...shown.map((y) => {
        const bad = line.invalid[y];
        if (bad !== undefined) return cell(`«${bad}» (ugyldig)`, { width: ITEM_YEAR_WIDTH_TWIPS, right: true, color: 'B71C1C', keepNext: keepWithText });
        const v = line.amounts[y];
        return cell(v === undefined ? '' : fmt(v), { width: ITEM_YEAR_WIDTH_TWIPS, right: true, keepNext: keepWithText });
      }),
    ],
  });
  return new Table({
    width: { size: ITEM_LABEL_WIDTH_TWIPS + ITEM_YEAR_WIDTH_TWIPS * shown.length, type: WidthType.DXA },
    columnWidths: [ITEM_LABEL_WIDTH_TWIPS, ...shown.map(() => ITEM_YEAR_WIDTH_TWIPS)],
    layout: TableLayoutType.FIXED,
    rows: [header, values],
  });
}

/** A line as an item of the decision: its title (Heading 3), its amounts by year, its rationale. */
function lineBlocks(line: ExportLine, model: ExportModel, listCounter: { n: number }): (Paragraph | Table)[] {
  const title: ParagraphChild[] = [new TextRun({ text: stripControlChars(line.title) || '(uten tittel)' })];
  if (model.scope === 'all') title.push(statusRun(line.status));
  const rationale = richToParagraphs(line.rich, listCounter, { spaceBeforeFirst: SPACE_UNDER_TABLE_TWIPS });
  const hasAmounts = Object.keys(line.amounts).length + Object.keys(line.invalid).length > 0;
  return [
    new Paragraph({ children: title, heading: HeadingLevel.HEADING_3, keepNext: true, keepLines: true }),
    hasAmounts ? amountsTable(line, model.columns[line.ledger], rationale.length > 0) : new Paragraph({ children: [new TextRun({ text: 'Ingen beløp', italics: true, color: '555555' })], keepNext: rationale.length > 0 }),
    // Word runs two adjacent tables together; an empty line keeps the amounts table its own.
    ...(rationale.length > 0 ? rationale : [new Paragraph({ children: [], spacing: { after: 0 } })]),
  ];
}

function heading(text: string, level: (typeof HeadingLevel)[keyof typeof HeadingLevel], opts: { pageBreakBefore?: boolean } = {}): Paragraph {
  return new Paragraph({ text: stripControlChars(text), heading: level, keepNext: true, keepLines: true, pageBreakBefore: opts.pageBreakBefore });
}

/** The items of one part (a ledger's lines, or the verbal instructions) under its sub-heading, when it has one. */
function partBlocks(part: ExportPart, items: { lines: ExportLine[]; verbal: ExportVerbal[] }, model: ExportModel, listCounter: { n: number }): (Paragraph | Table)[] {
  const out: (Paragraph | Table)[] = [];
  if (part.label) out.push(heading(part.label, HeadingLevel.HEADING_2));
  if (part.kind === 'verbal') {
    for (const v of items.verbal) {
      const title: ParagraphChild[] = [new TextRun({ text: `${v.number}. ${stripControlChars(v.title)}` })];
      if (model.scope === 'all') title.push(statusRun(v.status));
      out.push(new Paragraph({ children: title, heading: HeadingLevel.HEADING_3, keepNext: true, keepLines: true }));
      out.push(...richToParagraphs(v.rich, listCounter));
    }
  } else for (const line of items.lines) out.push(...lineBlocks(line, model, listCounter));
  return out;
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
  // A table that fits on a page moves to the next one whole; a longer one breaks between rows
  // (the header row repeats), but never right after a heading row or right before a sum.
  const keepWhole = table.rows.length <= KEEP_WHOLE_MAX_ROWS;
  const unknown = new Set(table.unknownYears);
  const rows = table.rows.map((row: ExportRow, index) => {
    const next = table.rows[index + 1];
    const keepNext = next !== undefined && (keepWhole || row.kind === 'heading' || next.kind === 'sum');
    if (row.kind === 'heading') {
      return new TableRow({ cantSplit: true, children: [cell(row.label, { width: TEXT_WIDTH_TWIPS, italics: true, span: cols.length, keepNext })] });
    }
    const isSum = row.kind === 'sum';
    const bold = isSum;
    const top = isSum ? (row.emphasis === 'total' ? THICK : THIN) : undefined;
    const values = table.years.map((y) => {
      if (row.kind === 'line' && row.invalid[y] !== undefined) return cell(`«${row.invalid[y]}»`, { width: numberWidth, right: true, color: 'B71C1C', top, keepNext });
      // A sum over a year with an unreadable amount is not known: «?», never a partial sum.
      if (row.kind !== 'line' && unknown.has(y)) return cell(UNKNOWN_MARK, { width: numberWidth, right: true, bold, top, keepNext, color: 'B71C1C' });
      const v = row.values[y];
      return cell(v === null || v === undefined ? '' : fmt(v), { width: numberWidth, right: true, bold, top, keepNext });
    });
    const totalText = row.total === null ? '' : row.kind !== 'line' && unknown.size > 0 ? UNKNOWN_MARK : fmt(row.total);
    return new TableRow({
      cantSplit: true,
      children: [
        cell(row.label, { width: labelWidth, bold, italics: row.kind === 'info', top, keepNext }),
        ...(withStatus ? [cell(row.kind === 'line' ? STATUS_LABELS[row.status] : '', { width: statusWidth, top, keepNext })] : []),
        ...values,
        cell(totalText, { width: numberWidth, right: true, bold, top, keepNext, ...(totalText === UNKNOWN_MARK ? { color: 'B71C1C' } : {}) }),
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
  for (const line of model.footer.acceptances ?? []) children.push(new Paragraph({ style: 'FooterText', children: [new TextRun({ text: stripControlChars(line) })] }));
  return new Footer({ children });
}

/**
 * Renders the export model as a Word document laid out like the council's
 * decision document: title; the opening sentence and the numbered decision
 * points (the borrowing point last); a chapter per section (Heading 1) with
 * its introduction and its parts (Heading 2: Drift, Investering,
 * Disposisjonsfond, Verbale føringer), each item a Heading 3 with its
 * amounts in the ledger's year columns and its rationale; the Inndekning
 * chapter; then «Tabeller» on a new page, one table per ledger. Real Word
 * heading styles (the navigation pane shows the outline), no row split
 * across pages, header rows repeated, an item's title kept with its amounts,
 * right-aligned amounts (`−93,65`); footer with version, date (dd.mm.åååå),
 * page numbers and the checksum of a sealed version. Returns the .docx bytes.
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
  body.push(new Paragraph({ children: [new TextRun({ text: stripControlChars(model.decision) })], style: 'DecisionText', keepNext: model.decisionPoints.length > 0 }));
  for (const point of model.decisionPoints) {
    body.push(new Paragraph({ children: [new TextRun({ text: stripControlChars(point) })], style: 'DecisionPoint', keepLines: true, numbering: { reference: DECISION_LIST_REF, level: 0 } }));
  }

  for (const section of model.sections) {
    body.push(heading(section.title || 'Uten tittel', HeadingLevel.HEADING_1));
    body.push(...richToParagraphs(section.intro, listCounter));
    for (const part of section.parts) {
      body.push(...partBlocks(part, { lines: part.kind === 'verbal' ? [] : section[part.kind], verbal: section.verbal }, model, listCounter));
    }
  }

  const inn = model.inndekning;
  if (inn.parts.length > 0) {
    body.push(heading('Inndekning', HeadingLevel.HEADING_1));
    body.push(...richToParagraphs(inn.intro, listCounter));
    for (const part of inn.parts) if (part.kind !== 'verbal') body.push(...partBlocks(part, { lines: inn[part.kind], verbal: [] }, model, listCounter));
  }

  body.push(heading('Tabeller', HeadingLevel.HEADING_1, { pageBreakBefore: true }));
  body.push(
    new Paragraph({
      children: [new TextRun({ text: 'Beløp i millioner kroner. Tiltak og bruk av disposisjonsfond er positive beløp; inndekning og avsetning til fond er negative.', italics: true, color: '555555' })],
    }),
  );
  for (const table of model.tables) {
    body.push(heading(table.title, HeadingLevel.HEADING_2));
    body.push(tableFor(table, model));
  }

  const doc = new Document({
    creator: 'Budsjettverksted',
    title: stripControlChars(model.title),
    description: model.decision,
    styles: {
      default: {
        document: { run: { font: FONT, size: BODY_SIZE_HALF_PT }, paragraph: { spacing: { after: 120, line: 264, lineRule: LineRuleType.AUTO } } },
        title: { run: { font: FONT, size: 40, bold: true, color: '000000' }, paragraph: { spacing: { after: 240, line: 240, lineRule: LineRuleType.AUTO } } },
        heading1: { run: { font: FONT, size: 32, bold: true, color: '1F3864' }, paragraph: { spacing: { before: 360, after: 120 }, keepNext: true, keepLines: true, outlineLevel: 0 } },
        heading2: { run: { font: FONT, size: 26, bold: true, color: '1F3864' }, paragraph: { spacing: { before: 240, after: 80 }, keepNext: true, keepLines: true, outlineLevel: 1 } },
        heading3: { run: { font: FONT, size: BODY_SIZE_HALF_PT, bold: true, color: '000000' }, paragraph: { spacing: { before: 200, after: 60 }, keepNext: true, keepLines: true, outlineLevel: 2 } },
      },
      paragraphStyles: [
        { id: 'DecisionText', name: 'Vedtakstekst', basedOn: 'Normal', next: 'Normal', run: { size: BODY_SIZE_HALF_PT }, paragraph: { spacing: { after: 120 } } },
        { id: 'DecisionPoint', name: 'Vedtakspunkt', basedOn: 'Normal', next: 'Normal', run: { size: BODY_SIZE_HALF_PT }, paragraph: { spacing: { after: 80 } } },
        { id: 'TableText', name: 'Tabelltekst', basedOn: 'Normal', run: { size: TABLE_SIZE_HALF_PT }, paragraph: { spacing: { after: 0, line: 240 } } },
        { id: 'FooterText', name: 'Bunntekst', basedOn: 'Normal', run: { size: FOOTER_SIZE_HALF_PT, color: '555555' }, paragraph: { spacing: { after: 0 } } },
      ],
    },
    numbering: {
      config: [
        {
          reference: DECISION_LIST_REF,
          levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.START, style: { paragraph: { indent: { left: 567, hanging: 567 } } } }],
        },
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
