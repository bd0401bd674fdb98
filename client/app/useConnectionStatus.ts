/**
 * The header's connection state: the provider's phase and first sync, the
 * server's read-only notice, and how many local changes were made while the
 * websocket was down ("offline — N changes not yet sent"). The count is of
 * local transactions since the connection dropped; it returns to 0 when the
 * provider has re-synced (y-websocket sends the whole diff on sync step 2).
 */
import { useEffect, useState } from 'react';
import type { ConnectionStatus, PackageConnection } from './connection';

export interface HeaderStatus extends ConnectionStatus {
  pending: number;
}

export function useConnectionStatus(conn: PackageConnection): HeaderStatus {
  const [status, setStatus] = useState<ConnectionStatus>(conn.getStatus());
  const [pending, setPending] = useState(0);
  useEffect(() => {
    setStatus(conn.getStatus());
    let offline = conn.getStatus().phase !== 'connected';
    let count = 0;
    const stopStatus = conn.onStatusChange((s) => {
      setStatus(s);
      if (s.phase !== 'connected') offline = true;
    });
    const onUpdate = (_u: Uint8Array, origin: unknown) => {
      if (!offline || origin === conn.provider) return;
      count++;
      setPending(count);
    };
    const onSync = (synced: boolean) => {
      if (synced && conn.provider.wsconnected) {
        offline = false;
        count = 0;
        setPending(0);
      }
    };
    conn.doc.on('update', onUpdate);
    conn.provider.on('sync', onSync);
    return () => {
      stopStatus();
      conn.doc.off('update', onUpdate);
      conn.provider.off('sync', onSync);
    };
  }, [conn]);
  return { ...status, pending };
}
