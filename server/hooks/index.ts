/**
 * The room hooks of a package server, in the order they run.
 */
import type { RoomHooks } from '../sync';
import { awarenessIdentityHook } from './awarenessIdentity';
import { lineAuditHook } from './lineAudit';
import { packageTouchHook } from './packageTouch';
import { commentsHook } from './comments';
import { originRowsHook } from './originRows';
import { applicabilityHook, schemaHook } from './schema';

/**
 * The hooks every package room runs: first the checks — an update that cannot be
 * applied at once is never applied (`applicabilityHook`), a content change must
 * follow the document schema (`schemaHook`), a comments change the comment rules
 * (`commentsHook`, which also records when each comment arrived) — then the rows:
 * the line audit trail (with a snapshot of every deleted line, so it can be
 * restored), the package touch (updatedAt and title) and the rows a server write
 * brings (`originRowsHook`), in the same batch as their change; and the awareness
 * identity (a connection's presence is bound to its login). A fresh list per call
 * (the audit keeps per-room state).
 */
export function packageHooks(): RoomHooks[] {
  return [applicabilityHook(), schemaHook(), commentsHook(), lineAuditHook(), packageTouchHook(), originRowsHook(), awarenessIdentityHook()];
}

export { awarenessIdentityHook, presenceIdentityOf } from './awarenessIdentity';
export { lineAuditHook } from './lineAudit';
export { packageTouchHook } from './packageTouch';
export { applicabilityHook, schemaHook, unappliableReason } from './schema';
export { commentsHook } from './comments';
export { originRowsHook } from './originRows';
