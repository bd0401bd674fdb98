import { Worker } from 'node:worker_threads';

/** Limits of one job in `runBudgeted`. */
export interface WorkerBudget {
  /** Wall-clock limit; the thread is terminated when it passes (ms). */
  timeoutMs: number;
  /** V8 old-generation heap limit of the thread (MiB); exceeding it kills only the thread. */
  maxHeapMb: number;
}

/** Why a budgeted job did not finish. */
export class BudgetExceededError extends Error {
  constructor(readonly reason: 'timeout' | 'memory' | 'crash', message: string) {
    super(message);
  }
}

const BOOTSTRAP = new URL('./tsWorker.mjs', import.meta.url);

/** Jobs running at once; more wait their turn, so parallel uploads cannot multiply the memory. */
export const MAX_CONCURRENT_WORKERS = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function acquire(): Promise<() => void> {
  if (running >= MAX_CONCURRENT_WORKERS) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    running--;
    waiting.shift()?.();
  };
}

/**
 * Runs the worker module `entry` (a TypeScript file that posts exactly one message
 * to `parentPort`, reading its input from `workerData.data`) on its own thread
 * with a heap limit and a time limit, and resolves with that message. The event
 * loop that serves everyone else never runs the job; a job that overruns its
 * budget is terminated and rejects with `BudgetExceededError`. At most
 * `MAX_CONCURRENT_WORKERS` jobs run at once; the others queue.
 */
export async function runBudgeted<T>(entry: URL, data: unknown, budget: WorkerBudget, transfer: ArrayBuffer[] = []): Promise<T> {
  const release = await acquire();
  try {
    return await new Promise<T>((resolve, reject) => {
      const worker = new Worker(BOOTSTRAP, {
        workerData: { entry: entry.href, data },
        transferList: transfer,
        resourceLimits: { maxOldGenerationSizeMb: budget.maxHeapMb, maxYoungGenerationSizeMb: Math.max(8, Math.floor(budget.maxHeapMb / 8)) },
        stdout: false,
        stderr: false,
      });
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
        void worker.terminate();
      };
      const timer = setTimeout(() => finish(() => reject(new BudgetExceededError('timeout', `worker ran past ${budget.timeoutMs} ms`))), budget.timeoutMs);
      worker.once('message', (msg: T) => finish(() => resolve(msg)));
      worker.once('error', (err: Error & { code?: string }) =>
        finish(() =>
          reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new BudgetExceededError('memory', `worker passed its ${budget.maxHeapMb} MiB heap`)
              : new BudgetExceededError('crash', err.message),
          ),
        ),
      );
      worker.once('exit', (code) => finish(() => reject(new BudgetExceededError('crash', `worker exited (${code}) without an answer`))));
    });
  } finally {
    release();
  }
}
