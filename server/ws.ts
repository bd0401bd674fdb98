import type { Context, Hono } from 'hono';
import type { UpgradeWebSocket, WSContext } from 'hono/ws';
import type { WebSocket } from 'ws';
import type { AuthProvider } from './auth/types';
import type { DocKind } from '../shared/protocol';
import { isAllowedOrigin, requestScheme } from './auth/security';
import type { PackageAccess } from './packages/access';
import {
  CLOSE_MALFORMED,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_OUTDATED_CLIENT,
  CLOSE_SESSION_ENDED,
  CLOSE_TRY_AGAIN_LATER,
  MAX_BUFFERED_BYTES,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_PARAM,
  REASONS,
  closeReason,
  displayName,
} from '../shared/protocol';
import { docNameFor, type RoomLogger, type RoomRegistry, type SyncSocket } from './sync';

/**
 * A connection reports activity to its login session (`AuthProvider.touchSession`)
 * at most this often — or more often when the provider asks for it
 * (`sessionTouchIntervalMs`, shorter with a short SESSION_TTL_MS).
 */
export const SESSION_TOUCH_INTERVAL_MS = 5_000;

// @hono/node-ws reports socket errors (e.g. an oversized frame) as `new ErrorEvent(…)`,
// which Node 20 lacks: the ReferenceError thrown inside ws's 'error' listener would
// be an uncaught exception and take the whole server down. A minimal stand-in.
if (typeof globalThis.ErrorEvent === 'undefined') {
  class ErrorEventPolyfill extends Event {
    readonly error: unknown;
    readonly message: string;
    constructor(type: string, init: { error?: unknown; message?: string } = {}) {
      super(type);
      this.error = init.error;
      this.message = init.message ?? (init.error instanceof Error ? init.error.message : '');
    }
  }
  (globalThis as { ErrorEvent?: unknown }).ErrorEvent = ErrorEventPolyfill;
}

/**
 * Websocket messages smaller than this go uncompressed: awareness, a keystroke, a
 * new line, a pasted block. Each relayed update is deflated once per receiving socket,
 * so compressing the everyday small ones costs a zlib job per update per reader (with
 * 20 writers the deflate queue, not the server, set the pace: about 100 lines a
 * second instead of 500); what compression is for — a document's first sync, a large
 * import — is far above it.
 */
export const WS_COMPRESS_MIN_BYTES = 16 * 1024;

/**
 * The per-message compression (`permessage-deflate`, RFC 7692) the websocket server
 * offers; every current browser asks for it, so a package document's first sync
 * (one large sync-step-2 message) travels at a fraction of its size — about 30 % for
 * the real 2023 package, 20 % for a generated 1,000-line one. Messages under
 * `WS_COMPRESS_MIN_BYTES` are sent as they are. The window is 8 KiB on both sides
 * (`max_window_bits` 13, memLevel 7): about 100 KiB of zlib state per socket instead
 * of 256 KiB, for a ratio within 1 % of the largest window on Yjs updates. Incoming
 * messages are inflated under the same `maxPayload` limit as plain ones (ws checks
 * the inflated size), so a small compressed frame cannot expand past
 * `MAX_MESSAGE_BYTES`.
 */
export const WS_PER_MESSAGE_DEFLATE = {
  threshold: WS_COMPRESS_MIN_BYTES,
  // ws honours `threshold` only without context takeover (each message deflated on
  // its own); with takeover it compresses every message, small ones included.
  serverNoContextTakeover: true,
  serverMaxWindowBits: 13,
  clientMaxWindowBits: 13,
  // Level 1: a third of level 6's CPU for a few per cent more bytes — compression must
  // never be what a busy server waits on (every big message is deflated per reader).
  zlibDeflateOptions: { level: 1, memLevel: 7 },
  // Compressions running at once per process (ws queues the rest): zlib runs on the thread pool.
  concurrencyLimit: 10,
} as const;

export interface SyncRouteDeps {
  auth: AuthProvider;
  rooms: RoomRegistry;
  /** The package access resolver the HTTP routes use too. */
  access: PackageAccess;
  publicOrigin: string | undefined;
  /** TRUST_PROXY: take the request's scheme from `X-Forwarded-Proto`. */
  trustProxy?: boolean;
  log: RoomLogger;
}

/**
 * How often a connection's activity is reported to its session:
 * `SESSION_TOUCH_INTERVAL_MS`, or the provider's shorter `sessionTouchIntervalMs`.
 */
function touchIntervalOf(auth: AuthProvider): number {
  return Math.min(SESSION_TOUCH_INTERVAL_MS, auth.sessionTouchIntervalMs ?? Infinity);
}

/** Adapts a `ws` socket to the room's three-member interface. */
function syncSocketOf(raw: WebSocket): SyncSocket {
  return {
    send(data) {
      // A reader that stopped reading must not make the server buffer without bound;
      // closing with 1013 makes the provider reconnect and resync from scratch.
      if (raw.bufferedAmount > MAX_BUFFERED_BYTES) {
        raw.close(CLOSE_TRY_AGAIN_LATER, closeReason(REASONS.slowReader));
        return;
      }
      raw.send(data);
    },
    close(code, reason) {
      raw.close(code, closeReason(reason));
    },
    isOpen() {
      return raw.readyState === raw.OPEN;
    },
  };
}

/**
 * The websocket endpoints `/ws/:packageId` (content doc) and
 * `/ws/:packageId/comments` (comments doc), i.e. what
 * `new WebsocketProvider(origin + '/ws', roomname, doc)` connects to for roomname
 * `<id>` and `<id>/comments`. The upgrade is refused with an HTTP status before any
 * socket exists: 403 for a foreign `Origin` (cross-site websocket hijacking; a
 * request without `Origin` comes from a non-browser client and is allowed), 401
 * without a session, 404 when the package does not exist or the user is not a
 * member, 503 while shutting down. An upgrade whose `?v=` names another
 * `PROTOCOL_VERSION` is accepted and closed at once with 4426 and a reason that
 * says to reload (a browser learns nothing from a refused upgrade, and its
 * provider would retry for ever); one without `v` is a plain y-websocket client.
 * Frames over `MAX_MESSAGE_BYTES` close with 1009 (enforced by `ws` itself via
 * `maxPayload`), text frames with 4400 — counted in the registry's `ProblemLog`,
 * never logged one line each. Each connection carries its person's display name
 * and party in the package: the comments hook checks authors against them and the
 * awareness is bound to them. Activity on a connection (an update, a changed
 * awareness state) counts as use of its login session: it is reported through
 * `auth.touchSession` at most once per `touchIntervalOf(auth)`, and when the
 * session turns out to have ended the socket is closed with 4401. Returns the
 * function that stops listening to the auth provider.
 */
export function registerSyncRoutes(app: Hono, upgradeWebSocket: UpgradeWebSocket<WebSocket>, deps: SyncRouteDeps): () => void {
  // Open sockets per login session: when a session ends (logout, password change,
  // absolute expiry) its sockets close at once with 4401, not at the next reconnect.
  const bySession = new Map<string, Set<SyncSocket>>();
  const stopSessionEnd = deps.auth.onSessionEnd?.((sessionIds) => {
    for (const id of sessionIds) {
      for (const s of bySession.get(id) ?? []) s.close(CLOSE_SESSION_ENDED, REASONS.sessionEnded);
      bySession.delete(id);
    }
  });
  const handler = (kind: DocKind) => async (c: Context) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return c.json({ error: { message: 'Forventet en websocket-tilkobling' } }, 426);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && !isAllowedOrigin(origin, { host: c.req.header('host'), scheme: requestScheme(c, deps.trustProxy ?? false) }, deps.publicOrigin)) {
      return c.json({ error: { message: 'Tilkoblingen kommer fra et annet nettsted og er avvist' } }, 403);
    }
    const access = await deps.access.resolve(c.req.raw.headers, c.req.param('packageId') ?? '', 'read');
    if (!access.ok) return c.json({ error: { message: access.message } }, access.status);
    const { principal, role, id: packageId } = access;
    if (!deps.rooms.accepting) return c.json({ error: { message: REASONS.restart } }, 503);
    const version = c.req.query(PROTOCOL_VERSION_PARAM);
    const outdated = version !== undefined && version !== String(PROTOCOL_VERSION);
    const party = outdated ? null : ((await deps.auth.listMemberships(principal)).find((m) => m.packageId === packageId)?.party ?? null);

    let socket: SyncSocket | null = null;
    let room: ReturnType<RoomRegistry['get']> | null = null;
    const userId = principal.userId;
    const sessionId = principal.sessionId;
    const docName = docNameFor(packageId, kind);
    const count = (problem: 'text-frame' | 'too-big' | 'socket-error', detail?: string) =>
      deps.rooms.problems.count({ kind: problem, docName, userId, ...(detail ? { detail } : {}) });
    let lastTouchAt = Date.now();
    const onActivity = () => {
      if (!sessionId || !deps.auth.touchSession || !socket) return;
      const now = Date.now();
      if (now - lastTouchAt < touchIntervalOf(deps.auth)) return;
      lastTouchAt = now;
      // A session that ended without being announced here (removed elsewhere) closes this socket now.
      const open = socket;
      deps.auth.touchSession(sessionId).then(
        (alive) => {
          if (!alive) open.close(CLOSE_SESSION_ENDED, REASONS.sessionEnded);
        },
        // The database is unreachable: keep the connection; the next activity tries again.
        (err: unknown) => deps.log.warn(`Renewing a session failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    };
    return upgradeWebSocket(c, {
      onOpen(_evt, ws: WSContext<WebSocket>) {
        const raw = ws.raw;
        if (!raw) return;
        socket = syncSocketOf(raw);
        if (outdated) {
          socket.close(CLOSE_OUTDATED_CLIENT, REASONS.outdatedClient);
          socket = null;
          return;
        }
        try {
          room = deps.rooms.get(packageId, kind);
        } catch {
          socket.close(1012, REASONS.restart);
          return;
        }
        room.connect(socket, { userId, role, name: displayName(principal), party, onActivity });
        if (sessionId) {
          const set = bySession.get(sessionId) ?? new Set<SyncSocket>();
          set.add(socket);
          bySession.set(sessionId, set);
        }
      },
      onMessage(evt, ws) {
        if (!socket || !room) return;
        const data: unknown = evt.data;
        if (!(data instanceof ArrayBuffer)) {
          count('text-frame');
          ws.close(CLOSE_MALFORMED, closeReason('Ugyldig melding: forventet binære data'));
          room.disconnect(socket);
          return;
        }
        if (data.byteLength > MAX_MESSAGE_BYTES) {
          count('too-big', `${data.byteLength} bytes`);
          ws.close(CLOSE_MESSAGE_TOO_BIG, closeReason(REASONS.tooBig));
          room.disconnect(socket);
          return;
        }
        room.receive(socket, new Uint8Array(data));
      },
      onClose() {
        if (socket && room) room.disconnect(socket);
        if (socket && sessionId) {
          const set = bySession.get(sessionId);
          set?.delete(socket);
          if (set?.size === 0) bySession.delete(sessionId);
        }
      },
      onError(evt) {
        // Oversized frames surface here (ws closes them with 1009 itself), as do broken
        // frames (bad opcode, bad UTF-8 in a close reason …).
        const err = (evt as ErrorEvent).error as (Error & { code?: string }) | undefined;
        if (err?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') count('too-big', err.message);
        else count('socket-error', err?.message ?? 'socket error');
      },
    });
  };
  app.get('/ws/:packageId', handler('content'));
  app.get('/ws/:packageId/comments', handler('comments'));
  return () => stopSessionEnd?.();
}
