import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { readConfig, type ServerConfig } from './config';
import { installAccounts, type Accounts } from './auth/install';
import { startServer, type RunningServer } from './server';
import { SQLITE_FILENAME, SqliteStorage } from './storage/sqlite';
import type { RoomRegistry } from './sync';

const CLIENT_DIR = path.resolve('dist/client');

/** Builds the client once when no build exists, so `npm start` works on a fresh clone. */
function ensureClientBuilt(): void {
  if (fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) return;
  console.log('Building the client (first start)…');
  execSync('npx vite build', { stdio: 'inherit' });
}

/** Picks the storage back-end: SQLite under DATA_DIR (PostgreSQL arrives with the scale-out issue). */
function openStorage(config: ServerConfig): SqliteStorage {
  if (config.databaseUrl) {
    throw new Error('DATABASE_URL (PostgreSQL) is not supported yet; unset it to use the embedded SQLite database under DATA_DIR');
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const synchronous = process.env.SQLITE_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL';
  return new SqliteStorage(path.join(config.dataDir, SQLITE_FILENAME), { synchronous });
}

/**
 * The production AuthProvider: the accounts module on the same SQLite file, its
 * routes, and the first-start bootstrap. This is the one place to swap the
 * authentication (tests use test/server/testAuth.ts through `startServer`).
 */
function createProductionAuth(storage: SqliteStorage, config: ServerConfig, rooms: () => RoomRegistry | undefined): Accounts {
  return installAccounts({ db: storage.db, storage, rooms, publicOrigin: config.publicOrigin });
}

async function main(): Promise<void> {
  const config = readConfig();
  ensureClientBuilt();
  const storage = openStorage(config);
  let server: RunningServer | null = null;
  const accounts = createProductionAuth(storage, config, () => server?.rooms);
  server = await startServer({
    port: config.port,
    host: config.host,
    auth: accounts.auth,
    storage,
    routes: [accounts.routes],
    publicOrigin: config.publicOrigin,
    roomIdleTimeoutMs: config.roomIdleTimeoutMs,
    clientDir: CLIENT_DIR,
  });
  console.log(`Listening on http://localhost:${server.port} (data in ${config.dataDir})`);
  await accounts.bootstrap(config.publicOrigin ?? `http://localhost:${server.port}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: storing pending changes and closing connections…`);
    const running = server!;
    running
      .close()
      .then(() => {
        accounts.close();
        return storage.close();
      })
      .then(() => {
        console.log('Stopped cleanly.');
        process.exit(0);
      })
      .catch((err: unknown) => {
        console.error('Shutdown failed', err);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
