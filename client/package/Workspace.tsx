/**
 * The package workspace for one live connection: the header, the live balance
 * bar, the tabs (the ledger tables, the sections as a document, the baseline
 * frames, import/export, settings) and, beside the grids, the selected line's
 * details. It reads the doc as plain snapshots, presence from the awareness and
 * every figure from the balance worker's package report; the tabs never sum.
 */
import { Suspense, lazy, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { createLineInDoc } from '../../shared/doc/schema';
import { computeBalance } from '../../shared/balance';
import type { Year } from '../../shared/types';
import { useBalance } from '../app/balanceClient';
import type { PackageConnection } from '../app/connection';
import { useCommentCounts } from '../app/useCommentCounts';
import { useConnectionStatus } from '../app/useConnectionStatus';
import { usePackageSnapshot } from '../app/usePackageDoc';
import { BalanceBar } from '../balance/BalanceBar';
import { ConflictNotices } from '../conflicts/ConflictNotices';
import { ConflictsPanel } from '../conflicts/ConflictsPanel';
import { useConflicts } from '../conflicts/conflictStore';
import { holdKeys } from '../grid/keyHandoff';
import type { NewLineTemplate } from '../grid/operations';
import type { GridSharedProps } from '../grid/types';
import { translate, useLang, useT, type MessageId } from '../i18n';
import { useSyncStatus } from '../offline/useSyncStatus';
import { colorForParty, type PresenceUser } from '../presence/awareness';
import { usePresence } from '../presence/usePresence';
import { BaselinePanel } from './BaselinePanel';
import { CellComments, type CellThread } from './CellComments';
import { preloadEditors } from './TextField';
import { LedgerTables } from './LedgerTables';
import { LineDetails } from './LineDetails';
import { MalformedEntries } from './MalformedEntries';
import { PackageHeader } from './PackageHeader';
import { SectionsView } from './SectionsView';
import { SettingsPanel } from './SettingsPanel';
import { useLineSelection } from './useLineSelection';
import { useUndo } from './useUndo';
import { AgreementPanel } from '../agreement/AgreementPanel';
import { LockBanner } from '../agreement/LockBanner';
import { RoundsPanel } from '../agreement/RoundsPanel';
import { SignoffBar } from '../agreement/SignoffBar';
import { VerbalSignoff } from '../agreement/VerbalSignoff';
import { ToMePanel } from '../agreement/ToMePanel';
import { useAgreementLayer } from '../agreement/useAgreementLayer';
import { acceptancesOf } from '../../shared/report/agreement';
import '../agreement/agreement.css';

// The import and export code (previews, the pre-export check, downloads) loads when its tab is opened.
const ImportExportPanel = lazy(() => import('./ImportExportPanel').then((m) => ({ default: m.ImportExportPanel })));

type Tab = 'ledger' | 'sections' | 'baseline' | 'conflicts' | 'import' | 'settings' | 'agreement' | 'rounds' | 'tome';
const TABS: Tab[] = ['ledger', 'sections', 'agreement', 'rounds', 'baseline', 'conflicts', 'import', 'settings', 'tome'];
/** How long the "you cannot change this" notice stays. */
const TOAST_MS = 4000;
const TAB_LABEL: Record<Tab, MessageId> = { ledger: 'tabLedger', sections: 'tabSections', baseline: 'tabBaseline', conflicts: 'tabConflicts', import: 'tabImport', settings: 'tabSettings', agreement: 'tabAgreement', rounds: 'tabRounds', tome: 'tabToMe' };

export function Workspace({ conn }: { conn: PackageConnection }) {
  const t = useT();
  const lang = useLang();
  const snap = usePackageSnapshot(conn.doc);
  const peers = usePresence(conn.provider);
  const status = useConnectionStatus(conn);
  const sync = useSyncStatus(conn.provider, conn.doc, conn.pendingStore);
  const commentCounts = useCommentCounts(conn.commentsDoc);
  const balance = useBalance(conn);
  const undo = useUndo(conn);
  const [tab, setTab] = useState<Tab>('ledger');
  const [announcement, setAnnouncement] = useState('');
  // Showing a line leaves the sections view as it is and opens the tables from anywhere else.
  const showGrids = useCallback(() => setTab((cur) => (cur === 'sections' ? 'sections' : 'ledger')), []);
  const selection = useLineSelection(showGrids);
  const { goToLine } = selection;

  const parties = snap.meta.parties;
  // Sign-offs, offers and the lock, from the server; while locked nobody changes the content.
  // Open comments on one amount cell (`cell:<line>:<year>`) mark that cell.
  const cellComments = useMemo(() => new Map([...commentCounts].flatMap(([k, n]) => (k.startsWith('cell:') ? [[k.slice(5).replace(/:(\d{4})$/, '|$1'), n] as const] : []))), [commentCounts]);
  const layer = useAgreementLayer({ conn, role: status.role, lines: snap.lines, parties, cellComments });
  const locked = layer.locked;
  // The balance worker derives the `agreed` export check from the same sign-offs.
  const agreementView = layer.data.view;
  const balanceWorker = balance.worker;
  useEffect(() => {
    if (balanceWorker && agreementView) balanceWorker.post({ type: 'acceptances', acceptances: acceptancesOf(agreementView) });
  }, [balanceWorker, agreementView]);
  const canEdit = (status.role === 'owner' || status.role === 'editor') && !status.readOnlyReason && !locked;
  const people = useMemo(() => peers.map((p) => p.user), [peers]);
  const conflicts = useConflicts(conn, people);
  // Me as my presence shows me (the connection publishes it once, in my party's colour).
  const me: PresenceUser = useMemo(() => peers.find((p) => p.isSelf)?.user ?? { ...conn.user, color: colorForParty(parties, conn.user.party) }, [peers, conn, parties]);
  const partyColors = useMemo(() => Object.fromEntries(parties.flatMap((p) => [[p.id, p.color] as const, [p.name, p.color] as const])), [parties]);

  const report = balance.report;
  // Once the grid and the balance are shown (the document is here), fetch the editors too,
  // without competing with the document on a slow line: a line opened later, offline, still gets its texts.
  const shown = report !== null;
  useEffect(() => {
    if (shown) preloadEditors();
  }, [shown]);
  // «med forslag»: the balance as if every pending offer were accepted — a what-if
  // computed here, only while asked for; offers never change the real balance.
  const [withOffers, setWithOffers] = useState(false);
  const pendingOffers = useMemo(() => layer.data.proposals.filter((p) => p.state === 'pending' && !p.outdated), [layer.data.proposals]);
  const whatIf = useMemo(() => {
    if (!withOffers || pendingOffers.length === 0) return null;
    const lines = snap.lines.map((l) => {
      const offers = pendingOffers.filter((p) => p.lineId === l.id);
      return offers.length === 0 ? l : { ...l, amounts: { ...l.amounts, ...Object.fromEntries(offers.map((p) => [p.year, p.amount])) } };
    });
    const input: Parameters<typeof computeBalance>[0] = { years: snap.meta.years, planYears: snap.meta.planYears, lines };
    if (snap.meta.fundOpeningBalance) input.fundOpeningBalance = snap.meta.fundOpeningBalance;
    return computeBalance(input);
  }, [withOffers, pendingOffers, snap.lines, snap.meta]);
  const years: Year[] = snap.meta.years.length ? snap.meta.years : (report?.balance.years ?? []);
  // `report.prose` keeps its identity while its revision is unchanged, so the memoised tables do too.
  const prose = report?.prose;
  const proseMismatch = useMemo(() => new Set((prose ?? []).flatMap((w) => (w.lineId ? [w.lineId] : []))), [prose]);
  const selectedProse = useMemo(() => (prose ?? []).filter((w) => w.lineId !== undefined && w.lineId === selection.selectedLineId), [prose, selection.selectedLineId]);

  useEffect(() => {
    document.title = `${snap.meta.title || translate(lang, 'appName')} — ${translate(lang, 'appName')}`;
  }, [snap.meta.title, lang]);

  const announce = useCallback((text: string) => {
    setAnnouncement('');
    requestAnimationFrame(() => setAnnouncement(text));
  }, []);

  // Someone who may not change the package tried to: say why nothing happens, for a few seconds.
  const [toast, setToast] = useState<{ text: string; n: number } | null>(null);
  const readOnlyText = locked ? t('lockedBannerShort') : (status.readOnlyReason ?? (status.role === 'commenter' ? t('readOnlyCommenter') : t('readOnlyViewer')));
  const onReadOnlyAttempt = useCallback(() => setToast((cur) => ({ text: readOnlyText, n: (cur?.n ?? 0) + 1 })), [readOnlyText]);
  useEffect(() => {
    if (!toast) return undefined;
    const timer = setTimeout(() => setToast(null), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);

  // The header and the balance bar stay on top while the page scrolls (on wide screens); the
  // details panel sticks below them, so it needs their height, which changes with the width.
  const rootRef = useRef<HTMLDivElement>(null);
  const topRef = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const root = rootRef.current;
    const top = topRef.current;
    if (!root || !top) return undefined;
    const apply = () => root.style.setProperty('--workspace-top', `${top.offsetHeight}px`);
    apply();
    const ro = new ResizeObserver(apply);
    ro.observe(top);
    return () => ro.disconnect();
  }, []);

  const addLine = useCallback(
    (template: NewLineTemplate) => {
      // Whatever is typed from now until the new line's title cell has the focus goes there.
      holdKeys(translate(lang, 'newLineComing'));
      conn.undoManager.stopCapturing();
      const input: Parameters<typeof createLineInDoc>[1] = { ledger: template.ledger, group: template.group, title: '' };
      if (template.section) input.section = template.section;
      if (conn.user.party) input.party = conn.user.party;
      const lineId = createLineInDoc(conn.doc, input, conn.localOrigin);
      conn.undoManager.stopCapturing();
      goToLine(lineId);
    },
    [conn, goToLine, lang],
  );

  // The comments of one amount cell, opened from the grid, shown in the details of its line.
  const [cellThread, setCellThread] = useState<CellThread | null>(null);
  const { selectLine } = selection;
  const openCellComments = useCallback(
    (lineId: string, year: Year) => {
      selectLine(lineId, true);
      setCellThread((cur) => ({ lineId, year, nonce: (cur?.nonce ?? 0) + 1 }));
    },
    [selectLine],
  );
  const closeCellComments = useCallback(
    (backToCell: boolean) => {
      if (backToCell && cellThread) goToLine(cellThread.lineId, cellThread.year);
      setCellThread(null);
    },
    [cellThread, goToLine],
  );
  // A thread of «Til meg»: its line, and for a comment on one amount, that cell's comments opened beside it.
  const goToThread = useCallback(
    (lineId: string, year?: Year) => {
      goToLine(lineId, year);
      if (year) openCellComments(lineId, year);
    },
    [goToLine, openCellComments],
  );
  const selectedLine = snap.lines.find((l) => l.id === selection.detailsLineId) ?? null;
  const openCellThread = cellThread && selectedLine?.id === cellThread.lineId ? cellThread : null;
  // What the ledger tables and the sections view show of each line, and how they talk back.
  const gridProps: GridSharedProps = {
    conn,
    years,
    peers,
    canEdit,
    partyColors,
    commentCounts,
    proseMismatch,
    selectedLineId: selection.selectedLineId,
    onSelectLine: selection.selectLine,
    onAddLine: addLine,
    focusRequest: selection.focusRequest,
    announce,
    onReadOnlyAttempt,
    agreement: layer.grid,
    onOpenCellComments: openCellComments,
    canComment: status.role === 'owner' || status.role === 'editor' || status.role === 'commenter',
  };
  const withGrids = tab === 'ledger' || tab === 'sections';

  return (
    <div className="workspace" ref={rootRef}>
      <div className="workspace-top" ref={topRef}>
        <PackageHeader conn={conn} title={snap.meta.title} status={status} sync={sync} canEdit={canEdit} undo={undo} />
        <MalformedEntries conn={conn} isOwner={status.role === 'owner'} />
        {locked && layer.data.view && <LockBanner lock={layer.data.view.lock} />}
        <BalanceBar report={whatIf ?? report?.balance ?? null} lines={snap.lines} onGoToLine={goToLine} context={tab} />
        {pendingOffers.length > 0 && (
          <label className="with-offers" title={t('withProposalsHint')}>
            <input type="checkbox" checked={withOffers} onChange={(e) => setWithOffers(e.target.checked)} /> {t('withProposals')} ({pendingOffers.length})
            {withOffers && <span className="muted"> — {t('withProposalsHint')}</span>}
          </label>
        )}
      </div>
      <nav className="tabs" aria-label={t('appName')}>
        {/* Negotiators edit the decision in the settings too; the package's frame stays the owner's. */}
        {TABS.filter((k) => k !== 'settings' || status.role === 'owner' || status.role === 'editor').map((k) => (
          <button key={k} type="button" className={tab === k ? 'tab active' : 'tab'} aria-current={tab === k ? 'page' : undefined} onClick={() => setTab(k)}>
            {k === 'conflicts' && conflicts.snapshot.list.length > 0 ? t('tabConflictsCount', { n: conflicts.snapshot.list.length }) : t(TAB_LABEL[k])}
          </button>
        ))}
      </nav>
      <ConflictNotices conn={conn} store={conflicts.store} snapshot={conflicts.snapshot} canEdit={canEdit} onGoToCell={goToLine} />
      <div className="live-region sr-only" aria-live="polite">
        {announcement}
      </div>
      <div className="toast-region" role="status">
        {toast && (
          <p className="toast" key={toast.n}>
            {toast.text}
          </p>
        )}
      </div>
      <main id="main" className={withGrids ? 'work-area with-details' : 'work-area'}>
        <div className="work-main">
          {withGrids && layer.chosenLines.length > 0 && layer.signable.length > 0 && (
            <SignoffBar packageId={conn.packageId} lines={layer.chosenLines} parties={layer.signable} locked={locked} onClearChoice={layer.clearChoice} onSaved={layer.data.refresh} />
          )}
          {tab === 'ledger' && <LedgerTables lines={snap.lines} balance={report?.balance ?? null} {...gridProps} />}
          {tab === 'sections' && <SectionsView
              sections={snap.sections}
              parties={parties}
              lines={snap.lines}
              verbal={snap.verbal}
              me={me}
              renderVerbalSignoff={(v) => <VerbalSignoff packageId={conn.packageId} verbal={v} view={layer.data.view} parties={parties} signable={layer.signable} locked={locked} onSaved={layer.data.refresh} />}
              {...gridProps}
            />}
          {tab === 'baseline' && (
            <BaselinePanel conn={conn} baseline={snap.baseline} frames={report?.frames ?? null} proposedBorrowing={snap.meta.proposedBorrowing} balance={report?.balance ?? null} canEdit={canEdit} />
          )}
          {tab === 'agreement' && (
            <AgreementPanel conn={conn} data={layer.data} lines={snap.lines} verbal={snap.verbal} sections={snap.sections} parties={parties} isOwner={status.role === 'owner'} onGoToLine={goToLine} />
          )}
          {tab === 'rounds' && <RoundsPanel conn={conn} lines={snap.lines} parties={parties} years={years} canEdit={canEdit} canSave={status.role === 'owner' || status.role === 'editor'} />}
          {tab === 'tome' && <ToMePanel conn={conn} onGoToLine={goToThread} />}
          {tab === 'conflicts' && <ConflictsPanel conn={conn} store={conflicts.store} snapshot={conflicts.snapshot} canEdit={canEdit} onGoToCell={goToLine} />}
          {tab === 'import' && (
            <Suspense fallback={<p className="muted">{t('loading')}</p>}>
              <ImportExportPanel conn={conn} balance={balance} lines={snap.lines} canEdit={canEdit} onGoToLine={goToLine} />
            </Suspense>
          )}
          {tab === 'settings' && <SettingsPanel conn={conn} meta={snap.meta} canEdit={canEdit} canEditFrame={canEdit && status.role === 'owner'} balance={report?.balance ?? null} />}
        </div>
        {withGrids && (
          <LineDetails
            conn={conn}
            line={selectedLine}
            lines={snap.lines}
            sections={snap.sections}
            parties={parties}
            baseline={snap.baseline}
            frames={report?.frames ?? null}
            years={years}
            canEdit={canEdit}
            me={me}
            proseWarnings={selectedProse}
            onDeleted={() => selection.selectLine(null)}
            onSelect={(lineId) => goToLine(lineId)}
            proposals={{ list: layer.data.proposals, canPropose: canEdit && !!conn.user.party, onChanged: layer.data.refresh }}
            cellComments={openCellThread && selectedLine ? <CellComments key={`${openCellThread.lineId}|${openCellThread.year}`} conn={conn} thread={openCellThread} lineTitle={selectedLine.title} me={me} onClose={closeCellComments} /> : null}
          />
        )}
      </main>
    </div>
  );
}
