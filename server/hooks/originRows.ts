/**
 * Audit rows a server write brings with it, stored in the same batch as the write.
 */
import type { AuditEntry } from '../storage/types';
import type { RoomHooks } from '../sync';

/**
 * The origin-rows hook: a server-side transaction whose origin carries
 * `auditRows` (an HTTP route's own record of what it did, such as an owner's
 * removal of a malformed entry) has those rows stored in the same `append` as its
 * change. Clients cannot set a transaction origin (theirs is their connection), so
 * only the server writes such rows.
 */
export function originRowsHook(): RoomHooks {
  return {
    name: 'origin-rows',
    rowsForChange({ principal, transaction }) {
      if (principal.source !== 'server') return;
      const origin: unknown = transaction.origin;
      const rows = origin && typeof origin === 'object' && 'auditRows' in origin ? (origin as { auditRows: unknown }).auditRows : undefined;
      return Array.isArray(rows) && rows.length > 0 ? { audit: rows as AuditEntry[] } : undefined;
    },
  };
}
