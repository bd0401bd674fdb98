// Entry of every budgeted worker thread: registers the TypeScript loader the server
// itself runs under (tsx), then imports the worker module named in workerData.
import { workerData } from 'node:worker_threads';

const { register } = await import('tsx/esm/api');
register();
await import(workerData.entry);
