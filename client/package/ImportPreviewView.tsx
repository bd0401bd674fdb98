/**
 * What an import will do, before it does it: the lines with their section,
 * ledger, group and amounts (marked where the text names a figure the line
 * does not have), the sections it creates, the balance of the package after
 * the import per ledger and year, and the prose warnings; then confirm or cancel.
 */
import { formatAmount } from '../../shared/money';
import { previewLineId, type ImportPreview } from '../../shared/format/importPreview';
import { LEDGERS } from '../../shared/types';
import { useT } from '../i18n';
import { BalanceStateTable } from '../balance/BalanceStateTable';
import { YearColumnHeads } from './YearColumnHeads';

export function ImportPreviewView({ preview, fileName, busy, onConfirm, onCancel }: { preview: ImportPreview; fileName: string; busy: boolean; onConfirm(): void; onCancel(): void }) {
  const t = useT();
  const years = preview.report.years;
  const n = preview.lines.length;
  const proseByLine = new Map<string, string[]>();
  for (const w of preview.proseWarnings) if (w.lineId) proseByLine.set(w.lineId, [...(proseByLine.get(w.lineId) ?? []), w.message]);
  const ledgersShown = LEDGERS.filter((l) => l === 'drift' || preview.lines.some((x) => x.ledger === l) || !preview.report.ledgers[l].balanced);
  return (
    <div className="import-preview" role="region" aria-label={t('previewHeading')}>
      <h3>
        {t('previewHeading')}: <span className="muted">{fileName}</span>
      </h3>
      <p>
        {t('previewSummary', { n })} <span className="muted">{t('amountsInMillions')}</span>
      </p>
      {preview.newSections.length > 0 && (
        <p>
          <span className="strong">{t('newSections')}:</span> {preview.newSections.join(', ')}
        </p>
      )}
      <div className="table-scroll">
        <table className="list-table numbers preview-table">
          <caption className="sr-only">{t('previewHeading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('colSection')}</th>
              <th scope="col">{t('ledger')}</th>
              <th scope="col">{t('group')}</th>
              <th scope="col">{t('colTitle')}</th>
              <YearColumnHeads years={years} />
            </tr>
          </thead>
          <tbody>
            {preview.lines.map((l, k) => {
              const prose = proseByLine.get(previewLineId(k));
              return (
                <tr key={k} className={prose ? 'has-prose-warning' : undefined}>
                  <td className="wrap">{l.section ?? '—'}</td>
                  <td>{t(`ledger_${l.ledger}`)}</td>
                  <td>{t(`group_${l.group}`)}</td>
                  <td className="wrap">
                    {l.title}
                    {prose && (
                      <span className="prose-badge" title={prose.join(' ')}>
                        <span aria-hidden="true">≠</span>
                        <span className="sr-only">{t('proseMismatchMarker')}</span>
                      </span>
                    )}
                  </td>
                  {years.map((y) => (
                    <td key={y} className="num">
                      {l.amounts[y] !== undefined ? formatAmount(l.amounts[y]) : ''}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <h4>{t('balanceAfterImport')}</h4>
      {ledgersShown.some((l) => !preview.report.ledgers[l].balanced) && <p className="hint">{t('previewUnbalanced')}</p>}
      <BalanceStateTable report={preview.report} ledgers={ledgersShown} />
      {preview.proseWarnings.length > 0 && (
        <div className="prose-warnings">
          <p className="strong">
            <span aria-hidden="true">≠ </span>
            {t('proseMismatchHeading')}
          </p>
          <ul>
            {preview.proseWarnings.map((w, i) => {
              const k = preview.lines.findIndex((_, j) => previewLineId(j) === w.lineId);
              return (
                <li key={i}>
                  <span className="strong">{preview.lines[k]?.title ?? ''}</span>: {w.message}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      <div className="row preview-actions">
        <button type="button" className="primary" disabled={busy || n === 0} onClick={onConfirm}>
          {t('importConfirm', { n })}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}
