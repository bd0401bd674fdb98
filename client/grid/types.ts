/** The shapes the amendment grid is drawn from and talks back with. */
import type { PackageLine, Year } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import type { Peer } from '../presence/awareness';
import type { NewLineTemplate } from './operations';

/** A labelled row of sums per year (and the total) from the balance report: a group's sums or the ledger's net. */
export interface GridSums {
  label: string;
  byYear: Record<Year, string>;
  /** Years whose sums are unknown (an unreadable amount): shown as «?», never as a partial sum. */
  unknown?: Year[];
  total?: string;
}

/** One block of rows (a ledger × group), with its heading and, when known, its sums. */
export interface GridBlock {
  key: string;
  heading: string;
  /** Tooltip of the heading (what the word means, from the glossary). */
  headingTitle?: string;
  template: NewLineTemplate;
  lines: PackageLine[];
  /** Sums per year from the balance report (and the total), when known. */
  sums?: GridSums;
}

/** A request from elsewhere (a warning, a balance flag, a new line) to show and focus a line. */
export interface FocusRequest {
  lineId: string;
  year?: string;
  nonce: number;
}

/** What every grid of the workspace shows besides its own rows, and how it talks back: the same for the ledger tables and the sections view. */
export interface GridSharedProps {
  conn: PackageConnection;
  years: Year[];
  /** Everyone here (me included): who else edits which cell is marked on the cell. */
  peers: Peer[];
  canEdit: boolean;
  partyColors: Record<string, string>;
  /** Open comments per target key (`line:<id>`), shown as a badge on the line. */
  commentCounts?: Map<string, number>;
  /** Lines whose prose names a figure that matches none of their amounts (from the worker's report). */
  proseMismatch?: ReadonlySet<string>;
  selectedLineId: string | null;
  /** `immediate`: chosen by pointer (the details panel follows at once, not after a pause). */
  onSelectLine(lineId: string | null, immediate?: boolean): void;
  onAddLine(template: NewLineTemplate): void;
  focusRequest?: FocusRequest | null;
  /** Announces a short result (paste) in the page's live region. */
  announce(text: string): void;
  /** Someone who may not change the grid tried to (typed, pasted, double-clicked a cell): tell them why nothing happens. */
  onReadOnlyAttempt?(): void;
  /** Sign-off marks, the bulk selection, counter-offers and cell comments (absent: none drawn). */
  agreement?: GridAgreement;
  /** Opens the comments of one amount cell (`keyboard`: Shift+F2, the focus moves into them). Absent: cell comments are not offered. */
  onOpenCellComments?(lineId: string, year: Year, how: 'keyboard' | 'pointer'): void;
  /** Whether this user may write comments: the focused amount cell then offers «Kommenter beløpet». */
  canComment?: boolean;
}

/** One party's sign-off on a line as the grid marks it (client/agreement). */
export interface LineMark {
  party: string;
  name: string;
  color: string;
  state: 'accepted' | 'reservation' | 'declined';
  note?: string;
  /** Signed before the line last changed: the mark no longer counts. */
  stale: boolean;
}

/** What the grid shows of a line's agreement: the parties' marks, whether it is agreed, whether it changed after signing. */
export interface LineAgreementInfo {
  marks: LineMark[];
  agreed: boolean;
  changedAfterSigning: boolean;
}

/** What a cell shows besides its amount: a pending counter-offer and the open comments on that cell. */
export interface CellExtra {
  proposal?: { id: string; text: string; party: string; color: string; outdated: boolean };
  comments?: number;
}

/** The agreement layer of the grids: marks per line, the lines chosen for a bulk sign-off, counter-offers and cell comments. */
export interface GridAgreement {
  /** Line id → its marks (the same object while the line's agreement is unchanged). */
  lines: ReadonlyMap<string, LineAgreementInfo>;
  /** Line id → year → what the cell shows besides its amount. */
  cells: ReadonlyMap<string, Readonly<Record<string, CellExtra>>>;
  /** Lines chosen for a bulk action; null when the user may not sign for any party (no checkboxes). */
  checked: ReadonlySet<string> | null;
  /** A checkbox or a Ctrl-click: `range` (Shift) extends from the last one chosen, `toggle` (Ctrl/⌘) adds or removes one. */
  onCheck(lineId: string, how: { range: boolean; toggle: boolean }): void;
}
