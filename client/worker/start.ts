/**
 * Starts the balance worker of a package: the SharedWorker named
 * `balance-<packageId>` (one per package in this browser, shared by its tabs),
 * or a dedicated Worker where SharedWorker does not exist. Kept apart from the
 * tab's connection code (client/app/balanceClient.ts) so the app's first chunk
 * can start the worker's download early without carrying that code.
 */

/** The worker's name for a package. */
export function balanceWorkerName(packageId: string): string {
  return 'balance-' + packageId;
}

/** A new connection to the package's balance worker (the shared one, or a dedicated one where there is none). */
export function startBalanceWorker(packageId: string): { kind: 'shared'; worker: SharedWorker } | { kind: 'dedicated'; worker: Worker } {
  const name = balanceWorkerName(packageId);
  if (typeof SharedWorker !== 'undefined') return { kind: 'shared', worker: new SharedWorker(new URL('./balance.worker.ts', import.meta.url), { type: 'module', name }) };
  return { kind: 'dedicated', worker: new Worker(new URL('./balance.worker.ts', import.meta.url), { type: 'module', name }) };
}

/**
 * Opened at a package address: starts that package's shared worker at once, so its
 * script downloads beside the package's own code instead of after it, and the
 * balance is ready when the document is. The first connection says `bye` at once
 * (the workspace connects on its own); the worker lives on while this page does.
 * Nothing happens where SharedWorker is missing (a dedicated worker cannot be
 * handed over).
 */
export function prewarmBalanceWorker(packageId: string): void {
  if (typeof SharedWorker === 'undefined') return;
  const started = startBalanceWorker(packageId);
  if (started.kind !== 'shared') return;
  started.worker.port.postMessage({ type: 'bye' });
  started.worker.port.close();
}
