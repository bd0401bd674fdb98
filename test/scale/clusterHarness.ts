/**
 * Server instances of one installation for the scale-out tests: each a real server
 * on its own port, on the shared PostgreSQL (a fresh schema per test) and Redis (a
 * fresh key prefix per test), with the test AuthProvider whose users' session
 * tokens are `token-<userId>` on every instance. Also a Redis server of the test's
 * own (to restart) and a TCP proxy that can cut a connection path (to PostgreSQL).
 */
import { afterAll, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type * as Y from 'yjs';
import { createRedisCluster, type Cluster } from '../../server/cluster';
import { PostgresStorage } from '../../server/storage/postgres/docStorage';
import { DOC_MIGRATIONS, runMigrations } from '../../server/storage/postgres/migrations';
import { createPgPool } from '../../server/storage/postgres/pool';
import type { StorageRetryPolicy } from '../../server/sync';
import type { Role } from '../../shared/protocol';
import { createTestAuth, type TestAuth } from '../server/testAuth';
import { connectClient, quietLog, startTestServer, waitFor, type TestClient, type TestServer } from '../server/serverHarness';
import { TEST_DATABASE_URL, TEST_REDIS_URL, dropSchema, freshSchema } from './services';

/** A fresh Redis key prefix, so parallel runs never see each other's streams. */
export function freshPrefix(): string {
  return `t${randomBytes(5).toString('hex')}:`;
}

export interface Instance {
  ts: TestServer;
  auth: TestAuth;
  storage: PostgresStorage;
  cluster: Cluster;
  close(): Promise<void>;
}

export interface InstanceOptions {
  schema: string;
  prefix: string;
  users: readonly string[];
  databaseUrl?: string;
  redisUrl?: string;
  storageRetry?: StorageRetryPolicy;
  headCheckMs?: number;
}

/** Starts one instance (migrations run idempotently, as on start). */
export async function startInstance(o: InstanceOptions): Promise<Instance> {
  const pool = await createPgPool({ connectionString: o.databaseUrl ?? TEST_DATABASE_URL, schema: o.schema, max: 5 });
  await runMigrations(pool, DOC_MIGRATIONS);
  const storage = new PostgresStorage(pool);
  const cluster = await createRedisCluster({ url: o.redisUrl ?? TEST_REDIS_URL, prefix: o.prefix, storage, log: process.env.SCALE_DEBUG ? console : quietLog, ...(o.headCheckMs ? { headCheckMs: o.headCheckMs } : {}) });
  const auth = createTestAuth();
  for (const userId of o.users) auth.addUser({ userId, token: `token-${userId}` });
  const ts = await startTestServer({ storage, auth, cluster, ...(o.storageRetry ? { storageRetry: o.storageRetry } : {}) });
  return {
    ts,
    auth,
    storage,
    cluster,
    async close() {
      await ts.close();
      await cluster.close();
      await storage.close();
    },
  };
}

/** Creates a package on the first instance and gives `members` their roles on every instance. */
export async function sharedPackage(instances: readonly Instance[], members: Record<string, Role>): Promise<string> {
  const id = await instances[0]!.ts.createPackage(undefined, members);
  for (const inst of instances.slice(1)) for (const [u, role] of Object.entries(members)) inst.auth.setRole(u, id, role);
  return id;
}

/** The lines of a doc as JSON with sorted keys (map iteration order differs between replicas), for comparing them. */
export function linesJson(doc: Y.Doc): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort(doc.getMap('lines').toJSON()));
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A redis-server of the test's own (no persistence), restartable on the same port. */
export interface OwnRedis {
  port: number;
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const own: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      const started = Date.now();
      for (;;) {
        const ok = await new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => {
            s.end();
            resolve(true);
          });
          s.on('error', () => resolve(false));
        });
        if (ok) return;
        if (Date.now() - started > 5_000) throw new Error('redis-server did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await exited;
    },
  };
  await own.start();
  return own;
}

/** Pipes `client` and `upstream` both ways, tracked in `sockets` until either side ends (then both are destroyed). */
function splice(client: net.Socket, upstream: net.Socket, sockets: Set<net.Socket>): void {
  sockets.add(client).add(upstream);
  client.pipe(upstream);
  upstream.pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
  };
  for (const s of [client, upstream]) {
    s.on('close', end);
    s.on('error', end);
  }
}

/** A TCP proxy to `targetPort` that can be cut (every connection dropped, new ones refused) and restored. */
export interface CuttableProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startCuttableProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<CuttableProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    splice(client, net.connect(targetPort, targetHost), sockets);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Waits until every doc has the same lines as the first. */
export async function converged(docs: readonly Y.Doc[], timeoutMs = 20_000, what = 'convergence'): Promise<void> {
  await waitFor(() => {
    const first = linesJson(docs[0]!);
    return docs.every((d) => linesJson(d) === first);
  }, timeoutMs, what);
}

/** Starts test/scale/fixtures/clusterServer.ts in its own process; resolves with the child and its port once it listens. */
export async function spawnInstance(schema: string, prefix: string, users = 4, packages = 1): Promise<{ child: ChildProcess; port: number }> {
  const fixture = path.resolve('test/scale/fixtures/clusterServer.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, schema, prefix, String(users), String(packages)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`instance exited early (${code})`)));
  });
  return { child, port };
}

/** A TCP proxy in front of several instances: each new connection goes to the first that accepts it (a load balancer's failover). */
export async function startFailoverProxy(ports: readonly number[]): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.pause();
    sockets.add(client);
    const tryTarget = (i: number) => {
      if (i >= ports.length) {
        client.destroy();
        return;
      }
      const upstream = net.connect(ports[i]!, '127.0.0.1');
      let connected = false;
      upstream.once('error', () => {
        if (!connected) tryTarget(i + 1);
      });
      upstream.once('connect', () => {
        connected = true;
        splice(client, upstream, sockets);
        client.resume();
      });
    };
    tryTarget(0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** What a scale test file opens, closed for it: instances and clients after each test, schemas after all. */
export interface ClusterScope {
  /** A fresh schema, dropped after the file's tests. */
  schema(): string;
  /** Starts an instance closed after the test. */
  instance(o: InstanceOptions): Promise<Instance>;
  /** Two instances on one fresh schema and key prefix. */
  twoInstances(users: string[], o?: Partial<InstanceOptions>): Promise<[Instance, Instance]>;
  /** A y-websocket client of `user` on `inst`, destroyed after the test. */
  client(inst: Instance, roomname: string, user: string): TestClient;
  /** Destroys the clients and closes the instances now (before a service they use goes away). */
  closeAll(): Promise<void>;
}

/** Registers the file's after-hooks and returns the scope that tracks what its tests open. */
export function clusterScope(): ClusterScope {
  const schemas: string[] = [];
  let instances: Instance[] = [];
  let clients: TestClient[] = [];
  afterEach(() => scope.closeAll());
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });
  const scope: ClusterScope = {
    async closeAll() {
      for (const c of clients) c.destroy();
      clients = [];
      for (const i of instances) await i.close();
      instances = [];
    },
    schema() {
      const s = freshSchema();
      schemas.push(s);
      return s;
    },
    async instance(o) {
      const inst = await startInstance(o);
      instances.push(inst);
      return inst;
    },
    async twoInstances(users, o = {}) {
      const schema = scope.schema();
      const prefix = freshPrefix();
      return [await scope.instance({ schema, prefix, users, ...o }), await scope.instance({ schema, prefix, users, ...o })];
    },
    client(inst, roomname, user) {
      const c = connectClient({ wsBase: inst.ts.wsBase, auth: inst.auth }, roomname, user);
      clients.push(c);
      return c;
    },
  };
  return scope;
}
