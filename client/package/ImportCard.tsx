/**
 * The import card: choose a CSV or XLSX file (type and size checked before
 * anything is sent), see the server's preview of what the import adds and the
 * balance after it (picking a sheet of a workbook), then import all or nothing.
 */
import { useRef, useState } from 'react';
import type { ImportPreview } from '../../shared/format/importPreview';
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';
import { formatBytes } from '../app/format';
import { UploadError, uploadFile, type ImportErrorDetail } from '../app/transfer';
import { useT } from '../i18n';
import { ImportErrorBox } from './ImportErrorBox';
import { ImportPreviewView } from './ImportPreviewView';

export function ImportCard({ packageId }: { packageId: string }) {
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
