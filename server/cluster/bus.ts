/**
 * The cluster bus: control events (live role changes, ended sessions, package
 * locks) that must reach every server instance at once. Generic: `publish(kind,
 * payload)` / `subscribe(kind, fn)` with JSON payloads. In one process
 * (`LocalBus`, REDIS_URL unset) a publish reaches the subscribers synchronously;
 * across instances (`RedisBus`) it reaches this instance's subscribers
 * synchronously too, and the others through Redis pub/sub.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A subscriber of one kind of event. */
export type BusListener = (payload: unknown) => void;

/** What every bus implementation offers. */
export interface ClusterBus {
  /** Tells every subscriber of `kind` on every instance (this one synchronously, before returning). */
  publish(kind: string, payload: unknown): void;
  /** Subscribes to `kind`; returns the unsubscribe function. */
  subscribe(kind: string, fn: BusListener): () => void;
  close(): Promise<void>;
}

/** The in-process bus: subscribers of this process only. A throwing subscriber is logged and the others still run. */
export class LocalBus implements ClusterBus {
  private readonly listeners = new Map<string, Set<BusListener>>();

  constructor(private readonly log: { error(...args: unknown[]): void } = console) {}

  publish(kind: string, payload: unknown): void {
    this.deliver(kind, payload);
  }

  subscribe(kind: string, fn: BusListener): () => void {
    let set = this.listeners.get(kind);
    if (!set) this.listeners.set(kind, (set = new Set()));
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  /** Runs the local subscribers of `kind`. */
  deliver(kind: string, payload: unknown): void {
    for (const fn of [...(this.listeners.get(kind) ?? [])]) {
      try {
        fn(payload);
      } catch (err) {
        this.log.error(`cluster bus: a subscriber of ${kind} failed`, err);
      }
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** A random id for this process, so an instance recognises (and skips) its own messages coming back from Redis. */
export function newInstanceId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The bus across instances: local delivery at once, and a Redis PUBLISH on
 * `<prefix>bus` (one channel, the kind inside the message) for the others.
 * Pub/sub is fire-and-forget: an instance cut off from Redis misses what is
 * published meanwhile. Control events tolerate that because every one of them is
 * also enforced where it is checked: a role is read again at every HTTP request and
 * websocket upgrade, and an ended session fails its next request and the next
 * `touchSession` of its open sockets (which then close with 4401).
 */
export class RedisBus implements ClusterBus {
  private readonly local: LocalBus;
  private readonly channel: string;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly opts: { prefix: string; instanceId: string; log?: { error(...args: unknown[]): void } },
  ) {
    this.local = new LocalBus(opts.log);
    this.channel = `${opts.prefix}bus`;
    sub.on('message', this.onMessage);
  }

  /** Subscribes to the channel (call once, before publishing). */
  async start(): Promise<void> {
    await this.sub.subscribe(this.channel);
  }

  publish(kind: string, payload: unknown): void {
    this.local.deliver(kind, payload);
    this.pub.publish(this.channel, JSON.stringify({ from: this.opts.instanceId, kind, payload })).catch((err: unknown) => {
      (this.opts.log ?? console).error(`cluster bus: could not publish ${kind} to the other instances`, err);
    });
  }

  subscribe(kind: string, fn: BusListener): () => void {
    return this.local.subscribe(kind, fn);
  }

  private onMessage = (channel: string, message: string): void => {
    if (channel !== this.channel) return;
    let msg: { from?: unknown; kind?: unknown; payload?: unknown };
    try {
      msg = JSON.parse(message) as typeof msg;
    } catch {
      return;
    }
    if (msg.from === this.opts.instanceId || typeof msg.kind !== 'string') return;
    this.local.deliver(msg.kind, msg.payload);
  };

  async close(): Promise<void> {
    this.sub.off('message', this.onMessage);
    await this.local.close();
  }
}
