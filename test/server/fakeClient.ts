/**
 * A client of the room core without a network: a Y.Doc and an awareness that speak
 * the y-websocket protocol to a `Room` through a fake `SyncSocket`, delivering
 * messages synchronously. It records everything the room sent and how it closed.
 */
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Room, SyncSocket } from '../../server/sync';
import type { Role } from '../../shared/protocol';
import { MESSAGE_AWARENESS, MESSAGE_NOTICE, MESSAGE_SYNC, type Notice } from '../../shared/protocol';

export class FakeClient {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly sent: Uint8Array[] = [];
  readonly received: Uint8Array[] = [];
  readonly notices: Notice[] = [];
  closed: { code: number; reason: string } | null = null;
  readonly socket: SyncSocket;
  synced = false;

  constructor(
    readonly room: Room,
    readonly userId: string,
    role: Role,
    opts: { autoConnect?: boolean } = {},
  ) {
    this.awareness.setLocalState(null);
    this.socket = {
      send: (data) => {
        if (this.closed) throw new Error('send on closed socket');
        this.received.push(data);
        this.onMessage(data);
      },
      close: (code, reason) => {
        if (!this.closed) this.closed = { code, reason };
      },
      isOpen: () => this.closed === null,
    };
    this.doc.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === this || this.closed) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, u);
      this.send(encoding.toUint8Array(e));
    });
    this.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === this || this.closed) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...added, ...updated, ...removed]));
      this.send(encoding.toUint8Array(e));
    });
    if (opts.autoConnect !== false) this.connect(role);
  }

  connect(role: Role): void {
    this.room.connect(this.socket, { userId: this.userId, role });
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.send(encoding.toUint8Array(e));
  }

  /** Sends raw bytes to the room as this client's socket. */
  send(data: Uint8Array): void {
    this.sent.push(data);
    this.room.receive(this.socket, data);
  }

  disconnect(): void {
    this.closed ??= { code: 1000, reason: 'client' };
    this.room.disconnect(this.socket);
  }

  private onMessage(data: Uint8Array): void {
    const d = decoding.createDecoder(data);
    const type = decoding.readVarUint(d);
    if (type === MESSAGE_SYNC) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MESSAGE_SYNC);
      const sub = syncProtocol.readSyncMessage(d, reply, this.doc, this);
      if (sub === syncProtocol.messageYjsSyncStep2) this.synced = true;
      if (encoding.length(reply) > 1) {
        const bytes = encoding.toUint8Array(reply);
        // Answer asynchronously like a real socket would, to avoid re-entering the room.
        queueMicrotask(() => {
          if (!this.closed) this.send(bytes);
        });
      }
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), this);
    } else if (type === MESSAGE_NOTICE) {
      this.notices.push(JSON.parse(decoding.readVarString(d)) as Notice);
    }
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

/** Waits until `cond` holds, polling every few ms (fails after `timeoutMs`). */
export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
