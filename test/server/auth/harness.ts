/**
 * HTTP helpers for the accounts tests: a cookie-keeping client that sends the Origin a
 * same-origin browser would, and shortcuts to create the admin and invite members.
 * The server under test is the real one (target.ts).
 */
import type { AuthStore } from '../../../server/auth/store';

/** A tiny cookie-keeping HTTP client that sends the Origin a same-origin browser would. */
export class Client {
  cookie: string | undefined;
  constructor(
    readonly origin: string,
    readonly sendOrigin: string | null = origin,
  ) {}

  async request(method: string, urlPath: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
    const headers: Record<string, string> = { ...extraHeaders };
    if (this.sendOrigin !== null && !('origin' in headers)) headers.origin = this.sendOrigin;
    if (this.cookie) headers.cookie = this.cookie;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.origin + urlPath, { method, headers, body: payload, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name === 'session') this.cookie = value ? `session=${value}` : undefined;
    }
    return res;
  }

  get(urlPath: string): Promise<Response> {
    return this.request('GET', urlPath);
  }
  post(urlPath: string, body?: unknown): Promise<Response> {
    return this.request('POST', urlPath, body);
  }
  patch(urlPath: string, body?: unknown): Promise<Response> {
    return this.request('PATCH', urlPath, body);
  }
  delete(urlPath: string): Promise<Response> {
    return this.request('DELETE', urlPath);
  }

  async login(email: string, password: string): Promise<Response> {
    return this.post('/api/auth/login', { email, password });
  }
}

export const ADMIN_EMAIL = 'admin@kommune.no';
export const ADMIN_PASSWORD = 'korrekt hest batteri stift';

/** Creates the first admin directly in the store and returns a logged-in client. */
export async function adminClient(h: { origin: string; store: AuthStore }): Promise<Client> {
  if (!(await h.store.getUserByEmail(ADMIN_EMAIL))) await h.store.createUser({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Admin', isAdmin: true });
  const c = new Client(h.origin);
  const res = await c.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
  return c;
}

/** Invites `email` to a package as `role` and activates the account; returns its client and user id. */
export async function inviteAndAccept(
  owner: Client,
  packageId: string,
  email: string,
  role: string,
  party: string | null = 'AP',
  password = 'et langt passord 123',
): Promise<{ client: Client; userId: string }> {
  const res = await owner.post(`/api/packages/${packageId}/members`, { email, role, party });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { member: { userId: string }; token: string | null };
  const client = new Client(owner.origin);
  if (body.token) {
    const acc = await client.post(`/api/auth/invitations/${body.token}/accept`, { password, name: email.split('@')[0] });
    if (acc.status !== 200) throw new Error(`accept failed: ${acc.status} ${await acc.text()}`);
  } else {
    const login = await client.login(email, password);
    if (login.status !== 200) throw new Error(`login failed: ${login.status}`);
  }
  return { client, userId: body.member.userId };
}
