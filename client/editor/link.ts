/**
 * Which link targets the editor accepts: http(s) and mailto only, so a link
 * in a rationale can never run script (`javascript:`) or point at local files.
 */

/** Returns the URL to store, or null when `input` is not an acceptable link. */
export function normalizeLinkUrl(input: string): string | null {
  const raw = input.trim();
  if (raw === '') return null;
  // People type "www.bergen.kommune.no" or "post@x.no"; make those links too.
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw)
    ? raw
    : /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(raw)
      ? `mailto:${raw}`
      : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol === 'mailto:') return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(decodeURIComponent(url.pathname)) ? url.href : null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname.includes('.') && url.hostname !== 'localhost') return null;
  return url.href;
}

/** Whether Lexical may keep a link with this URL (pasted links included). */
export function isAllowedLinkUrl(url: string): boolean {
  return /^(https?:|mailto:)/i.test(url.trim()) && normalizeLinkUrl(url) !== null;
}
