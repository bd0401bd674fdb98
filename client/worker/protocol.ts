/**
 * Messages between the balance worker and the tabs. The worker only ever
 * sends; tabs only connect (and may ask for the latest report again).
 */
import type { BalanceReport } from '../../shared/types';
import type { AreaFrames } from '../../shared/doc/baseline';

export type WorkerToTab =
  | {
      type: 'report';
      report: BalanceReport;
      frames: AreaFrames;
      /** Whether the worker's replica has completed its first sync with the server. */
      synced: boolean;
      /** performance.timeOrigin + now() in the worker when the report was made (for latency measurement). */
      computedAt: number;
      /** How many transactions the worker has applied so far (monotonic). */
      revision: number;
    }
  | { type: 'status'; connected: boolean; closedReason: string | null };

export type TabToWorker = { type: 'hello' };
