/**
 * Clients of the room core whose messages travel through queues instead of being
 * delivered at once: the test decides (with a seeded PRNG) which message arrives
 * next, keeping each direction of each socket in order as TCP does. Also a storage
 * wrapper whose operations wait in a queue until the test releases them, and can
 * fail an append on demand.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Room, SyncSocket } from '../../../server/sync';
import { MemoryStorage } from '../../../server/storage/memory';
import type { AppendBatch, StoredDoc } from '../../../server/storage/types';
import { MESSAGE_AWARENESS, MESSAGE_NOTICE, MESSAGE_SYNC } from '../../../shared/protocol';

/** The close of a socket, queued behind the messages sent before it. */
const CLOSE = Symbol('close');
type Frame = Uint8Array | { [CLOSE]: { code: number; reason: string } };

/** One socket between a client and a room: two ordered queues. */
export class QueuedLink {
  readonly toServer: Array<Uint8Array | typeof CLOSE> = [];
  readonly toClient: Frame[] = [];
  /** The server closed the socket (its close frame is queued to the client). */
  serverClosed = false;
  /** The server received the client's close. */
  clientClosed = false;
  readonly socket: SyncSocket;

  constructor(
    readonly client: QueuedClient,
    readonly room: Room,
  ) {
    this.socket = {
      send: (data) => {
        if (!this.serverClosed && !this.clientClosed) this.toClient.push(data);
      },
      close: (code, reason) => {
        if (this.serverClosed || this.clientClosed) return;
        this.serverClosed = true;
        this.toClient.push({ [CLOSE]: { code, reason } });
      },
      isOpen: () => !this.serverClosed && !this.clientClosed,
    };
  }

  get idle(): boolean {
    return this.toServer.length === 0 && this.toClient.length === 0;
  }

  /** Delivers the next client → server message (or the client's close). */
  deliverToServer(): void {
    const m = this.toServer.shift();
    if (m === undefined) return;
    if (m === CLOSE) {
      this.clientClosed = true;
      this.room.disconnect(this.socket);
    } else this.room.receive(this.socket, m);
  }

  /** Delivers the next server → client message (or the server's close). */
  deliverToClient(): void {
    const m = this.toClient.shift();
    if (m === undefined) return;
    // A client that closed this socket no longer reads it.
    if (this.client.link !== this) return;
    if (m instanceof Uint8Array) this.client.receive(m);
    else this.client.closedByServer(m[CLOSE]);
  }
}

/**
 * A y-websocket-like client: on connect it sends sync step 1 (and its awareness),
 * answers the server's step 1 with a step 2 (everything the server lacks), sends
 * every local change while connected, and after a close reconnects only when told.
 */
export class QueuedClient {
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  link: QueuedLink | null = null;
  /** Close codes the server sent this client, in order. */
  readonly closes: number[] = [];
  readonly notices: string[] = [];
  synced = false;
  /** Called with every update the server sends (step 2 or update), before it is applied. */
  onServerUpdate: ((update: Uint8Array) => void) | null = null;

  constructor(
    readonly userId: string,
    clientId: number,
  ) {
    this.doc = new Y.Doc();
    // A fixed client id: Yjs resolves conflicts by it, so a seed replays exactly.
    this.doc.clientID = clientId;
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    this.awareness.setLocalState(null);
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, u);
      this.send(encoding.toUint8Array(e));
    });
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === this) return;
      this.sendAwareness([...added, ...updated, ...removed]);
    });
  }

  get connected(): boolean {
    return this.link !== null;
  }

  connect(room: Room): QueuedLink {
    const link = new QueuedLink(this, room);
    this.link = link;
    this.synced = false;
    room.connect(link.socket, { userId: this.userId, role: 'editor' });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.send(encoding.toUint8Array(e));
    if (this.awareness.getLocalState() !== null) this.sendAwareness([this.doc.clientID]);
    return link;
  }

  /** Closes the socket from this side: what it already sent still arrives, then the close. */
  disconnect(): void {
    if (!this.link) return;
    this.link.toServer.push(CLOSE);
    this.link = null;
  }

  receive(data: Uint8Array): void {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    if (type === MESSAGE_SYNC) {
      if (this.onServerUpdate) {
        const peek = decoding.createDecoder(data);
        decoding.readVarUint(peek);
        if (decoding.readVarUint(peek) !== syncProtocol.messageYjsSyncStep1) this.onServerUpdate(decoding.readVarUint8Array(peek));
      }
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MESSAGE_SYNC);
      const sub = syncProtocol.readSyncMessage(d, reply, this.doc, this);
      if (sub === syncProtocol.messageYjsSyncStep2) this.synced = true;
      if (encoding.length(reply) > 1) this.send(encoding.toUint8Array(reply));
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), this);
    } else if (type === MESSAGE_NOTICE) {
      this.notices.push(decoding.readVarString(d));
    }
  }

  closedByServer(close: { code: number; reason: string }): void {
    this.closes.push(close.code);
    this.link = null;
    // Like y-websocket: the states of others are gone with the connection.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this);
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }

  private send(data: Uint8Array): void {
    this.link?.toServer.push(data);
  }

  private sendAwareness(ids: number[]): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, ids));
    this.send(encoding.toUint8Array(e));
  }
}

/**
 * `MemoryStorage` whose `load`, `append` and `compact` wait in a FIFO until `step()`
 * runs the oldest; `failNextAppend` makes the next append that runs reject (and
 * store nothing). With `passThrough` set, operations run at once.
 */
export class QueuedStorage extends MemoryStorage {
  private readonly queue: Array<() => void> = [];
  /** What has been stored so far per document, as a doc (compaction does not change it). */
  private readonly mirror = new Map<string, Y.Doc>();
  failNextAppend = false;
  passThrough = false;
  /** Appends that failed on purpose. */
  failedAppends = 0;

  get queued(): number {
    return this.queue.length;
  }

  /** Runs the oldest waiting operation; false when none waits. */
  step(): boolean {
    const run = this.queue.shift();
    run?.();
    return run !== undefined;
  }

  private later<T>(op: () => Promise<T>): Promise<T> {
    if (this.passThrough) return op();
    return new Promise<T>((resolve, reject) => this.queue.push(() => void op().then(resolve, reject)));
  }

  override load(docName: string): Promise<StoredDoc> {
    return this.later(() => super.load(docName));
  }

  override append(batch: AppendBatch): Promise<{ lastSeq: number }> {
    return this.later(() => {
      if (this.failNextAppend) {
        this.failNextAppend = false;
        this.failedAppends++;
        return Promise.reject(new Error('append failed on purpose'));
      }
      return super.append(batch).then((r) => {
        let doc = this.mirror.get(batch.docName);
        if (!doc) this.mirror.set(batch.docName, (doc = new Y.Doc()));
        for (const u of batch.updates) Y.applyUpdate(doc, u);
        return r;
      });
    });
  }

  /** The state vector of everything stored for `docName` so far (synchronously). */
  storedStateVector(docName: string): Map<number, number> {
    const doc = this.mirror.get(docName);
    return doc ? Y.decodeStateVector(Y.encodeStateVector(doc)) : new Map();
  }

  override compact(docName: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    return this.later(() => super.compact(docName, snapshot, throughSeq));
  }

  /** Loads without waiting (for the test's own checks). */
  loadNow(docName: string): Promise<StoredDoc> {
    return super.load(docName);
  }
}
