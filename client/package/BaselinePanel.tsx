/**
 * The baseline frames (tjenesteområder): import by paste or file, stored in the
 * doc's meta via writeBaselineToDoc, and shown with each area's frame before →
 * after the package's lines (the after column is computed by the balance worker).
 */
import { useState } from 'react';
import { formatAmount } from '../../shared/money';
import type { AreaFrames, BaselineArea } from '../../shared/doc/baseline';
import type { PackageConnection } from '../app/connection';
import type { ImportErrorDetail } from '../app/transfer';
import { FilePicker, useUpload } from '../app/useUpload';
import { useT } from '../i18n';
import { ImportErrorBox } from './ImportErrorBox';
import { YearColumnHeads } from './YearColumnHeads';

export function BaselinePanel({ conn, baseline, frames, canEdit }: { conn: PackageConnection; baseline: BaselineArea[]; frames: AreaFrames | null; canEdit: boolean }) {
  const t = useT();
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok'; text: string } | { kind: 'error'; error: ImportErrorDetail } | null>(null);
  const { progress, upload } = useUpload<{ areas: number; years: string[] }>(`/api/packages/${encodeURIComponent(conn.packageId)}/baseline`);
  const years = [...new Set(baseline.flatMap((a) => Object.keys(a.amounts)))].sort();

  // Through the server (POST /baseline), which parses CSV and XLSX alike and writes meta.baseline;
  // the change reaches this tab through the sync like anyone else's.
  const importFile = async (file: File) => {
    setMessage(null);
    await upload(
      file,
      (res) => {
        setMessage({ kind: 'ok', text: t('baselineImported', { n: res.areas }) });
        setText('');
      },
      (error) => setMessage({ kind: 'error', error }),
    );
  };

  return (
    <div className="panel-page">
      <h2>{t('baselineHeading')}</h2>
      <p className="muted">{t('baselineIntro')}</p>
      {canEdit && (
        <form
          className="card form-stack"
          onSubmit={(e) => {
            e.preventDefault();
            void importFile(new File([text], 'rammer.csv', { type: 'text/csv' }));
          }}
        >
          <label>
            {t('baselinePaste')}
            <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('baselinePastePlaceholder')} />
          </label>
          <label>
            {t('baselineUpload')}
            <FilePicker accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" disabled={progress !== null} onFile={(f) => void importFile(f)} />
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={!text.trim() || progress !== null}>
              {t('baselineImport')}
            </button>
            <span className="hint">{t('baselineReplaceNote')}</span>
          </div>
          {progress !== null && <progress max={1} value={progress} aria-label={t('uploading')} />}
          {message?.kind === 'ok' && (
            <p className="form-ok" role="status">
              {message.text}
            </p>
          )}
          {message?.kind === 'error' && <ImportErrorBox error={message.error} t={t} />}
        </form>
      )}
      {baseline.length === 0 ? (
        <p className="empty-state">{t('baselineEmpty')}</p>
      ) : (
        <div className="table-scroll">
          <table className="list-table numbers">
            <caption className="sr-only">{t('baselineHeading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('area')}</th>
                <YearColumnHeads years={years} />
              </tr>
            </thead>
            <tbody>
              {baseline.map((a) => (
                <tr key={a.name}>
                  <th scope="row">{a.name}</th>
                  {years.map((y) => {
                    const f = frames?.[a.name]?.[y];
                    const before = a.amounts[y];
                    const changed = f && f.change !== '0';
                    return (
                      <td key={y} className="num">
                        {before !== undefined ? formatAmount(before) : ''}
                        {changed && f.after !== null && (
                          <span className="frame-after">
                            {' → '}
                            <strong>{formatAmount(f.after)}</strong>
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
