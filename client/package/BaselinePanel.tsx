/**
 * The baseline frames (tjenesteområder): import by paste or file, stored in the
 * doc's meta via writeBaselineToDoc, and shown with each area's frame before →
 * after the package's lines (the after column is computed by the balance worker).
 */
import { useState } from 'react';
import { formatAmount } from '../../shared/money';
import { writeBaselineToDoc, type AreaFrames, type BaselineArea } from '../../shared/doc/baseline';
import type { PackageConnection } from '../app/connection';
import { useT } from '../i18n';
import { importBaselineFromCsv } from '../../shared/csv';

export function BaselinePanel({ conn, baseline, frames, canEdit }: { conn: PackageConnection; baseline: BaselineArea[]; frames: AreaFrames | null; canEdit: boolean }) {
  const t = useT();
  const [text, setText] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const years = [...new Set(baseline.flatMap((a) => Object.keys(a.amounts)))].sort();

  const importText = (csv: string) => {
    const r = importBaselineFromCsv(csv);
    if (!r.ok) {
      setMessage({ kind: 'error', text: t('importError', { row: r.error.row, column: r.error.column, value: r.error.value, message: r.error.message }) });
      return;
    }
    conn.undoManager.stopCapturing();
    writeBaselineToDoc(conn.doc, r.areas, conn.localOrigin);
    setMessage({ kind: 'ok', text: t('baselineImported', { n: r.areas.length }) });
    setText('');
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
            importText(text);
          }}
        >
          <label>
            {t('baselinePaste')}
            <textarea rows={5} value={text} onChange={(e) => setText(e.target.value)} placeholder={'tjenesteområde;2024;2025\nBarnehage;1773;1794'} />
          </label>
          <label>
            {t('baselineUpload')}
            <input
              type="file"
              accept=".csv,text/csv"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f) importText(await f.text());
                e.target.value = '';
              }}
            />
          </label>
          <div className="row">
            <button type="submit" className="primary" disabled={!text.trim()}>
              {t('baselineImport')}
            </button>
            <span className="hint">{t('baselineReplaceNote')}</span>
          </div>
          {message && (
            <p className={message.kind === 'ok' ? 'form-ok' : 'form-error'} role={message.kind === 'ok' ? 'status' : 'alert'}>
              {message.text}
            </p>
          )}
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
                {years.map((y) => (
                  <th scope="col" key={y} className="num">
                    {y}
                  </th>
                ))}
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
