/**
 * Several server instances as one: the control bus and the Redis fan-out of the
 * rooms (REDIS_URL), or the in-process bus alone (one instance, the default).
 */
import { Redis } from 'ioredis';
import type { AuthProvider, MembershipChange } from '../auth/types';
import type { DocStorage } from '../storage/types';
import type { RoomHooks, RoomLogger } from '../sync';
import { LocalBus, RedisBus, newInstanceId, type ClusterBus } from './bus';
import { RedisFanout } from './fanout';

export { LocalBus, RedisBus, newInstanceId, type BusListener, type ClusterBus } from './bus';
export { HEAD_CHECK_MS, RedisFanout, STREAM_MAX_LEN, type FanoutStats } from './fanout';

/** Bus kinds the server itself publishes (a `lockChanged` or other feature adds its own kind). */
export const BUS_MEMBERSHIP = 'membership';
export const BUS_SESSIONS_ENDED = 'sessionsEnded';

/** What a server instance gets from its cluster: the bus, hooks for its rooms, and readiness. */
export interface Cluster {
  readonly instanceId: string;
  readonly bus: ClusterBus;
  /** Hooks appended to the rooms' hooks (the fan-out), empty for one instance. */
  readonly hooks: RoomHooks[];
  /** The fan-out (null without Redis), for tests and metrics. */
  readonly fanout: RedisFanout | null;
  /** Whether Redis answers (true without Redis). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One instance: the in-process bus, no fan-out. */
export function localCluster(log: RoomLogger = console): Cluster {
  const bus = new LocalBus(log);
  return { instanceId: newInstanceId(), bus, hooks: [], fanout: null, ping: async () => true, close: () => bus.close() };
}

/** Options of `createRedisCluster`. */
export interface RedisClusterOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Prefix of every key and channel (tests give each run its own; default `bv:`). */
  prefix?: string;
  /** Where reloads after a gap read from (the storage every instance shares). */
  storage: DocStorage;
  log?: RoomLogger;
  /** See `HEAD_CHECK_MS`. */
  headCheckMs?: number;
}

/**
 * Connects to Redis (three connections: commands, the blocking stream reader, the
 * subscriber) and starts the bus and the fan-out. ioredis reconnects on its own;
 * commands issued meanwhile wait in its queue (20 attempts), and the fan-out
 * reloads every open room from storage once Redis is back.
 */
export async function createRedisCluster(opts: RedisClusterOptions): Promise<Cluster> {
  const log = opts.log ?? console;
  const prefix = opts.prefix ?? 'bv:';
  const instanceId = newInstanceId();
  const connect = (name: string) => {
    const r = new Redis(opts.url, { connectionName: `budsjettverksted-${name}`, lazyConnect: true, retryStrategy: (times) => Math.min(50 * times, 1_000) });
    r.on('error', () => {
      // ioredis reconnects by itself; failed commands are reported where they were issued.
    });
    return r;
  };
  const redis = connect('cmd');
  const reader = connect('reader');
  const sub = connect('sub');
  try {
    await Promise.all([redis.connect(), reader.connect(), sub.connect()]);
  } catch (err) {
    redis.disconnect();
    reader.disconnect();
    sub.disconnect();
    throw new Error(`REDIS_URL: cannot connect to Redis at ${opts.url}`, { cause: err });
  }
  const bus = new RedisBus(redis, sub, { prefix, instanceId, log });
  await bus.start();
  const fanout = new RedisFanout({ redis, reader, sub, prefix, instanceId, storage: opts.storage, log, ...(opts.headCheckMs !== undefined ? { headCheckMs: opts.headCheckMs } : {}) });
  await fanout.start();
  return {
    instanceId,
    bus,
    hooks: [fanout.hooks()],
    fanout,
    async ping() {
      try {
        return (await Promise.race([redis.ping(), new Promise<string>((r) => setTimeout(() => r('timeout'), 1_000).unref())])) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await fanout.close();
      await bus.close();
      redis.disconnect();
      reader.disconnect();
      sub.disconnect();
    },
  };
}

/**
 * The server's view of `auth` through the bus: membership changes and ended
 * sessions of this instance are published, and the server's listeners hear those
 * of every instance. Everything else is `auth` itself.
 */
export function clusteredAuth(auth: AuthProvider, bus: ClusterBus): { auth: AuthProvider; stop(): void } {
  const stops = [
    auth.onMembershipChange((change) => bus.publish(BUS_MEMBERSHIP, change)),
    auth.onSessionEnd?.((ids) => bus.publish(BUS_SESSIONS_ENDED, ids)),
  ];
  const wrapped: AuthProvider = {
    authenticate: (headers) => auth.authenticate(headers),
    roleFor: (principal, packageId) => auth.roleFor(principal, packageId),
    canCreatePackage: (principal) => auth.canCreatePackage(principal),
    afterPackageCreated: (principal, packageId) => auth.afterPackageCreated(principal, packageId),
    listMemberships: (principal) => auth.listMemberships(principal),
    listMemberIds: (packageId) => auth.listMemberIds(packageId),
    onMembershipChange: (listener) => bus.subscribe(BUS_MEMBERSHIP, (p) => listener(p as MembershipChange)),
    onSessionEnd: (listener) => bus.subscribe(BUS_SESSIONS_ENDED, (p) => listener(Array.isArray(p) ? p.filter((x): x is string => typeof x === 'string') : [])),
    ...(auth.touchSession ? { touchSession: (id: string) => auth.touchSession!(id) } : {}),
    ...(auth.sessionTouchIntervalMs !== undefined ? { sessionTouchIntervalMs: auth.sessionTouchIntervalMs } : {}),
  };
  return {
    auth: wrapped,
    stop() {
      for (const s of stops) s?.();
    },
  };
}
