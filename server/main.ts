import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { readConfig } from './config';
import { startFromConfig } from './start';

const CLIENT_DIR = path.resolve('dist/client');

/** Builds the client once when no build exists, so `npm start` works on a fresh clone. */
function ensureClientBuilt(): void {
  if (fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) return;
  console.log('Building the client (first start)…');
  execSync('npx vite build', { stdio: 'inherit' });
}

async function main(): Promise<void> {
  const config = readConfig();
  ensureClientBuilt();
  const started = await startFromConfig(config, { clientDir: CLIENT_DIR });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      console.log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: storing pending changes and closing connections…`);
    started
      .close()
      .then(() => {
        console.log('Stopped cleanly.');
        process.exit(0);
      })
      .catch((err: unknown) => {
        console.error('Shutdown failed', err);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
