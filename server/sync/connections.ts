/**
 * The open connections of a room: sending to them, closing them, and applying
 * role changes (the read-only gate's notices).
 */
import type { DocKind, Role } from '../../shared/protocol';
import { CLOSE_FORBIDDEN, CLOSE_LOAD_FAILED, REASONS, canWrite, closeReason } from '../../shared/protocol';
import type { Connection, RoomLogger, SyncSocket } from './connection';
import { encodeNoticeFrame } from './frames';
import { readOnlyNotice, writableNotice } from './gate';
import type { OutgoingMessage } from './pipeline';

/** What a `ConnectionSet` needs from its room. */
export interface ConnectionSetOptions {
  docName: string;
  kind: DocKind;
  log: RoomLogger;
  /** A connection was closed by the server: forget it (the room's `disconnect`). */
  onClosed(c: Connection): void;
}

/**
 * Guarantees: nothing is sent to a closed socket or to a connection not yet
 * greeted (`inbox` set) by a broadcast; a socket whose `send` throws is closed
 * (4500) instead of breaking the sender's loop; a read-only connection is told so
 * once until it can write again.
 */
export class ConnectionSet {
  private readonly bySocket = new Map<SyncSocket, Connection>();

  constructor(private readonly opts: ConnectionSetOptions) {}

  get size(): number {
    return this.bySocket.size;
  }

  get(socket: SyncSocket): Connection | undefined {
    return this.bySocket.get(socket);
  }

  add(c: Connection): void {
    this.bySocket.set(c.socket, c);
  }

  /** Removes a socket's connection; returns it when it was there. */
  remove(socket: SyncSocket): Connection | undefined {
    const c = this.bySocket.get(socket);
    this.bySocket.delete(socket);
    return c;
  }

  /** A copy of every connection (safe to close them while iterating). */
  all(): Connection[] {
    return [...this.bySocket.values()];
  }

  /** The connections that have been greeted (they receive broadcasts). */
  greeted(): Connection[] {
    return this.all().filter((c) => !c.inbox);
  }

  send(c: Connection, data: Uint8Array): void {
    if (c.closed || !c.socket.isOpen()) return;
    try {
      c.socket.send(data);
    } catch (err) {
      this.opts.log.warn(`room ${this.opts.docName}: send failed`, err);
      this.close(c, CLOSE_LOAD_FAILED, REASONS.loadFailed);
    }
  }

  /** Delivers one message of the write pipeline: to its addressee, or to every greeted connection but the excluded one. */
  deliver(m: OutgoingMessage): void {
    if (m.to) {
      if (!m.to.closed) this.send(m.to, m.data);
      return;
    }
    for (const c of this.bySocket.values()) if (c !== m.exclude && !c.inbox) this.send(c, m.data);
  }

  close(c: Connection, code: number, reason: string): void {
    if (!c.closed) {
      try {
        c.socket.close(code, closeReason(reason));
      } catch {
        // Already closed underneath us; nothing to tell the client.
      }
    }
    this.opts.onClosed(c);
    c.closed = true;
  }

  closeAll(code: number, reason: string): void {
    for (const c of this.all()) this.close(c, code, reason);
  }

  tellReadOnly(c: Connection): void {
    if (c.toldReadOnly) return;
    c.toldReadOnly = true;
    this.send(c, encodeNoticeFrame(readOnlyNotice(this.opts.kind, c.role)));
  }

  /**
   * Applies a membership change to the open connections of `userId`: removal closes
   * them with 4403, a downgrade makes them read-only (with a notice), an upgrade
   * makes them writable (with a notice) and sends `resync()` — a sync step 1, so the
   * client resends what was dropped while it was read-only (a gap in its clock would
   * otherwise keep every later update of it pending on the server).
   */
  setRole(userId: string, role: Role | null, resync: () => Uint8Array | null): void {
    for (const c of this.all()) {
      if (c.userId !== userId) continue;
      if (role === null) {
        this.close(c, CLOSE_FORBIDDEN, REASONS.removed);
        continue;
      }
      const could = c.canWrite;
      c.role = role;
      c.canWrite = canWrite(role, this.opts.kind);
      if (could && !c.canWrite) this.tellReadOnly(c);
      else if (!could && c.canWrite) {
        c.toldReadOnly = false;
        this.send(c, encodeNoticeFrame(writableNotice(role)));
        const frame = c.inbox ? null : resync();
        if (frame) this.send(c, frame);
      }
    }
  }
}
