/**
 * The room hooks of a package server, in the order they run.
 */
import type { RoomHooks } from '../sync';
import { awarenessIdentityHook } from './awarenessIdentity';
import { lineAuditHook } from './lineAudit';
import { packageTouchHook } from './packageTouch';

/**
 * The hooks every package room runs today: the line audit trail (with a snapshot of
 * every deleted line, so it can be restored) and the package touch, both as rows in
 * the same batch as their change, and the awareness identity (a connection's
 * presence is bound to its login). A fresh list per call (the audit keeps per-room
 * state).
 */
export function packageHooks(): RoomHooks[] {
  return [lineAuditHook(), packageTouchHook(), awarenessIdentityHook()];
}

export { awarenessIdentityHook, presenceIdentityOf } from './awarenessIdentity';
export { lineAuditHook } from './lineAudit';
export { packageTouchHook } from './packageTouch';
