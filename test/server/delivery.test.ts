/**
 * What the server sends a browser, byte for byte (raw HTTP, no client-side
 * decoding): the built client with long-lived caching for hashed assets and a
 * revalidated app shell, compressed; no source maps; API answers compressed with
 * an exact length; websocket messages compressed per message, with the inflated
 * size still under the message limit.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { createLineInDoc, getLinesMap } from '../../shared/doc/schema';
import { MAX_MESSAGE_BYTES } from '../../shared/protocol';
import { cookieWebSocket, startTestServer, tempDir, waitFor, type TestServer } from './serverHarness';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request with exactly these headers; the body as it came over the wire. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (a: RawAnswer): Buffer =>
  a.headers['content-encoding'] === 'br' ? zlib.brotliDecompressSync(a.body) : a.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(a.body) : a.body;

const SCRIPT = `export function main() {\n${Array.from({ length: 200 }, (_, i) => `  console.log("linje ${i} i budsjettet");`).join('\n')}\n}\n`;
const SHELL = '<!doctype html><html lang="nb"><head><title>Budsjettverkstedet</title></head><body><div id="root"></div><script type="module" src="/assets/main-Ab12Cd34.js"></script></body></html>';

let ts: TestServer;
let dir: string;
let cookie: string;

beforeAll(async () => {
  // A build as `vite build` leaves it: the shell, a hashed script with its precompressed twins, and a source map.
  dir = tempDir('budsjett-client-');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), SHELL);
  fs.writeFileSync(path.join(dir, 'assets/main-Ab12Cd34.js'), SCRIPT);
  fs.writeFileSync(path.join(dir, 'assets/main-Ab12Cd34.js.br'), zlib.brotliCompressSync(SCRIPT));
  fs.writeFileSync(path.join(dir, 'assets/main-Ab12Cd34.js.gz'), zlib.gzipSync(SCRIPT));
  fs.writeFileSync(path.join(dir, 'assets/main-Ab12Cd34.js.map'), '{"version":3,"sources":["../client/main.tsx"]}');
  ts = await startTestServer({ clientDir: dir });
  cookie = ts.auth.cookieFor('admin');
});

afterAll(async () => {
  await ts?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the built client', () => {
  it('serves a hashed script as immutable for a year, brotli or gzip as accepted, plain otherwise', async () => {
    const br = await raw(`${ts.url}/assets/main-Ab12Cd34.js`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.status).toBe(200);
    // A year: the longest max-age caches honour.
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(SCRIPT.length / 5);
    expect(decode(br).toString()).toBe(SCRIPT);

    const gz = await raw(`${ts.url}/assets/main-Ab12Cd34.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(decode(gz).toString()).toBe(SCRIPT);

    const plain = await raw(`${ts.url}/assets/main-Ab12Cd34.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
    // br;q=0 refuses brotli.
    expect((await raw(`${ts.url}/assets/main-Ab12Cd34.js`, { 'accept-encoding': 'br;q=0, gzip' })).headers['content-encoding']).toBe('gzip');
  });

  it('never serves a source map, and a missing asset is a 404, not the app shell', async () => {
    const map = await raw(`${ts.url}/assets/main-Ab12Cd34.js.map`);
    expect(map.status).toBe(404);
    expect(map.body.toString()).not.toContain('sources');
    const missing = await raw(`${ts.url}/assets/main-OldHash1.js`);
    expect(missing.status).toBe(404);
    expect(missing.body.toString()).not.toContain('<div id="root">');
  });

  it('serves the app shell at every app address, revalidated: no-cache with an ETag, 304 while unchanged', async () => {
    for (const address of ['/', '/packages/abc123', '/login?next=%2F', '/invite']) {
      const a = await raw(ts.url + address, { 'accept-encoding': 'br' });
      expect(a.status, address).toBe(200);
      expect(decode(a).toString(), address).toBe(SHELL);
      expect(a.headers['cache-control'], address).toBe('no-cache');
      expect(a.headers.etag, address).toMatch(/^"[A-Za-z0-9_-]+"$/);
      // The shell carries the security headers like every answer.
      expect(a.headers['content-security-policy'], address).toContain("script-src 'self'");
    }
    const first = await raw(`${ts.url}/packages/abc123`);
    const again = await raw(`${ts.url}/packages/abc123`, { 'if-none-match': first.headers.etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const changed = await raw(`${ts.url}/packages/abc123`, { 'if-none-match': '"something-else"' });
    expect(changed.status).toBe(200);
  });
});

describe('API answers', () => {
  let id: string;
  beforeAll(async () => {
    id = await ts.createPackage();
    const csv = ['seksjon;type;gruppe;tittel;2024;2025', ...Array.from({ length: 40 }, (_, i) => `Oppvekst;drift;tiltak;Tiltak nummer ${i} for skolen;${i},5;${i}`)].join('\n');
    const r = await ts.http('POST', `/api/packages/${id}/import`, { body: csv });
    expect(r.status).toBe(200);
  });

  it('are compressed with an exact Content-Length when large, and decode to the same JSON', async () => {
    const url = `${ts.url}/api/packages/${id}`;
    const plain = await raw(url, { cookie });
    const br = await raw(url, { cookie, 'accept-encoding': 'gzip, br' });
    const gz = await raw(url, { cookie, 'accept-encoding': 'gzip' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    for (const a of [br, gz]) {
      expect(Number(a.headers['content-length'])).toBe(a.body.length);
      expect(a.body.length).toBeLessThan(plain.body.length / 3);
      expect(JSON.parse(decode(a).toString())).toEqual(JSON.parse(plain.body.toString()));
      expect(a.headers.vary).toMatch(/accept-encoding/i);
    }
  });

  it('leave small answers and ZIP downloads (DOCX) as they are; text exports are compressed', async () => {
    const health = await raw(`${ts.url}/api/health`, { 'accept-encoding': 'br' });
    expect(health.headers['content-encoding']).toBeUndefined();
    const docx = await raw(`${ts.url}/api/packages/${id}/export?format=docx&scope=all`, { cookie, 'accept-encoding': 'br' });
    expect(docx.status).toBe(200);
    expect(docx.headers['content-encoding']).toBeUndefined();
    expect(docx.body.subarray(0, 2).toString()).toBe('PK');
    const csv = await raw(`${ts.url}/api/packages/${id}/export?format=csv&scope=all`, { cookie, 'accept-encoding': 'br' });
    expect(csv.headers['content-encoding']).toBe('br');
    expect(csv.headers['content-disposition']).toMatch(/^attachment/);
    expect(decode(csv).toString()).toContain('Tiltak nummer 39 for skolen');
  });
});

describe('websocket messages', () => {
  it('are compressed per message (permessage-deflate): a large first sync travels at a fraction of its size', async () => {
    const id = await ts.createPackage();
    // Fill the package through one provider, then measure what a second one receives when it joins.
    const writer = new Y.Doc();
    const a = new WebsocketProvider(ts.wsBase, id, writer, { WebSocketPolyfill: cookieWebSocket(cookie), disableBc: true });
    await waitFor(() => a.synced, 5000, 'the writer to sync');
    writer.transact(() => {
      for (let i = 0; i < 400; i++) createLineInDoc(writer, { ledger: 'drift', group: i % 2 ? 'tiltak' : 'inndekning', title: `Linje ${i} om skole og barnehage`, amounts: { '2024': String(i) } });
    });
    const stateBytes = Y.encodeStateAsUpdate(writer).length;
    const reader = new Y.Doc();
    const b = new WebsocketProvider(ts.wsBase, id, reader, { WebSocketPolyfill: cookieWebSocket(cookie), disableBc: true });
    try {
      await waitFor(() => getLinesMap(reader).size === 400, 10_000, 'the reader to receive every line');
      const socket = b.ws as unknown as WebSocket & { _socket: { bytesRead: number } };
      expect(socket.extensions).toContain('permessage-deflate');
      expect(stateBytes).toBeGreaterThan(50_000);
      expect(socket._socket.bytesRead).toBeLessThan(stateBytes / 2);
    } finally {
      a.destroy();
      b.destroy();
    }
  });

  it('a small compressed message that inflates past the message limit closes the socket with 1009', async () => {
    const id = await ts.createPackage();
    const ws = new WebSocket(`${ts.wsBase}/${id}`, { headers: { cookie }, perMessageDeflate: true });
    ws.binaryType = 'arraybuffer';
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    expect(ws.extensions).toContain('permessage-deflate');
    // Zeros deflate to a few kilobytes: small on the wire, over the limit once inflated.
    ws.send(new Uint8Array(MAX_MESSAGE_BYTES + 1), { compress: true });
    expect(await closed).toBe(1009);
  });
});
