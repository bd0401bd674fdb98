/**
 * File transfers with progress: uploads through XMLHttpRequest (fetch has no
 * upload progress) and downloads through a streamed fetch, handed to the
 * browser as a Blob URL with the server's file name.
 */
import { MAX_UPLOAD_BYTES } from '../../shared/protocol';
import { getLang, translate } from '../i18n';
import { ApiError, type ApiErrorDetail } from './api';
import { formatBytes } from './format';


/** The error detail of an import, as the server sends it. */
export interface ImportErrorDetail extends ApiErrorDetail {
  sheet?: string;
  cell?: string;
}

/** A rejected upload: the detail plus the workbook's sheet names when the server sent them. */
export class UploadError extends ApiError {
  constructor(
    status: number,
    detail: ImportErrorDetail,
    readonly sheetNames?: string[],
  ) {
    super(status, detail);
  }
}

/** Content type the server expects for a file, by its name. */
export function contentTypeOf(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}

/** POSTs a file's bytes; `onProgress(fraction)` follows the upload. Resolves with the JSON body. */
export function uploadFile<T>(url: string, file: File, onProgress?: (fraction: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', contentTypeOf(file));
    xhr.setRequestHeader('accept', 'application/json');
    // Header values must be ASCII; the server only uses the name's extension.
    xhr.setRequestHeader('x-filename', encodeURIComponent(file.name));
    if (onProgress) {
      xhr.upload.onprogress = (ev) => {
        if (ev.lengthComputable && ev.total > 0) onProgress(ev.loaded / ev.total);
      };
    }
    xhr.onerror = () => reject(new UploadError(0, { message: translate(getLang(), 'uploadNetworkError') }));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T);
        return;
      }
      const b = body as { error?: unknown; sheetNames?: string[] } | null;
      const err = b?.error;
      let detail: ImportErrorDetail;
      if (xhr.status === 413) detail = { message: translate(getLang(), 'uploadTooLarge', { max: formatBytes(MAX_UPLOAD_BYTES) }) };
      else if (err && typeof err === 'object' && typeof (err as ApiErrorDetail).message === 'string') detail = err as ImportErrorDetail;
      else detail = { message: typeof err === 'string' ? err : `HTTP ${xhr.status}` };
      reject(new UploadError(xhr.status, detail, b?.sheetNames));
    };
    xhr.send(file);
  });
}

/** The file name from a Content-Disposition header, or `fallback`. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // Fall through to the plain form.
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain?.[1] ?? fallback;
}

/** Progress of a download: bytes so far and the total when the server said it. */
export interface DownloadProgress {
  loaded: number;
  total: number | null;
}

/**
 * The size a download's progress counts up to, or null when unknown. A compressed
 * answer (the text exports) states its length on the wire, while the reader counts
 * the decoded bytes, so its total is unknown: the progress shows bytes, not a
 * percentage past 100.
 */
export function downloadTotal(headers: Headers): number | null {
  const length = headers.get('content-length');
  if (!length || headers.get('content-encoding')) return null;
  const n = Number(length);
  return Number.isFinite(n) ? n : null;
}

/**
 * Fetches `url` as a file, reporting progress, then starts the browser's
 * download with the server's file name. Resolves with the name and the
 * `x-package-checksum` header (sealed exports).
 */
export async function downloadFile(url: string, fallbackName: string, onProgress: (p: DownloadProgress) => void): Promise<{ filename: string; checksum: string | null; bytes: number }> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } | string };
      message = typeof body.error === 'string' ? body.error : (body.error?.message ?? message);
    } catch {
      // Not JSON: keep the status.
    }
    throw new ApiError(res.status, { message });
  }
  const total = downloadTotal(res.headers);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress({ loaded, total });
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress({ loaded, total });
    }
  } else {
    const buf = new Uint8Array(await res.arrayBuffer());
    chunks.push(buf);
    loaded = buf.byteLength;
    onProgress({ loaded, total });
  }
  const filename = filenameFromDisposition(res.headers.get('content-disposition'), fallbackName);
  const blob = new Blob(chunks as BlobPart[], { type: res.headers.get('content-type') ?? 'application/octet-stream' });
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked a little later: the browser needs the URL until the download has started.
  setTimeout(() => URL.revokeObjectURL(href), BLOB_URL_LIFETIME_MS);
  return { filename, checksum: res.headers.get('x-package-checksum'), bytes: loaded };
}

const BLOB_URL_LIFETIME_MS = 60_000;
