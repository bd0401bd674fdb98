/** The real SQLite storage with a switch that makes `append` fail (fault injection: a storage outage). */
import { SqliteStorage } from '../../server/storage/sqlite';
import type { AppendBatch } from '../../server/storage/types';

export class SwitchableSqlite extends SqliteStorage {
  /** While set, every append throws (nothing is written). */
  refusing = false;
  /** Appends refused so far. */
  refusals = 0;
  override async append(batch: AppendBatch) {
    if (this.refusing) {
      this.refusals++;
      throw new Error('database unavailable (test)');
    }
    return super.append(batch);
  }
}
