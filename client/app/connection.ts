/**
 * One live connection to a package: the content Y.Doc with its WebsocketProvider,
 * the comments Y.Doc with its own provider, the shared awareness, and the one
 * Y.UndoManager for everything this user changes (grid and text).
 *
 * Everything the UI writes goes through `doc.transact(fn, conn.localOrigin)`
 * (the schema helpers take the origin as last argument), so the UndoManager can
 * undo exactly this user's changes and never a collaborator's.
 *
 * Rich-text editors (client/editor/**) bind Lexical with @lexical/yjs; the
 * binding writes with the binding object as transaction origin. To make text
 * edits part of the same per-user undo history, an editor registers its
 * binding with `conn.trackTextOrigin(binding)` (returns the unregister
 * function). Lexical's own CollaborationPlugin undo stays active inside a
 * focused editor; Ctrl+Z outside an editor uses this shared manager.
 */
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import { createPackageUndoManager } from '../editor/undo';
import { colorForParty, initPresence, setEditing as setPresenceEditing, type Editing, type PresenceUser } from '../presence/awareness';
import { commentsDbName, contentDbName, createDocPersistence, pendingStoreFor } from '../offline/persistence';
import type { PendingStore } from '../offline/syncTracker';
import type { IndexeddbPersistence } from 'y-indexeddb';
import {
  CLOSE_LOAD_FAILED,
  CLOSE_UPDATE_REFUSED,
  MESSAGE_NOTICE,
  PROTOCOL_VERSION,
  PROTOCOL_VERSION_PARAM,
  parseConflictNotice,
  parseNotice,
  parseStorageNotice,
  readNoticeText,
  type ConflictNotice,
  type Role,
} from '../../shared/protocol';
import type { DiscardedDoc } from '../offline/discard';
import { parseAgreementNotice, type AgreementNotice } from '../../shared/protocol/agreement';
import { getMetaMap, keepCellValues, readMetaFromDoc } from '../../shared/doc/schema';
import { translate, getLang } from '../i18n';

export type ConnectionPhase = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface ConnectionStatus {
  phase: ConnectionPhase;
  /** The content doc has completed its first sync with the server. */
  synced: boolean;
  /** Set when the server told us this connection may not write (reason in Norwegian). */
  readOnlyReason: string | null;
  /** The role as the server last reported it (a role change applies at once). */
  role: Role;
  /** Set when the server closed the connection for good (e.g. access removed). */
  closedReason: string | null;
  /** The close code that went with `closedReason` (4426: this tab runs an older client and must reload). */
  closedCode: number | null;
  /** Set while the server cannot load the document (4500 before the first sync); the provider keeps retrying. */
  loadError: string | null;
  /** The server said saving is delayed (its database is unreachable; the writes wait and retry), for either document. */
  storageDelayed: boolean;
  /** Set for `STORAGE_SAVED_MS` after a delay ended: the server stored what waited. */
  storageSaved: boolean;
}

/** How long the header says "saved" after saving was delayed. */
export const STORAGE_SAVED_MS = 4000;

export interface PackageConnection {
  packageId: string;
  role: Role;
  /** Whether this user may change the content doc (owner, editor). */
  canEdit: boolean;
  /** Whether this user may write comments (owner, editor, commenter). */
  canComment: boolean;
  doc: Y.Doc;
  provider: WebsocketProvider;
  awareness: Awareness;
  commentsDoc: Y.Doc;
  commentsProvider: WebsocketProvider;
  /** The offline copies in IndexedDB (client/offline): edits made offline survive a reload. */
  persistence: IndexeddbPersistence;
  commentsPersistence: IndexeddbPersistence;
  /** Where the header's "N changes not yet sent" count is kept across reloads. */
  pendingStore: PendingStore;
  /** Transaction origin of every local UI write. */
  localOrigin: object;
  undoManager: Y.UndoManager;
  trackTextOrigin(origin: unknown): () => void;
  getStatus(): ConnectionStatus;
  onStatusChange(listener: (status: ConnectionStatus) => void): () => void;
  /**
   * Calls `listener` once when the server refuses a change of this tab (4422) to
   * the content or the comments document: the local copy of that document must be
   * discarded (client/offline/discard.ts). Returns the unsubscribe function.
   */
  onRefused(listener: (doc: DiscardedDoc) => void): () => void;
  /** Who this connection is (the presence it publishes, without the colour, which follows the party). */
  user: ConnectionUser;
  /** Sets or clears which cell or text this user is editing (shown to others). */
  setEditing(editing: Editing | null): void;
  /** Calls `listener` with every conflict notice the server pushes (client/app/conflicts.ts); returns the unsubscribe function. */
  onConflictNotice(listener: (notice: ConflictNotice) => void): () => void;
  /** Calls `listener` with every agreement notice (lock, sign-offs or offers changed); returns the unsubscribe function. */
  onAgreementNotice(listener: (notice: AgreementNotice) => void): () => void;
  destroy(): void;
}

/** Websocket base URL for this page's origin (`ws(s)://host/ws`). */
export function websocketBase(origin: string = location.origin): string {
  return origin.replace(/^http/, 'ws') + '/ws';
}

/** The person behind a connection; `id` may be '' (then the doc's client id stands in). */
export type ConnectionUser = Omit<PresenceUser, 'color'>;

export interface ConnectOptions {
  packageId: string;
  role: Role;
  user: ConnectionUser;
  /** Override for tests; defaults to this page's origin. */
  wsBase?: string;
}

export function createPackageConnection(opts: ConnectOptions): PackageConnection {
  const { packageId, role } = opts;
  const wsBase = opts.wsBase ?? websocketBase();
  // Overwritten amounts keep their value, so a conflict can name both (keepCellValues).
  const doc = new Y.Doc({ gcFilter: keepCellValues });
  const commentsDoc = new Y.Doc();
  // IndexedDB first, so edits from an earlier offline session are in the docs when the
  // websocket handshake runs and get sent to the server with it.
  const persistence = createDocPersistence(contentDbName(packageId), doc);
  const commentsPersistence = createDocPersistence(commentsDbName(packageId), commentsDoc);
  const pendingStore = pendingStoreFor(persistence);
  // The protocol version on the upgrade: a tab older than the server is told to reload (4426).
  const params = { [PROTOCOL_VERSION_PARAM]: String(PROTOCOL_VERSION) };
  const provider = new WebsocketProvider(wsBase, packageId, doc, { params });
  // Cursors and "who edits which cell" live in the content doc's awareness; the
  // comments provider keeps its own awareness for the comments helper.
  const commentsProvider = new WebsocketProvider(wsBase, `${packageId}/comments`, commentsDoc, { params });
  const awareness = provider.awareness;
  const user: ConnectionUser = { id: opts.user.id || String(doc.clientID), name: opts.user.name, ...(opts.user.party ? { party: opts.user.party } : {}) };
  // The one place presence is set: who I am, in my party's colour. The parties arrive
  // with the doc (and may change), so the colour is published again when it changes.
  let presenceColor = '';
  const publishPresence = () => {
    const color = colorForParty(readMetaFromDoc(doc).parties, user.party);
    if (color === presenceColor) return;
    presenceColor = color;
    initPresence(provider, { ...user, color });
  };
  publishPresence();
  const meta = getMetaMap(doc);
  meta.observe(publishPresence);

  const localOrigin = { name: 'local-ui', packageId };
  // The editor helper's shared manager (client/editor/undo.ts): grid and text in one history.
  const undoManager = createPackageUndoManager(doc, localOrigin);

  let status: ConnectionStatus = { phase: 'connecting', synced: false, readOnlyReason: null, closedReason: null, closedCode: null, loadError: null, storageDelayed: false, storageSaved: false, role };
  const listeners = new Set<(s: ConnectionStatus) => void>();
  const update = (patch: Partial<ConnectionStatus>) => {
    status = { ...status, ...patch };
    for (const l of listeners) l(status);
  };

  provider.on('status', ({ status: s }) => {
    if (status.phase !== 'closed') update({ phase: s });
  });
  provider.on('sync', (isSynced: boolean) => update({ synced: isSynced || status.synced, ...(isSynced ? { loadError: null } : {}) }));
  provider.on('closed', (ev: { code: number; reason: string }) => {
    update({ phase: 'closed', closedReason: ev.reason || String(ev.code), closedCode: ev.code });
  });
  // A document the server cannot load closes every try with 4500; say so instead of loading for ever.
  provider.on('connection-close', (ev: { code: number; reason: string } | null) => {
    if (ev?.code === CLOSE_LOAD_FAILED && !provider.synced) update({ loadError: ev.reason || translate(getLang(), 'loadFailed') });
  });
  const refusedListeners = new Set<(doc: DiscardedDoc) => void>();
  let refused = false;
  const onClosedFor = (which: DiscardedDoc) => (ev: { code: number }) => {
    if (ev.code !== CLOSE_UPDATE_REFUSED || refused) return;
    refused = true;
    for (const l of [...refusedListeners]) l(which);
  };
  provider.on('closed', onClosedFor('content'));
  commentsProvider.on('closed', onClosedFor('comments'));
  const conflictListeners = new Set<(notice: ConflictNotice) => void>();
  const agreementListeners = new Set<(notice: AgreementNotice) => void>();
  // Saving delayed, per document (each has its own room on the server): delayed while either is.
  const delayed = new Map<WebsocketProvider, boolean>();
  let savedTimer: ReturnType<typeof setTimeout> | null = null;
  const setDelayed = (p: WebsocketProvider, on: boolean, saved: boolean) => {
    const was = status.storageDelayed;
    delayed.set(p, on);
    const now = [...delayed.values()].some(Boolean);
    if (now === was) return;
    if (savedTimer) clearTimeout(savedTimer);
    savedTimer = null;
    const showSaved = !now && was && saved;
    if (showSaved) {
      savedTimer = setTimeout(() => {
        savedTimer = null;
        update({ storageSaved: false });
      }, STORAGE_SAVED_MS);
    }
    update({ storageDelayed: now, storageSaved: showSaved });
  };
  /** Handles a storage notice of `p`; false when the text is another kind of notice. */
  const storageNoticeOf = (p: WebsocketProvider, json: string): boolean => {
    const notice = parseStorageNotice(json);
    if (!notice) return false;
    setDelayed(p, notice.state === 'delayed', notice.state === 'saved');
    return true;
  };
  for (const p of [provider, commentsProvider]) {
    // A new connection is told again if saving is still delayed.
    p.on('status', ({ status: s }: { status: string }) => {
      if (s !== 'connected' && delayed.get(p)) setDelayed(p, false, false);
    });
  }
  commentsProvider.messageHandlers[MESSAGE_NOTICE] = (_encoder, decoder) => {
    const json = readNoticeText(decoder);
    if (json !== null) storageNoticeOf(commentsProvider, json);
  };
  provider.messageHandlers[MESSAGE_NOTICE] = (_encoder, decoder) => {
    const json = readNoticeText(decoder);
    if (json === null || storageNoticeOf(provider, json)) return;
    const conflict = parseConflictNotice(json);
    if (conflict) {
      for (const l of conflictListeners) l(conflict);
      return;
    }
    const agreement = parseAgreementNotice(json);
    if (agreement) {
      for (const l of agreementListeners) l(agreement);
      return;
    }
    const notice = parseNotice(json);
    if (!notice) return;
    if (notice.kind === 'read-only') update({ readOnlyReason: notice.message || translate(getLang(), 'readOnlyNoReason'), role: notice.role });
    else update({ readOnlyReason: null, role: notice.role });
  };

  // A lost network does not always close an open websocket at once; the browser's
  // offline/online events do tell us, so the header can say "offline" and the
  // provider resyncs (sending what was made offline) as soon as we are back.
  // The BroadcastChannel to this browser's other tabs stays up, so they keep following
  // my offline edits (the balance worker does anyway: this tab feeds it its document).
  const onOffline = () => {
    for (const p of [provider, commentsProvider]) {
      p.disconnect();
      p.connectBc();
    }
  };
  const onOnline = () => {
    provider.connect();
    commentsProvider.connect();
  };
  window.addEventListener('offline', onOffline);
  window.addEventListener('online', onOnline);
  let destroyed = false;

  return {
    packageId,
    role,
    canEdit: role === 'owner' || role === 'editor',
    canComment: role !== 'viewer',
    doc,
    provider,
    awareness,
    commentsDoc,
    commentsProvider,
    persistence,
    commentsPersistence,
    pendingStore,
    localOrigin,
    undoManager,
    trackTextOrigin(origin) {
      undoManager.addTrackedOrigin(origin);
      return () => undoManager.removeTrackedOrigin(origin);
    },
    user,
    getStatus: () => status,
    onStatusChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onRefused(listener) {
      refusedListeners.add(listener);
      return () => refusedListeners.delete(listener);
    },
    setEditing(editing) {
      setPresenceEditing(provider, editing);
    },
    onConflictNotice(listener) {
      conflictListeners.add(listener);
      return () => conflictListeners.delete(listener);
    },
    onAgreementNotice(listener) {
      agreementListeners.add(listener);
      return () => agreementListeners.delete(listener);
    },
    destroy() {
      // Called by the refusal recovery and again by React's cleanup: once is enough.
      if (destroyed) return;
      destroyed = true;
      refusedListeners.clear();
      meta.unobserve(publishPresence);
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      listeners.clear();
      if (savedTimer) clearTimeout(savedTimer);
      conflictListeners.clear();
      agreementListeners.clear();
      undoManager.destroy();
      provider.destroy();
      commentsProvider.destroy();
      void persistence.destroy();
      void commentsPersistence.destroy();
      doc.destroy();
      commentsDoc.destroy();
    },
  };
}
