/**
 * Messages between the balance worker and the tabs. The worker sends the
 * package report whenever it changed, the pre-export check of the scope a tab
 * watches whenever that changed, and the state of its own connection. A tab
 * may ask for the latest report again (`hello`), says which pre-export
 * check it wants (`watch-check`, `scope: null` to stop) and says `bye` before
 * it closes its port (a closed MessagePort tells the worker nothing).
 */
import type { ExportScope } from '../../shared/export/model';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import type { PackageReport } from '../../shared/report/packageReport';

export type WorkerToTab =
  | {
      type: 'report';
      /** The package report; its revisions say which parts changed since the last message. */
      report: PackageReport;
      /** Whether the worker's replica has completed its first sync with the server. */
      synced: boolean;
      /** performance.timeOrigin + now() in the worker when the report was made (for latency measurement). */
      computedAt: number;
    }
  | { type: 'check'; scope: ExportScope; check: PreExportCheck }
  | { type: 'status'; connected: boolean; closedReason: string | null };

export type TabToWorker = { type: 'hello' } | { type: 'watch-check'; scope: ExportScope | null } | { type: 'bye' };
