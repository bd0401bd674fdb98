import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/** HTTP methods that change state and therefore must pass the Origin check. */
const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A Host header we are willing to echo into a CSP directive (host, IPv4/IPv6, port). */
const SAFE_HOST_RE = /^[A-Za-z0-9.\-:[\]]{1,255}$/;

/**
 * The serialised origin (`scheme://host[:port]`) of a URL, or null when the text is
 * not an absolute http(s)/ws(s) URL. Normalises case and default ports, so
 * `HTTPS://Example.org:443` and `https://example.org` compare equal.
 */
function originOf(text: string): string | null {
  try {
    const url = new URL(text);
    if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** What the Origin check needs to know about the request itself. */
export interface RequestOrigin {
  /** The `Host` header. */
  host: string | null | undefined;
  /** The scheme the browser used to reach us: the connection's own, or `X-Forwarded-Proto` behind a trusted proxy. */
  scheme: 'http' | 'https';
}

/**
 * The scheme a request reached us with: the connection's own, or — only with
 * `trustProxy` (TRUST_PROXY=1), when a reverse proxy terminates TLS — the first
 * `X-Forwarded-Proto` value. Without `trustProxy` the header is ignored, since any
 * client can send it.
 */
export function requestScheme(c: Context, trustProxy: boolean): 'http' | 'https' {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
    if (forwarded === 'https' || forwarded === 'http') return forwarded;
  }
  return new URL(c.req.url).protocol === 'https:' ? 'https' : 'http';
}

/**
 * Whether a browser-sent `Origin` (or the origin of a `Referer`) may talk to this
 * server. With `publicOrigin` set (PUBLIC_ORIGIN) the origin must equal it exactly
 * (scheme, host and port). Without it, the origin must equal `<scheme>://<Host>` of
 * the request itself — the page's own origin, which is what a same-origin page always
 * sends (also on a websocket upgrade: browsers send the page's http(s) origin, never
 * a ws: one), and what a foreign site cannot forge, because browsers set `Origin`
 * themselves. So `https://host` is refused on an http server and `ws://host` always.
 * A missing, `null` or unparsable origin is never allowed. The websocket upgrade uses
 * this same function against cross-site websocket hijacking.
 */
export function isAllowedOrigin(origin: string | null | undefined, request: RequestOrigin, publicOrigin: string | undefined): boolean {
  if (!origin || origin === 'null') return false;
  const actual = originOf(origin);
  if (!actual) return false;
  if (publicOrigin) {
    const expected = originOf(publicOrigin);
    return expected !== null && expected === actual;
  }
  if (!request.host) return false;
  // Compare as URL would serialise them, so default ports and case agree.
  const expected = originOf(`${request.scheme}://${request.host}`);
  return expected !== null && expected === actual;
}

/**
 * The origin users reach the app at, which links handed out (invitations) are built
 * on: PUBLIC_ORIGIN when set, otherwise the origin of the request itself.
 */
export function appOrigin(c: Context, publicOrigin: string | undefined): string {
  return publicOrigin ? new URL(publicOrigin).origin : new URL(c.req.url).origin;
}

/**
 * Middleware that answers 403 to every state-changing request (POST, PUT, PATCH,
 * DELETE) whose `Origin` — or, when a browser omitted it, whose `Referer` — is not
 * allowed by `isAllowedOrigin`. A request carrying neither header is refused as
 * well: every current browser attaches `Origin` to non-GET requests (we send
 * `Referrer-Policy: same-origin`, under which same-origin requests keep a real
 * `Origin`), so only scripts omit both, and they can add `Origin` themselves.
 */
export function originCheck(publicOrigin: string | undefined, trustProxy = false): MiddlewareHandler {
  return async (c, next) => {
    if (!STATE_CHANGING_METHODS.has(c.req.method)) return next();
    const request: RequestOrigin = { host: c.req.header('host'), scheme: requestScheme(c, trustProxy) };
    const origin = c.req.header('origin');
    let allowed: boolean;
    if (origin !== undefined) {
      allowed = isAllowedOrigin(origin, request, publicOrigin);
    } else {
      const referer = c.req.header('referer');
      allowed = referer !== undefined && isAllowedOrigin(originOf(referer), request, publicOrigin);
    }
    if (!allowed) {
      return c.json({ error: { message: 'Forespørselen kommer fra et annet nettsted og er avvist' } }, 403);
    }
    return next();
  };
}

/**
 * The `connect-src` sources: this origin and its websocket twin. When PUBLIC_ORIGIN is
 * unknown we derive them from the request's Host, so the page can open `/ws` but
 * cannot open a socket to any other host (a classic exfiltration channel).
 */
function connectSources(c: Context, publicOrigin: string | undefined): string {
  const sources = ["'self'"];
  let host: string | undefined;
  let secure = false;
  if (publicOrigin) {
    const origin = originOf(publicOrigin);
    if (origin) {
      const url = new URL(origin);
      host = url.host;
      secure = url.protocol === 'https:';
    }
  } else {
    const h = c.req.header('host');
    if (h && SAFE_HOST_RE.test(h)) host = h;
    secure = new URL(c.req.url).protocol === 'https:';
  }
  if (host) sources.push(secure ? `wss://${host}` : `ws://${host} wss://${host}`);
  return sources.join(' ');
}

/**
 * Security headers for every response: a Content-Security-Policy that allows no
 * inline or foreign script (`script-src 'self'`), only same-origin connections and
 * workers, no framing (`frame-ancestors 'none'`), no `<base>` and same-origin form
 * targets; inline *style attributes* only (React and Lexical set them), never inline
 * `<style>`; `X-Content-Type-Options: nosniff`; `Referrer-Policy: same-origin` (not
 * `no-referrer`, which would make browsers send `Origin: null` on our own POSTs and
 * defeat the Origin check); `X-Frame-Options: DENY` for old browsers; and
 * Strict-Transport-Security only when served over https.
 */
export function securityHeaders(publicOrigin: string | undefined): MiddlewareHandler {
  const https = publicOrigin ? publicOrigin.startsWith('https:') : false;
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      styleSrcAttr: ["'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: [(c) => connectSources(c, publicOrigin)],
      workerSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
    referrerPolicy: 'same-origin',
    xFrameOptions: 'DENY',
    strictTransportSecurity: https ? 'max-age=31536000; includeSubDomains' : false,
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
  });
}
