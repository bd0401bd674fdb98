import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import { Hono } from 'hono';
import type { RoomRegistry } from '../sync';
import type { DocStorage } from '../storage/types';
import { createPackageAccess } from '../packages/access';
import { packageInfoReader } from '../packages/info';
import { memberRoutes } from '../packages/members';
import { bootstrapAccounts, type BootstrapOutcome } from './bootstrap';
import { readAuthConfig, type AuthConfig } from './config';
import { createAccountsAuth, type AccountsAuth } from './provider';
import { createAuthRoutes } from './routes';
import { AuthStore } from './store';

/** How often expired sessions, invitations and old login failures are deleted. */
export const AUTH_PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** How often sessions past their absolute expiry are ended (and their sockets closed). */
export const SESSION_SWEEP_INTERVAL_MS = 60 * 1000;

/** Everything the collaboration server needs from the accounts module. */
export interface Accounts {
  store: AuthStore;
  /** The AuthProvider to give `createApp` as `auth`. */
  auth: AccountsAuth;
  /** The accounts routes and the package members routes, to give `createApp` in `routes`. */
  routes: Hono;
  config: AuthConfig;
  /** First-start bootstrap (admin from env, or a printed setup link); call once at start. */
  bootstrap(publicOrigin: string, log?: (line: string) => void): Promise<BootstrapOutcome>;
  /** Stops the background timers. */
  close(): void;
}

/** What `installAccounts` needs from the collaboration server. */
export interface InstallAccountsOptions {
  /** The server's SQLite database (the accounts tables live beside the documents)… */
  db?: BetterSqlite3.Database;
  /** …or its PostgreSQL pool (`DATABASE_URL`; `ACCOUNT_MIGRATIONS` have run). Exactly one of the two. */
  pool?: pg.Pool;
  /** The package registry (members of a deleted package get 404). */
  storage: DocStorage;
  /**
   * When given, member parties are checked against the package's coalition in its
   * doc. A function, because the registry is created by `startServer`, after the
   * routes that need it.
   */
  rooms?: RoomRegistry | (() => RoomRegistry | undefined);
  publicOrigin: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Overrides SESSION_SWEEP_INTERVAL_MS (tests). */
  sessionSweepIntervalMs?: number;
}

/**
 * Wires the accounts module into the collaboration server: an `AuthStore` on the
 * server's SQLite database (or PostgreSQL pool), the `AccountsAuth` provider, the accounts routes and the
 * package members routes (server/packages/members.ts, behind the package access
 * resolver; they learn about packages from the server's storage and, for party
 * validation, from the package's document), hourly pruning of expired rows, a sweep that ends sessions at
 * their absolute expiry (announced through `onSessionEnd`), and the first-start bootstrap.
 * Reads SESSION_TTL_MS, SESSION_ABSOLUTE_TTL_MS, INVITE_TTL_MS, TRUST_PROXY and the
 * BOOTSTRAP_ADMIN_* variables from `env`; invalid values throw.
 */
export function installAccounts(opts: InstallAccountsOptions): Accounts {
  const env = opts.env ?? process.env;
  const config = readAuthConfig(env);
  const ttl = { sessionTtlMs: config.sessionTtlMs, sessionAbsoluteTtlMs: config.sessionAbsoluteTtlMs, inviteTtlMs: config.inviteTtlMs };
  if ((opts.db === undefined) === (opts.pool === undefined)) throw new Error('installAccounts needs exactly one of db (SQLite) and pool (PostgreSQL)');
  const store = opts.db ? AuthStore.sqlite(opts.db, ttl) : AuthStore.postgres(opts.pool!, ttl);
  const auth = createAccountsAuth(store);

  const packageInfo = packageInfoReader(opts.storage, opts.rooms);
  const access = createPackageAccess({ auth, packageExists: async (id) => (await opts.storage.getPackage(id)) !== null });
  const routes = new Hono();
  routes.route('/', createAuthRoutes({ store, auth, config: { publicOrigin: opts.publicOrigin, trustProxy: config.trustProxy }, packageInfo }));
  routes.route('/', memberRoutes({ store, auth, access, publicOrigin: opts.publicOrigin, trustProxy: config.trustProxy, packageInfo }));

  const prune = () => store.pruneExpired().catch((err: unknown) => console.error('Pruning expired sessions failed', err));
  void prune();
  const pruneTimer = setInterval(prune, AUTH_PRUNE_INTERVAL_MS);
  pruneTimer.unref();
  const sweepTimer = setInterval(() => {
    store.endExpiredSessions().catch((err: unknown) => console.error('Ending expired sessions failed', err));
  }, opts.sessionSweepIntervalMs ?? SESSION_SWEEP_INTERVAL_MS);
  sweepTimer.unref();

  return {
    store,
    auth,
    routes,
    config,
    bootstrap: (publicOrigin, log) => bootstrapAccounts(store, env, publicOrigin, log),
    close: () => {
      clearInterval(pruneTimer);
      clearInterval(sweepTimer);
    },
  };
}
