/**
 * The export card: what to include (agreed only, or everything with status),
 * the live pre-export check for that choice, the footer fields (version name,
 * date, seal) and one download button per format with its progress and result.
 */
import { useEffect, useState } from 'react';
import type { ExportScope } from '../../shared/export/model';
import { EXPORT_FORMATS } from '../../shared/protocol';
import type { PackageLine } from '../../shared/types';
import { ApiError, apiGet } from '../app/api';
import { useExportCheck, type BalanceWorker } from '../app/balanceClient';
import { formatBytes, isoFromNorwegianDate, norwegianFromIsoDate, todayIso } from '../app/format';
import { downloadFile, type DownloadProgress } from '../app/transfer';
import { useT } from '../i18n';
import { ExportCheckView } from './ExportCheckView';

export interface ExportCardProps {
  packageId: string;
  /** The balance worker, which computes the pre-export check. */
  worker: BalanceWorker | null;
  lines: PackageLine[];
  onGoToLine(lineId: string): void;
}

export function ExportCard({ packageId, worker, lines, onGoToLine }: ExportCardProps) {
  const t = useT();
  const base = `/api/packages/${encodeURIComponent(packageId)}`;
  const [scope, setScope] = useState<ExportScope>('agreed');
  const [version, setVersion] = useState('');
  // Shown and typed as dd.mm.åååå (the one date format); sent as ISO.
  const [date, setDate] = useState(() => norwegianFromIsoDate(todayIso()));
  const [sealed, setSealed] = useState(false);
  // A sealed export is the round a lock saved: offered only while the package is locked.
  const [locked, setLocked] = useState(false);
  useEffect(() => {
    let live = true;
    apiGet<{ locked: boolean }>(`${base}/lock`)
      .then((r) => live && setLocked(r.locked))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [base]);
  const [busy, setBusy] = useState<Record<string, DownloadProgress>>({});
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string; checksum?: string } | null>(null);
  const check = useExportCheck(worker, scope);
  const hasErrors = check?.ok === false;

  const run = async (format: string) => {
    const q = new URLSearchParams({ format, scope });
    if (version.trim()) q.set('version', version.trim());
    if (date.trim()) {
      const iso = isoFromNorwegianDate(date);
      if (!iso) {
        setResult({ kind: 'error', text: t('exportDateInvalid') });
        return;
      }
      q.set('date', iso);
    }
    if (sealed && locked) q.set('sealed', '1');
    setResult(null);
    setBusy((b) => ({ ...b, [format]: { loaded: 0, total: null } }));
    try {
      const out = await downloadFile(`${base}/export?${q}`, `pakke.${format}`, (p) => setBusy((b) => ({ ...b, [format]: p })));
      setResult({ kind: 'ok', text: t('exported', { file: out.filename, size: formatBytes(out.bytes) }), ...(out.checksum ? { checksum: out.checksum } : {}) });
    } catch (e) {
      setResult({ kind: 'error', text: e instanceof ApiError ? e.detail.message : (e as Error).message });
    } finally {
      setBusy((b) => {
        const next = { ...b };
        delete next[format];
        return next;
      });
    }
  };

  return (
    <section className="card" aria-labelledby="export-h">
      <h2 id="export-h">{t('exportHeading')}</h2>
      <fieldset className="row">
        <legend>{t('exportScope')}</legend>
        <label className="checkbox">
          <input type="radio" name="scope" checked={scope === 'agreed'} onChange={() => setScope('agreed')} />
          {t('exportScopeAgreed')}
        </label>
        <label className="checkbox">
          <input type="radio" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} />
          {t('exportScopeAll')}
        </label>
      </fieldset>
      <ExportCheckView check={check} scope={scope} lines={lines} onGoToLine={onGoToLine} />
      <div className="form-grid export-fields">
        <label>
          {t('exportVersion')}
          <input value={version} placeholder={t('exportVersionPlaceholder')} onChange={(e) => setVersion(e.target.value)} />
        </label>
        <label>
          {t('exportDate')}
          <input inputMode="numeric" placeholder={t('datePlaceholder')} value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={sealed && locked} disabled={!locked} aria-describedby="export-sealed-hint" onChange={(e) => setSealed(e.target.checked)} />
          {t('exportSealed')}
        </label>
        <p id="export-sealed-hint" className="hint">
          {locked ? t('exportSealedHint') : t('exportSealedNeedsLock')}
        </p>
      </div>
      {hasErrors && <p className="hint export-note">{t('exportUnbalancedNote')}</p>}
      <ul className="export-buttons">
        {EXPORT_FORMATS.map((format) => {
          const p = busy[format];
          return (
            <li key={format}>
              <button type="button" className="secondary" data-format={format} disabled={!!p} aria-busy={!!p} onClick={() => void run(format)}>
                {t(`format_${format}`)}
              </button>
              {p && (
                <span className="download-progress" role="status">
                  {p.total ? <progress max={p.total} value={p.loaded} /> : <span className="spinner" aria-hidden="true" />}
                  <span className="muted">{p.total ? `${Math.round((p.loaded / p.total) * 100)} %` : formatBytes(p.loaded)}</span>
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {result && (
        <div className={result.kind === 'ok' ? 'form-ok export-result' : 'form-error export-result'} role={result.kind === 'ok' ? 'status' : 'alert'}>
          <p>{result.text}</p>
          {result.checksum && (
            <p>
              {t('exportChecksum')}: <code className="checksum">{result.checksum}</code>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
