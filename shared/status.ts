import type { Status } from './types';

/**
 * The one Norwegian word for each status: what the app shows, what every
 * export prints (with scope `all`), and, in lower case, what the CSV export
 * writes (`STATUS_WORDS` in shared/csv.ts; the CSV import also accepts the
 * older words «enig», «avvist» and «avtalt» and the English codes).
 */
export const STATUS_LABELS: Record<Status, string> = {
  draft: 'Utkast',
  proposed: 'Foreslått',
  agreed: 'Enighet',
  rejected: 'Forkastet',
};
