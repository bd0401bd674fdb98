/**
 * The package's conflicts in this tab: the shared «Konflikter» list (fetched on
 * every (re)connect, kept current by the server's notices) and the notices for
 * conflicts I am part of, until I close them here. Names come from the members
 * list (fetched when a conflict names someone not known yet) and from presence.
 * The server decides conflicts; this only shows them (docs/schema.md, "Conflicts").
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { formatAmount } from '../../shared/money';
import { setLineAmount } from '../../shared/doc/schema';
import { keptAndLost, type CellValue, type ConflictNotice, type ConflictView } from '../../shared/protocol';
import { apiGet, apiSend } from '../app/api';
import type { PackageConnection } from '../app/connection';

/** What a tab knows of its package's conflicts. */
export interface ConflictSnapshot {
  /** Unresolved conflicts, oldest first. */
  list: ConflictView[];
  /** The unresolved conflicts I am part of (wrote one of the values) and have not closed here. */
  mine: ConflictView[];
  /** Names by user id (members and people present). */
  names: ReadonlyMap<string, string>;
}

const EMPTY: ConflictSnapshot = { list: [], mine: [], names: new Map() };

/** What the store needs of the app: the API (tests may pass fakes) and where closed notices are remembered. */
export interface ConflictStoreDeps {
  get<T>(path: string): Promise<T>;
  post<T>(path: string): Promise<T>;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
}

const defaultDeps: ConflictStoreDeps = { get: apiGet, post: (path) => apiSend('POST', path), storage: typeof localStorage === 'undefined' ? undefined : localStorage };

/** One package's conflicts for this tab; `start()` wires it to the connection. */
export class ConflictStore {
  private list: ConflictView[] = [];
  private readonly names = new Map<string, string>();
  private readonly closed: Set<string>;
  private snapshot: ConflictSnapshot = EMPTY;
  private readonly listeners = new Set<() => void>();
  private membersAsked = false;
  /** What notices brought while a `refresh` was under way, per request. */
  private readonly inFlight = new Set<{ added: Map<string, ConflictView>; dismissed: Set<string> }>();

  constructor(
    private readonly conn: Pick<PackageConnection, 'packageId' | 'user' | 'onConflictNotice' | 'provider'>,
    private readonly deps: ConflictStoreDeps = defaultDeps,
  ) {
    this.closed = new Set(JSON.parse(deps.storage?.getItem(this.closedKey) ?? '[]') as string[]);
    if (conn.user.id) this.names.set(conn.user.id, conn.user.name);
  }

  private get closedKey(): string {
    return `budsjett:conflicts-closed:${this.conn.packageId}`;
  }

  private get base(): string {
    return `/api/packages/${encodeURIComponent(this.conn.packageId)}`;
  }

  /** Subscribes to notices and (re)connects; returns the function that stops it. */
  start(): () => void {
    const offNotice = this.conn.onConflictNotice((n) => this.onNotice(n));
    const onStatus = ({ status }: { status: string }) => {
      if (status === 'connected') void this.refresh();
    };
    this.conn.provider.on('status', onStatus);
    void this.refresh();
    return () => {
      offNotice();
      this.conn.provider.off('status', onStatus);
    };
  }

  /**
   * Fetches the unresolved list (after a load or a reconnect, notices may have been
   * missed). Notices that arrive while the request is under way are newer than its
   * answer: they are kept (a new conflict) or applied again (a dismissal) on top of it.
   */
  async refresh(): Promise<void> {
    const since = { added: new Map<string, ConflictView>(), dismissed: new Set<string>() };
    this.inFlight.add(since);
    try {
      const r = await this.deps.get<{ conflicts: ConflictView[] }>(`${this.base}/conflicts`);
      const list = r.conflicts.filter((c) => !since.dismissed.has(c.id));
      for (const c of since.added.values()) if (!since.dismissed.has(c.id) && !list.some((x) => x.id === c.id)) list.push(c);
      this.list = list;
      this.changed();
    } catch {
      // Offline or no access: the list stays as it was and is fetched again on reconnect.
    } finally {
      this.inFlight.delete(since);
    }
  }

  /** Dismisses a conflict for everyone (owners and editors). */
  async dismiss(id: string): Promise<void> {
    await this.deps.post(`${this.base}/conflicts/${encodeURIComponent(id)}/dismiss`);
    for (const since of this.inFlight) since.dismissed.add(id);
    this.remove(id);
  }

  /** Closes my notice of a conflict in this browser; it stays in the shared list. */
  close(id: string): void {
    this.closed.add(id);
    this.deps.storage?.setItem(this.closedKey, JSON.stringify([...this.closed].slice(-200)));
    this.changed();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): ConflictSnapshot => this.snapshot;

  /** Names people present now (presence), so a conflict can name them before the members list arrives. */
  notePeople(people: ReadonlyArray<{ id: string; name: string }>): void {
    let added = false;
    for (const p of people) {
      if (p.id && this.names.get(p.id) !== p.name) {
        this.names.set(p.id, p.name);
        added = true;
      }
    }
    if (added) this.changed();
  }

  private onNotice(n: ConflictNotice): void {
    for (const since of this.inFlight) {
      if (n.kind === 'conflict-dismissed') since.dismissed.add(n.id);
      else since.added.set(n.conflict.id, n.conflict);
    }
    if (n.kind === 'conflict-dismissed') this.remove(n.id);
    else if (!n.conflict.dismissed && !this.list.some((c) => c.id === n.conflict.id)) {
      this.list = [...this.list, n.conflict];
      this.changed();
    }
  }

  private remove(id: string): void {
    if (!this.list.some((c) => c.id === id)) return;
    this.list = this.list.filter((c) => c.id !== id);
    this.changed();
  }

  private changed(): void {
    const me = this.conn.user.id;
    const mine = this.list.filter((c) => !this.closed.has(c.id) && (c.written.userId === me || c.other.userId === me));
    this.snapshot = { list: this.list, mine, names: new Map(this.names) };
    for (const l of this.listeners) l();
    const unknown = this.list.some((c) => [c.written.userId, c.other.userId].some((u) => u !== null && !this.names.has(u)));
    if (unknown && !this.membersAsked) {
      this.membersAsked = true;
      void this.deps
        .get<{ members: Array<{ userId: string; name: string }> }>(`${this.base}/members`)
        .then((r) => {
          for (const m of r.members) this.names.set(m.userId, m.name);
          this.changed();
        })
        .catch(() => {});
    }
  }
}

/** The conflict store of `conn` for this component tree, and its current snapshot. */
export function useConflicts(conn: PackageConnection, people: ReadonlyArray<{ id: string; name: string }>): { store: ConflictStore; snapshot: ConflictSnapshot } {
  const store = useMemo(() => new ConflictStore(conn), [conn]);
  useEffect(() => store.start(), [store]);
  useEffect(() => store.notePeople(people), [store, people]);
  const snapshot = useSyncExternalStore(store.subscribe, store.get);
  return { store, snapshot };
}

/** A cell value as typed into the cell (what `setLineAmount` reads back to the same value). */
export function typedForm(value: CellValue): string {
  if (value === null) return '';
  return 'amount' in value ? formatAmount(value.amount) : value.typed;
}

/**
 * Puts back the value a conflict's cell lost, as an ordinary edit of mine
 * (attributed by the server to me, undoable with Ctrl+Z), then dismisses the
 * conflict for everyone.
 */
export async function putBackLostValue(conn: PackageConnection, store: ConflictStore, c: ConflictView): Promise<void> {
  const { lost } = keptAndLost(c);
  conn.undoManager.stopCapturing();
  setLineAmount(conn.doc, c.lineId, c.year, typedForm(lost.value), conn.localOrigin);
  conn.undoManager.stopCapturing();
  await store.dismiss(c.id).catch(() => {});
}
