/**
 * One live connection to a package that recovers from a refused change: when the
 * server refuses a change from this tab (4422), or another tab of this browser
 * announces that it was refused, the connection is dropped, the local copy of the
 * refused document is deleted from IndexedDB (client/offline/discard.ts), and a
 * fresh connection loads the package from the server. The notice says what
 * happened and what was not saved. More than `MAX_RECOVERIES_PER_MINUTE`
 * recoveries in a minute stop it (then the notice asks for a page reload), so a
 * refusal can never loop.
 */
import { useEffect, useRef, useState } from 'react';
import { createPackageConnection, type ConnectOptions, type PackageConnection } from './connection';
import { announceDiscard, deleteLocalCopy, onDiscardAnnounced, type DiscardedDoc } from '../offline/discard';

/** What the last recovery was: who was refused, which document, how many changes were not saved (null: unknown). */
export interface RecoveryNotice {
  source: 'self' | 'peer';
  doc: DiscardedDoc;
  pending: number | null;
  /** Too many recoveries in a row: no new connection was made. */
  gaveUp: boolean;
}

/** More recoveries than this within a minute and the tab stops trying. */
export const MAX_RECOVERIES_PER_MINUTE = 3;
/** After deleting its copy, a tab waits this long before it connects again, so every other tab has let go of the old data. */
export const RECOVERY_SETTLE_MS = 300;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The package connection for `opts` (null while it is being replaced), and the notice of the last recovery. */
export function useRecoveringConnection(opts: ConnectOptions): { conn: PackageConnection | null; notice: RecoveryNotice | null; dismiss(): void } {
  const { packageId, role } = opts;
  const { id: userId, name: userName, party } = opts.user;
  const [generation, setGeneration] = useState(0);
  const [conn, setConn] = useState<PackageConnection | null>(null);
  const [notice, setNotice] = useState<RecoveryNotice | null>(null);
  const recoveries = useRef<number[]>([]);

  useEffect(() => {
    const c = createPackageConnection({ packageId, role, user: { id: userId, name: userName, ...(party ? { party } : {}) } });
    setConn(c);
    let current = true;
    const recover = async (doc: DiscardedDoc, source: 'self' | 'peer') => {
      if (!current) return;
      current = false;
      // What had not reached the server (kept with the content copy, which is about to go).
      const pending = source === 'self' && doc === 'content' ? await Promise.race([c.pendingStore.load(), sleep(500).then(() => null)]).catch(() => null) : null;
      c.destroy();
      setConn(null);
      if (source === 'self') announceDiscard(packageId, doc);
      await deleteLocalCopy(packageId, doc);
      await sleep(RECOVERY_SETTLE_MS);
      const now = Date.now();
      recoveries.current = [...recoveries.current.filter((t) => now - t < 60_000), now];
      const gaveUp = recoveries.current.length > MAX_RECOVERIES_PER_MINUTE;
      setNotice({ source, doc, pending, gaveUp });
      if (!gaveUp) setGeneration((g) => g + 1);
    };
    const stopRefused = c.onRefused((doc) => void recover(doc, 'self'));
    const stopPeer = onDiscardAnnounced(packageId, (doc) => void recover(doc, 'peer'));
    return () => {
      current = false;
      stopRefused();
      stopPeer();
      c.destroy();
    };
  }, [packageId, role, userId, userName, party, generation]);

  return { conn, notice, dismiss: () => setNotice(null) };
}
