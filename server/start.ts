import type { ServerConfig } from './config';
import { installAccounts, type Accounts } from './auth/install';
import { startServer, type RunningServer } from './server';
import { openDatabase } from './database';
import type { ReadinessCheck } from './readiness';
import type { DocStorage } from './storage/types';
import type { RoomLogger } from './sync';
import { createRedisCluster, type Cluster } from './cluster';

/** How the production server was started, and how to stop it. */
export interface StartedServer {
  server: RunningServer;
  accounts: Accounts;
  storage: DocStorage;
  /** Which engine keeps the data. */
  database: 'sqlite' | 'postgres';
  /** Graceful stop: the server (storing everything pending), the accounts timers, the database. */
  close(): Promise<void>;
}

/** Options of `startFromConfig` beyond the configuration. */
export interface StartOptions {
  /** BOOTSTRAP_ADMIN_*, SESSION_*, INVITE_TTL_MS, TRUST_PROXY, SQLITE_SYNCHRONOUS (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Where start-up lines go (the listening address, the setup link); default `console.log`. */
  log?: (line: string) => void;
  /** The rooms' and routes' logger; default `console`. */
  roomLog?: RoomLogger;
  /** Serve the built client from this directory. */
  clientDir?: string;
  /** More dependencies `/api/ready` checks (Redis), besides PostgreSQL. */
  readiness?: ReadinessCheck[];
}

/**
 * The production start sequence (what `npm start` runs, and what the tests run on
 * port 0): SQLite under DATA_DIR or PostgreSQL (DATABASE_URL, migrations run first),
 * the accounts module on the same database as the
 * AuthProvider (the one place to swap authentication), the server, and the
 * first-start bootstrap — run after listening, so a printed setup link carries the
 * real port, and before `/api/health` answers 200, so a script that waits for health
 * can log in as the bootstrap administrator at once. Resolves when all of that is
 * done; a failed bootstrap (e.g. only one BOOTSTRAP_ADMIN_* variable set) closes
 * everything again and rejects.
 */
export async function startFromConfig(config: ServerConfig, opts: StartOptions = {}): Promise<StartedServer> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => console.log(line));
  // Several instances share packages only through one PostgreSQL: REDIS_URL over per-instance SQLite files would diverge.
  if (config.redisUrl && !config.databaseUrl) throw new Error('REDIS_URL needs DATABASE_URL: several instances must share one PostgreSQL database');
  const database = await openDatabase(config, env);
  const storage = database.storage;
  // The registry is created by startServer, after the routes that need it.
  let running: RunningServer | undefined;
  // REDIS_URL: the rooms' updates and awareness, role changes and ended sessions reach every instance.
  let cluster: Cluster | undefined;
  let accounts: Accounts;
  try {
    if (config.redisUrl) cluster = await createRedisCluster({ url: config.redisUrl, storage, ...(opts.roomLog ? { log: opts.roomLog } : {}) });
    accounts = installAccounts({ ...database.accounts, storage, rooms: () => running?.rooms, publicOrigin: config.publicOrigin, env });
  } catch (err) {
    await cluster?.close();
    await database.close();
    throw err;
  }
  const redis = cluster;
  const redisReadiness: ReadinessCheck[] = redis
    ? [
        {
          name: 'redis',
          check: async () => {
            if (!(await redis.ping())) throw new Error('redis did not answer');
          },
        },
      ]
    : [];
  try {
    running = await startServer({
      // PostgreSQL across the network: a brief outage makes a room's writes wait and retry
      // (about 14 s in all; nothing is relayed meanwhile), then the room unloads and its
      // clients resend. A local SQLite file has no such outages.
      ...(config.databaseUrl ? { storageRetry: (attempt: number) => (attempt <= 8 ? Math.min(250 * 2 ** (attempt - 1), 2000) : null) } : {}),
      port: config.port,
      host: config.host,
      auth: accounts.auth,
      storage,
      routes: [accounts.routes],
      publicOrigin: config.publicOrigin,
      trustProxy: accounts.config.trustProxy,
      roomIdleTimeoutMs: config.roomIdleTimeoutMs,
      readiness: [...database.readiness, ...redisReadiness, ...(opts.readiness ?? [])],
      ...(cluster ? { cluster } : {}),
      ...(opts.roomLog ? { log: opts.roomLog } : {}),
      ...(opts.clientDir ? { clientDir: opts.clientDir } : {}),
      bootstrap: async (server) => {
        running = server;
        log(`Listening on http://localhost:${server.port} (data in ${database.where})`);
        await accounts.bootstrap(config.publicOrigin ?? `http://localhost:${server.port}`, log);
      },
    });
  } catch (err) {
    accounts.close();
    await cluster?.close();
    await database.close();
    throw err;
  }
  const server = running;
  return {
    server,
    accounts,
    storage,
    database: database.kind,
    async close() {
      await server.close();
      accounts.close();
    await cluster?.close();
    await database.close();
    },
  };
}
