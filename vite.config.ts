import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// The client lives in client/; the build goes to dist/client, which the server serves.
export default defineConfig({
  root: 'client',
  plugins: [react()],
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: true },
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
