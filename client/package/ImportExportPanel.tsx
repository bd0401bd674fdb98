/**
 * Import (CSV or XLSX: a preview of the lines, new sections, the balance after
 * and prose warnings first, then all or nothing) and export (a pre-export check
 * from the live document, then a download per format with progress).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatAmount } from '../../shared/money';
import { readRichPackageFromDoc } from '../../shared/doc/richPackage';
import { preExportCheck, type ExportScope, type PreExportCheck } from '../../shared/export/model';
import type { ImportPreview } from '../../shared/format/importPreview';
import { LEDGERS, type Year } from '../../shared/types';
import type { PackageConnection } from '../app/connection';
import { ApiError } from '../app/api';
import { UploadError, downloadFile, uploadFile, type DownloadProgress, type ImportErrorDetail } from '../app/transfer';
import { useT, type TFunction } from '../i18n';
import { EXPORT_FORMATS, MAX_UPLOAD_BYTES, type ExportFormat } from '../../shared/protocol';

/** What each export format is called on its download button. */
const FORMAT_LABELS: Record<ExportFormat, string> = {
  docx: 'Word (.docx)',
  xlsx: 'Excel (.xlsx)',
  csv: 'CSV',
  md: 'Markdown',
  html: 'HTML',
  json: 'JSON',
};
const FORMATS = EXPORT_FORMATS.map((id) => ({ id, label: FORMAT_LABELS[id] }));

/** Pause after the last document change before the pre-export check is recomputed (ms). */
const CHECK_DEBOUNCE_MS = 400;

interface ImportExportPanelProps {
  conn: PackageConnection;
  packageId: string;
  canEdit: boolean;
  onGoToLine(lineId: string, year?: Year): void;
}

export function ImportExportPanel({ conn, packageId, canEdit, onGoToLine }: ImportExportPanelProps) {
  return (
    <div className="panel-page">
      {canEdit && <ImportCard packageId={packageId} />}
      <ExportCard conn={conn} packageId={packageId} onGoToLine={onGoToLine} />
    </div>
  );
}

function todayIso(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** «5 linjer og 1 verbal føring», leaving out what is zero. */
function countWhat(t: TFunction, lines: number, verbal: number): string {
  const parts: string[] = [];
  if (lines > 0) parts.push(lines === 1 ? t('countLineOne') : t('countLines', { n: lines }));
  if (verbal > 0) parts.push(verbal === 1 ? t('countVerbalOne') : t('countVerbal', { n: verbal }));
  return parts.join(` ${t('and')} `);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}

/** One column head per year (right-aligned like the amounts below it), for the preview, balance and baseline tables. */
export function YearColumnHeads({ years }: { years: readonly Year[] }) {
  return (
    <>
      {years.map((y) => (
        <th scope="col" key={y} className="num">
          {y}
        </th>
      ))}
    </>
  );
}

/** An import error with where it is: sheet, cell, row, column and the value found. */
export function ImportErrorBox({ error, t }: { error: ImportErrorDetail; t: TFunction }) {
  const hasWhere = error.row !== undefined || error.column !== undefined || error.cell !== undefined;
  return (
    <div className="form-error import-error" role="alert">
      <p className="strong">{t('importRejected')}</p>
      <p>{error.message}</p>
      {hasWhere && (
        <dl className="error-where">
          {error.sheet && (
            <>
              <dt>{t('sheet')}</dt>
              <dd>{error.sheet}</dd>
            </>
          )}
          {error.cell && (
            <>
              <dt>{t('cell')}</dt>
              <dd>{error.cell}</dd>
            </>
          )}
          <dt>{t('row')}</dt>
          <dd>{error.row ?? '—'}</dd>
          <dt>{t('column')}</dt>
          <dd>{error.column || '—'}</dd>
          <dt>{t('value')}</dt>
          <dd>
            <code>{error.value || '—'}</code>
          </dd>
        </dl>
      )}
    </div>
  );
}

function ImportCard({ packageId }: { packageId: string }) {
  const t = useT();
  const base = `/api/packages/${encodeURIComponent(packageId)}`;
  const [file, setFile] = useState<File | null>(null);
  const [sheet, setSheet] = useState<string>('');
  const [sheetNames, setSheetNames] = useState<string[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<ImportErrorDetail | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const reset = () => {
    setFile(null);
    setSheet('');
    setSheetNames([]);
    setPreview(null);
    setError(null);
    setProgress(null);
    if (inputRef.current) inputRef.current.value = '';
  };

  const send = async (f: File, chosenSheet: string, asPreview: boolean) => {
    setBusy(true);
    setError(null);
    setDone(null);
    setProgress(0);
    const q = new URLSearchParams();
    if (asPreview) q.set('preview', '1');
    if (chosenSheet) q.set('sheet', chosenSheet);
    try {
      if (asPreview) {
        const res = await uploadFile<{ preview: ImportPreview; sheetNames?: string[] }>(`${base}/import?${q}`, f, setProgress);
        setPreview(res.preview);
        setSheetNames(res.sheetNames ?? []);
      } else {
        const res = await uploadFile<{ imported: number }>(`${base}/import?${q}`, f, setProgress);
        reset();
        setDone(t('imported', { n: res.imported }));
      }
    } catch (e) {
      setPreview(null);
      if (e instanceof UploadError) {
        setError(e.detail);
        if (e.sheetNames) setSheetNames(e.sheetNames);
      } else setError({ message: (e as Error).message });
    } finally {
      setBusy(false);
      setProgress(null);
    }
  };

  const choose = (f: File | null) => {
    setPreview(null);
    setError(null);
    setDone(null);
    setSheet('');
    setSheetNames([]);
    setFile(f);
    if (!f) return;
    if (!/\.(csv|xlsx)$/i.test(f.name)) {
      setError({ message: t('importWrongType') });
      return;
    }
    if (f.size > MAX_UPLOAD_BYTES) {
      setError({ message: t('fileTooLarge', { size: formatBytes(f.size), max: formatBytes(MAX_UPLOAD_BYTES) }) });
      return;
    }
    void send(f, '', true);
  };

  return (
    <section className="card" aria-labelledby="import-h">
      <h2 id="import-h">{t('importHeading')}</h2>
      <p className="muted">{t('importIntro')}</p>
      <div className="row import-controls">
        <label>
          {t('importFile')}
          <input ref={inputRef} type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" disabled={busy} onChange={(e) => choose(e.target.files?.[0] ?? null)} />
        </label>
        {sheetNames.length > 1 && file && (
          <label>
            {t('sheet')}
            <select
              value={sheet || sheetNames[0]}
              disabled={busy}
              onChange={(e) => {
                setSheet(e.target.value);
                void send(file, e.target.value, true);
              }}
            >
              {sheetNames.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        )}
        {progress !== null && (
          <label className="upload-progress">
            {t('uploading')}
            <progress max={1} value={progress} />
          </label>
        )}
      </div>
      {done && (
        <p className="form-ok" role="status">
          {done}
        </p>
      )}
      {error && <ImportErrorBox error={error} t={t} />}
      {preview && file && (
        <ImportPreviewView
          preview={preview}
          fileName={file.name}
          busy={busy}
          onConfirm={() => void send(file, sheet, false)}
          onCancel={() => {
            reset();
          }}
        />
      )}
    </section>
  );
}

function ImportPreviewView({ preview, fileName, busy, onConfirm, onCancel }: { preview: ImportPreview; fileName: string; busy: boolean; onConfirm(): void; onCancel(): void }) {
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
              const prose = proseByLine.get(`import-${k + 1}`);
              return (
                <tr key={k} className={prose ? 'has-prose-warning' : undefined}>
                  <td>{l.section ?? '—'}</td>
                  <td>{t(`ledger_${l.ledger}`)}</td>
                  <td>{t(`group_${l.group}`)}</td>
                  <td>
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
      <table className="list-table numbers balance-after">
        <thead>
          <tr>
            <th scope="col">{t('ledger')}</th>
            <YearColumnHeads years={years} />
          </tr>
        </thead>
        <tbody>
          {ledgersShown.map((ledger) => {
            const lr = preview.report.ledgers[ledger];
            return (
              <tr key={ledger} data-ledger={ledger}>
                <th scope="row">{t(`ledger_${ledger}`)}</th>
                {years.map((y) => {
                  const off = lr.unbalancedYears.includes(y);
                  return (
                    <td key={y} className={off ? 'num cell-off' : 'num cell-ok'} data-state={off ? 'off' : 'ok'}>
                      {off ? formatAmount(lr.byYear[y]?.net ?? '0', { decimals: 2, signed: true }) : '✓'}
                      <span className="sr-only"> — {off ? t('notBalanced') : t('balanced')}</span>
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      {preview.proseWarnings.length > 0 && (
        <div className="prose-warnings">
          <p className="strong">
            <span aria-hidden="true">≠ </span>
            {t('proseMismatchHeading')}
          </p>
          <ul>
            {preview.proseWarnings.map((w, i) => {
              const k = Number(/^import-(\d+)$/.exec(w.lineId ?? '')?.[1] ?? 0) - 1;
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

/** The pre-export check over the live document, recomputed shortly after each change. */
function usePreExportCheck(conn: PackageConnection, packageId: string, scope: ExportScope): { check: PreExportCheck; lineTitles: Map<string, string> } {
  const compute = useCallback(() => {
    const pkg = readRichPackageFromDoc(conn.doc, packageId);
    return { check: preExportCheck(pkg, scope), lineTitles: new Map(pkg.lines.map((l) => [l.id, l.title])) };
  }, [conn, packageId, scope]);
  const [check, setCheck] = useState(compute);
  useEffect(() => {
    setCheck(compute());
    let timer: ReturnType<typeof setTimeout> | null = null;
    const onUpdate = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => setCheck(compute()), CHECK_DEBOUNCE_MS);
    };
    conn.doc.on('update', onUpdate);
    return () => {
      conn.doc.off('update', onUpdate);
      if (timer) clearTimeout(timer);
    };
  }, [conn, compute]);
  return check;
}

function ExportCard({ conn, packageId, onGoToLine }: { conn: PackageConnection; packageId: string; onGoToLine(lineId: string): void }) {
  const t = useT();
  const base = `/api/packages/${encodeURIComponent(packageId)}`;
  const [scope, setScope] = useState<ExportScope>('agreed');
  const [version, setVersion] = useState('');
  const [date, setDate] = useState(todayIso);
  const [sealed, setSealed] = useState(false);
  const [busy, setBusy] = useState<Record<string, DownloadProgress>>({});
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string; checksum?: string } | null>(null);
  const { check, lineTitles } = usePreExportCheck(conn, packageId, scope);

  const errors = check.warnings.filter((w) => w.severity === 'error');
  const prose = check.warnings.filter((w) => w.code === 'prose-figure-mismatch');
  const others = check.warnings.filter((w) => w.severity !== 'error' && w.code !== 'prose-figure-mismatch' && w.code !== 'not-agreed');
  const left = check.notAgreed;

  const run = async (format: string) => {
    const q = new URLSearchParams({ format, scope });
    if (version.trim()) q.set('version', version.trim());
    if (date) q.set('date', date);
    if (sealed) q.set('sealed', '1');
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

  const titleOf = (id: string | undefined) => (id ? lineTitles.get(id) || t('untitled') : '');

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
            {lineTitles.size === 0
              ? t('checkEmpty')
              : left.lines + left.verbal === 0
              ? t('checkAllAgreed')
              : t(scope === 'agreed' ? 'checkLeftOut' : 'checkWithStatus', { what: countWhat(t, left.lines, left.verbal) })}
          </li>
          {others.map((w, i) => (
            <li key={i} className="check check-warning">
              <span className="check-icon" aria-hidden="true">
                i
              </span>
              {w.message}
            </li>
          ))}
        </ul>
      </div>
      <div className="form-grid export-fields">
        <label>
          {t('exportVersion')}
          <input value={version} placeholder={t('exportVersionPlaceholder')} onChange={(e) => setVersion(e.target.value)} />
        </label>
        <label>
          {t('exportDate')}
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={sealed} onChange={(e) => setSealed(e.target.checked)} />
          {t('exportSealed')}
        </label>
      </div>
      {errors.length > 0 && <p className="hint export-note">{t('exportUnbalancedNote')}</p>}
      <ul className="export-buttons">
        {FORMATS.map((f) => {
          const p = busy[f.id];
          return (
            <li key={f.id}>
              <button type="button" className="secondary" data-format={f.id} disabled={!!p} aria-busy={!!p} onClick={() => void run(f.id)}>
                {f.label}
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
