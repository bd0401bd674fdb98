import { computeBalance } from '../balance';
import { Money, amountFromString } from '../money';
import { borrowingPointOf, borrowingSentence, type BorrowingPoint } from '../report/borrowing';
import { isAgreed } from '../report/exportCheck';
import type { RichBlock } from '../doc/richtext';
import type { RichPackage, RichPackageLine, RichVerbalInstruction } from '../doc/richPackage';
import type { BalanceReport, DecimalString, Ledger, LedgerSums, Status, Year } from '../types';

/**
 * The pure export model: which items a decision document holds, in which
 * order, grouped how, and the tables with their totals taken from the balance
 * engine. Every renderer (DOCX, XLSX, Markdown, HTML) draws this model and
 * nothing else, so all formats agree on content, figures and words.
 *
 * Layout (after the real 2023 red-green amendment package): title; the
 * opening sentence and the numbered decision points (from the package
 * settings, the borrowing point computed last); a chapter per section
 * (policy area) with its introduction, Drift, Investering, Disposisjonsfond
 * items and Verbale føringer (numbered continuously across the document);
 * the Inndekning chapter (all financing lines, by ledger); then «Tabeller»:
 * one table per ledger with the years as columns, its Inndekning block and
 * totals (for the fund: «Samlet bruk av disposisjonsfond» and «Samlet tilført
 * disposisjonsfondet»). A section with nothing exported is left out, and no
 * sub-heading repeats the heading above it.
 */

/** Which items an export holds: only agreed ones (the decision), or all with their status. */
export type ExportScope = 'agreed' | 'all';

/** Options every export takes; version, date and checksum go into the footer. */
export interface ExportModelOptions {
  scope: ExportScope;
  /** Name of the exported version, e.g. «Endelig forslag» (footer). */
  versionName?: string;
  /** Date of the version, ISO `YYYY-MM-DD` (footer, shown as 24.11.2026). */
  date?: string;
  /** SHA-256 of the canonical JSON of the exported package, when the version is sealed. */
  checksum?: string;
  /** A sealed round: one line per party saying what it accepted, who and when (printed under the checksum). */
  acceptances?: string[];
}

/** The one word for each status (shared/status.ts), re-exported for the renderers. */
export { STATUS_LABELS } from '../status';

/** Norwegian names of the ledgers as headings. */
export const LEDGER_LABELS: Record<Ledger, string> = {
  drift: 'Drift',
  investering: 'Investering',
  fond: 'Disposisjonsfond',
};

export interface ExportLine {
  id: string;
  title: string;
  ledger: Ledger;
  group: 'tiltak' | 'inndekning';
  status: Status;
  party?: string;
  /** Year → canonical amount; years without an amount are absent. */
  amounts: Record<Year, DecimalString>;
  /** Year → text typed into a cell that is not an amount (shown, never zeroed). */
  invalid: Record<Year, string>;
  /** Sum over the years (exact). */
  total: DecimalString;
  rich: RichBlock[];
}

export interface ExportVerbal {
  id: string;
  /** 1-based, continuous over the whole document. */
  number: number;
  title: string;
  status: Status;
  rich: RichBlock[];
}

export interface ExportSection {
  id: string;
  title: string;
  intro: RichBlock[];
  drift: ExportLine[];
  investering: ExportLine[];
  fond: ExportLine[];
  verbal: ExportVerbal[];
  /**
   * The sub-headings to print, in order, each only when it has items and does
   * not repeat the section's title (a section «Investeringer» holding
   * investment lines prints them without a second «Investering» heading).
   * `label` is null where the items follow the section heading directly.
   */
  parts: ExportPart[];
}

/** One block of a section or of the Inndekning chapter: a ledger's items or the verbal instructions. */
export interface ExportPart {
  kind: Ledger | 'verbal';
  label: string | null;
}

/** A row of a ledger table. `sum` rows say which rows they add up (indexes into the same table's rows). */
export type ExportRow =
  | { kind: 'heading'; label: string }
  | { kind: 'line'; label: string; lineId: string; status: Status; values: Record<Year, DecimalString | null>; invalid: Record<Year, string>; total: DecimalString }
  | { kind: 'sum'; label: string; values: Record<Year, DecimalString>; total: DecimalString; of: number[]; emphasis: 'subtotal' | 'total' }
  | {
      kind: 'info';
      label: string;
      values: Record<Year, DecimalString | null>;
      total: DecimalString | null;
      /** When the row repeats a row of another table (a spreadsheet can refer to it). */
      ref?: { table: ExportTable['id']; row: number };
    };

export interface ExportTable {
  id: Ledger;
  ledger: Ledger;
  title: string;
  /** The year columns, ascending: the plan years and any other year with an amount in this ledger. */
  years: Year[];
  rows: ExportRow[];
  /**
   * Years whose figures are unknown (the ledger holds unreadable amounts
   * there): their sum and info cells print «?», never a partial sum.
   */
  unknownYears: Year[];
}

export interface ExportModel {
  title: string;
  /** The opening sentence: the package settings' wording, or the default («Bystyret vedtar kommunedirektørens forslag …»). */
  decision: string;
  /**
   * The numbered decision points, worded («Budsjettvedtak for 2023, punkt
   * 2.4.1 endres til: …»), in the settings' order, with the borrowing point
   * last when it can be computed.
   */
  decisionPoints: string[];
  /** The borrowing point's figures, or null (no proposal in the settings, or the budget year's investment figures are unknown). */
  borrowing: BorrowingPoint | null;
  scope: ExportScope;
  years: Year[];
  planYears: Year[];
  /** Per ledger, the year columns of its items and its table (the plan years and any other year with an amount in it). */
  columns: Record<Ledger, Year[]>;
  sections: ExportSection[];
  /** The inndekning chapter: its introduction (from a section titled «Inndekning», if any), the financing lines, and its sub-headings. */
  inndekning: { intro: RichBlock[]; drift: ExportLine[]; investering: ExportLine[]; fond: ExportLine[]; parts: ExportPart[] };
  tables: ExportTable[];
  /** The engine's report over exactly the exported lines. */
  report: BalanceReport;
  footer: { versionName?: string; date?: string; checksum?: string; acceptances?: string[] };
  /** Items left out because they are not agreed (0 when scope is `all`). */
  omitted: { lines: number; verbal: number };
  parties: { id: string; name: string }[];
}

/**
 * The package restricted to what an export of `scope` holds: with `agreed`,
 * only lines and verbal instructions whose status is `agreed` (sections stay).
 * Pure; the input is not changed.
 */
export function selectExportedPackage(pkg: RichPackage, scope: ExportScope): RichPackage {
  if (scope === 'all') return pkg;
  return { ...pkg, lines: pkg.lines.filter((l) => isAgreed(l.status)), verbal: pkg.verbal.filter((v) => isAgreed(v.status)) };
}

function lineTotal(amounts: Record<Year, DecimalString>): DecimalString {
  let sum = new Money(0);
  for (const v of Object.values(amounts)) {
    const d = amountFromString(v);
    if (d) sum = sum.plus(d);
  }
  return sum.isZero() ? '0' : sum.toFixed();
}

function toExportLine(l: RichPackageLine): ExportLine {
  const line: ExportLine = {
    id: l.id,
    title: l.title,
    ledger: l.ledger,
    group: l.group,
    status: l.status ?? 'draft',
    amounts: { ...l.amounts },
    invalid: { ...(l.invalid ?? {}) },
    total: lineTotal(l.amounts),
    rich: l.rich,
  };
  if (l.party) line.party = l.party;
  return line;
}

/** «2024-11-24» → «24.11.2024» (the one date format of app and exports, dd.mm.åååå); anything else is shown as given. */
export function formatDateNorwegian(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

/**
 * The default opening sentence of the decision, from the plan period and the
 * parties: «Bystyret vedtar kommunedirektørens forslag til handlings- og
 * økonomiplan 2023–2026 og budsjett 2023 med følgende endringer, fremmet av
 * A, B og C:». The package settings may replace it.
 */
export function defaultDecisionOpening(pkg: Pick<RichPackage, 'planYears' | 'years' | 'parties'>): string {
  const plan = pkg.planYears.length > 0 ? pkg.planYears : pkg.years;
  const first = plan[0];
  const last = plan[plan.length - 1];
  const period = first && last ? (first === last ? first : `${first}–${last}`) : '';
  const parties = pkg.parties.map((p) => p.name).filter(Boolean);
  const from = parties.length > 1 ? `${parties.slice(0, -1).join(', ')} og ${parties[parties.length - 1]}` : (parties[0] ?? '');
  return (
    `Bystyret vedtar kommunedirektørens forslag til handlings- og økonomiplan ${period}` +
    (first ? ` og budsjett ${first}` : '') +
    ` med følgende endringer${from ? `, fremmet av ${from}` : ''}:`
  );
}

/**
 * A decision point as printed: «Budsjettvedtak for 2023, punkt 2.4.1 endres
 * til: …» when it names the point of the chief executive's decision text it
 * changes, otherwise its text as written.
 */
export function decisionPointText(point: { number: string; text: string }, budgetYear: Year | undefined): string {
  const number = point.number.trim();
  const text = point.text.trim();
  if (!number) return text;
  return `Budsjettvedtak${budgetYear ? ` for ${budgetYear}` : ''}, punkt ${number} endres til: ${text}`;
}

const INNDEKNING_TITLE_RE = /^\s*inndekning\s*$/i;

/** Heading labels of the parts of a section. */
const PART_LABELS: Record<Ledger | 'verbal', string> = { ...LEDGER_LABELS, verbal: 'Verbale føringer' };

/** Lower case, letters only, without a plural or definite ending: «Investeringer» and «Investering» are one heading. */
function headingStem(text: string): string {
  return text
    .toLocaleLowerCase('nb')
    .replace(/[^\p{L}]+/gu, '')
    .replace(/(ene|er|en|et)$/, '');
}

/** The parts to print under a heading titled `title`: those with items, unlabelled where the label would repeat the title. */
function partsOf(title: string, has: Record<Ledger | 'verbal', boolean>): ExportPart[] {
  const stem = headingStem(title);
  return (['drift', 'investering', 'fond', 'verbal'] as const)
    .filter((k) => has[k])
    .map((k) => ({ kind: k, label: headingStem(PART_LABELS[k]) === stem ? null : PART_LABELS[k] }));
}
const UNSECTIONED_ID = '';
const UNSECTIONED_TITLE = 'Øvrige endringer';

function valuesFor(years: Year[], pick: (y: Year) => DecimalString | null): Record<Year, DecimalString | null> {
  const out: Record<Year, DecimalString | null> = {};
  for (const y of years) out[y] = pick(y);
  return out;
}

function sumsFor(years: Year[], byYear: Record<Year, LedgerSums>, key: keyof LedgerSums): Record<Year, DecimalString> {
  const out: Record<Year, DecimalString> = {};
  for (const y of years) out[y] = byYear[y]?.[key] ?? '0';
  return out;
}

/** Adds line rows grouped under section headings; returns the indexes of the line rows. */
function pushLineRows(rows: ExportRow[], years: Year[], groups: { title: string; lines: ExportLine[] }[]): number[] {
  const indexes: number[] = [];
  const withHeadings = groups.filter((g) => g.lines.length > 0).length > 1;
  for (const g of groups) {
    if (g.lines.length === 0) continue;
    if (withHeadings) rows.push({ kind: 'heading', label: g.title });
    for (const l of g.lines) {
      indexes.push(rows.length);
      rows.push({ kind: 'line', label: l.title, lineId: l.id, status: l.status, values: valuesFor(years, (y) => l.amounts[y] ?? null), invalid: l.invalid, total: l.total });
    }
  }
  return indexes;
}

/**
 * Builds the export model of `pkg` for `opts.scope`: selects the items,
 * groups them into sections and the inndekning chapter, numbers the verbal
 * instructions 1…n in document order, words the decision (opening, points,
 * the borrowing point from the settings' proposal plus the investment net of
 * the budget year), and builds one table per ledger (drift, investering,
 * disposisjonsfond) whose sum rows carry the engine's totals over exactly the
 * exported lines. A section with no exported item is left out (one that has
 * only an introduction and no items at all in the package stays).
 */
export function buildExportModel(pkg: RichPackage, opts: ExportModelOptions): ExportModel {
  const selected = selectExportedPackage(pkg, opts.scope);
  const report = computeBalance(selected);
  const years = [...report.years];

  // Sections in package order; a section titled «Inndekning» becomes the inndekning chapter.
  const sections: ExportSection[] = [];
  const byId = new Map<string, ExportSection>();
  let inndekningIntro: RichBlock[] = [];
  const inndekningSectionIds = new Set<string>();
  const emptySection = (id: string, title: string, intro: RichBlock[]): ExportSection => ({ id, title, intro, drift: [], investering: [], fond: [], verbal: [], parts: [] });
  for (const s of selected.sections) {
    if (INNDEKNING_TITLE_RE.test(s.title)) {
      inndekningSectionIds.add(s.id);
      if (inndekningIntro.length === 0) inndekningIntro = s.rich;
    }
    const es = emptySection(s.id, s.title, s.rich);
    sections.push(es);
    byId.set(s.id, es);
  }
  const sectionFor = (id: string | undefined): ExportSection => {
    const key = id && byId.has(id) ? id : UNSECTIONED_ID;
    let es = byId.get(key);
    if (!es) {
      es = emptySection(UNSECTIONED_ID, UNSECTIONED_TITLE, []);
      byId.set(UNSECTIONED_ID, es);
      sections.push(es);
    }
    return es;
  };

  const inndekning: ExportModel['inndekning'] = { intro: inndekningIntro, drift: [], investering: [], fond: [], parts: [] };
  for (const l of selected.lines) {
    const el = toExportLine(l);
    if (l.group === 'inndekning') inndekning[l.ledger].push(el);
    else sectionFor(l.section)[l.ledger].push(el);
  }
  const verbalBySection = new Map<ExportSection, RichVerbalInstruction[]>();
  for (const v of selected.verbal) {
    const es = sectionFor(v.section);
    verbalBySection.set(es, [...(verbalBySection.get(es) ?? []), v]);
  }
  let number = 0;
  for (const es of sections) {
    for (const v of verbalBySection.get(es) ?? []) es.verbal.push({ id: v.id, number: ++number, title: v.title, status: v.status ?? 'draft', rich: v.rich });
  }
  // Sections that hold items in the whole package (before scope selection): one without any is a text-only section and stays.
  const withItems = new Set<string>();
  for (const item of [...pkg.lines, ...pkg.verbal]) withItems.add(item.section && byId.has(item.section) ? item.section : UNSECTIONED_ID);
  const itemCount = (es: ExportSection) => es.drift.length + es.investering.length + es.fond.length + es.verbal.length;
  const visibleSections = sections.filter((es) => {
    if (itemCount(es) > 0) return true;
    // An «Inndekning» section whose content moved to the chapter is not repeated as a section.
    if (inndekningSectionIds.has(es.id)) return false;
    return !withItems.has(es.id) && es.intro.length > 0;
  });
  for (const es of visibleSections) {
    es.parts = partsOf(es.title, { drift: es.drift.length > 0, investering: es.investering.length > 0, fond: es.fond.length > 0, verbal: es.verbal.length > 0 });
  }
  inndekning.parts = partsOf('Inndekning', { drift: inndekning.drift.length > 0, investering: inndekning.investering.length > 0, fond: inndekning.fond.length > 0, verbal: false });

  const columns = columnsOf(years, report, [...sections.map((es) => ({ drift: es.drift, investering: es.investering, fond: es.fond })), inndekning]);
  const opening = selected.fundOpeningBalance;
  const tables = buildTables(columns, sections, inndekning, report, opening !== undefined && opening.trim() !== '' && amountFromString(opening) !== null);

  const plan = report.planYears.length > 0 ? report.planYears : years;
  const budgetYear = plan[0];
  const decisionPoints = (pkg.decisionPoints ?? []).map((p) => decisionPointText(p, budgetYear)).filter((t) => t !== '');
  const borrowingResult = borrowingPointOf(pkg.proposedBorrowing, report);
  const borrowing = borrowingResult.ok ? borrowingResult.point : null;
  if (borrowing) decisionPoints.push(borrowingSentence(borrowing));

  const footer: ExportModel['footer'] = {};
  if (opts.versionName) footer.versionName = opts.versionName;
  if (opts.date) footer.date = opts.date;
  if (opts.checksum) footer.checksum = opts.checksum;
  if (opts.acceptances && opts.acceptances.length > 0) footer.acceptances = [...opts.acceptances];
  return {
    title: pkg.title,
    decision: pkg.decisionOpening?.trim() || defaultDecisionOpening(pkg),
    decisionPoints,
    borrowing,
    scope: opts.scope,
    years,
    planYears: [...report.planYears],
    columns,
    sections: visibleSections,
    inndekning,
    tables,
    report,
    footer,
    omitted: { lines: pkg.lines.length - selected.lines.length, verbal: pkg.verbal.length - selected.verbal.length },
    parties: pkg.parties.map((p) => ({ id: p.id, name: p.name })),
  };
}

type LedgerLines = Record<Ledger, ExportLine[]>;

/**
 * The year columns of each ledger: the plan years, plus any other year in
 * which a line of the ledger has an amount or typed text (the 2023 package
 * puts money into the fund in 2022); an empty extra year is only noise.
 */
function columnsOf(years: Year[], report: BalanceReport, groups: LedgerLines[]): Record<Ledger, Year[]> {
  const planYears = new Set(report.planYears);
  const of = (ledger: Ledger) => {
    const lines = groups.flatMap((g) => g[ledger]);
    return years.filter((y) => planYears.has(y) || lines.some((l) => l.amounts[y] !== undefined || l.invalid[y] !== undefined));
  };
  return { drift: of('drift'), investering: of('investering'), fond: of('fond') };
}

function buildTables(columns: Record<Ledger, Year[]>, sections: ExportSection[], inndekning: ExportModel['inndekning'], report: BalanceReport, hasOpening: boolean): ExportTable[] {
  const bySection = (ledger: Ledger) => sections.map((s) => ({ title: s.title, lines: s[ledger] }));

  /** A ledger's table: tiltak by section, their sum, the Inndekning block with its sum, and the net of the two. */
  const ledgerTable = (
    ledger: Ledger,
    title: string,
    labels: { tiltakHeading?: string; tiltakSum: string; inndekningHeading: string; inndekningSum: string; net: string },
  ): ExportTable => {
    const years = columns[ledger];
    const lr = report.ledgers[ledger];
    const rows: ExportRow[] = [];
    if (labels.tiltakHeading) rows.push({ kind: 'heading', label: labels.tiltakHeading });
    const tiltak = pushLineRows(rows, years, bySection(ledger));
    const tiltakSum = rows.length;
    rows.push({ kind: 'sum', label: labels.tiltakSum, values: sumsFor(years, lr.byYear, 'tiltak'), total: lr.total.tiltak, of: tiltak, emphasis: 'subtotal' });
    rows.push({ kind: 'heading', label: labels.inndekningHeading });
    const financing = pushLineRows(rows, years, [{ title: labels.inndekningHeading, lines: inndekning[ledger] }]);
    const financingSum = rows.length;
    rows.push({ kind: 'sum', label: labels.inndekningSum, values: sumsFor(years, lr.byYear, 'inndekning'), total: lr.total.inndekning, of: financing, emphasis: 'subtotal' });
    rows.push({ kind: 'sum', label: labels.net, values: sumsFor(years, lr.byYear, 'net'), total: lr.total.net, of: [tiltakSum, financingSum], emphasis: 'total' });
    return { id: ledger, ledger, title, years, rows, unknownYears: lr.unknownYears.filter((y) => years.includes(y)) };
  };

  const drift = ledgerTable('drift', 'Tabell 1: Driftsbudsjettet (mill. kr)', {
    tiltakSum: 'Sum tiltak drift',
    inndekningHeading: 'Inndekning',
    inndekningSum: 'Sum inndekning drift',
    net: 'Netto drift (skal være 0)',
  });
  // Investering: the net is the change in borrowing.
  const investering = ledgerTable('investering', 'Tabell 2: Investeringsbudsjettet (mill. kr)', {
    tiltakSum: 'Sum investeringstiltak',
    inndekningHeading: 'Inndekning',
    inndekningSum: 'Sum inndekning investering',
    net: 'Netto investering (finansieres med lån)',
  });
  // Disposisjonsfond: use (positive) and money put into it (negative), net use, and the running balance.
  const fond = ledgerTable('fond', 'Tabell 3: Disposisjonsfond (mill. kr)', {
    tiltakHeading: 'Bruk av disposisjonsfond',
    tiltakSum: 'Samlet bruk av disposisjonsfond',
    inndekningHeading: 'Tilført disposisjonsfondet',
    inndekningSum: 'Samlet tilført disposisjonsfondet',
    net: 'Netto bruk av disposisjonsfond',
  });
  const running = report.ledgers.fond.runningBalance;
  // With a readable opening balance the fund has a running balance, even when every year of it is unknown.
  if (hasOpening) {
    fond.rows.push({ kind: 'info', label: 'Saldo disposisjonsfond ved årets slutt', values: valuesFor(fond.years, (y) => running[y] ?? null), total: null });
  }
  return [drift, investering, fond];
}

// The pre-export check is part of the package report (shared/report), which the
// balance worker keeps current; it is re-exported here, next to the export it checks.
export { preExportCheck, type PreExportCheck } from '../report/exportCheck';
