import { readMetaFromDoc } from '../../shared/doc/schema';
import type { RoomRegistry } from '../sync';
import type { DocStorage } from '../storage/types';

/** What a package looks like to the members and invitation routes (title for invitations, parties to validate). */
export interface PackageInfo {
  title: string;
  /** Party ids of the coalition; when non-empty, a member's party must be one of them. */
  parties: string[];
}

/**
 * Title and coalition parties of a package, or null when no such package is
 * registered. The parties are read from the package's document through its room
 * when a registry is there (`rooms` is a function because the registry is created by
 * `startServer`, after the routes that need it); without one the list is empty,
 * which means "any party".
 */
export function packageInfoReader(
  storage: DocStorage,
  rooms: RoomRegistry | (() => RoomRegistry | undefined) | undefined,
): (id: string) => Promise<PackageInfo | null> {
  return async (id) => {
    const record = await storage.getPackage(id);
    if (!record) return null;
    const registry = typeof rooms === 'function' ? rooms() : rooms;
    const parties = registry ? await registry.withRoom(id, 'content', (room) => readMetaFromDoc(room.doc).parties.map((p) => p.id)) : [];
    return { title: record.title, parties };
  };
}
