import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AuthProvider } from './auth/types';
import { createApp } from './app';
import type { PackageExporter } from './packages/export';
import { AgreementHub, ConflictHub, MemberDirectory, packageHooks, type AgreementRelay } from './hooks';

/** Cluster bus kind of lock and agreement changes. */
const BUS_AGREEMENT = 'agreement';
import { RoomRegistry, type RoomHooks, type RoomLogger, type StorageRetryPolicy } from './sync';
import { serveClient } from './static';
import { clusteredAuth, localCluster, type Cluster } from './cluster';
import type { DocStorage } from './storage/types';
import type { ReadinessCheck } from './readiness';

export interface StartServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  auth: AuthProvider;
  storage: DocStorage;
  publicOrigin?: string | undefined;
  /** TRUST_PROXY=1: behind a reverse proxy that sets `X-Forwarded-Proto`/`-For`. */
  trustProxy?: boolean;
  roomIdleTimeoutMs?: number;
  log?: RoomLogger;
  /** Serve the built client from this directory (see `serveClient`: caching, compression, the SPA fallback). */
  clientDir?: string;
  exporters?: Record<string, PackageExporter>;
  /** Sub-apps mounted before the package routes (the accounts routes). */
  routes?: Hono[];
  /**
   * First-start work (the accounts bootstrap) run once the server listens, so it
   * knows the real port (a printed setup link carries it); `/api/health` answers 503
   * until it has completed, and `startServer` resolves only then. If it throws, the
   * server is closed again and `startServer` rejects with that error.
   */
  bootstrap?: (server: RunningServer) => Promise<void>;
  /** Compaction thresholds (tests lower them). */
  maxLogUpdates?: number;
  maxLogBytes?: number;
  /** The rooms' hooks, in order (default: `packageHooks()`: schema upgrade, audit trail, conflicts, package touch). */
  hooks?: RoomHooks[];
  /** Dependencies `/api/ready` checks (PostgreSQL, Redis). */
  readiness?: readonly ReadinessCheck[];
  /**
   * The other instances (REDIS_URL): their bus carries membership changes and ended
   * sessions, their fan-out hooks follow the rooms. Default: this process alone. The
   * server does not close it; its owner does, after `close()`.
   */
  cluster?: Cluster;
  /** Whether a failed storage append is retried, and when (see `StorageRetryPolicy`; default: never). */
  storageRetry?: StorageRetryPolicy;
}

export interface RunningServer {
  port: number;
  /** `http://127.0.0.1:<port>` (or the host given). */
  url: string;
  rooms: RoomRegistry;
  /**
   * Graceful stop: stops accepting, stores everything pending, closes every socket
   * with 1012 (so providers reconnect), closes the HTTP server. The storage stays
   * open; its owner closes it.
   */
  close(): Promise<void>;
}

/**
 * Starts the collaboration server (HTTP API + websockets) on `port`. Used by
 * main.ts (through server/start.ts), the tests (port 0) and the benchmarks. The
 * membership listener is wired here, so a role change reaches open sockets at once.
 * With `bootstrap`, resolves once it has completed and `/api/health` answers 200.
 */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const log = opts.log ?? console;
  // One hub for the rooms' conflict hook and the conflicts routes (their notices reach the same sockets).
  const conflicts = new ConflictHub(opts.storage);
  // One hub for the rooms' lock and parties rules and the agreement routes (a lock reaches the rooms at once).
  const agreement = new AgreementHub(opts.storage);
  const cluster = opts.cluster ?? localCluster(log);
  // Membership changes and ended sessions of every instance reach this one's sockets.
  const clustered = clusteredAuth(opts.auth, cluster.bus);
  // A lock, an unlock or a sign-off on any instance reaches this one's rooms and sockets at once.
  agreement.relay = (change) => cluster.bus.publish(BUS_AGREEMENT, { from: cluster.instanceId, change });
  const stopAgreementRelay = cluster.bus.subscribe(BUS_AGREEMENT, (payload) => {
    const { from, change } = payload as { from?: string; change?: AgreementRelay };
    if (from === cluster.instanceId || !change) return;
    agreement.applyRemote(change).catch((err: unknown) => log.warn(`agreement change from another instance failed: ${String(err)}`));
  });
  // Who may be mentioned in a comment: the members of each package whose comments room is loaded, following every change.
  const members = new MemberDirectory((packageId) => clustered.auth.listMemberIds(packageId));
  const rooms = new RoomRegistry({
    storage: opts.storage,
    log,
    hooks: [...(opts.hooks ?? packageHooks({ conflicts, agreement, members })), ...cluster.hooks],
    ...(opts.storageRetry ? { storageRetry: opts.storageRetry } : {}),
    ...(opts.roomIdleTimeoutMs !== undefined ? { idleTimeoutMs: opts.roomIdleTimeoutMs } : {}),
    ...(opts.maxLogUpdates !== undefined ? { maxLogUpdates: opts.maxLogUpdates } : {}),
    ...(opts.maxLogBytes !== undefined ? { maxLogBytes: opts.maxLogBytes } : {}),
  });
  let ready = opts.bootstrap === undefined;
  const { app, injectWebSocket, close: closeApp } = createApp({
    auth: clustered.auth,
    storage: opts.storage,
    rooms,
    conflicts,
    agreement,
    publicOrigin: opts.publicOrigin,
    trustProxy: opts.trustProxy ?? false,
    log,
    ...(opts.exporters ? { exporters: opts.exporters } : {}),
    ...(opts.routes ? { routes: opts.routes } : {}),
    ready: () => ready,
    ...(opts.readiness ? { readiness: opts.readiness } : {}),
  });
  // The built client: hashed assets cached for good, the app shell revalidated, every other address gets the shell (SPA fallback).
  if (opts.clientDir) app.use('/*', serveClient(opts.clientDir));
  const stopMembership = clustered.auth.onMembershipChange((change) => {
    members.apply(change);
    rooms.applyMembershipChange(change);
  });
  const unsubscribe = () => {
    stopMembership();
    clustered.stop();
    stopAgreementRelay();
  };
  const host = opts.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: opts.port, hostname: host }, () => resolve(s as Server));
  });
  injectWebSocket(server);
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | null = null;
  const running: RunningServer = {
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    rooms,
    close() {
      closing ??= (async () => {
        unsubscribe();
        closeApp();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await rooms.shutdown();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
  if (opts.bootstrap) {
    try {
      await opts.bootstrap(running);
    } catch (err) {
      await running.close();
      throw err;
    }
    ready = true;
  }
  return running;
}
