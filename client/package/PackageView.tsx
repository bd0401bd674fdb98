/**
 * The package workspace: header (title, connection, presence, undo/redo), the
 * live balance bar, and the views — sections as a document, the ledger tables,
 * the baseline frames, import/export — with the selected line's details beside.
 */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createLineInDoc } from '../../shared/doc/schema';
import { LEDGERS, GROUPS, type Ledger, type PackageLine, type Year } from '../../shared/types';
import type { Role } from '../../shared/protocol';
import { useBalance } from '../app/balanceClient';
import { colorForParty, createPackageConnection, type PackageConnection } from '../app/connection';
import { PresenceBar } from '../presence/PresenceBar';
import { SyncStatusBadge } from '../offline/SyncStatusBadge';
import { useSyncStatus } from '../offline/useSyncStatus';
import { parseTextId } from '../editor/ids';
import { navigate } from '../app/router';
import { logout, refreshSession, useSession } from '../app/session';
import { useConnectionStatus } from '../app/useConnectionStatus';
import { useCommentCounts } from '../app/useCommentCounts';
import type { Editing } from '../presence/awareness';
import { usePackageSnapshot, useRemotePeers, type RemotePeer } from '../app/usePackageDoc';
import { BalanceBar } from '../balance/BalanceBar';
import { LedgerGrid, type FocusRequest, type GridBlock } from '../grid/LedgerGrid';
import type { NewLineTemplate } from '../grid/operations';
import { setLang, termExplanation, translate, useLang, useT, type Lang, type MessageId } from '../i18n';
import { initPresence } from '../presence/awareness';
import { BaselinePanel } from './BaselinePanel';
import { ImportExportPanel } from './ImportExportPanel';
import { LineDetails } from './LineDetails';
import { SectionsView } from './SectionsView';
import { SettingsPanel } from './SettingsPanel';
import { AppLink } from '../app/AppLink';

/** How long a "show this line" request stays pending for grids that are still mounting. */
const FOCUS_REQUEST_TTL_MS = 3000;
/** Pause before the details panel switches to a newly selected line. */
const DETAILS_FOLLOW_DELAY_MS = 150;

type Tab = 'ledger' | 'sections' | 'baseline' | 'import' | 'settings';
const TABS: Tab[] = ['ledger', 'sections', 'baseline', 'import', 'settings'];
const TAB_LABEL: Record<Tab, MessageId> = { ledger: 'tabLedger', sections: 'tabSections', baseline: 'tabBaseline', import: 'tabImport', settings: 'tabSettings' };

export function PackageView({ id }: { id: string }) {
  const t = useT();
  const session = useSession();
  const membership = session.memberships.find((m) => m.packageId === id);
  // A package created or joined after log-in is not in the session yet: ask once more.
  const [rechecked, setRechecked] = useState(false);
  useEffect(() => {
    if (membership || rechecked) return;
    void refreshSession().finally(() => setRechecked(true));
  }, [membership, rechecked]);
  if (!membership && !rechecked) return <p className="page muted">{t('loading')}</p>;
  if (!membership) {
    return (
      <main className="page" id="main">
        <p className="form-error" role="alert">
          {t('notFound')}
        </p>
        <a href="/" onClick={(e) => (e.preventDefault(), navigate('/'))}>
          ← {t('backToList')}
        </a>
      </main>
    );
  }
  return <Workspace key={id} id={id} role={membership.role} party={membership.party ?? undefined} userName={session.user?.name || session.user?.email || '?'} userId={session.user?.userId ?? ''} />;
}

function Workspace({ id, role, party, userName, userId }: { id: string; role: Role; party: string | undefined; userName: string; userId: string }) {
  const [conn, setConn] = useState<PackageConnection | null>(null);
  useEffect(() => {
    const c = createPackageConnection({ packageId: id, role, user: { name: userName, color: '#3b6ea5', userId, ...(party ? { party } : {}) } });
    setConn(c);
    // Handy in the browser console and in browser tests; not an API.
    (window as unknown as { __pkg?: PackageConnection }).__pkg = c;
    return () => c.destroy();
  }, [id, role, party, userName, userId]);
  if (!conn) return null;
  return <WorkspaceInner conn={conn} party={party} userName={userName} userId={userId} />;
}

function WorkspaceInner({ conn, party, userName, userId }: { conn: PackageConnection; party: string | undefined; userName: string; userId: string }) {
  const t = useT();
  const lang = useLang();
  const snap = usePackageSnapshot(conn.doc);
  const peers = useRemotePeers(conn.awareness);
  const status = useConnectionStatus(conn);
  const sync = useSyncStatus(conn.provider, conn.doc, conn.pendingStore);
  const commentCounts = useCommentCounts(conn.commentsDoc);
  const balance = useBalance(conn.packageId);
  const [tab, setTab] = useState<Tab>('ledger');
  const [selectedLineId, setSelectedLineId] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const nonce = useRef(0);

  const canEdit = (status.role === 'owner' || status.role === 'editor') && !status.readOnlyReason;
  const parties = snap.meta.parties;
  const myColor = colorForParty(parties, party);
  const me = useMemo(() => ({ name: userName, color: myColor, id: userId, party }), [userName, myColor, userId, party]);
  const partyColors = useMemo(() => Object.fromEntries(parties.flatMap((p) => [[p.id, p.color] as const, [p.name, p.color] as const])), [parties]);
  useEffect(() => {
    initPresence(conn.provider, { id: userId || String(conn.doc.clientID), name: userName, color: myColor, ...(party ? { party } : {}) });
  }, [conn, userId, userName, myColor, party]);

  const years: Year[] = snap.meta.years.length ? snap.meta.years : (balance.latest?.report.years ?? []);
  const report = balance.latest?.report ?? null;
  const frames = balance.latest?.frames ?? null;
  // Keyed on the ids so the memoised tables get the same set while the mismatches stay the same.
  const proseKey = (report?.warnings ?? []).filter((w) => w.code === 'prose-figure-mismatch' && w.lineId).map((w) => w.lineId).join('\n');
  const proseMismatch = useMemo(() => new Set(proseKey ? proseKey.split('\n') : []), [proseKey]);
  const selectedProse = useMemo(() => (report?.warnings ?? []).filter((w) => w.code === 'prose-figure-mismatch' && w.lineId !== undefined && w.lineId === selectedLineId), [report, selectedLineId]);

  useEffect(() => {
    document.title = `${snap.meta.title || translate(lang, 'appName')} — ${translate(lang, 'appName')}`;
  }, [snap.meta.title, lang]);

  const announce = useCallback((text: string) => {
    setAnnouncement('');
    requestAnimationFrame(() => setAnnouncement(text));
  }, []);

  const goToLine = useCallback(
    (lineId: string, year?: Year) => {
      setTab((cur) => (cur === 'sections' ? 'sections' : 'ledger'));
      setSelectedLineId(lineId);
      setDetailsLineId(lineId);
      const req: FocusRequest = { lineId, nonce: ++nonce.current };
      if (year) req.year = year;
      // After the tab has rendered; cleared again so a grid mounted later (another tab)
      // does not take the focus for an old request.
      requestAnimationFrame(() => setFocusRequest(req));
      setTimeout(() => setFocusRequest((cur) => (cur === req ? null : cur)), FOCUS_REQUEST_TTL_MS);
    },
    [],
  );

  const addLine = useCallback(
    (template: NewLineTemplate) => {
      conn.undoManager.stopCapturing();
      const input: Parameters<typeof createLineInDoc>[1] = { ledger: template.ledger, group: template.group, title: '' };
      if (template.section) input.section = template.section;
      if (party) input.party = party;
      const lineId = createLineInDoc(conn.doc, input, conn.localOrigin);
      conn.undoManager.stopCapturing();
      goToLine(lineId);
    },
    [conn, party, goToLine],
  );

  // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y outside text editors and inputs: my own last change.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault();
        conn.undoManager.undo();
      } else if ((k === 'z' && e.shiftKey) || k === 'y') {
        e.preventDefault();
        conn.undoManager.redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conn]);

  const [undoState, setUndoState] = useState({ undo: false, redo: false });
  useEffect(() => {
    const um = conn.undoManager;
    const update = () => setUndoState({ undo: um.undoStack.length > 0, redo: um.redoStack.length > 0 });
    um.on('stack-item-added', update);
    um.on('stack-item-popped', update);
    um.on('stack-cleared', update);
    return () => {
      um.off('stack-item-added', update);
      um.off('stack-item-popped', update);
      um.off('stack-cleared', update);
    };
  }, [conn]);

  // The details panel follows the selection after a short pause: moving through the
  // grid with the keyboard then does not mount a text editor for every row passed.
  const [detailsLineId, setDetailsLineId] = useState<string | null>(null);
  const selectLine = useCallback((id: string | null, immediate = false) => {
    setSelectedLineId(id);
    if (immediate) setDetailsLineId(id);
  }, []);
  useEffect(() => {
    const timer = setTimeout(() => setDetailsLineId(selectedLineId), DETAILS_FOLLOW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [selectedLineId]);
  const selectedLine = snap.lines.find((l) => l.id === detailsLineId) ?? null;

  const linesByLedger = useStableGroups(snap.lines, ledgerOfLine);

  const describeEditing = (e: Editing): string | null => {
    if ('lineId' in e) {
      const line = snap.lines.find((l) => l.id === e.lineId);
      return line ? t('cellLabel', { title: line.title || t('untitled'), year: e.year === 'title' ? t('colTitle') : e.year }) : null;
    }
    const parsed = parseTextId(e.textId);
    if (!parsed) return null;
    if (parsed.kind === 'line') return `${t('rationale')}: ${snap.lines.find((l) => l.id === parsed.itemId)?.title ?? ''}`;
    if (parsed.kind === 'section') return `${t('intro')}: ${snap.sections.find((x) => x.id === parsed.itemId)?.title ?? ''}`;
    return `${t('verbalHeading')}: ${snap.verbal.find((x) => x.id === parsed.itemId)?.title ?? ''}`;
  };

  // What the ledger tables and the sections view show of each line, and how they talk back.
  const gridProps = { canEdit, partyColors, commentCounts, proseMismatch, selectedLineId, onSelectLine: selectLine, onAddLine: addLine, focusRequest, announce };

  return (
    <div className="workspace">
      <header className="pkg-header">
        <AppLink className="back-link" href="/">
          ← {t('backToList')}
        </AppLink>
        <h1 className="pkg-title">{snap.meta.title || '…'}</h1>
        <span data-testid="connection-status" data-state={status.phase === 'closed' ? 'closed' : sync.state}>
          {status.phase === 'closed' ? (
            <span className="conn-status conn-bad" role="status">
              {status.closedReason || t('accessLost')}
            </span>
          ) : (
            <SyncStatusBadge status={sync} lang={lang} />
          )}
        </span>
        {!canEdit && <span className="pill pill-muted">{status.readOnlyReason ? t('readOnly') : t(`role_${status.role}`)}</span>}
        <PresenceBar provider={conn.provider} describeEditing={describeEditing} lang={lang} />
        <div className="header-actions">
          <button type="button" className="ghost" disabled={!undoState.undo || !canEdit} onClick={() => conn.undoManager.undo()} title="Ctrl+Z">
            ↶ {t('undo')}
          </button>
          <button type="button" className="ghost" disabled={!undoState.redo || !canEdit} onClick={() => conn.undoManager.redo()} title="Ctrl+Shift+Z">
            ↷ {t('redo')}
          </button>
          {status.role === 'owner' && (
            <AppLink className="button ghost" href={`/packages/${encodeURIComponent(conn.packageId)}/members`}>
              {t('tabMembers')}
            </AppLink>
          )}
          <button type="button" className="ghost" onClick={() => setLang(lang === 'nb' ? 'en' : 'nb')} aria-label={t('langToggleLabel')}>
            {t('langToggle')}
          </button>
          <button
            type="button"
            className="ghost"
            onClick={() => {
              void logout().then(() => navigate('/login', true));
            }}
          >
            {t('logout')}
          </button>
        </div>
      </header>
      {status.readOnlyReason && (
        <p className="notice" role="status">
          {status.readOnlyReason}
        </p>
      )}
      <BalanceBar report={report} lines={snap.lines} onGoToLine={goToLine} />
      <nav className="tabs" aria-label={t('appName')}>
        {TABS.filter((k) => k !== 'settings' || status.role === 'owner').map((k) => (
          <button key={k} type="button" className={tab === k ? 'tab active' : 'tab'} aria-current={tab === k ? 'page' : undefined} onClick={() => setTab(k)}>
            {t(TAB_LABEL[k])}
          </button>
        ))}
      </nav>
      <div className="live-region sr-only" aria-live="polite">
        {announcement}
      </div>
      <main id="main" className={tab === 'ledger' || tab === 'sections' ? 'work-area with-details' : 'work-area'}>
        <div className="work-main">
          {tab === 'ledger' &&
            LEDGERS.map((ledger) => {
              const lr = report?.ledgers[ledger];
              if (ledger !== 'drift' && !snap.lines.some((l) => l.ledger === ledger)) {
                // An empty ledger is one quiet line, not an empty printed table.
                return (
                  <section key={ledger} className="ledger-section ledger-empty" aria-labelledby={`ledger-${ledger}`}>
                    <h2 id={`ledger-${ledger}`} title={termExplanation(lang, 'Ledger', ledger)}>
                      {t(`ledger_${ledger}`)}
                    </h2>
                    <span className="muted">{t('noLines')}</span>
                    {canEdit &&
                      GROUPS.map((group) => (
                        <button key={group} type="button" className="link-button" onClick={() => addLine({ ledger, group })} aria-label={t('addLineIn', { ledger: t(`ledger_${ledger}`), group: t(`group_${group}`) })}>
                          + {t(`group_${group}`)}
                        </button>
                      ))}
                  </section>
                );
              }
              return (
                <LedgerTable
                  key={ledger}
                  conn={conn}
                  ledger={ledger}
                  lines={linesByLedger[ledger] ?? EMPTY_LINES}
                  sumsKey={lr ? JSON.stringify(lr.byYear) : ''}
                  years={years}
                  peers={peers}
                  {...gridProps}
                  lang={lang}
                />
              );
            })}
          {tab === 'sections' && (
            <SectionsView
              conn={conn}
              sections={snap.sections}
              parties={parties}
              lines={snap.lines}
              verbal={snap.verbal}
              years={years}
              peers={peers}
              me={me}
              {...gridProps}
            />
          )}
          {tab === 'baseline' && <BaselinePanel conn={conn} baseline={snap.baseline} frames={frames} canEdit={canEdit} />}
          {tab === 'import' && <ImportExportPanel conn={conn} packageId={conn.packageId} canEdit={canEdit} onGoToLine={goToLine} />}
          {tab === 'settings' && <SettingsPanel conn={conn} meta={snap.meta} canEdit={canEdit} />}
        </div>
        {(tab === 'ledger' || tab === 'sections') && (
          <LineDetails
            conn={conn}
            line={selectedLine}
            lines={snap.lines}
            sections={snap.sections}
            parties={parties}
            baseline={snap.baseline}
            frames={frames}
            years={years}
            canEdit={canEdit}
            me={me}
            proseWarnings={selectedProse}
            onDeleted={() => setSelectedLineId(null)}
            onSelect={(lineId) => goToLine(lineId)}
          />
        )}
      </main>
    </div>
  );
}

const EMPTY_LINES: PackageLine[] = [];

/**
 * Splits a list into groups by key, keeping each group's array identity while
 * its elements are the same objects (the doc snapshot keeps unchanged lines as
 * the same objects), so memoised tables of untouched ledgers skip rendering.
 */
/** The grouping key of the ledger tables (module-level, so its identity never changes). */
const ledgerOfLine = (l: PackageLine): string => l.ledger;

function useStableGroups<T>(list: T[], keyOf: (item: T) => string): Record<string, T[]> {
  const prev = useRef<Record<string, T[]>>({});
  return useMemo(() => {
    const next: Record<string, T[]> = {};
    for (const item of list) (next[keyOf(item)] ??= []).push(item);
    for (const [k, arr] of Object.entries(next)) {
      const old = prev.current[k];
      if (old && old.length === arr.length && old.every((x, i) => x === arr[i])) next[k] = old;
    }
    prev.current = next;
    return next;
  }, [list, keyOf]);
}

interface LedgerTableProps {
  conn: PackageConnection;
  ledger: Ledger;
  lines: PackageLine[];
  /** The ledger's sums per year as JSON (from the worker's report), '' while unknown. */
  sumsKey: string;
  years: Year[];
  peers: RemotePeer[];
  canEdit: boolean;
  partyColors: Record<string, string>;
  commentCounts: Map<string, number>;
  proseMismatch: ReadonlySet<string>;
  selectedLineId: string | null;
  onSelectLine(id: string | null, immediate?: boolean): void;
  onAddLine(template: NewLineTemplate): void;
  focusRequest: FocusRequest | null;
  announce(text: string): void;
  lang: Lang;
}

/** One ledger as a printed table: tiltak, inndekning, their sums and the net, from the worker's sums. */
const LedgerTable = memo(function LedgerTable(p: LedgerTableProps) {
  const t = useT();
  const { ledger, lines, sumsKey } = p;
  const blocks = useMemo(() => {
    const byYear = sumsKey ? (JSON.parse(sumsKey) as Record<Year, { tiltak: string; inndekning: string; net: string }>) : null;
    return GROUPS.map((group) => {
      const block: GridBlock = {
        key: `${ledger}-${group}`,
        heading: t(`group_${group}`),
        headingTitle: termExplanation(p.lang, 'Group', group),
        template: { ledger, group },
        lines: lines.filter((l) => l.group === group),
      };
      if (byYear) {
        block.sums = { label: t('sumGroup', { group: t(`group_${group}`).toLowerCase() }), byYear: Object.fromEntries(Object.entries(byYear).map(([y, s]) => [y, s[group]])) };
      }
      return block;
    });
  }, [ledger, lines, sumsKey, t, p.lang]);
  const footer = useMemo(() => {
    if (!sumsKey) return undefined;
    const byYear = JSON.parse(sumsKey) as Record<Year, { net: string }>;
    return { label: ledger === 'investering' ? `${t('net')} (${t('borrowing').toLowerCase()})` : t('net'), byYear: Object.fromEntries(Object.entries(byYear).map(([y, s]) => [y, s.net])) };
  }, [ledger, sumsKey, t]);
  return (
    <section className="ledger-section" aria-labelledby={`ledger-${ledger}`}>
      <h2 id={`ledger-${ledger}`} title={termExplanation(p.lang, 'Ledger', ledger)}>
        {t(`ledger_${ledger}`)}
      </h2>
      <LedgerGrid
        conn={p.conn}
        label={t('gridLabel', { ledger: t(`ledger_${ledger}`) })}
        years={p.years}
        blocks={blocks}
        {...(footer ? { footer } : {})}
        peers={p.peers}
        canEdit={p.canEdit}
        partyColors={p.partyColors}
        commentCounts={p.commentCounts}
        proseMismatch={p.proseMismatch}
        selectedLineId={p.selectedLineId}
        onSelectLine={p.onSelectLine}
        onAddLine={p.onAddLine}
        focusRequest={p.focusRequest}
        announce={p.announce}
      />
    </section>
  );
});
