/**
 * A `SyncScheduler` with virtual time for tests: nothing runs until the test says
 * so, so a seeded run of a room replays exactly.
 */
import type { SyncScheduler, TimerHandle } from '../../server/sync';

interface Timer {
  at: number;
  order: number;
  fn: () => void;
  every: number | null;
}

/**
 * Virtual clock and timers. `afterTick` callbacks run on `runTicks()`, timers on
 * `advance(ms)` in (due time, creation order); `date()` is a fixed epoch plus the
 * virtual time. Callbacks never run inside the call that scheduled them.
 */
export class ManualScheduler implements SyncScheduler {
  private time = 0;
  private order = 0;
  private readonly timers = new Map<TimerHandle, Timer>();
  private ticks: Array<() => void> = [];

  constructor(private readonly epochMs = Date.UTC(2025, 0, 1)) {}

  now(): number {
    return this.time;
  }

  date(): Date {
    return new Date(this.epochMs + this.time);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = {};
    this.timers.set(handle, { at: this.time + Math.max(0, ms), order: ++this.order, fn, every: null });
    return handle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    const handle = {};
    this.timers.set(handle, { at: this.time + every, order: ++this.order, fn, every });
    return handle;
  }

  clearInterval(handle: TimerHandle): void {
    this.timers.delete(handle);
  }

  afterTick(fn: () => void): void {
    this.ticks.push(fn);
  }

  /** How many `afterTick` callbacks wait. */
  get pendingTicks(): number {
    return this.ticks.length;
  }

  /** Whether any timer is set. */
  get hasTimers(): boolean {
    return this.timers.size > 0;
  }

  /** Runs the `afterTick` callbacks queued so far (not those they queue); returns how many ran. */
  runTicks(): number {
    const due = this.ticks;
    this.ticks = [];
    for (const fn of due) fn();
    return due.length;
  }

  /** Moves virtual time forward by `ms`, running every timer that falls due on the way, in order; returns how many ran. */
  advance(ms: number): number {
    const until = this.time + Math.max(0, ms);
    let ran = 0;
    for (;;) {
      let next: [TimerHandle, Timer] | null = null;
      for (const entry of this.timers) {
        const t = entry[1];
        if (t.at > until) continue;
        if (!next || t.at < next[1].at || (t.at === next[1].at && t.order < next[1].order)) next = entry;
      }
      if (!next) break;
      const [handle, t] = next;
      this.time = t.at;
      if (t.every === null) this.timers.delete(handle);
      else t.at += t.every;
      t.fn();
      ran++;
    }
    this.time = until;
    return ran;
  }
}
