/** `GET /api/ready` on the embedded SQLite install: ready without checks, `stopping` while it shuts down. */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { readConfig } from '../../server/config';
import { startFromConfig } from '../../server/start';
import { quietLog, tempDir } from './serverHarness';

it('answers 200 { ready: true } without a session, with nothing else in it; 503 stopping once the server stops accepting', async () => {
  const dir = tempDir('ready-');
  const started = await startFromConfig(readConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dir }), {
    env: { BOOTSTRAP_ADMIN_EMAIL: 'a@kommune.test', BOOTSTRAP_ADMIN_PASSWORD: 'et langt passord her' },
    log: () => {},
    roomLog: quietLog,
  });
  try {
    expect(started.database).toBe('sqlite');
    const res = await fetch(`${started.server.url}/api/ready`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ ready: true });
    // The rooms stop accepting first (as in a graceful stop); HTTP still answers.
    await started.server.rooms.shutdown();
    const during = await fetch(`${started.server.url}/api/ready`);
    expect(during.status).toBe(503);
    expect(await during.json()).toEqual({ ready: false, failing: ['stopping'] });
    await started.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
