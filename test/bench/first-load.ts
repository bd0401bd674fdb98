/**
 * First load on a slow line, in real Chromium against the real server and the
 * built client: the real 2023 package (test/export/fixture.ts, imported as a
 * package file) opened by its owner over a connection emulated by Chromium's
 * own network emulation (CDP `Network.emulateNetworkConditions`: 1.6 Mbit/s
 * down, 750 kbit/s up, 150 ms latency — Lighthouse's "slow 4G") applied to
 * every target of the browser context: the tab, the balance SharedWorker and
 * any dedicated worker (each is its own DevTools target; a page's emulation
 * alone would leave the worker unthrottled).
 *
 * Measured per visit, from navigation start (the page's `performance.timeOrigin`):
 * when every line of the package is in the grid, when the balance bar shows its
 * flags, and both; plus what went over the network — bytes per resource type,
 * script bytes, and the websocket connections opened (the package document
 * travels over them). A first visit starts with an empty cache; the second
 * visit is a new tab in the same browser profile, as when someone comes back
 * the next morning.
 *
 * `npm run bench -- first-load`. Never asserted.
 */
import os from 'node:os';
import zlib from 'node:zlib';
import { writePackageJson } from '../../shared/format/json';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, startEnv, type TestEnv } from '../e2e/harness';
import { seedPackage } from '../export/fixture';
import { Cdp, freePort } from './cdp';
import { startWireProxy, type WireProxy } from '../helpers/wireProxy';
import type { BenchTable } from './measure';

/** The emulated line: 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip. */
export const SLOW_LINE = { latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
/** Target from issue 14: grid and balance shown within this, document included. */
export const FIRST_LOAD_TARGET_MS = 3000;
/** First visits measured (each in a fresh browser profile); the median is reported. */
const FIRST_VISITS = Number(process.env.FIRST_LOAD_VISITS ?? 3);

interface RequestRecord {
  url: string;
  type: string;
  target: string;
  fromCache: boolean;
  status: number;
  bytes: number;
  encoding: string;
}

interface VisitResult {
  /** When the package view (header and balance bar) first rendered, before the document is in. */
  workspaceMs: number;
  gridMs: number;
  balanceMs: number;
  shownMs: number;
  requests: RequestRecord[];
  websockets: Array<{ url: string; target: string; extensions: string }>;
  /** Request lines that reached the server (through the counting proxy). */
  served: string[];
  /** Bytes the server sent, websocket frames included. */
  bytesDown: number;
}

/** Installed before any page script: stamps when the grid holds `lines` lines and when the balance flags appear. */
function observerScript(lines: number): string {
  return `(() => {
    const w = window;
    w.__firstLoad = { grid: null, balance: null, workspace: null };
    const check = () => {
      const f = w.__firstLoad;
      const now = performance.now();
      if (f.workspace === null && document.querySelector('.balance-bar')) f.workspace = now;
      if (f.grid === null && document.querySelectorAll('[data-col="title"][data-line-title]').length >= ${lines}) f.grid = now;
      if (f.balance === null && document.querySelector('.balance-bar .flag')) f.balance = now;
      if (f.grid !== null && f.balance !== null) obs.disconnect();
    };
    const obs = new MutationObserver(check);
    obs.observe(document, { subtree: true, childList: true });
  })()`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Throttles and watches every target of one browser context: auto-attaches to
 * new targets paused, applies the slow line, records their requests and
 * websockets, then lets them run.
 */
class ContextWatch {
  readonly requests = new Map<string, RequestRecord>();
  readonly websockets: VisitResult['websockets'] = [];
  readonly sessions = new Map<string, { type: string; targetId: string }>();
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly cdp: Cdp,
    readonly browserContextId: string,
    private readonly proxy: WireProxy,
  ) {
    this.stops.push(
      cdp.on('Target.attachedToTarget', (p) => void this.attached(p as unknown as AttachedEvent)),
      cdp.on('Network.responseReceived', (p, sid) => {
        if (!sid || !this.sessions.has(sid)) return;
        const r = p as { requestId: string; type: string; response: { url: string; status: number; fromDiskCache?: boolean; fromPrefetchCache?: boolean; fromServiceWorker?: boolean; headers: Record<string, string> } };
        const enc = Object.entries(r.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding')?.[1] ?? '';
        this.requests.set(`${sid}:${r.requestId}`, {
          url: r.response.url,
          type: r.type,
          target: this.sessions.get(sid)!.type,
          fromCache: !!(r.response.fromDiskCache || r.response.fromPrefetchCache || r.response.fromServiceWorker),
          status: r.response.status,
          bytes: 0,
          encoding: enc,
        });
      }),
      cdp.on('Network.loadingFinished', (p, sid) => {
        const r = p as { requestId: string; encodedDataLength: number };
        const rec = this.requests.get(`${sid}:${r.requestId}`);
        if (rec) rec.bytes = r.encodedDataLength;
      }),
      cdp.on('Network.webSocketHandshakeResponseReceived', (p, sid) => {
        if (!sid || !this.sessions.has(sid)) return;
        const r = p as { requestId: string; response: { headers: Record<string, string> } };
        const ext = Object.entries(r.response.headers).find(([k]) => k.toLowerCase() === 'sec-websocket-extensions')?.[1] ?? '';
        this.websockets.push({ url: this.wsUrls.get(`${sid}:${r.requestId}`) ?? '?', target: this.sessions.get(sid)!.type, extensions: ext });
      }),
      cdp.on('Network.webSocketCreated', (p, sid) => {
        const r = p as { requestId: string; url: string };
        this.wsUrls.set(`${sid}:${r.requestId}`, r.url);
      }),
    );
  }

  private readonly wsUrls = new Map<string, string>();
  /** Worker scripts already held back in this visit, by request line (to tell a fetch from a cache hit). */
  private readonly heldBack = new Map<string, number>();

  private async attached(e: AttachedEvent): Promise<void> {
    const { sessionId, targetInfo, waitingForDebugger } = e;
    const ours = targetInfo.browserContextId === this.browserContextId || (e.parentSession !== undefined && this.sessions.has(e.parentSession));
    if (process.env.DEBUG_FIRST_LOAD) console.log('attached', targetInfo.type, targetInfo.url, ours, waitingForDebugger);
    if (ours && THROTTLED_TARGETS.has(targetInfo.type)) {
      this.sessions.set(sessionId, { type: targetInfo.type, targetId: targetInfo.targetId });
      await this.cdp.send('Network.enable', {}, sessionId);
      await this.cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_LINE }, sessionId);
      // Dedicated workers of this target, paused until throttled as well.
      await this.cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId).catch(() => undefined);
    }
    if (waitingForDebugger) await this.cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
  }

  /** Forgets what was recorded (between visits). */
  reset(): void {
    this.requests.clear();
    this.websockets.length = 0;
    this.heldBack.clear();
    this.proxy.reset();
  }

  /**
   * A SharedWorker's main script is fetched by the browser process before the
   * worker's target exists, so no target's emulation covers it. Paused at the
   * browser level once its response is in, it is held back for what the slow line
   * would take (the latency plus its bytes on the wire at the download rate), as
   * DevTools does for the requests it emulates, and counted.
   */
  async throttleWorkerScripts(): Promise<void> {
    this.stops.push(
      this.cdp.on('Fetch.requestPaused', (p, sid) => {
        if (sid) return;
        void this.holdBack(p as unknown as PausedEvent);
      }),
    );
    await this.cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*/assets/*worker*.js', requestStage: 'Response' }] });
  }

  private async holdBack(e: PausedEvent): Promise<void> {
    // Paused as well when it came from the browser's cache: only what reached the server crossed the line.
    const line = `GET ${new URL(e.request.url).pathname}`;
    const fetched = this.proxy.requests.filter((r) => r === line).length > (this.heldBack.get(line) ?? 0);
    if (!fetched) {
      this.requests.set(`fetch:${e.requestId}`, { url: e.request.url, type: 'Script', target: 'shared_worker (script)', fromCache: true, status: e.responseStatusCode ?? 0, bytes: 0, encoding: '' });
      await this.cdp.send('Fetch.continueResponse', { requestId: e.requestId }).catch(() => undefined);
      return;
    }
    this.heldBack.set(line, (this.heldBack.get(line) ?? 0) + 1);
    const headers = Object.fromEntries((e.responseHeaders ?? []).map((h) => [h.name.toLowerCase(), h.value]));
    const encoding = headers['content-encoding'] ?? '';
    let wire = Number(headers['content-length'] ?? NaN);
    if (!Number.isFinite(wire)) {
      // No length given: the body comes decoded; its size on the wire is what the server's encoding makes of it.
      const body = await this.cdp.send<{ body: string; base64Encoded: boolean }>('Fetch.getResponseBody', { requestId: e.requestId });
      const raw = Buffer.from(body.body, body.base64Encoded ? 'base64' : 'utf8');
      wire = encoding === 'br' ? zlib.brotliCompressSync(raw).length : encoding === 'gzip' ? zlib.gzipSync(raw).length : raw.length;
    }
    const headerBytes = (e.responseHeaders ?? []).reduce((n, h) => n + h.name.length + h.value.length + 4, 0);
    const bytes = wire + headerBytes;
    this.requests.set(`fetch:${e.requestId}`, { url: e.request.url, type: 'Script', target: 'shared_worker (script)', fromCache: false, status: e.responseStatusCode ?? 0, bytes, encoding });
    await sleep(SLOW_LINE.latency + (bytes / SLOW_LINE.downloadThroughput) * 1000);
    await this.cdp.send('Fetch.continueResponse', { requestId: e.requestId }).catch(() => undefined);
  }

  served(): string[] {
    return this.proxy.requests;
  }

  bytesDown(): number {
    return this.proxy.bytesDown;
  }

  stop(): void {
    for (const s of this.stops) s();
  }
}

/** The targets a web page runs in (not the browser's own UI, which may share the profile). */
const THROTTLED_TARGETS = new Set(['page', 'iframe', 'worker', 'shared_worker', 'service_worker']);

interface PausedEvent {
  requestId: string;
  request: { url: string };
  responseStatusCode?: number;
  responseHeaders?: Array<{ name: string; value: string }>;
}

interface AttachedEvent {
  sessionId: string;
  targetInfo: { targetId: string; type: string; url: string; browserContextId?: string };
  waitingForDebugger: boolean;
  parentSession?: string;
}

async function visit(cdp: Cdp, watch: ContextWatch, url: string, lines: number): Promise<VisitResult> {
  watch.reset();
  const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank', browserContextId: watch.browserContextId });
  let sessionId: string | undefined;
  for (let i = 0; i < 200 && !sessionId; i++) {
    sessionId = [...watch.sessions].find(([, s]) => s.targetId === targetId)?.[0];
    if (!sessionId) await sleep(10);
  }
  if (!sessionId) throw new Error('the new tab was not attached');
  await cdp.send('Page.enable', {}, sessionId);
  await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: observerScript(lines) }, sessionId);
  await cdp.send('Page.navigate', { url }, sessionId);
  const deadline = Date.now() + 60_000;
  let stamps: { grid: number | null; balance: number | null; workspace: number | null } | null = null;
  while (Date.now() < deadline) {
    const r = await cdp.send<{ result: { value?: { grid: number | null; balance: number | null; workspace: number | null } } }>('Runtime.evaluate', { expression: 'window.__firstLoad ?? null', returnByValue: true }, sessionId).catch(() => null);
    const v = r?.result.value;
    if (v && v.grid !== null && v.balance !== null) {
      stamps = v;
      break;
    }
    await sleep(50);
  }
  if (!stamps) throw new Error(`the package view did not show within 60 s (${url})`);
  // Let late requests (the worker, the comments socket) finish before counting.
  await sleep(2000);
  const result: VisitResult = {
    workspaceMs: Math.round(stamps.workspace ?? NaN),
    gridMs: Math.round(stamps.grid!),
    balanceMs: Math.round(stamps.balance!),
    shownMs: Math.round(Math.max(stamps.grid!, stamps.balance!)),
    requests: [...watch.requests.values()],
    websockets: [...watch.websockets],
    served: [...watch.served()],
    bytesDown: watch.bytesDown(),
  };
  if (process.env.DEBUG_FIRST_LOAD) {
    const pageOrigin = await cdp.send<{ result: { value: number } }>('Runtime.evaluate', { expression: 'performance.timeOrigin', returnByValue: true }, sessionId);
    for (const [sid, t] of watch.sessions) {
      if (t.type !== 'shared_worker') continue;
      const w = await cdp.send<{ result: { value: unknown } }>('Runtime.evaluate', { expression: 'JSON.stringify({ origin: performance.timeOrigin, now: performance.now() })', returnByValue: true }, sid).catch((e) => ({ result: { value: String(e) } }));
      console.log('worker', w.result.value, 'page origin', pageOrigin.result.value);
    }
    for (const r of result.requests) console.log(r.target, r.type, r.status, r.fromCache, r.bytes, r.encoding, r.url);
    console.log('served:', result.served.join(', '), result.bytesDown);
  }
  await cdp.send('Target.closeTarget', { targetId });
  await sleep(300);
  return result;
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function isScript(r: RequestRecord): boolean {
  return r.type === 'Script' || /\.m?js(\?|$)/.test(r.url);
}

function summary(label: string, v: VisitResult): Record<string, string | number> {
  const scripts = v.requests.filter(isScript).filter((r) => new URL(r.url).pathname.startsWith('/assets/'));
  const fetched = scripts.filter((r) => !r.fromCache);
  const scriptLines = v.served.filter((l) => /^GET \/assets\/.*\.js$/.test(l));
  return {
    visit: label,
    'view ms': v.workspaceMs,
    'grid ms': v.gridMs,
    'balance ms': v.balanceMs,
    'both shown ms': v.shownMs,
    'requests to the server': v.served.length,
    'scripts from the server': `${scriptLines.length} (${kib(sum(fetched.map((r) => r.bytes)))} KiB)`,
    'scripts from the cache': scripts.length - fetched.length,
    'KiB from the server (websockets included)': kib(v.bytesDown),
    websockets: v.websockets.length,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Imports the real 2023 package as the admin's package file; returns its id and line count. */
async function seed(env: TestEnv, admin: ApiClient): Promise<{ id: string; lines: number }> {
  const pkg = seedPackage();
  const r = await admin.request<{ id: string }>('POST', '/api/packages/import', writePackageJson(pkg), 'application/json');
  if (r.status !== 201 && r.status !== 200) throw new Error(`package import: ${r.status} ${JSON.stringify(r.body)}`);
  void env;
  return { id: r.body.id, lines: pkg.lines.length };
}

/** The first-load section of `npm run bench`. */
export async function runFirstLoadBench(): Promise<BenchTable[]> {
  const port = await freePort();
  const env = await startEnv({ browserArgs: [`--remote-debugging-port=${port}`, '--remote-debugging-address=127.0.0.1'] });
  const cdp = await Cdp.connect(port);
  let proxy: WireProxy | null = null;
  try {
    const admin = new ApiClient(env.url);
    await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const { id, lines } = await seed(env, admin);
    // The browser goes through the counting proxy, so the table says what really crossed the line.
    proxy = await startWireProxy(env.server.port);
    const url = `http://127.0.0.1:${proxy.port}/packages/${id}`;
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });

    const rows: Array<Record<string, string | number>> = [];
    const firsts: VisitResult[] = [];
    let second: VisitResult | null = null;
    for (let i = 0; i < FIRST_VISITS; i++) {
      const { browserContextId } = await cdp.send<{ browserContextId: string }>('Target.createBrowserContext', { disposeOnDetach: true });
      const watch = new ContextWatch(cdp, browserContextId, proxy);
      await watch.throttleWorkerScripts();
      await cdp.send('Storage.setCookies', { browserContextId, cookies: [{ name: 'session', value: admin.sessionToken(), domain: new URL(env.url).hostname, path: '/', httpOnly: true, sameSite: 'Lax' }] });
      const first = await visit(cdp, watch, url, lines);
      firsts.push(first);
      rows.push(summary(`first visit #${i + 1} (empty cache)`, first));
      if (i === FIRST_VISITS - 1) {
        second = await visit(cdp, watch, url, lines);
        rows.push(summary('second visit (same profile, new tab)', second));
      }
      watch.stop();
      await cdp.send('Fetch.disable');
      await cdp.send('Target.disposeBrowserContext', { browserContextId });
    }
    const med = median(firsts.map((f) => f.shownMs));
    const last = firsts.at(-1)!;
    const scriptList = last.requests
      .filter(isScript)
      .map((r) => `${new URL(r.url).pathname} ${kib(r.bytes)} KiB${r.encoding ? ` (${r.encoding})` : ''} [${r.target}]`)
      .join(', ');
    const sockets = last.websockets.map((w) => `${new URL(w.url).pathname} [${w.target}]${w.extensions ? ` ${w.extensions}` : ''}`).join(', ');
    const secondScripts = second ? second.requests.filter(isScript).filter((r) => new URL(r.url).pathname.startsWith('/assets/')) : [];
    return [
      {
        title: 'First load of the real 2023 package at 1.6 Mbit/s, 150 ms',
        rows,
        notes: [
          `Chromium ${env.browser.version()}, node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; the package of test/export/fixture.ts (${lines} lines), imported as a package file, opened by its owner.`,
          `Network emulation on every target of the profile (tab, SharedWorker, dedicated workers): ${SLOW_LINE.downloadThroughput * 8 / 1e6} Mbit/s down, ${SLOW_LINE.uploadThroughput * 8 / 1e3} kbit/s up, ${SLOW_LINE.latency} ms latency.`,
          `Target: grid and balance shown within ${FIRST_LOAD_TARGET_MS} ms; median of ${FIRST_VISITS} first visits ${med} ms (${med <= FIRST_LOAD_TARGET_MS ? 'met' : 'NOT met'}).`,
          `Scripts of the last first visit: ${scriptList || 'none'}.`,
          `Websockets of the last first visit: ${sockets || 'none'}.`,
          `Second visit: ${second?.served.filter((l) => /^GET \/assets\//.test(l)).length ?? '?'} asset requests reached the server; ${secondScripts.filter((r) => r.fromCache).length} scripts came from the browser's cache. Requests that reached the server: ${second?.served.join(', ') ?? '?'}.`,
          `"KiB from the server" is every byte the server sent during the visit (HTTP as encoded, websocket frames as compressed), counted by a TCP proxy between browser and server; the other columns come from DevTools.`,
        ],
      },
    ];
  } finally {
    cdp.close();
    await proxy?.close();
    await env.close();
  }
}
