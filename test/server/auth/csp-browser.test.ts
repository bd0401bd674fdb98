/**
 * The Content-Security-Policy in Debian's Chromium against the real built app: the
 * app itself (React, Lexical, the balance SharedWorker, the websocket) runs without a
 * single violation, and an injected inline script is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ApiClient, CLIENT_DIR, contextFor, createPackage, openPackage, startEnv } from '../../e2e/harness';
import type { TestEnv } from '../../e2e/harness';

// Reuse an existing client build: a second concurrent `vite build` into dist/ would
// pull the files from under the browser tests that build it.
if (fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) process.env.E2E_SKIP_BUILD = '1';

let env: TestEnv;

beforeAll(async () => {
  env = await startEnv();
}, 120_000);
afterAll(async () => {
  await env?.close();
});

interface Violation {
  directive: string;
  blocked: string;
}

async function watchViolations(page: Page): Promise<void> {
  // Init scripts run through DevTools, outside the page's CSP.
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: Array<{ directive: string; blocked: string }> };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
  });
}

function violations(page: Page): Promise<Violation[]> {
  return page.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp);
}

describe('Content-Security-Policy in Chromium', () => {
  it('C1 the app (editors, balance worker, websocket) runs without violations; an injected inline script is blocked', async () => {
    const admin = new ApiClient(env.url);
    await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
    const id = await createPackage(admin, 'CSP-prøve');
    const context = await contextFor(env, { email: ADMIN_EMAIL, name: 'Admin', api: admin });
    try {
      const page = await context.newPage();
      await watchViolations(page);
      const response = await page.goto(env.url + '/');
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      await openPackage(page, env, id);
      await page.waitForTimeout(500);
      expect(await violations(page)).toEqual([]);

      const ran = await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__injected = true';
        document.body.appendChild(s);
        return (window as unknown as { __injected?: boolean }).__injected === true;
      });
      expect(ran).toBe(false);
      await expect.poll(async () => (await violations(page)).map((v) => v.directive)).toContain('script-src-elem');
    } finally {
      await context.close();
    }
  });
});
