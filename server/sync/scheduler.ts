/**
 * Time as the sync core sees it: one injected clock and scheduler for every timer
 * of a room (flush point, awareness throttle, keepalive, idle unload, storage
 * retries), so a test can drive a room with virtual time and a seeded run replays
 * exactly. Production passes `realScheduler`.
 */

/** An opaque timer handle, returned by `setTimeout`/`setInterval` of a `SyncScheduler`. */
export type TimerHandle = object;

/**
 * The clock and timers of the sync core. Implementations guarantee: callbacks never
 * run synchronously inside the call that scheduled them; `clear*` of a handle that
 * already ran (or was cleared) is a no-op; `afterTick` callbacks run after every
 * message already received in the current event-loop turn has been handled (the
 * point where one storage batch is cut).
 */
export interface SyncScheduler {
  /** Monotonic milliseconds (throttles, intervals); only differences are meaningful. */
  now(): number;
  /** The wall-clock time (timestamps written to storage, e.g. audit rows). */
  date(): Date;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
  /** Runs `fn` once the current event-loop turn's I/O callbacks are done. */
  afterTick(fn: () => void): void;
}

type NodeTimer = ReturnType<typeof setTimeout>;

/**
 * The production scheduler: `performance.now`, `new Date`, Node timers and
 * `setImmediate`. Timers are unref'd — a room's timers alone must never keep the
 * process alive (tests, shutdown); `afterTick` uses `setImmediate`, which runs after
 * the I/O callbacks of the current loop turn, so every message that arrived in the
 * same turn (from any socket) lands in one storage batch.
 */
export const realScheduler: SyncScheduler = {
  now: () => performance.now(),
  date: () => new Date(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeTimer);
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, ms);
    t.unref?.();
    return t;
  },
  clearInterval(handle) {
    clearInterval(handle as NodeTimer);
  },
  afterTick(fn) {
    setImmediate(fn);
  },
};
