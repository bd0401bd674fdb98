/**
 * Plain domain records shared by client, server, engine, import and export.
 *
 * These are the only shapes that cross module boundaries: no Yjs types, no
 * decimal.js instances. Money is always a canonical decimal string in million
 * NOK (`"-93.65"`, `"2401"`), produced by `toCanonical` in `shared/money.ts`.
 */

/** The three ledgers of a package (drift, investering, disposisjonsfond). */
export const LEDGERS = ['drift', 'investering', 'fond'] as const;
export type Ledger = (typeof LEDGERS)[number];

/** Measures (tiltak) and their financing (inndekning). */
export const GROUPS = ['tiltak', 'inndekning'] as const;
export type Group = (typeof GROUPS)[number];

/** Where a line or verbal instruction stands in the negotiation. */
export const STATUSES = ['draft', 'proposed', 'agreed', 'rejected'] as const;
export type Status = (typeof STATUSES)[number];

/** Year as a four-digit string, e.g. `"2024"`. Keys of `amounts`. */
export type Year = string;

/** A canonical decimal string (`.` decimal point, `-` sign, no exponent). */
export type DecimalString = string;

/** One amendment line as plain data. */
export interface PackageLine {
  id: string;
  ledger: Ledger;
  group: Group;
  title: string;
  /** Year → canonical decimal string in million NOK. A missing year means no amount. */
  amounts: Record<Year, DecimalString>;
  /** Section id (policy area) the line belongs to, if any. */
  section?: string;
  permanent?: boolean;
  status?: Status;
  party?: string;
  /** Service area (tjenesteområde) of the baseline budget the line changes. */
  area?: string;
  /** Rationale as plain text (rich text lives in the document). */
  description?: string;
  /** Cells whose typed text did not parse: year → the original text. Kept, never zeroed. */
  invalid?: Record<Year, string>;
}

/** A policy area of the package (Oppvekst, Helse og eldre, …), in display order. */
export interface PackageSection {
  id: string;
  title: string;
  /** Introduction as plain text. */
  intro?: string;
}

/** A verbal instruction (verbal føring): titled text, no amounts. */
export interface VerbalInstruction {
  id: string;
  section?: string;
  title: string;
  text: string;
  status?: Status;
  party?: string;
}

/** A coalition party with its display colour. */
export interface Party {
  id: string;
  name: string;
  color: string;
}

/** The package as the balance engine needs it. */
export interface BalanceInput {
  /** All year columns, ascending (e.g. 2022–2026). */
  years: Year[];
  /** The economic plan period (e.g. 2023–2026), a subset of `years`. */
  planYears: Year[];
  lines: PackageLine[];
  /** Disposisjonsfond balance before the first year, when known. */
  fundOpeningBalance?: DecimalString;
}

/**
 * A point of the chief executive's decision text that the package changes:
 * the point's number there (`"2.4.1"`, may be empty for a new point) and its
 * new wording. The decision document prints it as «Budsjettvedtak for 2023,
 * punkt 2.4.1 endres til: …».
 */
export interface DecisionPoint {
  number: string;
  text: string;
}

/** A whole package as plain data (HTTP API, export, import). */
export interface PlainPackage extends BalanceInput {
  id: string;
  title: string;
  parties: Party[];
  sections: PackageSection[];
  verbal: VerbalInstruction[];
  /** The decision's opening sentence as the package settings hold it; absent means the default wording. */
  decisionOpening?: string;
  /** The decision points the package changes, in order (absent or empty: none). */
  decisionPoints?: DecisionPoint[];
  /** The chief executive's proposed borrowing for the budget year (the first plan year), million NOK, when known. */
  proposedBorrowing?: DecimalString;
}

/** Sums of one ledger for one year (or the total over all years). */
export interface LedgerSums {
  tiltak: DecimalString;
  inndekning: DecimalString;
  /** tiltak + inndekning */
  net: DecimalString;
}

/**
 * One ledger's part of the balance report. What `balanced` means per ledger
 * (docs/schema.md, «What the balance report says»):
 * - drift: net = 0 in every plan year, and every year's figures are known;
 * - investering: a non-zero net is the change in borrowing (`borrowing`),
 *   which breaks no rule, so it is balanced exactly when its figures are known;
 * - fond: with an opening balance, the running balance never below zero, and
 *   every year's figures are known (without one, only the latter).
 */
export interface LedgerReport {
  /** Every year of `years` appears here. Sums count only readable amounts. */
  byYear: Record<Year, LedgerSums>;
  total: LedgerSums;
  /** No year breaks the ledger's rule and no year is unknown. */
  balanced: boolean;
  /** Years whose known figures break the ledger's rule, ascending. Never an unknown year. */
  unbalancedYears: Year[];
  /**
   * Years whose figures are not known because the ledger holds an unreadable
   * amount in them (for the fund with an opening balance: in them or an
   * earlier year, since the running balance carries over), ascending.
   */
  unknownYears: Year[];
  /** Year → how many cells of this ledger hold an unreadable amount in that year (only years with one or more). */
  unreadableCells: Record<Year, number>;
}

/** The investment ledger's report: its net per year is the change in borrowing. */
export interface InvestmentLedgerReport extends LedgerReport {
  /** Year → change in borrowing (the net: positive borrows more, negative less), for every year that is not unknown. */
  borrowing: Record<Year, DecimalString>;
}

export interface FundLedgerReport extends LedgerReport {
  /** Opening balance minus cumulative net use, per year (only with an opening balance, and only for years that are not unknown). */
  runningBalance: Record<Year, DecimalString>;
}

/** `error` breaks a rule or hides a figure; `warning` needs a look; `info` is a plain fact (e.g. borrowing). */
export type Severity = 'error' | 'warning' | 'info';

/** A finding of the engine. `code` is a stable English identifier; `message` is Norwegian. */
export interface BalanceWarning {
  code: string;
  severity: Severity;
  lineId?: string;
  year?: Year;
  ledger?: Ledger;
  message: string;
  /**
   * For `malformed-entry` (an entry of the document that readers skip): where it is —
   * `kind` lines, sections, verbal, meta (then `id` is the key) or root (a top-level
   * type) — and the one `field` that is malformed, when it is one field.
   */
  entry?: { kind: string; id: string; field?: string };
}

/** The balance report: a public contract, returned as is by the HTTP API. */
export interface BalanceReport {
  years: Year[];
  planYears: Year[];
  ledgers: {
    drift: LedgerReport;
    investering: InvestmentLedgerReport;
    fond: FundLedgerReport;
  };
  warnings: BalanceWarning[];
}
