/**
 * Tells the others which cell I am editing (my presence's `editing`), and
 * clears it when I stop or the grid goes away.
 */
import { useEffect } from 'react';
import type { PackageConnection } from '../app/connection';

/** `cell`: the line and the column (a year, or 'title') being edited, or null. */
export function useEditingPresence(conn: PackageConnection, cell: { lineId: string; year: string } | null): void {
  // As one string, so a re-render with the same cell does not write the awareness again.
  const key = cell ? `${cell.lineId}|${cell.year}` : null;
  useEffect(() => {
    if (!key) {
      conn.setEditing(null);
      return;
    }
    const [lineId = '', year = ''] = key.split('|');
    conn.setEditing({ lineId, year });
  }, [key, conn]);
  useEffect(() => () => conn.setEditing(null), [conn]);
}
