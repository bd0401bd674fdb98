/**
 * One upload with progress for the simple import forms (baseline frames, package file):
 * the size check before sending, the progress while sending, and the server's error detail.
 */
import { useState } from 'react';
import { useT } from '../i18n';
import { UploadError, uploadFile, type ImportErrorDetail } from './transfer';
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';
import { formatBytes } from './format';

/**
 * `progress` is null when nothing is being sent, else the fraction sent. `upload(file, onDone, onError)`
 * rejects a file over MAX_UPLOAD_BYTES at once (nothing is sent), else posts it to `url`; `onDone` gets
 * the JSON answer, `onError` the server's detail (or the thrown error's message). Progress is cleared
 * after either.
 */
export function useUpload<T>(url: string) {
  const t = useT();
  const [progress, setProgress] = useState<number | null>(null);
  const upload = async (file: File, onDone: (res: T) => void, onError: (detail: ImportErrorDetail) => void) => {
    if (file.size > MAX_UPLOAD_BYTES) {
      onError({ message: t('fileTooLarge', { size: formatBytes(file.size), max: formatBytes(MAX_UPLOAD_BYTES) }) });
      return;
    }
    setProgress(0);
    try {
      onDone(await uploadFile<T>(url, file, setProgress));
    } catch (e) {
      onError(e instanceof UploadError ? e.detail : { message: (e as Error).message });
    } finally {
      setProgress(null);
    }
  };
  return { progress, upload };
}

/**
 * A file input that hands over the chosen file and then clears itself, so choosing
 * the same file again (after fixing it) is a new choice.
 */
export function FilePicker({ accept, disabled, onFile }: { accept: string; disabled: boolean; onFile: (file: File) => void }) {
  return (
    <input
      type="file"
      accept={accept}
      disabled={disabled}
      onChange={(e) => {
        const f = e.target.files?.[0];
        if (f) onFile(f);
        e.target.value = '';
      }}
    />
  );
}
