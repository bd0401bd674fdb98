import { computeBalance } from '../balance';
import { Money, amountFromString } from '../money';
import { isAgreed } from '../report/exportCheck';
import type { RichBlock } from '../doc/richtext';
import type { RichPackage, RichPackageLine, RichVerbalInstruction } from '../doc/richPackage';
import type { BalanceReport, DecimalString, Ledger, LedgerSums, Status, Year } from '../types';

/**
 * The pure export model: which items a decision document holds, in which
 * order, grouped how, and the tables with their totals taken from the balance
 * engine. Every renderer (DOCX, XLSX, Markdown, HTML) draws this model and
 * nothing else, so all formats agree on content and figures.
 *
 * Layout (after the real 2023 red-green amendment package): title, decision paragraph;
 * per section its introduction, drift lines, investering lines, fond lines and
 * verbal instructions (numbered continuously across the document); then the
 * inndekning (all financing lines, by ledger); then the tables.
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
}

/** Norwegian labels of statuses, as shown when scope is `all`. */
export const STATUS_LABELS: Record<Status, string> = {
  draft: 'Utkast',
  proposed: 'Foreslått',
  agreed: 'Enighet',
  rejected: 'Avvist',
};

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
  id: 'drift-tiltak' | 'drift-inndekning' | 'fond' | 'investering';
  ledger: Ledger;
  title: string;
  /** The year columns, ascending: the plan years and any other year with an amount in this ledger. */
  years: Year[];
  rows: ExportRow[];
}

export interface ExportModel {
  title: string;
  decision: string;
  scope: ExportScope;
  years: Year[];
  planYears: Year[];
  sections: ExportSection[];
  /** The inndekning chapter: its introduction (from a section titled «Inndekning», if any) and the financing lines. */
  inndekning: { intro: RichBlock[]; drift: ExportLine[]; investering: ExportLine[]; fond: ExportLine[] };
  tables: ExportTable[];
  /** The engine's report over exactly the exported lines. */
  report: BalanceReport;
  footer: { versionName?: string; date?: string; checksum?: string };
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

/** «2024-11-24» → «24.11.2024»; anything else is shown as given. */
export function formatDateNorwegian(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

function decisionText(pkg: RichPackage): string {
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

const INNDEKNING_TITLE_RE = /^\s*inndekning\s*$/i;
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
 * instructions 1…n in document order, and builds the four tables (drift
 * tiltak, drift inndekning, disposisjonsfond, investering with financing)
 * whose sum rows carry the engine's totals over exactly the exported lines.
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
  for (const s of selected.sections) {
    if (INNDEKNING_TITLE_RE.test(s.title)) {
      inndekningSectionIds.add(s.id);
      if (inndekningIntro.length === 0) inndekningIntro = s.rich;
    }
    const es: ExportSection = { id: s.id, title: s.title, intro: s.rich, drift: [], investering: [], fond: [], verbal: [] };
    sections.push(es);
    byId.set(s.id, es);
  }
  const sectionFor = (id: string | undefined): ExportSection => {
    const key = id && byId.has(id) ? id : UNSECTIONED_ID;
    let es = byId.get(key);
    if (!es) {
      es = { id: UNSECTIONED_ID, title: UNSECTIONED_TITLE, intro: [], drift: [], investering: [], fond: [], verbal: [] };
      byId.set(UNSECTIONED_ID, es);
      sections.push(es);
    }
    return es;
  };

  const inndekning = { intro: inndekningIntro, drift: [] as ExportLine[], investering: [] as ExportLine[], fond: [] as ExportLine[] };
  const lineSection = new Map<string, string>();
  for (const l of selected.lines) {
    const el = toExportLine(l);
    if (l.group === 'inndekning') inndekning[l.ledger].push(el);
    else {
      const es = sectionFor(l.section);
      es[l.ledger].push(el);
      lineSection.set(l.id, es.title);
    }
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
  // An «Inndekning» section whose content moved to the chapter is not repeated as a section.
  const visibleSections = sections.filter(
    (es) => !(inndekningSectionIds.has(es.id) && es.drift.length + es.investering.length + es.fond.length + es.verbal.length === 0),
  );

  const tables = buildTables(years, sections, inndekning, report);
  const footer: ExportModel['footer'] = {};
  if (opts.versionName) footer.versionName = opts.versionName;
  if (opts.date) footer.date = opts.date;
  if (opts.checksum) footer.checksum = opts.checksum;
  return {
    title: pkg.title,
    decision: decisionText(pkg),
    scope: opts.scope,
    years,
    planYears: [...report.planYears],
    sections: visibleSections,
    inndekning,
    tables,
    report,
    footer,
    omitted: { lines: pkg.lines.length - selected.lines.length, verbal: pkg.verbal.length - selected.verbal.length },
    parties: pkg.parties.map((p) => ({ id: p.id, name: p.name })),
  };
}

function buildTables(
  years: Year[],
  sections: ExportSection[],
  inndekning: ExportModel['inndekning'],
  report: BalanceReport,
): ExportTable[] {
  const drift = report.ledgers.drift;
  const inv = report.ledgers.investering;
  const fond = report.ledgers.fond;
  const bySection = (ledger: Ledger) => sections.map((s) => ({ title: s.title, lines: s[ledger] }));

  // Drift – tiltak.
  const t1: ExportRow[] = [];
  const t1Lines = pushLineRows(t1, years, bySection('drift'));
  t1.push({ kind: 'sum', label: 'Sum tiltak drift', values: sumsFor(years, drift.byYear, 'tiltak'), total: drift.total.tiltak, of: t1Lines, emphasis: 'total' });

  // Drift – inndekning, closing with the balance line the law asks for.
  const t2: ExportRow[] = [];
  const t2Lines = pushLineRows(t2, years, [{ title: 'Inndekning', lines: inndekning.drift }]);
  const t2Sum = t2.length;
  t2.push({ kind: 'sum', label: 'Sum inndekning drift', values: sumsFor(years, drift.byYear, 'inndekning'), total: drift.total.inndekning, of: t2Lines, emphasis: 'subtotal' });
  t2.push({
    kind: 'info',
    label: 'Sum tiltak drift (tabell 1)',
    values: sumsFor(years, drift.byYear, 'tiltak'),
    total: drift.total.tiltak,
    ref: { table: 'drift-tiltak', row: t1.length - 1 },
  });
  t2.push({ kind: 'sum', label: 'Netto drift (skal være 0)', values: sumsFor(years, drift.byYear, 'net'), total: drift.total.net, of: [t2Sum, t2Sum + 1], emphasis: 'total' });

  // Disposisjonsfond: use (positive) and deposits (negative), net use, and the running balance.
  const t3: ExportRow[] = [];
  const fondLines = [...sections.flatMap((s) => s.fond), ...inndekning.fond];
  const t3Lines = pushLineRows(t3, years, [{ title: 'Disposisjonsfond', lines: fondLines }]);
  t3.push({ kind: 'sum', label: 'Netto bruk av disposisjonsfond', values: sumsFor(years, fond.byYear, 'net'), total: fond.total.net, of: t3Lines, emphasis: 'total' });
  if (Object.keys(fond.runningBalance).length > 0) {
    t3.push({ kind: 'info', label: 'Saldo disposisjonsfond ved årets slutt', values: valuesFor(years, (y) => fond.runningBalance[y] ?? null), total: null });
  }

  // Investering with its financing; the net is the change in borrowing.
  const t4: ExportRow[] = [];
  const t4Tiltak = pushLineRows(t4, years, bySection('investering'));
  const t4TiltakSum = t4.length;
  t4.push({ kind: 'sum', label: 'Sum investeringstiltak', values: sumsFor(years, inv.byYear, 'tiltak'), total: inv.total.tiltak, of: t4Tiltak, emphasis: 'subtotal' });
  t4.push({ kind: 'heading', label: 'Finansiering' });
  const t4Fin = pushLineRows(t4, years, [{ title: 'Finansiering', lines: inndekning.investering }]);
  const t4FinSum = t4.length;
  t4.push({ kind: 'sum', label: 'Sum finansiering', values: sumsFor(years, inv.byYear, 'inndekning'), total: inv.total.inndekning, of: t4Fin, emphasis: 'subtotal' });
  t4.push({ kind: 'sum', label: 'Endring i lånebehov', values: sumsFor(years, inv.byYear, 'net'), total: inv.total.net, of: [t4TiltakSum, t4FinSum], emphasis: 'total' });

  // Columns: the plan years, plus any other year in which a line of the ledger has an amount
  // (the 2023 package puts money into the fund in 2022); an empty extra year is only noise.
  const planYears = new Set(report.planYears);
  const ledgerLines = (ledger: Ledger) => [...sections.flatMap((s) => s[ledger]), ...inndekning[ledger]];
  const columns = (ledger: Ledger) => {
    const lines = ledgerLines(ledger);
    return years.filter((y) => planYears.has(y) || lines.some((l) => l.amounts[y] !== undefined || l.invalid[y] !== undefined));
  };
  return [
    { id: 'drift-tiltak', ledger: 'drift', title: 'Tabell 1: Driftsbudsjettet – tiltak (mill. kr)', years: columns('drift'), rows: t1 },
    { id: 'drift-inndekning', ledger: 'drift', title: 'Tabell 2: Driftsbudsjettet – inndekning (mill. kr)', years: columns('drift'), rows: t2 },
    { id: 'fond', ledger: 'fond', title: 'Tabell 3: Disposisjonsfond (mill. kr)', years: columns('fond'), rows: t3 },
    { id: 'investering', ledger: 'investering', title: 'Tabell 4: Investeringsbudsjettet med finansiering (mill. kr)', years: columns('investering'), rows: t4 },
  ];
}

// The pre-export check is part of the package report (shared/report), which the
// balance worker keeps current; it is re-exported here, next to the export it checks.
export { preExportCheck, type PreExportCheck } from '../report/exportCheck';
