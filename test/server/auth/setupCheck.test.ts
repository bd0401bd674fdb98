/**
 * `POST /api/auth/setup/check`: the setup page asks whether its link still works
 * before it shows the form, so a used or replaced link says so at once.
 */
import { describe, expect, it } from 'vitest';
import { Client } from './harness';
import { startTarget } from './target';

describe('setup link check', () => {
  it('answers 200 for an unused link, 403 with the reason once it is used, for a wrong token and after a restart replaced it', async () => {
    const t = await startTarget();
    try {
      const c = new Client(t.origin);
      const old = await t.store.createSetupToken();
      const token = await t.store.createSetupToken();
      const fresh = await c.post('/api/auth/setup/check', { token });
      expect(fresh.status).toBe(200);
      expect(await fresh.json()).toEqual({ ok: true });
      // Asking does not use the link up.
      expect((await c.post('/api/auth/setup/check', { token })).status).toBe(200);

      const wrong = await c.post('/api/auth/setup/check', { token: 'A'.repeat(43) });
      expect(wrong.status).toBe(403);
      expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe('Oppsettlenken er ugyldig eller allerede brukt');
      // A new link revokes the one printed before it.
      expect((await c.post('/api/auth/setup/check', { token: old })).status).toBe(403);

      expect((await c.post('/api/auth/setup', { token, email: 'forste@kommune.no', password: 'et langt passord 123', name: 'Første' })).status).toBe(201);
      const used = await new Client(t.origin).post('/api/auth/setup/check', { token });
      expect(used.status).toBe(403);
      expect(((await used.json()) as { error: { message: string } }).error.message).toBe('Oppsettlenken er ugyldig eller allerede brukt');
    } finally {
      await t.close();
    }
  });

  it('refuses a foreign Origin and an unknown field like every accounts route', async () => {
    const t = await startTarget();
    try {
      const token = await t.store.createSetupToken();
      expect((await new Client(t.origin, 'https://evil.example').post('/api/auth/setup/check', { token })).status).toBe(403);
      expect((await new Client(t.origin).post('/api/auth/setup/check', { token, email: 'x@y.no' })).status).toBe(400);
    } finally {
      await t.close();
    }
  });
});
