/**
 * The details of the selected line: the fields the grid does not show
 * (ledger, group, section, service area, party, permanent, status), its
 * frame before → after from the baseline, its rationale, and the line
 * actions (move, duplicate, delete).
 */
import { useId, type ReactNode } from 'react';
import { formatAmount } from '../../shared/money';
import { entryOf, getLinesMap, setLineFields, type LineFieldPatch } from '../../shared/doc/schema';
import type { LedgerBaselines, LedgerFrames } from '../../shared/doc/baseline';
import { GROUPS, LEDGERS, STATUSES, type BalanceWarning, type PackageLine, type PackageSection, type Party, type Year } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import { duplicateLineInDoc, moveLineInDoc } from '../grid/operations';
import { useT } from '../i18n';
import { TextField } from './TextField';
import { BoundInput } from './BoundInput';
import { TitleInput } from './TitleInput';
import { ProposalsBox } from '../agreement/ProposalsBox';
import type { ProposalView } from '../../shared/protocol/agreement';

export interface LineDetailsProps {
  conn: PackageConnection;
  line: PackageLine | null;
  /** All lines in display order (for move up/down among the same ledger and group). */
  lines: PackageLine[];
  sections: PackageSection[];
  parties: Party[];
  /** Both baselines; a drift line takes its service areas from the drift baseline, an investment line from the investment baseline. */
  baseline: LedgerBaselines;
  frames: LedgerFrames | null;
  years: Year[];
  canEdit: boolean;
  me: { name: string; color: string; id: string; party?: string | undefined };
  /** The worker's prose–figure warnings for this line. */
  proseWarnings?: BalanceWarning[];
  onDeleted(): void;
  onSelect(lineId: string): void;
  /** Pending counter-offers of the package and whether this user may make and answer them. */
  proposals?: { list: ProposalView[]; canPropose: boolean; onChanged(): void };
  /** The comments of one of this line's amount cells, when opened from the grid (shown first). */
  cellComments?: ReactNode;
}

export function LineDetails(props: LineDetailsProps) {
  const t = useT();
  const uid = useId();
  const { conn, line, canEdit } = props;
  if (!line) {
    return (
      <aside className="details" aria-label={t('lineDetails')}>
        <p className="muted">{t('selectLineHint')}</p>
      </aside>
    );
  }
  const set = (patch: LineFieldPatch) => {
    setLineFields(conn.doc, line.id, patch, conn.localOrigin);
  };
  const siblings = props.lines.filter((l) => l.ledger === line.ledger && l.group === line.group).map((l) => l.id);
  const idx = siblings.indexOf(line.id);
  // The fund has no frames; drift and investering each have their own areas (the same name may be in both).
  const frameLedger = line.ledger === 'drift' || line.ledger === 'investering' ? line.ledger : null;
  const ledgerBaseline = frameLedger ? props.baseline[frameLedger] : [];
  const areaNames = ledgerBaseline.map((a) => a.name);
  const freeAreas = [...new Set(props.lines.filter((l) => l.ledger === line.ledger).map((l) => l.area).filter((a): a is string => !!a))];
  const areaName = line.area ? ledgerBaseline.find((a) => a.name.trim().toLowerCase() === line.area!.trim().toLowerCase())?.name : undefined;
  const frame = frameLedger && areaName ? props.frames?.[frameLedger][areaName] : undefined;
  const item = entryOf(getLinesMap(conn.doc), line.id);

  return (
    <aside className="details" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{line.title || t('untitled')}</h2>
      {props.cellComments}
      <div className="details-actions" role="group" aria-label={t('lineDetails')}>
        <button type="button" className="secondary small" disabled={!canEdit || idx <= 0} onClick={() => moveLineInDoc(conn.doc, siblings, line.id, -1, conn.localOrigin)}>
          ↑ {t('moveUp')}
        </button>
        <button type="button" className="secondary small" disabled={!canEdit || idx < 0 || idx >= siblings.length - 1} onClick={() => moveLineInDoc(conn.doc, siblings, line.id, 1, conn.localOrigin)}>
          ↓ {t('moveDown')}
        </button>
        <button
          type="button"
          className="secondary small"
          disabled={!canEdit}
          onClick={() => {
            const id = duplicateLineInDoc(conn.doc, line.id, conn.localOrigin);
            if (id) props.onSelect(id);
          }}
        >
          {t('duplicateLine')}
        </button>
        <button
          type="button"
          className="danger small"
          disabled={!canEdit}
          onClick={() => {
            if (!window.confirm(t('confirmDeleteLine', { title: line.title || t('untitled') }))) return;
            conn.undoManager.stopCapturing();
            conn.doc.transact(() => getLinesMap(conn.doc).delete(line.id), conn.localOrigin);
            props.onDeleted();
          }}
        >
          {t('deleteLine')}
        </button>
      </div>
      <div className="form-grid compact">
        <label className="span-2">
          {t('colTitle')}
          <TitleInput conn={conn} map={item} disabled={!canEdit} />
        </label>
        <label>
          {t('ledger')}
          <select disabled={!canEdit} value={line.ledger} onChange={(e) => set({ ledger: e.target.value as PackageLine['ledger'] })}>
            {LEDGERS.map((l) => (
              <option key={l} value={l}>
                {t(`ledger_${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('group')}
          <select disabled={!canEdit} value={line.group} onChange={(e) => set({ group: e.target.value as PackageLine['group'] })}>
            {GROUPS.map((g) => (
              <option key={g} value={g}>
                {t(`group_${g}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('colSection')}
          <select disabled={!canEdit} value={line.section ?? ''} onChange={(e) => set({ section: e.target.value || undefined })}>
            <option value="">{t('none')}</option>
            {props.sections.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title || t('untitled')}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('party')}
          <select disabled={!canEdit} value={line.party ?? ''} onChange={(e) => set({ party: e.target.value || undefined })}>
            <option value="">{t('none')}</option>
            {props.parties.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="span-2">
          {t('area')}
          {areaNames.length > 0 ? (
            <select disabled={!canEdit} value={line.area ?? ''} onChange={(e) => set({ area: e.target.value || undefined })}>
              <option value="">{t('none')}</option>
              {line.area && !areaNames.includes(line.area) && <option value={line.area}>{line.area} ({t('noBaselineArea')})</option>}
              {areaNames.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          ) : (
            <>
              <BoundInput disabled={!canEdit} list={`${uid}-areas`} value={line.area ?? ''} onValue={(v) => set({ area: v || undefined })} />
              <datalist id={`${uid}-areas`}>
                {freeAreas.map((a) => (
                  <option key={a} value={a} />
                ))}
              </datalist>
            </>
          )}
        </label>
        <label>
          {t('status')}
          {/* «Enighet» follows from every party's sign-off; it is not set by hand (a hand-set one reads as a draft). */}
          <select disabled={!canEdit} value={line.status === 'agreed' ? 'draft' : (line.status ?? 'draft')} onChange={(e) => set({ status: e.target.value as PackageLine['status'] })}>
            {STATUSES.filter((s) => s !== 'agreed').map((s) => (
              <option key={s} value={s}>
                {t(`status_${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" disabled={!canEdit} checked={!!line.permanent} onChange={(e) => set({ permanent: e.target.checked })} />
          {t('permanent')}
        </label>
      </div>
      {frame && (
        <table className="mini-table frames">
          <caption>
            {t('frameBeforeAfter')}: {line.area}
          </caption>
          <tbody>
            {props.years.map((y) => {
              const f = frame[y];
              if (!f || f.before === null) return null;
              return (
                <tr key={y}>
                  <th scope="row">{y}</th>
                  <td className="num">{formatAmount(f.before)}</td>
                  <td aria-hidden="true">→</td>
                  <td className="num strong">{formatAmount(f.after ?? f.before)}</td>
                  <td className="num muted">({formatAmount(f.change, { signed: true })})</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {props.proposals && (
        <ProposalsBox packageId={conn.packageId} line={line} years={props.years} proposals={props.proposals.list} parties={props.parties} me={props.me} canPropose={props.proposals.canPropose} onChanged={props.proposals.onChanged} />
      )}
      <h3 className="field-heading">{t('rationale')}</h3>
      {props.proseWarnings && props.proseWarnings.length > 0 && (
        <div className="prose-warnings" role="note" aria-label={t('proseMismatchHeading')}>
          <p className="strong">
            <span aria-hidden="true">≠ </span>
            {t('proseMismatchHeading')}
          </p>
          <ul>
            {props.proseWarnings.map((w, i) => (
              <li key={i}>{w.message}</li>
            ))}
          </ul>
        </div>
      )}
      <TextField conn={conn} kind="line" itemId={line.id} item={item} field="rationale" label={`${t('rationale')}: ${line.title || t('untitled')}`} me={props.me} canEdit={canEdit} />
    </aside>
  );
}
