import type { AuthProvider } from '../auth/types';
import type { RoomRegistry } from '../sync';
import type { DocStorage } from '../storage/types';
import type { PackageAccess } from './access';

/**
 * What the package route groups share: the auth provider, the package registry and
 * documents, the live rooms (every write goes through the package's room, so
 * connected clients see it at once) and the one access resolver.
 */
export interface PackageRouteDeps {
  auth: AuthProvider;
  storage: DocStorage;
  rooms: RoomRegistry;
  access: PackageAccess;
}
