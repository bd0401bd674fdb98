/**
 * The «Import og eksport» tab: the import card (editors only: a preview of
 * the lines, new sections, the balance after and prose warnings first, then
 * all or nothing) and the export card (the live pre-export check from the
 * balance worker, then a download per format with progress).
 */
import type { PackageLine, Year } from '../../shared/types';
import type { BalanceState } from '../app/balanceClient';
import type { PackageConnection } from '../app/connection';
import { ExportCard } from './ExportCard';
import { ImportCard } from './ImportCard';

export interface ImportExportPanelProps {
  conn: PackageConnection;
  balance: BalanceState;
  lines: PackageLine[];
  canEdit: boolean;
  onGoToLine(lineId: string, year?: Year): void;
}

export function ImportExportPanel({ conn, balance, lines, canEdit, onGoToLine }: ImportExportPanelProps) {
  return (
    <div className="panel-page">
      {canEdit && <ImportCard packageId={conn.packageId} />}
      <ExportCard packageId={conn.packageId} worker={balance.worker} lines={lines} onGoToLine={onGoToLine} />
    </div>
  );
}
