/**
 * The «Runder» tab: save the package as a named round, list the rounds, open one
 * read-only, and compare two rounds (or a round and now) as a budget: the lines
 * in a grid with changed cells old → new and added and removed lines marked, the
 * change in the balance per ledger and year, and the verbal instructions as a text
 * diff. Compared with now, a removed line or a cell's old value can be put back —
 * an ordinary edit through the document writers, attributed and undoable as any.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { createLineInDoc, getLinesMap, setLineAmount } from '../../shared/doc/schema';
import type { RichPackage, RichPackageLine } from '../../shared/format/json';
import type { DiffLineField, PackageDiff, VersionInfo, VersionList } from '../../shared/protocol/agreement';
import { formatAmount } from '../../shared/money';
import { GROUPS, LEDGERS, type BalanceReport, type PackageLine, type Party, type Year } from '../../shared/types';
import { ApiError, apiGet, apiSend } from '../app/api';
import type { PackageConnection } from '../app/connection';
import { BalanceStateTable } from '../balance/BalanceStateTable';
import { useLang, useT } from '../i18n';
import { formatWhen } from './LockBanner';
import { diffWords } from './textDiff';
import { nameOf, useMembers } from './useMembers';
import { YearColumnHeads } from '../package/YearColumnHeads';

export interface RoundsPanelProps {
  conn: PackageConnection;
  /** The package now (for comparing with now and putting things back). */
  lines: PackageLine[];
  parties: Party[];
  years: Year[];
  /** May change the document now (put back). */
  canEdit: boolean;
  /** May save a round (editors and owners). */
  canSave: boolean;
}

const NOW = 'current';

/** A diff amount as shown: «12,5», «tom», or an unreadable cell's typed text. */
function showAmount(v: string | null | undefined, empty: string): string {
  if (v === null || v === undefined) return empty;
  return v.startsWith('?') ? v.slice(1) : formatAmount(v);
}

export function RoundsPanel({ conn, lines, parties, years, canEdit, canSave }: RoundsPanelProps) {
  const t = useT();
  const lang = useLang();
  const members = useMembers(conn.packageId);
  const base = `/api/packages/${encodeURIComponent(conn.packageId)}`;
  const [rounds, setRounds] = useState<VersionInfo[] | null>(null);
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState(NOW);
  const [compared, setCompared] = useState<{ from: string; to: string; diff: PackageDiff; fromPkg: RichPackage } | null>(null);
  const [opened, setOpened] = useState<{ round: VersionInfo; pkg: RichPackage; balance: BalanceReport | null } | null>(null);

  const load = useCallback(() => {
    apiGet<VersionList>(`${base}/versions`)
      .then((r) => {
        setRounds(r.versions);
        setFrom((cur) => cur || r.versions[0]?.id || '');
      })
      .catch((e: Error) => setMessage({ kind: 'error', text: t('genericError', { message: e.message }) }));
  }, [base, t]);
  useEffect(load, [load]);
  useEffect(() => conn.onAgreementNotice((n) => n.kind === 'agreement-changed' && n.what === 'versions' && load()), [conn, load]);

  const roundName = (id: string) => (id === NOW ? t('roundNow') : (rounds?.find((r) => r.id === id)?.name ?? id));

  const save = () => {
    const n = name.trim();
    if (!n) return;
    setBusy(true);
    setMessage(null);
    apiSend<VersionInfo>('POST', `${base}/versions`, { name: n })
      .then((v) => {
        setName('');
        setMessage({ kind: 'ok', text: t('roundSaved', { name: v.name }) });
        load();
      })
      .catch((e: Error) => setMessage({ kind: 'error', text: t('genericError', { message: e.message }) }))
      .finally(() => setBusy(false));
  };

  const fetchRound = (id: string) => apiGet<{ package: RichPackage }>(`${base}/versions/${encodeURIComponent(id)}`).then((r) => r.package);

  const open = (round: VersionInfo) => {
    setMessage(null);
    Promise.all([fetchRound(round.id), apiGet<BalanceReport>(`${base}/versions/${encodeURIComponent(round.id)}/balance`).catch(() => null)])
      .then(([pkg, balance]) => {
        setCompared(null);
        setOpened({ round, pkg, balance });
      })
      .catch((e: Error) => setMessage({ kind: 'error', text: t('genericError', { message: e.message }) }));
  };

  const compare = () => {
    if (!from) return;
    setBusy(true);
    setMessage(null);
    Promise.all([apiGet<PackageDiff>(`${base}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`), fetchRound(from)])
      .then(([diff, fromPkg]) => {
        setOpened(null);
        setCompared({ from, to, diff, fromPkg });
      })
      .catch((e: Error) => setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('genericError', { message: e.message }) }))
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel-page rounds-panel" aria-labelledby="rounds-h">
      <h2 id="rounds-h">{t('roundsHeading')}</h2>
      <p className="muted">{t('roundsIntro')}</p>
      {canSave && (
        <form
          className="row wrap"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label className="grow">
            {t('roundName')}
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="Tilbud 2 til SV" />
          </label>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            {t('roundSave')}
          </button>
        </form>
      )}
      {message && (
        <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      {rounds === null ? (
        <p className="muted">{t('loading')}</p>
      ) : rounds.length === 0 ? (
        <p className="muted">{t('roundsNone')}</p>
      ) : (
        <>
          <ul className="rounds-list" aria-label={t('roundsHeading')}>
            {rounds.map((r) => (
              <li key={r.id} data-round-id={r.id}>
                <span>
                  <strong>{r.name}</strong>
                  {r.sealed && <span className="pill pill-ok">🔒 {t('roundSealed')}</span>}{' '}
                  <span className="muted">{t('roundBy', { when: formatWhen(r.createdAt, lang), name: r.createdByName ?? nameOf(members, r.createdBy) })}</span>
                </span>
                <button type="button" className="secondary small" onClick={() => open(r)} aria-label={`${t('roundOpen')}: ${r.name}`}>
                  {t('roundOpen')}
                </button>
              </li>
            ))}
          </ul>
          <form
            className="row wrap compare-form"
            onSubmit={(e) => {
              e.preventDefault();
              compare();
            }}
          >
            <label>
              {t('roundCompareFrom')}
              <select value={from} onChange={(e) => setFrom(e.target.value)}>
                {rounds.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('roundCompareTo')}
              <select value={to} onChange={(e) => setTo(e.target.value)}>
                <option value={NOW}>{t('roundNow')}</option>
                {rounds.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" className="primary" disabled={busy || !from}>
              {t('roundCompare')}
            </button>
          </form>
        </>
      )}
      {opened && <RoundView round={opened.round} pkg={opened.pkg} balance={opened.balance} onClose={() => setOpened(null)} />}
      {compared && (
        <DiffView
          conn={conn}
          diff={compared.diff}
          fromPkg={compared.fromPkg}
          fromName={roundName(compared.from)}
          toName={roundName(compared.to)}
          toNow={compared.to === NOW}
          lines={lines}
          parties={parties}
          years={years}
          canEdit={canEdit}
          onClose={() => setCompared(null)}
        />
      )}
    </section>
  );
}

/** Lines grouped as the ledger tables group them (ledger, then tiltak before inndekning). */
function byBlock<L extends { ledger: PackageLine['ledger']; group: PackageLine['group'] }>(list: L[]): { ledger: PackageLine['ledger']; group: PackageLine['group']; lines: L[] }[] {
  return LEDGERS.flatMap((ledger) => GROUPS.map((group) => ({ ledger, group, lines: list.filter((l) => l.ledger === ledger && l.group === group) }))).filter((b) => b.lines.length > 0);
}

/** A saved round, read-only: its lines per ledger and group, its verbal instructions and its balance. */
function RoundView({ round, pkg, balance, onClose }: { round: VersionInfo; pkg: RichPackage; balance: BalanceReport | null; onClose(): void }) {
  const t = useT();
  return (
    <section className="card round-view" aria-labelledby="round-view-h">
      <div className="panel-head">
        <h3 id="round-view-h">{t('roundViewing', { name: round.name })}</h3>
        <button type="button" className="ghost small" onClick={onClose}>
          {t('roundClose')}
        </button>
      </div>
      <div className="grid-wrap">
        <table className="ledger-grid diff-grid" aria-label={t('roundViewing', { name: round.name })}>
          <thead>
            <tr>
              <th scope="col">{t('colLine')}</th>
              <YearColumnHeads years={pkg.years} />
            </tr>
          </thead>
          {byBlock(pkg.lines).map((b) => (
            <tbody key={`${b.ledger}-${b.group}`}>
              <tr className="block-head">
                <th colSpan={pkg.years.length + 1} scope="colgroup">
                  {t(`ledger_${b.ledger}`)} — {t(`group_${b.group}`)}
                </th>
              </tr>
              {b.lines.map((l) => (
                <tr key={l.id} data-round-line={l.title}>
                  <th scope="row" className="cell title-cell">
                    {l.title || t('untitled')}
                  </th>
                  {pkg.years.map((y) => (
                    <td key={y} className="cell num">
                      {l.invalid?.[y] ?? (l.amounts[y] !== undefined ? formatAmount(l.amounts[y]) : '')}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
      {pkg.verbal.length > 0 && (
        <>
          <h4>{t('diffVerbal')}</h4>
          <ol className="round-verbal">
            {pkg.verbal.map((v) => (
              <li key={v.id}>
                <strong>{v.title}</strong> {v.text}
              </li>
            ))}
          </ol>
        </>
      )}
      {balance && <BalanceStateTable report={balance} ledgers={LEDGERS.filter((l) => l === 'drift' || pkg.lines.some((x) => x.ledger === l))} label={t('balanceHeading')} />}
    </section>
  );
}

interface DiffViewProps {
  conn: PackageConnection;
  diff: PackageDiff;
  fromPkg: RichPackage;
  fromName: string;
  toName: string;
  toNow: boolean;
  lines: PackageLine[];
  parties: Party[];
  years: Year[];
  canEdit: boolean;
  onClose(): void;
}

/** Two rounds compared as a budget (see the module comment). */
function DiffView({ conn, diff, fromPkg, fromName, toName, toNow, lines, years, canEdit, onClose }: DiffViewProps) {
  const t = useT();
  const [done, setDone] = useState('');
  const empty = t('diffEmptyCell');
  const changed = useMemo(() => new Map(diff.lines.changed.map((c) => [c.id, c])), [diff]);
  // The grid: the lines of `to` that changed or are new, and the removed ones, per ledger and group.
  type Row = { line: PackageLine; kind: 'added' | 'removed' | 'changed' };
  const rows: Row[] = [
    ...diff.lines.added.map((line) => ({ line, kind: 'added' as const })),
    ...diff.lines.changed.map((c) => ({ line: lines.find((l) => l.id === c.id) ?? fromPkg.lines.find((l) => l.id === c.id) ?? { id: c.id, title: c.title, ledger: 'drift' as const, group: 'tiltak' as const, amounts: {} }, kind: 'changed' as const })),
    ...diff.lines.removed.map((line) => ({ line, kind: 'removed' as const })),
  ];
  const cols = [...new Set([...years, ...fromPkg.years])].sort();
  const canPutBack = toNow && canEdit;
  const live = new Set(lines.map((l) => l.id));

  const putBackLine = (id: string) => {
    const old: RichPackageLine | undefined = fromPkg.lines.find((l) => l.id === id);
    if (!old || getLinesMap(conn.doc).has(id)) return;
    conn.undoManager.stopCapturing();
    const input: Parameters<typeof createLineInDoc>[1] = { id: old.id, ledger: old.ledger, group: old.group, title: old.title, amounts: old.amounts, rationale: old.rich };
    if (old.section) input.section = old.section;
    if (old.party) input.party = old.party;
    if (old.area) input.area = old.area;
    if (old.permanent) input.permanent = true;
    if (old.status && old.status !== 'agreed') input.status = old.status;
    conn.doc.transact(() => {
      createLineInDoc(conn.doc, input, conn.localOrigin);
      // Unreadable cells come back as the text that was typed, so they stay unreadable.
      for (const [y, text] of Object.entries(old.invalid ?? {})) setLineAmount(conn.doc, old.id, y, text, conn.localOrigin);
    }, conn.localOrigin);
    conn.undoManager.stopCapturing();
    setDone(t('diffPutBackDone'));
  };
  const putBackValue = (lineId: string, year: Year, from: string | null) => {
    conn.undoManager.stopCapturing();
    setLineAmount(conn.doc, lineId, year, from === null ? '' : from.startsWith('?') ? from.slice(1) : formatAmount(from), conn.localOrigin);
    conn.undoManager.stopCapturing();
    setDone(t('diffPutBackDone'));
  };

  const nothing = rows.length === 0 && diff.verbal.added.length + diff.verbal.removed.length + diff.verbal.changed.length === 0;
  const netLedgers = LEDGERS.filter((l) => diff.net[l] && (l === 'drift' || Object.values(diff.net[l]!).some((c) => c.from !== '0' || c.to !== '0')));

  return (
    <section className="card diff-view" aria-labelledby="diff-h">
      <div className="panel-head">
        <h3 id="diff-h">{t('diffHeading', { from: fromName, to: toName })}</h3>
        <button type="button" className="ghost small" onClick={onClose}>
          {t('roundClose')}
        </button>
      </div>
      {done && (
        <p className="form-ok" role="status">
          {done}
        </p>
      )}
      {nothing && <p className="muted">{t('diffNone')}</p>}
      {rows.length > 0 && (
        <div className="grid-wrap">
          <table className="ledger-grid diff-grid" aria-label={t('diffHeading', { from: fromName, to: toName })}>
            <thead>
              <tr>
                <th scope="col">{t('colLine')}</th>
                <YearColumnHeads years={cols} />
              </tr>
            </thead>
            {byBlock(rows.map((r) => ({ ...r, ledger: r.line.ledger, group: r.line.group }))).map((b) => (
              <tbody key={`${b.ledger}-${b.group}`}>
                <tr className="block-head">
                  <th colSpan={cols.length + 1} scope="colgroup">
                    {t(`ledger_${b.ledger}`)} — {t(`group_${b.group}`)}
                  </th>
                </tr>
                {b.lines.map(({ line, kind }) => {
                  const change = changed.get(line.id);
                  const fieldNames = change ? Object.keys(change.fields) : [];
                  return (
                    <tr key={`${kind}-${line.id}`} className={`diff-${kind}`} data-diff-line={line.title} data-diff-kind={kind}>
                      <th scope="row" className="cell title-cell">
                        <span className={kind === 'removed' ? 'diff-old' : undefined}>{line.title || t('untitled')}</span>{' '}
                        <span className={`diff-tag diff-tag-${kind}`}>{t(kind === 'added' ? 'diffAdded' : kind === 'removed' ? 'diffRemoved' : 'diffChanged')}</span>
                        {fieldNames.length > 0 && (
                          <span className="muted small-text">
                            {' '}
                            ({fieldNames.map((f) => `${f}: ${change?.fields[f as DiffLineField]?.from ?? '—'} → ${change?.fields[f as DiffLineField]?.to ?? '—'}`).join('; ')})
                          </span>
                        )}
                        {kind === 'removed' && canPutBack && !live.has(line.id) && (
                          <button type="button" className="secondary small" onClick={() => putBackLine(line.id)} aria-label={`${t('diffPutBackLine')}: ${line.title}`}>
                            {t('diffPutBackLine')}
                          </button>
                        )}
                      </th>
                      {cols.map((y) => {
                        const cell = change?.amounts[y];
                        if (cell) {
                          return (
                            <td key={y} className="cell num diff-cell-changed" data-col={y}>
                              <span className="diff-old">{showAmount(cell.from, empty)}</span> → <span className="diff-new">{showAmount(cell.to, empty)}</span>
                              {canPutBack && live.has(line.id) && (
                                <button type="button" className="link-button put-back" onClick={() => putBackValue(line.id, y, cell.from)} aria-label={`${line.title} ${y}: ${t('diffPutBackValue', { value: showAmount(cell.from, empty) })}`} title={t('diffPutBackValue', { value: showAmount(cell.from, empty) })}>
                                  ↺
                                </button>
                              )}
                            </td>
                          );
                        }
                        const v = line.invalid?.[y] ?? (line.amounts[y] !== undefined ? formatAmount(line.amounts[y]) : '');
                        return (
                          <td key={y} className={kind === 'changed' ? 'cell num' : `cell num diff-cell-${kind}`} data-col={y}>
                            {kind === 'removed' ? <span className="diff-old">{v}</span> : v}
                          </td>
                        );
                      })}
                    </tr>
                  );
                })}
              </tbody>
            ))}
          </table>
        </div>
      )}
      <h4>{t('diffNet')}</h4>
      <table className="list-table numbers diff-net">
        <thead>
          <tr>
            <th scope="col">{t('ledger')}</th>
            <YearColumnHeads years={cols} />
          </tr>
        </thead>
        <tbody>
          {netLedgers.map((ledger) => (
            <tr key={ledger} data-ledger={ledger}>
              <th scope="row">{t(`ledger_${ledger}`)}</th>
              {cols.map((y) => {
                const c = diff.net[ledger]?.[y];
                if (!c) return <td key={y} className="num" />;
                return (
                  <td key={y} className={c.delta === '0' ? 'num muted' : 'num strong'} data-year={y}>
                    {formatAmount(c.from)} → {formatAmount(c.to)}
                    <br />({formatAmount(c.delta, { signed: true })})
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {diff.verbal.added.length + diff.verbal.removed.length + diff.verbal.changed.length > 0 && (
        <>
          <h4>{t('diffVerbal')}</h4>
          <ul className="verbal-diff">
            {diff.verbal.added.map((v) => (
              <li key={`a-${v.id}`} className="diff-added">
                <span className="diff-tag diff-tag-added">{t('diffAdded')}</span> <strong>{v.title}</strong> <ins>{v.text}</ins>
              </li>
            ))}
            {diff.verbal.removed.map((v) => (
              <li key={`r-${v.id}`} className="diff-removed">
                <span className="diff-tag diff-tag-removed">{t('diffRemoved')}</span> <strong>{v.title}</strong> <del>{v.text}</del>
              </li>
            ))}
            {diff.verbal.changed.map((v) => (
              <li key={`c-${v.id}`} className="diff-changed" data-verbal-diff={v.title}>
                <span className="diff-tag diff-tag-changed">{t('diffChanged')}</span>{' '}
                <strong>
                  {v.fromTitle !== undefined && v.toTitle !== undefined && v.fromTitle !== v.toTitle ? (
                    <>
                      <del>{v.fromTitle}</del> <ins>{v.toTitle}</ins>
                    </>
                  ) : (
                    v.title
                  )}
                </strong>{' '}
                <span className="text-diff">
                  {diffWords(v.from, v.to).map((p, i) => (p.kind === 'same' ? <span key={i}>{p.text}</span> : p.kind === 'removed' ? <del key={i}>{p.text}</del> : <ins key={i}>{p.text}</ins>))}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
