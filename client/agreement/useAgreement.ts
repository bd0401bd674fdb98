/**
 * The agreement of the open package as the server keeps it (sign-offs, lock,
 * the agreed balance) and its pending counter-offers, fetched over HTTP and
 * fetched again whenever the server says they changed (an agreement notice on
 * the content websocket), shortly after the document changes (staleness and
 * the agreed balance follow the content), and every half minute as a fallback.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgreementView, ProposalList, ProposalView } from '../../shared/protocol/agreement';
import { apiGet } from '../app/api';
import type { PackageConnection } from '../app/connection';

/** Pause after a document change before asking again (a typing burst is one fetch). */
const AFTER_EDIT_MS = 800;
/** Fallback refresh while nothing else says so. */
const INTERVAL_MS = 30_000;

export interface AgreementData {
  view: AgreementView | null;
  /** Pending counter-offers, oldest first. */
  proposals: ProposalView[];
  error: string | null;
  /** Fetches both again now (after this client's own sign-off, offer or lock). */
  refresh(): void;
}

export function useAgreement(conn: PackageConnection): AgreementData {
  const [view, setView] = useState<AgreementView | null>(null);
  const [proposals, setProposals] = useState<ProposalView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/packages/${encodeURIComponent(conn.packageId)}`;
  // Answers may arrive out of order: only the newest request's answer is kept.
  const seq = useRef({ view: 0, proposals: 0 });

  const loadView = useCallback(() => {
    const n = ++seq.current.view;
    apiGet<AgreementView>(`${base}/agreement`)
      .then((v) => {
        if (n !== seq.current.view) return;
        setView(v);
        setError(null);
      })
      .catch((e: Error) => {
        if (n === seq.current.view) setError(e.message);
      });
  }, [base]);
  const loadProposals = useCallback(() => {
    const n = ++seq.current.proposals;
    apiGet<ProposalList>(`${base}/proposals?state=pending`)
      .then((r) => {
        if (n === seq.current.proposals) setProposals(r.proposals);
      })
      .catch(() => undefined);
  }, [base]);
  const refresh = useCallback(() => {
    loadView();
    loadProposals();
  }, [loadView, loadProposals]);

  useEffect(() => {
    refresh();
    const off = conn.onAgreementNotice((notice) => {
      if (notice.kind === 'agreement-changed' && notice.what === 'proposals') loadProposals();
      else if (notice.kind === 'agreement-changed' && notice.what === 'versions') return;
      else refresh();
    });
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onUpdate = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, AFTER_EDIT_MS);
    };
    conn.doc.on('update', onUpdate);
    const interval = setInterval(refresh, INTERVAL_MS);
    return () => {
      off();
      conn.doc.off('update', onUpdate);
      if (timer) clearTimeout(timer);
      clearInterval(interval);
    };
  }, [conn, refresh, loadProposals]);

  return { view, proposals, error, refresh };
}
