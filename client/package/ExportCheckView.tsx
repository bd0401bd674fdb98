/**
 * The pre-export check as a list: balance errors of what will be exported
 * (each leading to its line), prose that contradicts the figures, what is
 * left out or marked because it is not agreed, and other warnings. The check
 * itself comes from the balance worker (`useExportCheck`); this only draws it.
 */
import type { ExportScope } from '../../shared/export/model';
import type { PreExportCheck } from '../../shared/report/exportCheck';
import type { PackageLine } from '../../shared/types';
import { useT, type TFunction } from '../i18n';

/** «5 linjer og 1 verbal føring», leaving out what is zero. */
function countWhat(t: TFunction, lines: number, verbal: number): string {
  const parts: string[] = [];
  if (lines > 0) parts.push(lines === 1 ? t('countLineOne') : t('countLines', { n: lines }));
  if (verbal > 0) parts.push(verbal === 1 ? t('countVerbalOne') : t('countVerbal', { n: verbal }));
  return parts.join(` ${t('and')} `);
}

export interface ExportCheckViewProps {
  /** Null while the worker has not answered yet. */
  check: PreExportCheck | null;
  scope: ExportScope;
  /** The package's lines (for their titles, and to say when there are none). */
  lines: PackageLine[];
  onGoToLine(lineId: string): void;
}

export function ExportCheckView({ check, scope, lines, onGoToLine }: ExportCheckViewProps) {
  const t = useT();
  const titleOf = (id: string | undefined) => (id ? lines.find((l) => l.id === id)?.title || t('untitled') : '');
  if (!check) {
    return (
      <div className="export-check" role="region" aria-label={t('exportCheckHeading')}>
        <h3>{t('exportCheckHeading')}</h3>
        <p className="muted">{t('balanceWaiting')}</p>
      </div>
    );
  }
  const errors = check.warnings.filter((w) => w.severity === 'error');
  const prose = check.warnings.filter((w) => w.code === 'prose-figure-mismatch');
  const others = check.warnings.filter((w) => w.severity !== 'error' && w.code !== 'prose-figure-mismatch' && w.code !== 'not-agreed');
  const left = check.notAgreed;
  return (
    <div className="export-check" role="region" aria-label={t('exportCheckHeading')}>
      <h3>{t('exportCheckHeading')}</h3>
      <ul className="check-list">
        <li className={errors.length ? 'check check-error' : 'check check-ok'} data-check="balance">
          <span className="check-icon" aria-hidden="true">
            {errors.length ? '!' : '✓'}
          </span>
          {errors.length
            ? t(scope === 'agreed' ? 'checkBalanceErrorsAgreed' : 'checkBalanceErrors', { n: errors.length })
            : t(scope === 'agreed' && left.lines > 0 ? 'checkBalanceOkAgreed' : 'checkBalanceOk')}
          {errors.length > 0 && (
            <ul>
              {errors.map((w, i) => (
                <li key={i}>
                  {w.message}
                  {w.lineId && (
                    <>
                      {' '}
                      <button type="button" className="link-button" onClick={() => onGoToLine(w.lineId!)}>
                        {t('goToLine')}: {titleOf(w.lineId)}
                      </button>
                    </>
                  )}
                </li>
              ))}
            </ul>
          )}
        </li>
        <li className={prose.length ? 'check check-warning' : 'check check-ok'} data-check="prose">
          <span className="check-icon" aria-hidden="true">
            {prose.length ? '≠' : '✓'}
          </span>
          {prose.length === 0 ? t('checkProseOk') : prose.length === 1 ? t('checkProseOne') : t('checkProse', { n: prose.length })}
          {prose.length > 0 && (
            <ul>
              {prose.map((w, i) => (
                <li key={i}>
                  <button type="button" className="link-button" onClick={() => onGoToLine(w.lineId!)}>
                    {titleOf(w.lineId)}
                  </button>
                  : {w.message}
                </li>
              ))}
            </ul>
          )}
        </li>
        <li className={left.lines + left.verbal ? 'check check-info' : 'check check-ok'} data-check="agreed">
          <span className="check-icon" aria-hidden="true">
            {left.lines + left.verbal ? 'i' : '✓'}
          </span>
          {lines.length === 0
            ? t('checkEmpty')
            : left.lines + left.verbal === 0
              ? t('checkAllAgreed')
              : t(scope === 'agreed' ? 'checkLeftOut' : 'checkWithStatus', { what: countWhat(t, left.lines, left.verbal) })}
        </li>
        {others.map((w, i) => (
          <li key={i} className={w.severity === 'info' ? 'check check-info' : 'check check-warning'}>
            <span className="check-icon" aria-hidden="true">
              i
            </span>
            {w.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
