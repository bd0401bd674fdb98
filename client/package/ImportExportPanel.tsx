/** Import lines from CSV through the server (all or nothing, errors by row and column) and export links. */
import { useState } from 'react';
import { ApiError, apiSend } from '../app/api';
import { useT } from '../i18n';

const FORMATS = [
  { id: 'docx', label: 'Word (.docx)' },
  { id: 'xlsx', label: 'Excel (.xlsx)' },
  { id: 'csv', label: 'CSV' },
  { id: 'md', label: 'Markdown' },
  { id: 'html', label: 'HTML' },
  { id: 'json', label: 'JSON' },
] as const;

export function ImportExportPanel({ packageId, canEdit }: { packageId: string; canEdit: boolean }) {
  const t = useT();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string; where?: { row: number | string; column: string; value: string } } | null>(null);
  const [scope, setScope] = useState<'agreed' | 'all'>('all');
  const base = `/api/packages/${encodeURIComponent(packageId)}`;

  const upload = async () => {
    if (!file) return;
    setBusy(true);
    setResult(null);
    try {
      const res = await apiSend<{ imported: number }>('POST', `${base}/import`, await file.text(), 'text/csv');
      setResult({ kind: 'ok', text: t('imported', { n: res.imported }) });
    } catch (e) {
      if (e instanceof ApiError && e.detail.row !== undefined) {
        const d = e.detail;
        setResult({ kind: 'error', text: d.message, where: { row: d.row ?? '', column: d.column ?? '', value: d.value ?? '' } });
      } else setResult({ kind: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="panel-page">
      {canEdit && (
        <section className="card" aria-labelledby="import-h">
          <h2 id="import-h">{t('importHeading')}</h2>
          <p className="muted">{t('importIntro')}</p>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              void upload();
            }}
          >
            <label>
              {t('importFile')}
              <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            </label>
            <button type="submit" className="primary" disabled={!file || busy}>
              {t('importButton')}
            </button>
          </form>
          {result && result.kind === 'ok' && (
            <p className="form-ok" role="status">
              {result.text}
            </p>
          )}
          {result && result.kind === 'error' && (
            <div className="form-error import-error" role="alert">
              <p className="strong">{t('importRejected')}</p>
              <p>{result.text}</p>
              {result.where && (
                <dl className="error-where">
                  <dt>{t('row')}</dt>
                  <dd>{result.where.row}</dd>
                  <dt>{t('column')}</dt>
                  <dd>{result.where.column || '—'}</dd>
                  <dt>{t('value')}</dt>
                  <dd>
                    <code>{result.where.value || '—'}</code>
                  </dd>
                </dl>
              )}
            </div>
          )}
        </section>
      )}
      <section className="card" aria-labelledby="export-h">
        <h2 id="export-h">{t('exportHeading')}</h2>
        <fieldset className="row">
          <legend>{t('exportScope')}</legend>
          <label className="checkbox">
            <input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} />
            {t('exportScopeAll')}
          </label>
          <label className="checkbox">
            <input type="radio" name="scope" checked={scope === 'agreed'} onChange={() => setScope('agreed')} />
            {t('exportScopeAgreed')}
          </label>
        </fieldset>
        <ul className="export-buttons">
          {FORMATS.map((f) => (
            <li key={f.id}>
              <a className="button secondary" href={`${base}/export?format=${f.id}&scope=${scope}`} download>
                {f.label}
              </a>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
