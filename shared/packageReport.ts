import { packageReportOf } from './report/packageReport';
import type { BalanceInput, BalanceReport } from './types';

/**
 * The balance part of the package report (shared/report/packageReport.ts),
 * computed from scratch: the engine's report with the lines' prose–figure
 * warnings appended, i.e. what `GET /api/packages/:id/balance` answers.
 * Equal to `packageReportOf(input).balance`; kept under this path so code
 * written against it still compiles.
 * @deprecated Use `packageReportOf` from shared/report/packageReport.ts.
 */
export function computePackageReport(input: BalanceInput): BalanceReport {
  return packageReportOf(input).balance;
}
