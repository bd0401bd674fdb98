/**
 * The room hooks of a package server, in the order they run.
 */
import type { RoomHooks } from '../sync';
import type { AgreementHub } from './agreement';
import { awarenessIdentityHook } from './awarenessIdentity';
import { ConflictHub } from './cellConflicts';
import { commentsHook } from './comments';
import { lineAuditHook } from './lineAudit';
import type { MemberDirectory } from './memberDirectory';
import { originRowsHook } from './originRows';
import { packageTouchHook } from './packageTouch';
import { applicabilityHook, schemaHook } from './schema';
import { schemaUpgradeHook } from './schemaUpgrade';

/** What the package hooks share with the rest of the server. */
export interface PackageHooksOptions {
  /** The conflict hub the HTTP routes use too (default: a hub of its own). */
  conflicts?: ConflictHub;
  /** The agreement hub (lock and parties rules) the HTTP routes use too; without one, no agreement rules run. */
  agreement?: AgreementHub;
  /** Who is a member of which package, for the comments' mentions; without one, no mention is accepted. */
  members?: MemberDirectory;
}

/**
 * The hooks every package room runs, in order: the schema upgrade (first, so the
 * others read an upgraded document at load); the checks — an update that cannot be
 * applied at once is never applied (`applicabilityHook`), a content change must
 * follow the document schema (`schemaHook`), a comments change the comment rules
 * (`commentsHook`, which also records when each comment arrived; a mention must name a
 * member, from the member directory loaded before a comments room); then the rows in
 * the same batch as their change — the line audit trail (with a snapshot of every
 * deleted line, so it can be restored), the conflicts on amount cells, the package
 * touch (updatedAt and title) and the rows a server write brings
 * (`originRowsHook`); and the awareness identity (a connection's presence is bound
 * to its login). A fresh list per call (the hooks keep per-room state).
 */
export function packageHooks(opts: PackageHooksOptions = {}): RoomHooks[] {
  return [
    schemaUpgradeHook(),
    applicabilityHook(),
    schemaHook(),
    ...(opts.agreement ? [opts.agreement.hook()] : []),
    ...(opts.members ? [opts.members.hook()] : []),
    commentsHook(opts.members ? { isMember: (packageId, userId) => opts.members!.isMember(packageId, userId) } : {}),
    lineAuditHook(),
    (opts.conflicts ?? new ConflictHub()).hook(),
    packageTouchHook(),
    originRowsHook(),
    awarenessIdentityHook(),
  ];
}

export { awarenessIdentityHook, presenceIdentityOf } from './awarenessIdentity';
export { lineAuditHook } from './lineAudit';
export { packageTouchHook } from './packageTouch';
export { applicabilityHook, schemaHook, unappliableReason } from './schema';
export { commentsHook, type IsMember } from './comments';
export { MemberDirectory, type MemberLister } from './memberDirectory';
export { originRowsHook } from './originRows';
export { schemaUpgradeHook, SCHEMA_UPGRADE_ORIGIN } from './schemaUpgrade';
export { ConflictHub } from './cellConflicts';
export { AgreementHub, PartiesOrigin, type AgreementRelay, type PackageEvents } from './agreement';
