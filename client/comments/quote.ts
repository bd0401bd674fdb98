/**
 * A commented passage as the comment shows it: inside one pair of guillemets,
 * never two. A selection often takes the quotation marks of the text along
 * («250 000 kroner» selected with its marks), which wrapped again would read
 * ««250 000 kroner»»: so the passage's own outer marks are dropped (a pair, or a
 * lone mark at one end), and guillemets inside it become the Norwegian inner
 * quotes ‘ ’ («tilskudd til ‘Juba Juba’»), as Språkrådet writes a quote in a
 * quote. Line breaks become spaces.
 */

const OPENING = '«“„"‘\'‹';
const CLOSING = '»”"’\'›';
const OPENING_RE = /[«“„"‘'‹]/;
const CLOSING_RE = /[»”"’'›]/;

/** `quote` between « and » as described above; empty when nothing but quotation marks is left. */
export function displayQuote(quote: string): string {
  let s = quote.replace(/\s+/g, ' ').trim();
  while (s.length >= 2 && OPENING.includes(s[0]!) && CLOSING.includes(s[s.length - 1]!)) s = s.slice(1, -1).trim();
  if (s && OPENING.includes(s[0]!) && !CLOSING_RE.test(s.slice(1))) s = s.slice(1).trim();
  if (s && CLOSING.includes(s[s.length - 1]!) && !OPENING_RE.test(s.slice(0, -1))) s = s.slice(0, -1).trim();
  if (!s || (s.length === 1 && (OPENING.includes(s) || CLOSING.includes(s)))) return '';
  return `«${s.replace(/«/g, '‘').replace(/»/g, '’')}»`;
}
