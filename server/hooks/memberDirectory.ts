/**
 * Who is a member of a package, as the comments rooms know it: the member ids of
 * each package whose comments room is loaded, read before the document is
 * (`beforeLoadDocument`) and kept current by every membership change
 * (`apply`, wired to the auth provider's `onMembershipChange`, which hears the
 * changes of every instance). The comments hook checks `mentions` against it
 * synchronously, without reading storage per update.
 */
import type { MembershipChange } from '../auth/types';
import type { HookRoom, RoomHooks } from '../sync';

/** Reads the user ids of a package's members (the auth provider's `listMemberIds`). */
export type MemberLister = (packageId: string) => Promise<string[]>;

export class MemberDirectory {
  private readonly members = new Map<string, Set<string>>();
  /** Changes heard while a package's members were being read: applied on top of what the read found. */
  private readonly heardWhileLoading = new Map<string, MembershipChange[]>();
  /** The comments rooms of each package that use its members (one per instance, but an old one may still be unloading). */
  private readonly rooms = new Map<string, Set<HookRoom>>();

  constructor(private readonly list: MemberLister) {}

  /** Whether `userId` is a member of the package; false while its members are not loaded (nothing is assumed). */
  isMember(packageId: string, userId: string): boolean {
    return this.members.get(packageId)?.has(userId) ?? false;
  }

  /** Reads the package's members into the directory. */
  async load(packageId: string): Promise<void> {
    const heard: MembershipChange[] = [];
    this.heardWhileLoading.set(packageId, heard);
    try {
      const ids = new Set(await this.list(packageId));
      for (const c of heard) this.applyTo(ids, c);
      this.members.set(packageId, ids);
    } finally {
      if (this.heardWhileLoading.get(packageId) === heard) this.heardWhileLoading.delete(packageId);
    }
  }

  /** A membership change (already stored): a loaded package follows it at once. */
  apply(change: MembershipChange): void {
    this.heardWhileLoading.get(change.packageId)?.push(change);
    const ids = this.members.get(change.packageId);
    if (ids) this.applyTo(ids, change);
  }

  private applyTo(ids: Set<string>, change: MembershipChange): void {
    if (change.role === null) ids.delete(change.userId);
    else ids.add(change.userId);
  }

  /** The room hook: loads a package's members before its comments room, forgets them when it unloads. */
  hook(): RoomHooks {
    return {
      name: 'members',
      beforeLoadDocument: async ({ room }) => {
        if (room.kind !== 'comments') return;
        let set = this.rooms.get(room.packageId);
        if (!set) this.rooms.set(room.packageId, (set = new Set()));
        set.add(room);
        await this.load(room.packageId);
      },
      afterUnloadDocument: ({ room }) => {
        const set = this.rooms.get(room.packageId);
        if (!set?.delete(room) || set.size > 0) return;
        this.rooms.delete(room.packageId);
        this.members.delete(room.packageId);
      },
    };
  }
}
