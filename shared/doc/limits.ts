/**
 * Size limits of the text a person types or imports into a package. The import
 * refuses a longer cell (naming its row and column), and the server refuses a
 * document update that would store a longer value, so a 20 MB "title" cannot get
 * into a package by any route.
 */

/** Line titles, verbal-instruction titles and the package title (characters). */
export const MAX_TITLE_CHARS = 500;
/** Section names, service areas (tjenesteområde), party names (characters). */
export const MAX_NAME_CHARS = 200;
/** Short codes: party ids, statuses, years (characters). */
export const MAX_CODE_CHARS = 64;
/** A rationale, verbal instruction or comment as plain text (characters). */
export const MAX_TEXT_CHARS = 50_000;
/** Years a package may span (the plan period plus the current year, with room). */
export const MAX_YEARS = 30;
/** Parties of a package (the create API allows as many). */
export const MAX_PARTIES = 20;
/** Ids of lines, sections and verbal instructions, and other keys of the document (characters). */
export const MAX_ENTRY_ID_CHARS = 200;
/** What a person typed into one amount cell that did not parse, kept under `invalid` (characters). */
export const MAX_CELL_CHARS = 200;
/** Service areas of a baseline budget (one per row of its import file). */
export const MAX_BASELINE_AREAS = 5_000;
/** Shared types (blocks, text runs, links, line breaks) in one rich text. */
export const MAX_RICH_TEXT_NODES = 20_000;
/** How deeply the types of one rich text may nest (a list item in a list in the root is 3). */
export const MAX_RICH_TEXT_DEPTH = 16;
/** A plain value inside a rich text (an attribute such as a link's URL), as characters of JSON. */
export const MAX_RICH_ATTRIBUTE_CHARS = 4_096;

/** Most decision points a package keeps (more are dropped on reading, refused on writing). */
export const MAX_DECISION_POINTS = 50;
/** Longest number of a decision point («2.4.1»), in characters; longer is cut on reading. */
export const MAX_DECISION_NUMBER_CHARS = 40;
/** Longest text of a decision point, in characters; longer is cut on reading. */
export const MAX_DECISION_TEXT_CHARS = 4000;
