import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { Context, MiddlewareHandler } from 'hono';
import { getMimeType } from 'hono/utils/mime';

/**
 * How long a browser may keep a hashed asset (`/assets/*`) without asking again:
 * a year, the longest `max-age` caches honour. Safe because a changed file gets a new
 * name from the build.
 */
export const ASSET_MAX_AGE_S = 365 * 24 * 60 * 60;

/** Smaller bodies are sent as they are: compressing them saves less than the encoding header costs. */
export const COMPRESS_MIN_BYTES = 1024;

/** Content types worth compressing (text, scripts, JSON, SVG); images and archives are compressed already. */
export const COMPRESSIBLE_TYPE_RE = /^(text\/|application\/(javascript|json|xml|manifest\+json)|image\/svg\+xml)/i;

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** The encodings we serve, best first; `identity` is the file as built. */
type Encoding = 'br' | 'gzip' | 'identity';

/** One servable file, read once: its bytes per encoding (precompressed by the build or compressed here once). */
interface ServedFile {
  type: string;
  etag: string;
  bodies: Partial<Record<Encoding, Buffer>>;
  compressible: boolean;
}

/**
 * The encoding to send for an `Accept-Encoding` header: brotli if accepted (q > 0),
 * else gzip, else none. `identity` when the header is missing.
 */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name.trim(), q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return 'identity';
}

/** Compresses `body` for `encoding` (brotli at `quality`, gzip at level 9 for files, 6 for answers). */
export async function compressBody(body: Buffer, encoding: Exclude<Encoding, 'identity'>, quality: number): Promise<Buffer> {
  if (encoding === 'br') {
    return brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } });
  }
  return gzip(body, { level: quality >= 9 ? 9 : 6 });
}

/** Whether If-None-Match names this ETag (weak comparison, `*` or a list). */
function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/**
 * Serves the built client from `dir` (the `vite build` output) with the caching a
 * hashed build allows, for GET and HEAD outside `/api/` and `/ws/`:
 * - `/assets/*` (file names carry a content hash): `Cache-Control: public,
 *   max-age=31536000, immutable`, so a second visit downloads no script again; an
 *   asset that does not exist answers 404, never the app shell (a stale page asking
 *   for an old chunk must fail as a script, not parse HTML as JavaScript);
 * - every other address: the file if the build has one, else the app shell
 *   `index.html` (the SPA fallback), both with `Cache-Control: no-cache` and a strong
 *   ETag of the content, so the browser revalidates and gets 304 while unchanged;
 * - source maps (`*.map`) are never served (404), even if a build produced them;
 * - text files are sent brotli- or gzip-compressed when the browser accepts it (the
 *   `.br`/`.gz` files the build wrote next to them, or compressed here once and kept),
 *   with `Vary: Accept-Encoding`.
 * Files are read on first request and kept in memory (the build is about a megabyte).
 */
export function serveClient(dir: string): MiddlewareHandler {
  const root = path.resolve(dir);
  const cache = new Map<string, Promise<ServedFile | null>>();

  const load = (file: string): Promise<ServedFile | null> => {
    let entry = cache.get(file);
    if (!entry) {
      entry = readServedFile(file);
      cache.set(file, entry);
    }
    return entry;
  };

  return async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const urlPath = c.req.path;
    if (urlPath.startsWith('/api/') || urlPath.startsWith('/ws/')) return next();
    let rel: string;
    try {
      rel = decodeURIComponent(urlPath);
    } catch {
      return c.text('Not found', 404);
    }
    if (rel.endsWith('.map')) return c.text('Not found', 404);
    const isAsset = rel.startsWith('/assets/');
    const candidate = path.join(root, rel);
    // Only files inside the build directory; `..` and absolute tricks fall back to the shell.
    const inside = candidate.startsWith(root + path.sep);
    const file = inside && !rel.includes('\0') && rel !== '/' ? await load(candidate) : null;
    if (!file && isAsset) return c.text('Not found', 404);
    const served = file ?? (await load(path.join(root, 'index.html')));
    if (!served) return next();
    return send(c, served, isAsset && file !== null);
  };
}

async function readServedFile(file: string): Promise<ServedFile | null> {
  let body: Buffer;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return null;
    body = await fs.readFile(file);
  } catch {
    return null;
  }
  const type = getMimeType(file) ?? 'application/octet-stream';
  const compressible = COMPRESSIBLE_TYPE_RE.test(type) && body.length >= COMPRESS_MIN_BYTES;
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const bodies: ServedFile['bodies'] = { identity: body };
  if (compressible) {
    for (const [enc, ext] of [['br', '.br'], ['gzip', '.gz']] as const) {
      const pre = await fs.readFile(file + ext).catch(() => null);
      // Best compression when the build did not precompress (done once per file and process).
      bodies[enc] = pre ?? (await compressBody(body, enc, 11));
    }
  }
  return { type, etag, bodies, compressible };
}

function send(c: Context, file: ServedFile, immutable: boolean): Response {
  const encoding = file.compressible ? chooseEncoding(c.req.header('accept-encoding')) : 'identity';
  const body = file.bodies[encoding] ?? file.bodies.identity!;
  // The ETag names the representation: a gzip body is not byte-identical to the brotli one.
  const etag = encoding === 'identity' ? file.etag : file.etag.replace(/"$/, `-${encoding}"`);
  const headers: Record<string, string> = {
    'content-type': file.type,
    'cache-control': immutable ? `public, max-age=${ASSET_MAX_AGE_S}, immutable` : 'no-cache',
    etag,
  };
  if (file.compressible) headers.vary = 'Accept-Encoding';
  const ifNoneMatch = c.req.header('if-none-match');
  if (etagMatches(ifNoneMatch, file.etag) || etagMatches(ifNoneMatch, etag)) return c.body(null, 304, headers);
  if (encoding !== 'identity') headers['content-encoding'] = encoding;
  headers['content-length'] = String(body.length);
  if (c.req.method === 'HEAD') return c.body(null, 200, headers);
  return c.body(new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, body.byteLength), 200, headers);
}
