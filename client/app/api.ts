/**
 * JSON over fetch with the session cookie. Errors come back as `ApiError`
 * with the server's Norwegian message, and (for imports) the row/column detail.
 */
export interface ApiErrorDetail {
  message: string;
  field?: string;
  row?: number;
  column?: string;
  value?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: ApiErrorDetail,
    /** The whole JSON answer (a 409 may list what blocks the request), null when it was not JSON. */
    readonly body: unknown = null,
  ) {
    super(detail.message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const err = (body as { error?: unknown } | null)?.error;
    const detail: ApiErrorDetail =
      err && typeof err === 'object'
        ? (err as ApiErrorDetail)
        : { message: typeof err === 'string' ? err : text.slice(0, 200) || `HTTP ${res.status}` };
    if (typeof detail.message !== 'string') detail.message = `HTTP ${res.status}`;
    throw new ApiError(res.status, detail, body);
  }
  return body as T;
}

export async function apiGet<T>(path: string): Promise<T> {
  return parse<T>(await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } }));
}

export async function apiSend<T>(method: 'POST' | 'PATCH' | 'DELETE' | 'PUT', path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = contentType;
  }
  return parse<T>(await fetch(path, init));
}
