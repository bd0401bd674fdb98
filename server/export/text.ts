/**
 * Escaping and neutralising shared by the export renderers. Each function
 * states the one attack or breakage it prevents.
 */

/**
 * Removes characters that are not allowed in XML 1.0 (C0 controls except tab
 * and newline, lone surrogates, U+FFFE/FFFF): a DOCX or XLSX part holding one
 * is a corrupt file Word refuses to open.
 */
export function stripControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '');
}

/** Only these link schemes survive export; `javascript:` and friends become plain text. */
const SAFE_LINK_RE = /^(https?:|mailto:)/i;

/** Returns the URL when it is safe to make a link of (http, https, mailto), else null. */
export function safeLinkUrl(url: string): string | null {
  const trimmed = url.trim();
  return SAFE_LINK_RE.test(trimmed) ? trimmed : null;
}

/** Escapes text for HTML element content and attribute values (quotes included). */
export function escapeHtml(text: string): string {
  return stripControlChars(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * True for text a spreadsheet could take as a formula or command when the
 * cell is edited or the file is read as CSV: first character `=`, `+`, `-`,
 * `@`, tab or carriage return (OWASP "CSV injection").
 */
export function isFormulaLike(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}

/**
 * Escapes Markdown so that user text renders as itself: inline markup
 * characters get a backslash, and `<`/`>`/`&` become entities because most
 * Markdown renderers pass raw HTML through.
 */
export function escapeMarkdown(text: string): string {
  return (
    stripControlChars(text)
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c)
      // Block markers only mean something at the start of a line: headings, lists, quotes.
      .replace(/^(\s*)([#+\-=])/gm, '$1\\$2')
      .replace(/^(\s*\d+)([.)])/gm, '$1\\$2')
  );
}
