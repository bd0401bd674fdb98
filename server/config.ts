import path from 'node:path';

/**
 * Server configuration, read only from environment variables (all listed in the
 * README). Reading happens once, at start-up; invalid values fail loudly.
 */
export interface ServerConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  publicOrigin: string | undefined;
  roomIdleTimeoutMs: number;
  /** Upper bound of PostgreSQL connections this instance holds (`PG_POOL_MAX`, with DATABASE_URL). */
  pgPoolMax: number;
  /** A schema to keep the tables in instead of the database's default (`PG_SCHEMA`, with DATABASE_URL). */
  pgSchema: string | undefined;
}

function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
}

function positiveInt(n: number, name: string): number {
  if (n < 1) throw new Error(`${name} must be at least 1`);
  return n;
}

/** Builds the configuration from `env` (defaults: port 8080, ./data, SQLite). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    port: intFromEnv(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    redisUrl: env.REDIS_URL || undefined,
    publicOrigin: env.PUBLIC_ORIGIN || undefined,
    roomIdleTimeoutMs: intFromEnv(env, 'ROOM_IDLE_TIMEOUT_MS', 30_000),
    pgPoolMax: positiveInt(intFromEnv(env, 'PG_POOL_MAX', 10), 'PG_POOL_MAX'),
    pgSchema: env.PG_SCHEMA || undefined,
  };
}
