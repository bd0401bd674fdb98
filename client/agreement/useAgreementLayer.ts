/**
 * The workspace's agreement layer: the server's agreement and offers
 * (useAgreement), what the grids draw of them (marks per line, offers and
 * comment markers per cell), which lines are chosen for a bulk sign-off, and
 * which parties this user may sign for (a member of the party, as owner or
 * editor; the server enforces the same).
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Role } from '../../shared/protocol';
import type { PackageLine, Party } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import type { CellExtra, GridAgreement, LineAgreementInfo } from '../grid/types';
import { cellExtrasOf, lineInfos } from './derive';
import { useAgreement, type AgreementData } from './useAgreement';

const NO_COMMENTS: ReadonlyMap<string, number> = new Map();

export interface AgreementLayer {
  data: AgreementData;
  locked: boolean;
  grid: GridAgreement;
  /** Parties the user may sign for. */
  signable: Party[];
  /** The chosen lines, in the document's order. */
  chosenLines: PackageLine[];
  clearChoice(): void;
  infos: ReadonlyMap<string, LineAgreementInfo>;
}

export function useAgreementLayer({ conn, role, lines, parties, cellComments = NO_COMMENTS }: { conn: PackageConnection; role: Role; lines: PackageLine[]; parties: Party[]; cellComments?: ReadonlyMap<string, number> }): AgreementLayer {
  const data = useAgreement(conn);
  const locked = !!data.view?.lock.locked;
  const signable = useMemo(() => (role === 'owner' || role === 'editor' ? parties.filter((p) => p.id === conn.user.party) : []), [role, parties, conn.user.party]);

  const prevInfos = useRef<ReadonlyMap<string, LineAgreementInfo>>(new Map());
  const infos = useMemo(() => {
    const next = lineInfos(data.view, lines, parties, prevInfos.current);
    prevInfos.current = next;
    return next;
  }, [data.view, lines, parties]);
  const prevCells = useRef<ReadonlyMap<string, Readonly<Record<string, CellExtra>>>>(new Map());
  const cells = useMemo(() => {
    const next = cellExtrasOf(data.proposals, cellComments, parties, prevCells.current);
    prevCells.current = next;
    return next;
  }, [data.proposals, cellComments, parties]);

  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | null>(null);
  const onCheck = useCallback((lineId: string, how: { range: boolean; toggle: boolean }) => {
    setChecked((cur) => {
      const next = new Set(cur);
      if (how.range && anchor.current && anchor.current !== lineId) {
        // The range as the page shows the lines (the tables and the sections order them differently).
        const order = [...document.querySelectorAll<HTMLElement>('tr[data-line-id]')].map((el) => el.dataset.lineId ?? '');
        const a = order.indexOf(anchor.current);
        const b = order.indexOf(lineId);
        if (a >= 0 && b >= 0) {
          for (const id of order.slice(Math.min(a, b), Math.max(a, b) + 1)) next.add(id);
          return next;
        }
      }
      if (next.has(lineId)) next.delete(lineId);
      else next.add(lineId);
      anchor.current = lineId;
      return next;
    });
  }, []);
  const clearChoice = useCallback(() => {
    anchor.current = null;
    setChecked(new Set());
  }, []);

  const canSign = signable.length > 0;
  const grid = useMemo<GridAgreement>(() => ({ lines: infos, cells, checked: canSign ? checked : null, onCheck }), [infos, cells, canSign, checked, onCheck]);
  const chosenLines = useMemo(() => lines.filter((l) => checked.has(l.id)), [lines, checked]);
  return { data, locked, grid, signable, chosenLines, clearChoice, infos };
}
