/**
 * Messages between the balance worker and the tabs. The worker has no
 * connection of its own: the tabs feed its replica of the package document
 * (the document is downloaded once per tab, not once more for the worker).
 * On connecting, the worker sends a tab its replica's state vector; the tab
 * answers with the difference (`update`) and from then on forwards every update
 * its own document applies (local edits, remote ones from the server, what
 * IndexedDB restored), and says whether its document has completed the first
 * sync with the server (`synced`). Several tabs feed the same replica; Yjs
 * ignores what it has already seen, so a tab that closes takes nothing with it.
 *
 * The worker sends the package report whenever it changed and the pre-export
 * check of the scope a tab watches whenever that changed. A tab may ask again
 * (`hello`: the latest report and check, and the state vector, after it was
 * away), says which pre-export check it wants (`watch-check`, `scope: null` to
 * stop), passes on the sign-offs it fetched (`acceptances`: the `agreed` check
 * counts only what every party accepted as it reads now) and says `bye` before it closes its port or the page goes away (a
 * closed MessagePort tells the worker nothing).
 */
import type { ExportScope } from '../../shared/export/model';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import type { PackageReport } from '../../shared/report/packageReport';
import type { Acceptances } from '../../shared/report/agreement';

export type WorkerToTab =
  | {
      type: 'report';
      /** The package report; its revisions say which parts changed since the last message. */
      report: PackageReport;
      /** Whether some tab feeding the replica has completed its first sync with the server. */
      synced: boolean;
      /** performance.timeOrigin + now() in the worker when the report was made (for latency measurement). */
      computedAt: number;
    }
  | { type: 'check'; scope: ExportScope; check: PreExportCheck }
  /** The replica's Yjs state vector: the tab answers with the updates the replica lacks. */
  | { type: 'state-vector'; stateVector: Uint8Array };

export type TabToWorker =
  | { type: 'hello' }
  /** A Yjs update of the tab's package document. */
  | { type: 'update'; update: Uint8Array }
  /** Whether the tab's document has completed its first sync with the server. */
  | { type: 'synced'; synced: boolean }
  | { type: 'watch-check'; scope: ExportScope | null }
  /** The sign-offs as the server last reported them: what agreement (the `agreed` check) is derived from. */
  | { type: 'acceptances'; acceptances: Acceptances }
  | { type: 'bye' };
