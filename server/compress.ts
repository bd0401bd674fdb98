import type { MiddlewareHandler } from 'hono';
import { COMPRESS_MIN_BYTES, COMPRESSIBLE_TYPE_RE, chooseEncoding, compressBody } from './static';

/**
 * Brotli quality for answers compressed per request: a few milliseconds for a
 * megabyte of JSON or CSV, and most of the gain of the slow maximum (11), which the
 * static files get once.
 */
export const BROTLI_ANSWER_QUALITY = 5;

/**
 * Compresses the API's answers (JSON, CSV, Markdown, HTML exports) with brotli or
 * gzip, whichever the request's `Accept-Encoding` prefers (brotli first), when the
 * body is at least `COMPRESS_MIN_BYTES` of a text type, the answer is not already
 * encoded, and it does not say `Cache-Control: no-transform`. The compressed body
 * keeps an exact `Content-Length` (downloads can show their progress), and every
 * compressible answer says `Vary: Accept-Encoding`. Binary downloads (DOCX, XLSX)
 * are ZIP files already and pass unchanged; so do 1xx, 204, 206 and 304 answers and
 * HEAD requests. The work runs on libuv's thread pool, not the event loop.
 */
export function compressAnswers(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    if (c.req.method === 'HEAD' || res.status < 200 || res.status === 204 || res.status === 206 || res.status === 304) return;
    if (!res.body || res.headers.has('content-encoding')) return;
    if (!COMPRESSIBLE_TYPE_RE.test(res.headers.get('content-type') ?? '')) return;
    if (/(^|,)\s*no-transform\s*(,|$)/i.test(res.headers.get('cache-control') ?? '')) return;
    const declared = res.headers.get('content-length');
    if (declared !== null && Number(declared) < COMPRESS_MIN_BYTES) return;
    // A cache must not hand a brotli answer to a client that asked without it.
    const vary = res.headers.get('vary');
    if (!vary || !/accept-encoding/i.test(vary)) res.headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    if (encoding === 'identity') return;
    const body = Buffer.from(await res.arrayBuffer());
    const out = body.length < COMPRESS_MIN_BYTES ? body : await compressBody(body, encoding, BROTLI_ANSWER_QUALITY);
    // Setting c.res copies the old headers onto the new answer; the encoding and length are set after.
    c.res = new Response(new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength), res);
    if (out !== body) c.res.headers.set('content-encoding', encoding);
    c.res.headers.set('content-length', String(out.length));
  };
}
