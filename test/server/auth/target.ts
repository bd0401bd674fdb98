/**
 * The server the attack table runs against. Until the collaboration server exists,
 * the accounts harness (harness.ts); switch here to the real server.
 */
import type { AuthStore } from '../../../server/auth/store';
import { startHarness } from './harness';
import type { Client } from './harness';

export interface Target {
  origin: string;
  store: AuthStore;
  createPackage(owner: Client, title: string): Promise<string>;
  close(): Promise<void>;
}

/** Protected routes of the collaboration server besides the accounts routes (method, path). */
export function extraProtectedRoutes(_pkg: string): Array<[string, string]> {
  return [];
}

export async function startTarget(opts: { sessionTtlMs?: number } = {}): Promise<Target> {
  const h = await startHarness({ store: opts.sessionTtlMs ? { sessionTtlMs: opts.sessionTtlMs } : {} });
  return {
    origin: h.origin,
    store: h.store,
    async createPackage(owner, title) {
      const res = await owner.post('/api/packages', { title, parties: ['AP', 'SV', 'SP'] });
      if (res.status !== 201) throw new Error(`create package: ${res.status}`);
      return ((await res.json()) as { id: string }).id;
    },
    close: () => h.close(),
  };
}
