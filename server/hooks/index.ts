/**
 * The room hooks of a package server, in the order they run.
 */
import type { RoomHooks } from '../sync';
import { lineAuditHook } from './lineAudit';
import { packageTouchHook } from './packageTouch';

/**
 * The hooks every package room runs today: the line audit trail and the package
 * touch (updatedAt and title), both as rows in the same batch as their change.
 * A fresh list per call (the audit keeps per-room state).
 */
export function packageHooks(): RoomHooks[] {
  return [lineAuditHook(), packageTouchHook()];
}

export { lineAuditHook } from './lineAudit';
export { packageTouchHook } from './packageTouch';
