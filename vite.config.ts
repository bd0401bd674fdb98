import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** Files of the build worth compressing ahead (text); smaller ones are served as they are. */
const PRECOMPRESS_RE = /\.(js|mjs|css|html|svg|json|txt)$/;
const PRECOMPRESS_MIN_BYTES = 1024;

/**
 * Writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9) next to
 * every text file of the client build, workers included, so the server sends the
 * best compression without spending it per request (server/static.ts).
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'budsjett-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const walk = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
      for (const file of walk(outDir)) {
        if (!PRECOMPRESS_RE.test(file)) continue;
        const body = fs.readFileSync(file);
        if (body.length < PRECOMPRESS_MIN_BYTES) continue;
        fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
      }
    },
  };
}

// The client lives in client/; the build goes to dist/client, which the server serves.
// No source maps: they would publish the whole source (and cost a build-time megabyte per chunk).
export default defineConfig({
  root: 'client',
  plugins: [react(), precompress()],
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: false },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/ws': { target: 'ws://localhost:8080', ws: true },
    },
  },
  test: {
    root: '.',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `npm test` runs `unit` (everything a newcomer's machine can run); the scale-out
    // suite needs PostgreSQL and Redis and runs with `npm run test:scale`; the
    // reliability suite (crash loops, fuzz, storms) with `npm run test:reliability`.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/scale/**', 'test/reliability/**'] } },
      { extends: true, test: { name: 'scale', include: ['test/scale/**/*.test.ts'], fileParallelism: false } },
      { extends: true, test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'], fileParallelism: false } },
    ],
  },
});
