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
