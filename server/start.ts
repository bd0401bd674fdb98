import fs from 'node:fs';
import path from 'node:path';
import type { ServerConfig } from './config';
import { installAccounts, type Accounts } from './auth/install';
import { startServer, type RunningServer } from './server';
import { SQLITE_FILENAME, SqliteStorage } from './storage/sqlite';
import type { RoomLogger } from './sync';
import { createRedisCluster, type Cluster } from './cluster';

/** How the production server was started, and how to stop it. */
export interface StartedServer {
  server: RunningServer;
  accounts: Accounts;
  storage: SqliteStorage;
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
}

/** Picks the storage back-end: SQLite under DATA_DIR (PostgreSQL arrives with the scale-out issue). */
function openStorage(config: ServerConfig, env: NodeJS.ProcessEnv): SqliteStorage {
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL (PostgreSQL) is not supported yet; unset it to use the embedded SQLite database under DATA_DIR');
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const synchronous = env.SQLITE_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL';
  return new SqliteStorage(path.join(config.dataDir, SQLITE_FILENAME), { synchronous });
}

/**
 * The production start sequence (what `npm start` runs, and what the tests run on
 * port 0): SQLite under DATA_DIR, the accounts module on the same database as the
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
  const storage = openStorage(config, env);
  // The registry is created by startServer, after the routes that need it.
  let running: RunningServer | undefined;
  // REDIS_URL: the rooms' updates and awareness, role changes and ended sessions reach every instance.
  let cluster: Cluster | undefined;
  try {
    if (config.redisUrl) cluster = await createRedisCluster({ url: config.redisUrl, storage, ...(opts.roomLog ? { log: opts.roomLog } : {}) });
  } catch (err) {
    await storage.close();
    throw err;
  }
  const accounts = installAccounts({ db: storage.db, storage, rooms: () => running?.rooms, publicOrigin: config.publicOrigin, env });
  try {
    running = await startServer({
      port: config.port,
      host: config.host,
      auth: accounts.auth,
      storage,
      routes: [accounts.routes],
      publicOrigin: config.publicOrigin,
      trustProxy: accounts.config.trustProxy,
      roomIdleTimeoutMs: config.roomIdleTimeoutMs,
      ...(cluster ? { cluster } : {}),
      ...(opts.roomLog ? { log: opts.roomLog } : {}),
      ...(opts.clientDir ? { clientDir: opts.clientDir } : {}),
      bootstrap: async (server) => {
        running = server;
        log(`Listening on http://localhost:${server.port} (data in ${config.dataDir})`);
        await accounts.bootstrap(config.publicOrigin ?? `http://localhost:${server.port}`, log);
      },
    });
  } catch (err) {
    accounts.close();
    await cluster?.close();
    await storage.close();
    throw err;
  }
  const server = running;
  return {
    server,
    accounts,
    storage,
    async close() {
      await server.close();
      accounts.close();
      await cluster?.close();
      await storage.close();
    },
  };
}
