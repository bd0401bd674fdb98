import fs from 'node:fs';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { readConfig } from './config';

const CLIENT_DIR = path.resolve('dist/client');

/** Builds the client once when no build exists, so `npm start` works on a fresh clone. */
function ensureClientBuilt(): void {
  if (fs.existsSync(path.join(CLIENT_DIR, 'index.html'))) return;
  console.log('Building the client (first start)…');
  execSync('npx vite build', { stdio: 'inherit' });
}

const config = readConfig();
ensureClientBuilt();
fs.mkdirSync(config.dataDir, { recursive: true });

const app = new Hono();
app.get('/api/health', (c) => c.json({ ok: true }));
app.use('/*', serveStatic({ root: path.relative(process.cwd(), CLIENT_DIR) }));
app.get('/*', serveStatic({ path: path.relative(process.cwd(), path.join(CLIENT_DIR, 'index.html')) }));

serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  console.log(`Listening on http://localhost:${info.port}`);
});
