import type { WebSocketServer } from 'ws';

/**
 * Every websocket is pinged this often; one that has not answered the previous ping
 * (a dead peer, a half-open TCP connection) is terminated, so it leaves its room.
 */
export const HEARTBEAT_INTERVAL_MS = 30_000;

/**
 * Pings every socket of `wss` each `intervalMs` and terminates those that did not
 * answer the previous ping. The timer does not keep the process alive. Returns the
 * function that stops it.
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs = HEARTBEAT_INTERVAL_MS): () => void {
  const alive = new WeakMap<object, boolean>();
  wss.on('connection', (ws) => {
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
  });
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
