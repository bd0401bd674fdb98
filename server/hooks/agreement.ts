/**
 * The write-path rules of agreement (docs/schema.md §4): a locked package takes no
 * content writes, and once any sign-off exists the package's parties change only
 * through the owners' parties route. The lock state and whether sign-offs exist
 * are cached per package (loaded before the document, `beforeLoadDocument`), so no
 * check reads storage per update; a lock, unlock or sign-off reaches the rooms at
 * once through `PackageEvents`.
 */
import type * as Y from 'yjs';
import { getMetaMap } from '../../shared/doc/schema';
import { encodeAgreementNotice, type AgreementNotice } from '../../shared/protocol';
import type { DocStorage } from '../storage/types';
import type { Connection, RoomHooks } from '../sync';
import { SCHEMA_UPGRADE_ORIGIN } from './schemaUpgrade';

/** Any shared type, as the transaction's maps key them. */
type AnyType = Parameters<Y.Transaction['changed']['get']>[0];

/**
 * How agreement changes reach the rooms. In one process, `AgreementHub` itself;
 * a scaled-out installation routes these calls through Redis to the hub of every
 * instance (each then reloads from the shared storage and tells its own sockets).
 */
export interface PackageEvents {
  /** The package was locked or unlocked (already stored): rooms reload the state and tell every connection. */
  lockChanged(packageId: string): Promise<void>;
  /** Sign-offs, proposals, versions or parties changed (already stored): connections are told to refetch. */
  agreementChanged(packageId: string, what: Extract<AgreementNotice, { kind: 'agreement-changed' }>['what']): Promise<void>;
}

/** The transaction origin of the owners' parties route: the only writer of `meta.parties` once sign-offs exist. */
export class PartiesOrigin {
  readonly partiesChange = true;
  constructor(readonly userId: string) {}
}

const isPartiesOrigin = (o: unknown): boolean => o instanceof PartiesOrigin;

interface PackageState {
  locked: boolean;
  signed: boolean;
}

/**
 * The package's agreement state as the rooms see it, and the in-process
 * `PackageEvents`. One per server (the rooms' hook and the agreement routes share it).
 */
type AgreementWhat = Extract<AgreementNotice, { kind: 'agreement-changed' }>['what'];

/** A lock or agreement change relayed between instances (cluster bus kind `agreement`). */
export type AgreementRelay = { kind: 'lock'; packageId: string } | { kind: 'agreement'; packageId: string; what: AgreementWhat };

export class AgreementHub implements PackageEvents {
  private readonly state = new Map<string, PackageState>();
  private readonly connections = new Map<string, Set<Connection>>();

  constructor(private readonly storage: DocStorage) {}

  /** Whether the package is locked, as the rooms know it (false before its room loaded it). */
  isLocked(packageId: string): boolean {
    return this.state.get(packageId)?.locked ?? false;
  }

  /** Whether any sign-off of the package exists, as the rooms know it. */
  hasSignoffs(packageId: string): boolean {
    return this.state.get(packageId)?.signed ?? false;
  }

  /** Reads the lock state and whether sign-offs exist from storage into the cache. */
  async refresh(packageId: string): Promise<PackageState> {
    const [lock, signoffs] = await Promise.all([this.storage.getLock(packageId), this.storage.listSignoffs(packageId)]);
    const s = { locked: lock.locked, signed: signoffs.length > 0 };
    this.state.set(packageId, s);
    return s;
  }

  /** Sends a notice to every open connection (both documents) of the package. */
  broadcast(packageId: string, notice: AgreementNotice): void {
    const frame = encodeAgreementNotice(notice);
    for (const c of this.connections.get(packageId) ?? []) {
      if (!c.closed && c.socket.isOpen()) c.socket.send(frame);
    }
  }

  /**
   * Set by the server when other instances share the packages (REDIS_URL): called
   * after every local lock change or agreement change, so theirs follow at once.
   */
  relay: ((change: AgreementRelay) => void) | null = null;

  /** A change another instance made: refresh the cache and tell this instance's sockets, without relaying it again. */
  async applyRemote(change: AgreementRelay): Promise<void> {
    if (change.kind === 'lock') await this.lockChanged(change.packageId, false);
    else await this.agreementChanged(change.packageId, change.what, false);
  }

  async lockChanged(packageId: string, relay = true): Promise<void> {
    const [state, log] = await Promise.all([this.refresh(packageId), this.storage.listLockLog(packageId)]);
    if (relay) this.relay?.({ kind: 'lock', packageId });
    const last = log.filter((e) => e.action === 'lock' || e.action === 'unlock').at(-1);
    this.broadcast(packageId, { kind: 'lock', locked: state.locked, by: last?.by ?? '', at: last?.at ?? new Date().toISOString(), ...(last?.reason ? { reason: last.reason } : {}) });
  }

  async agreementChanged(packageId: string, what: AgreementWhat, relay = true): Promise<void> {
    if (what === 'signoffs') await this.refresh(packageId);
    if (relay) this.relay?.({ kind: 'agreement', packageId, what });
    this.broadcast(packageId, { kind: 'agreement-changed', what });
  }

  /**
   * The room hook: loads the state before the document; drops every client update
   * of a locked package's content document (as for a viewer: nothing stored or
   * relayed; comments stay writable); refuses a server write by a person while
   * locked (routes answer 409 before that); refuses any change of `meta.parties`
   * except by the parties route once a sign-off exists.
   */
  hook(): RoomHooks {
    return {
      name: 'agreement',
      beforeLoadDocument: async ({ room }) => {
        await this.refresh(room.packageId);
      },
      onConnect: ({ room, connection }) => {
        let set = this.connections.get(room.packageId);
        if (!set) this.connections.set(room.packageId, (set = new Set()));
        set.add(connection);
        if (room.kind === 'content' && this.isLocked(room.packageId)) {
          const frame = encodeAgreementNotice({ kind: 'lock', locked: true, by: '', at: new Date().toISOString() });
          if (connection.socket.isOpen()) connection.socket.send(frame);
        }
      },
      onDisconnect: ({ room, connection }) => {
        const set = this.connections.get(room.packageId);
        set?.delete(connection);
        if (set?.size === 0) this.connections.delete(room.packageId);
      },
      beforeApplyUpdate: ({ room }) => {
        if (room.kind === 'content' && this.isLocked(room.packageId)) return { drop: true };
        return undefined;
      },
      checkChange: ({ room, principal, transaction }) => {
        if (room.kind !== 'content' || principal.source === 'load') return;
        const origin: unknown = transaction.origin;
        if (this.isLocked(room.packageId) && principal.source === 'server' && origin !== SCHEMA_UPGRADE_ORIGIN) return { refuse: 'the package is locked' };
        if (!this.hasSignoffs(room.packageId) || isPartiesOrigin(origin)) return;
        const meta = getMetaMap(transaction.doc);
        if (transaction.changed.get(meta as unknown as AnyType)?.has('parties')) return { refuse: 'parties change only through the owners’ parties route once sign-offs exist' };
        return undefined;
      },
    };
  }
}
