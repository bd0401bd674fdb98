/**
 * The Redis fan-out of document updates and awareness between server instances,
 * plugged into the sync core as a `RoomHooks` object.
 *
 * Updates: after this instance has durably appended a batch (`afterStoreDocument`,
 * with storage's `lastSeq`), it XADDs the batch — merged into one update, with its
 * sequence range and this instance's id — to the document's stream
 * `<prefix>doc:<docName>`, and raises the document's head `<prefix>head:<docName>`
 * to `lastSeq` in the same script. Every instance with the document open reads the
 * stream (one blocking XREAD per instance over all its open documents) and applies
 * other instances' batches through `room.applyRemoteUpdate`: relayed to its
 * clients, not stored again, no hooks. So nothing reaches a client anywhere before
 * it is in storage, and the hooks (audit, title sync) ran once, where the update
 * arrived.
 *
 * It cannot diverge silently: each room knows the sequence numbers it holds (the
 * load's `lastSeq`, its own appends, the batches read). When the head (or a batch
 * read out of order) says there is more than it holds, and that is still so at the
 * next check (`headCheckMs`: a batch committed first may be XADDed second), the room
 * reloads from storage and applies the difference. The same reload runs for every
 * open room when the Redis connection comes back (Redis restarted and lost its
 * streams, or this instance missed entries), and when a publish failed the head is
 * raised once Redis answers again, so the other instances reload too.
 *
 * Awareness: PUBLISH on `<prefix>aw:<docName>`; applied with
 * `room.applyRemoteAwareness`, which keeps the owner rules (no local connection can
 * take over a remote client id). Awareness is ephemeral; a lost message is renewed
 * by its client within 15 s, and the states of a dead instance's clients time out
 * after 30 s.
 */
import type { Redis } from 'ioredis';
import * as Y from 'yjs';
import { storedParts } from '../storage/stored';
import type { DocStorage } from '../storage/types';
import type { HookRoom, RoomHooks, RoomLogger } from '../sync';

/** Entries kept per document stream (approximately); a reader further behind reloads from storage. */
export const STREAM_MAX_LEN = 2_000;
/** How often the heads of the open documents are compared with what each room holds (ms). */
export const HEAD_CHECK_MS = 500;
/** Streams and heads of documents nobody writes expire after this many seconds. */
const KEY_TTL_S = 24 * 3600;
/** How long one XREAD blocks (ms); a new document interrupts it at once (CLIENT UNBLOCK). */
const READ_BLOCK_MS = 5_000;

const XADD_SCRIPT = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[5], '*', 'seq', ARGV[1], 'n', ARGV[2], 'from', ARGV[3], 'u', ARGV[4])
local h = tonumber(redis.call('GET', KEYS[2]) or '0')
if h < tonumber(ARGV[1]) then redis.call('SET', KEYS[2], ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
return id
`;

const RAISE_HEAD_SCRIPT = `
local h = tonumber(redis.call('GET', KEYS[1]) or '0')
if h < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
`;

type ClusterRedis = Redis & {
  budsjettXadd(stream: string, head: string, seq: string, n: string, from: string, update: Buffer, maxLen: string, ttl: string): Promise<string>;
  budsjettRaiseHead(head: string, seq: string, ttl: string): Promise<number>;
};

/** What the fan-out needs: three Redis connections (commands, the blocking reader, the awareness subscriber), storage for reloads. */
export interface FanoutOptions {
  redis: Redis;
  reader: Redis;
  sub: Redis;
  prefix: string;
  instanceId: string;
  storage: DocStorage;
  log: RoomLogger;
  headCheckMs?: number;
  streamMaxLen?: number;
}

/** What one instance knows of one open document. */
interface Tail {
  room: HookRoom;
  stream: string;
  head: string;
  channel: string;
  /** Every update with a sequence number ≤ this is in the room's replica. */
  through: number;
  /** Ranges above `through` the room holds already (its own appends, batches read out of order). */
  above: Array<[number, number]>;
  /** Where the XREAD continues; null until the start position is known. */
  streamId: string | null;
  /** The target a gap was first seen with (null: no gap). */
  gapTarget: number | null;
  resyncing: Promise<void> | null;
}

/** Counters, for tests and the benchmark. */
export interface FanoutStats {
  published: number;
  applied: number;
  duplicates: number;
  resyncs: number;
  awarenessOut: number;
  awarenessIn: number;
  publishFailures: number;
}

function toBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function fieldsOf(flat: Buffer[]): Map<string, Buffer> {
  const m = new Map<string, Buffer>();
  for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i]!.toString(), flat[i + 1]!);
  return m;
}

/** The Redis fan-out of one instance (see the file comment). Create, `start()`, pass `hooks()` to the rooms, `close()` at shutdown. */
export class RedisFanout {
  readonly stats: FanoutStats = { published: 0, applied: 0, duplicates: 0, resyncs: 0, awarenessOut: 0, awarenessIn: 0, publishFailures: 0 };
  private readonly tails = new Map<string, Tail>();
  private readonly byChannel = new Map<string, Tail>();
  private readonly redis: ClusterRedis;
  private readonly idBytes: Buffer;
  private readerId: number | null = null;
  private closed = false;
  private wake: (() => void) | null = null;
  private headTimer: ReturnType<typeof setInterval> | null = null;
  private loop: Promise<void> | null = null;
  private connectedOnce = false;
  /** Heads to raise once Redis answers again (a publish failed): docName → seq. */
  private readonly owedHeads = new Map<string, number>();

  constructor(private readonly opts: FanoutOptions) {
    this.redis = opts.redis as ClusterRedis;
    this.redis.defineCommand('budsjettXadd', { numberOfKeys: 2, lua: XADD_SCRIPT });
    this.redis.defineCommand('budsjettRaiseHead', { numberOfKeys: 1, lua: RAISE_HEAD_SCRIPT });
    this.idBytes = Buffer.from(opts.instanceId.padEnd(16, '0').slice(0, 16), 'latin1');
    opts.sub.on('messageBuffer', this.onAwarenessMessage);
    opts.redis.on('ready', this.onRedisReady);
  }

  /** Starts the reader and the head checks. */
  async start(): Promise<void> {
    this.readerId = Number(await this.opts.reader.client('ID'));
    this.opts.reader.on('ready', () => {
      void this.opts.reader.client('ID').then((id) => (this.readerId = Number(id)), () => {});
    });
    this.connectedOnce = true;
    this.loop = this.readLoop();
    this.headTimer = setInterval(() => void this.checkHeads(), this.opts.headCheckMs ?? HEAD_CHECK_MS);
    this.headTimer.unref?.();
  }

  /** The hooks that plug the fan-out into every room. */
  hooks(): RoomHooks {
    return {
      name: 'redis-fanout',
      afterLoadDocument: ({ room, lastSeq }) => this.open(room, lastSeq),
      afterStoreDocument: ({ room, updates, lastSeq }) => this.publish(room, updates, lastSeq),
      onAwarenessUpdate: ({ room, update }) => this.publishAwareness(room, update),
      afterUnloadDocument: ({ room }) => this.forget(room),
    };
  }

  /** Documents this instance follows (tests). */
  get openDocs(): string[] {
    return [...this.tails.keys()];
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.headTimer) clearInterval(this.headTimer);
    this.opts.sub.off('messageBuffer', this.onAwarenessMessage);
    this.opts.redis.off('ready', this.onRedisReady);
    this.interrupt();
    await this.loop?.catch(() => {});
  }

  private open(room: HookRoom, lastSeq: number): void {
    const { prefix } = this.opts;
    const t: Tail = {
      room,
      stream: `${prefix}doc:${room.docName}`,
      head: `${prefix}head:${room.docName}`,
      channel: `${prefix}aw:${room.docName}`,
      through: lastSeq,
      above: [],
      streamId: null,
      gapTarget: null,
      resyncing: null,
    };
    const previous = this.tails.get(room.docName);
    if (previous) this.byChannel.delete(previous.channel);
    this.tails.set(room.docName, t);
    this.byChannel.set(t.channel, t);
    void this.opts.sub.subscribe(t.channel).catch((err: unknown) => this.opts.log.warn(`fan-out: could not subscribe to the awareness of ${room.docName}`, err));
    // Batches XADDed while the room loaded: the last entries of the stream, applied when newer than the load.
    void (async () => {
      try {
        const recent = (await this.opts.redis.xrevrangeBuffer(t.stream, '+', '-', 'COUNT', 100)) as unknown as Array<[Buffer, Buffer[]]>;
        if (this.tails.get(room.docName) !== t) return;
        for (const [id, flat] of [...recent].reverse()) this.handleEntry(t, id.toString(), fieldsOf(flat));
        t.streamId = recent[0]?.[0].toString() ?? '0-0';
      } catch (err) {
        this.opts.log.warn(`fan-out: could not read the stream of ${room.docName}; reloading it from storage`, err);
        t.streamId = '$';
        this.resync(t);
      }
      this.interrupt();
    })();
  }

  private forget(room: HookRoom): void {
    const t = this.tails.get(room.docName);
    if (!t || t.room !== room) return;
    this.tails.delete(room.docName);
    this.byChannel.delete(t.channel);
    void this.opts.sub.unsubscribe(t.channel).catch(() => {});
    this.interrupt();
  }

  private publish(room: HookRoom, updates: readonly Uint8Array[], lastSeq: number): void {
    const n = updates.length;
    if (n === 0) return;
    const t = this.tails.get(room.docName);
    if (t && t.room === room) this.cover(t, lastSeq - n + 1, lastSeq);
    const update = n === 1 ? updates[0]! : Y.mergeUpdates([...updates]);
    const { prefix, instanceId } = this.opts;
    this.redis
      .budsjettXadd(`${prefix}doc:${room.docName}`, `${prefix}head:${room.docName}`, String(lastSeq), String(n), instanceId, toBuffer(update), String(this.opts.streamMaxLen ?? STREAM_MAX_LEN), String(KEY_TTL_S))
      .then(
        () => this.stats.published++,
        (err: unknown) => {
          // The update is stored; the others must learn that the head moved, and reload it from storage.
          this.stats.publishFailures++;
          this.owedHeads.set(room.docName, Math.max(lastSeq, this.owedHeads.get(room.docName) ?? 0));
          this.opts.log.warn(`fan-out: could not publish a batch of ${room.docName} (seq ${lastSeq}); the other instances will reload it`, err);
        },
      );
  }

  private publishAwareness(room: HookRoom, update: Uint8Array): void {
    const t = this.tails.get(room.docName);
    if (!t) return;
    this.stats.awarenessOut++;
    this.opts.redis.publish(t.channel, Buffer.concat([this.idBytes, toBuffer(update)])).catch(() => {
      // Ephemeral: the client renews its state within 15 s.
    });
  }

  private onAwarenessMessage = (channel: Buffer, message: Buffer): void => {
    const t = this.byChannel.get(channel.toString());
    if (!t || message.length <= 16 || message.subarray(0, 16).equals(this.idBytes)) return;
    this.stats.awarenessIn++;
    t.room.applyRemoteAwareness(new Uint8Array(message.subarray(16)));
  };

  /** One stream entry for `t`: another instance's batch is applied unless the room holds it already. */
  private handleEntry(t: Tail, id: string, f: Map<string, Buffer>): void {
    t.streamId = id;
    const seq = Number(f.get('seq')?.toString());
    const n = Number(f.get('n')?.toString());
    const u = f.get('u');
    if (!Number.isInteger(seq) || !Number.isInteger(n) || n < 1 || !u) return;
    if (f.get('from')?.toString() === this.opts.instanceId) return;
    if (seq <= t.through || this.holds(t, seq)) {
      this.stats.duplicates++;
      return;
    }
    t.room.applyRemoteUpdate(new Uint8Array(u));
    this.stats.applied++;
    this.cover(t, seq - n + 1, seq);
  }

  private holds(t: Tail, seq: number): boolean {
    return t.above.some(([a, b]) => a <= seq && seq <= b);
  }

  /** Records that the room holds [from, to]; advances `through` over contiguous ranges. */
  private cover(t: Tail, from: number, to: number): void {
    if (to <= t.through) return;
    t.above.push([from, to]);
    t.above.sort((x, y) => x[0] - y[0]);
    this.advance(t);
  }

  private advance(t: Tail): void {
    while (t.above.length > 0 && t.above[0]![0] <= t.through + 1) {
      t.through = Math.max(t.through, t.above.shift()![1]);
    }
    if (t.gapTarget !== null && t.through >= t.gapTarget) t.gapTarget = null;
  }

  private async readLoop(): Promise<void> {
    const { reader, log } = this.opts;
    while (!this.closed) {
      const tails = [...this.tails.values()].filter((t) => t.streamId !== null);
      if (tails.length === 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, READ_BLOCK_MS).unref?.();
        });
        this.wake = null;
        continue;
      }
      try {
        const res = (await reader.xreadBuffer('COUNT', 500, 'BLOCK', READ_BLOCK_MS, 'STREAMS', ...tails.map((t) => t.stream), ...tails.map((t) => t.streamId!))) as Array<
          [Buffer, Array<[Buffer, Buffer[]]>]
        > | null;
        for (const [key, entries] of res ?? []) {
          const docName = key.toString().slice(`${this.opts.prefix}doc:`.length);
          const t = this.tails.get(docName);
          if (!t) continue;
          for (const [id, flat] of entries) this.handleEntry(t, id.toString(), fieldsOf(flat));
        }
      } catch (err) {
        if (this.closed) break;
        log.warn('fan-out: reading the streams failed; trying again', err);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Wakes the reader so it reads the current set of documents. */
  private interrupt(): void {
    if (this.wake) this.wake();
    if (this.readerId !== null) void this.opts.redis.client('UNBLOCK', this.readerId).catch(() => {});
  }

  /** Compares each open room with its document's head; a gap seen at two checks in a row reloads the room. */
  private async checkHeads(): Promise<void> {
    if (this.closed) return;
    const { redis, prefix } = this.opts;
    if (this.owedHeads.size > 0) {
      for (const [docName, seq] of [...this.owedHeads]) {
        try {
          await this.redis.budsjettRaiseHead(`${prefix}head:${docName}`, String(seq), String(KEY_TTL_S));
          if (this.owedHeads.get(docName) === seq) this.owedHeads.delete(docName);
        } catch {
          break;
        }
      }
    }
    const tails = [...this.tails.values()].filter((t) => t.streamId !== null && !t.resyncing);
    if (tails.length === 0) return;
    let heads: Array<string | null>;
    try {
      heads = await redis.mget(...tails.map((t) => t.head));
    } catch {
      return;
    }
    tails.forEach((t, i) => {
      const head = Number(heads[i] ?? 0);
      const target = Math.max(head, ...t.above.map(([, b]) => b));
      if (target <= t.through) {
        t.gapTarget = null;
        return;
      }
      if (t.gapTarget !== null && t.through < t.gapTarget) this.resync(t);
      else t.gapTarget = target;
    });
  }

  /** Reloads a room from storage and applies what it lacks; the stream continues from its current end. */
  private resync(t: Tail): void {
    if (t.resyncing || this.closed) return;
    this.stats.resyncs++;
    t.resyncing = (async () => {
      try {
        // The end of the stream first: every batch XADDed before it was committed before the load below.
        let endId: string | null = null;
        try {
          const last = (await this.opts.redis.xrevrangeBuffer(t.stream, '+', '-', 'COUNT', 1)) as unknown as Array<[Buffer, Buffer[]]>;
          endId = last[0]?.[0].toString() ?? '0-0';
        } catch {
          endId = null;
        }
        const stored = await this.opts.storage.load(t.room.docName);
        if (this.tails.get(t.room.docName) !== t) return;
        const parts = storedParts(stored);
        if (parts.length > 0) {
          const diff = Y.diffUpdate(Y.mergeUpdates(parts), Y.encodeStateVector(t.room.doc));
          t.room.applyRemoteUpdate(diff);
        }
        if (stored.lastSeq > t.through) {
          t.through = stored.lastSeq;
          t.above = t.above.filter(([, b]) => b > t.through);
          this.advance(t);
        }
        t.gapTarget = null;
        if (endId !== null) t.streamId = endId;
      } catch (err) {
        this.opts.log.warn(`fan-out: reloading ${t.room.docName} from storage failed; trying again at the next check`, err);
      } finally {
        t.resyncing = null;
        this.interrupt();
      }
    })();
  }

  /** Redis is back after a disconnect: it may have lost streams and heads, or this instance missed entries; reload every open room. */
  private onRedisReady = (): void => {
    if (!this.connectedOnce || this.closed) return;
    for (const t of this.tails.values()) this.resync(t);
  };
}
