import type { Hono as HonoType } from 'hono';
import { Hono } from 'hono';
import { createNodeWebSocket } from '@hono/node-ws';
import { type AuthProvider } from './auth/types';
import { MAX_MESSAGE_BYTES } from '../shared/protocol';
import { originCheck, securityHeaders } from './auth/security';
import { compressAnswers } from './compress';
import { errorBody } from './auth/validation';
import { createPackageExporters } from './export/exporters';
import { startHeartbeat } from './heartbeat';
import { createPackageAccess } from './packages/access';
import { AgreementHub, ConflictHub } from './hooks';
import { agreementRoutes } from './packages/agreement';
import { mentionRoutes } from './packages/mentions';
import { proposalRoutes } from './packages/proposals';
import { versionRoutes } from './packages/versions';
import { conflictRoutes } from './packages/conflicts';
import { packageCrudRoutes } from './packages/crud';
import { deletedLineRoutes } from './packages/deletedLines';
import type { PackageRouteDeps } from './packages/deps';
import { exportRoutes, type PackageExporter } from './packages/export';
import { entryRoutes } from './packages/entries';
import { reportRoutes } from './packages/report';
import { uploadRoutes } from './packages/uploads';
import { UpdateRefusedError, type RoomLogger, type RoomRegistry } from './sync';
import type { DocStorage } from './storage/types';
import { WS_PER_MESSAGE_DEFLATE, registerSyncRoutes } from './ws';

/**
 * What `createApp` is built from: who people are (`auth`), where packages are stored,
 * the live rooms every write goes through, the public origin the Origin checks
 * compare against, and the logger for failed requests.
 */
export interface AppDeps {
  auth: AuthProvider;
  storage: DocStorage;
  rooms: RoomRegistry;
  /** The conflicts of amount cells (the rooms' hook and these routes share it); default: a hub without audit completion. */
  conflicts?: ConflictHub;
  /** The agreement hub (the rooms' lock and parties hook and these routes share it); default: a hub of its own. */
  agreement?: AgreementHub;
  publicOrigin: string | undefined;
  /** TRUST_PROXY: a reverse proxy terminates TLS; its `X-Forwarded-Proto` names the scheme. */
  trustProxy?: boolean;
  log: RoomLogger;
  /** Export formats by name; defaults to every format of server/export (docx, xlsx, csv, md, html, json). */
  exporters?: Record<string, PackageExporter>;
  /** Sub-apps mounted at `/` before the package routes (e.g. the accounts and members routes). */
  routes?: HonoType[];
  /**
   * Whether the server has finished starting (the first administrator exists);
   * until then `/api/health` answers 503. Default: ready from the start.
   */
  ready?: () => boolean;
}

/**
 * The collaboration server's Hono app: the package HTTP API (server/packages/) and
 * the websocket endpoints, with security headers on every response and the Origin
 * check on every state-changing request. Every package route and the websocket
 * upgrade go through one access resolver, which consults `auth` on every request:
 * no session → 401, not a member (or no such package, or a malformed id) → the same
 * 404, a role that may not do it → 403. Errors are JSON `{ error: { message } }`
 * (Norwegian), except a refused import, which answers `{ error: { row, column, value,
 * message } }`; a write the document rules refuse answers 422; an unexpected failure
 * is logged and answers 500. `/api/health`
 * answers 200 `{ ok: true, ready: true, accepting, rooms }` only once `ready()` holds,
 * 503 `{ ok: false, ready: false }` before.
 */
export function createApp(deps: AppDeps): {
  app: HonoType;
  injectWebSocket: ReturnType<typeof createNodeWebSocket>['injectWebSocket'];
  /** Stops the websocket heartbeat and the sync routes' listeners. */
  close(): void;
} {
  const app = new Hono();
  const nodeWs = createNodeWebSocket({ app });
  // ws enforces the limit while reading the frame and closes with 1009 on its own.
  nodeWs.wss.options.maxPayload = MAX_MESSAGE_BYTES;
  // Read by ws at each upgrade, so setting it on the created server applies to every socket.
  nodeWs.wss.options.perMessageDeflate = { ...WS_PER_MESSAGE_DEFLATE, zlibDeflateOptions: { ...WS_PER_MESSAGE_DEFLATE.zlibDeflateOptions } };
  const stopHeartbeat = startHeartbeat(nodeWs.wss);
  const { auth, storage, rooms } = deps;
  const access = createPackageAccess({ auth, packageExists: async (id) => (await storage.getPackage(id)) !== null });
  const routeDeps: PackageRouteDeps = { auth, storage, rooms, access };
  const agreement = deps.agreement ?? new AgreementHub(storage);

  app.use('*', securityHeaders(deps.publicOrigin));
  app.use('/api/*', compressAnswers());
  app.use('/api/*', originCheck(deps.publicOrigin, deps.trustProxy));
  app.onError((err, c) => {
    // A server write a room hook refused (it would break the document schema): nothing was stored.
    if (err instanceof UpdateRefusedError) {
      deps.log.warn(`HTTP ${c.req.method} ${c.req.path}: refused by the document rules: ${err.message}`);
      return c.json(errorBody('Endringen følger ikke dokumentformatet og ble ikke lagret'), 422);
    }
    deps.log.error(`HTTP ${c.req.method} ${c.req.path} failed`, err);
    return c.json(errorBody('Noe gikk galt på serveren'), 500);
  });

  app.get('/api/health', (c) => {
    // A scripted install waits for this before logging in: not ready until the first administrator exists.
    if (deps.ready && !deps.ready()) return c.json({ ok: false, ready: false }, 503);
    return c.json({ ok: true, ready: true, accepting: rooms.accepting, rooms: rooms.list().length });
  });

  for (const r of deps.routes ?? []) app.route('/', r);
  app.route('/', packageCrudRoutes(routeDeps));
  app.route('/', uploadRoutes(routeDeps));
  app.route('/', reportRoutes(routeDeps));
  app.route('/', entryRoutes(routeDeps));
  app.route('/', deletedLineRoutes(routeDeps));
  app.route('/', conflictRoutes({ ...routeDeps, conflicts: deps.conflicts ?? new ConflictHub(storage) }));
  app.route('/', exportRoutes({ ...routeDeps, agreement, exporters: deps.exporters ?? createPackageExporters() }));
  app.route('/', agreementRoutes({ ...routeDeps, agreement }));
  app.route('/', versionRoutes({ ...routeDeps, agreement }));
  app.route('/', proposalRoutes({ ...routeDeps, agreement }));
  app.route('/', mentionRoutes(routeDeps));

  const stopSync = registerSyncRoutes(app, nodeWs.upgradeWebSocket, { auth, rooms, access, publicOrigin: deps.publicOrigin, trustProxy: deps.trustProxy ?? false, log: deps.log });

  return {
    app,
    injectWebSocket: nodeWs.injectWebSocket,
    close: () => {
      stopHeartbeat();
      stopSync();
    },
  };
}
