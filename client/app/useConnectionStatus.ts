/**
 * The connection's phase, first sync, the server's read-only notice and the
 * role it last reported, re-rendered on change. (The "N changes not yet sent"
 * count is the offline helper's useSyncStatus.)
 */
import { useEffect, useState } from 'react';
import type { ConnectionStatus, PackageConnection } from './connection';

export function useConnectionStatus(conn: PackageConnection): ConnectionStatus {
  const [status, setStatus] = useState<ConnectionStatus>(conn.getStatus());
  useEffect(() => {
    setStatus(conn.getStatus());
    return conn.onStatusChange(setStatus);
  }, [conn]);
  return status;
}
