/**
 * The production start sequence (server/start.ts, what `npm start` runs) on port 0
 * with a fresh SQLite directory: `/api/health` answers 200 only once the bootstrap
 * administrator exists, so a scripted install that waits for health and then logs in
 * always succeeds; the printed setup link carries the real port; a broken bootstrap
 * fails the start and leaves nothing listening.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../server/config';
import { startFromConfig, type StartedServer } from '../../server/start';
import { quietLog, tempDir } from './serverHarness';

const EMAIL = 'skript@kommune.test';
const PASSWORD = 'et langt skriptpassord';
const BOOTSTRAP_ENV = { BOOTSTRAP_ADMIN_EMAIL: EMAIL, BOOTSTRAP_ADMIN_PASSWORD: PASSWORD };
/** Server starts in the health-then-login test; each is a fresh install. */
const STARTS = 20;

/** What a scripted install sees: every health answer until the first 200, then its login. */
interface InstallRun {
  health: Array<{ status: number; body: unknown }>;
  login: number;
}

/** Polls `/api/health` as fast as it can until 200, then logs in as the bootstrap administrator. */
async function waitForHealthThenLogin(base: string): Promise<InstallRun> {
  const health: InstallRun['health'] = [];
  for (;;) {
    const res = await fetch(`${base}/api/health`);
    health.push({ status: res.status, body: await res.json() });
    if (res.status === 200) break;
  }
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  return { health, login: login.status };
}

/**
 * Starts the server as main.ts does, on port 0 in a fresh data directory. `onListening`
 * gets the base URL as soon as the server prints that it listens, i.e. before the
 * bootstrap has run — the earliest a script could reach it.
 */
async function start(env: NodeJS.ProcessEnv, onListening?: (base: string) => void): Promise<{ started: StartedServer; lines: string[]; dir: string }> {
  const dir = tempDir('start-');
  const lines: string[] = [];
  try {
    const started = await startFromConfig(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir }), {
      env,
      roomLog: quietLog,
      log: (line) => {
        lines.push(line);
        const port = /^Listening on http:\/\/localhost:(\d+)/.exec(line)?.[1];
        if (port) onListening?.(`http://127.0.0.1:${port}`);
      },
    });
    return { started, lines, dir };
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

describe('start sequence', () => {
  it(`health answers 200 only after the bootstrap administrator exists: the first 200 is followed by a successful login (${STARTS} starts)`, async () => {
    const runs: InstallRun[] = [];
    for (let i = 0; i < STARTS; i++) {
      let install: Promise<InstallRun> | undefined;
      const { started, dir } = await start(BOOTSTRAP_ENV, (base) => {
        install = waitForHealthThenLogin(base);
      });
      try {
        expect(install, 'the server printed where it listens').toBeDefined();
        const run = await install!;
        runs.push(run);
        expect(run.login, `start ${i}: login right after the first healthy answer`).toBe(200);
        for (const h of run.health.slice(0, -1)) expect(h).toEqual({ status: 503, body: { ok: false, ready: false } });
        expect(run.health.at(-1)).toMatchObject({ status: 200, body: { ok: true, ready: true } });
      } finally {
        await started.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    // The polls reached the server while the bootstrap was still running, so the
    // logins above really followed a wait; without it this test would prove nothing.
    expect(runs.filter((r) => r.health[0]?.status === 503).length).toBeGreaterThan(0);
  }, 120_000);

  it('prints a setup link with the real port when no bootstrap administrator is configured; the link works', async () => {
    const { started, lines, dir } = await start({});
    try {
      const port = started.server.port;
      const link = lines.map((l) => l.trim()).find((l) => l.includes('/setup#'));
      expect(link).toMatch(new RegExp(`^http://localhost:${port}/setup#[A-Za-z0-9_-]{43}$`));
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/health`)).status).toBe(200);
      const setup = await fetch(`${base}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: base },
        body: JSON.stringify({ token: link!.split('#')[1], email: EMAIL, password: PASSWORD, name: 'Skript' }),
      });
      expect(setup.status).toBe(201);
    } finally {
      await started.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a broken bootstrap (only one of the two variables) fails the start and closes the port', async () => {
    let base: string | undefined;
    const failed = await start({ BOOTSTRAP_ADMIN_EMAIL: EMAIL }, (b) => {
      base = b;
    }).catch((err: unknown) => err as Error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD/);
    expect(base).toBeDefined();
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
  });
});
