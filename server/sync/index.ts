/**
 * The server's sync core: rooms over the y-websocket protocol, with hooks on the
 * write path. Import from here; the files behind it are one concern each.
 */
export { Room } from './room';
export { RoomRegistry, docNameFor, type RoomRegistryOptions } from './registry';
export { KEEPALIVE_INTERVAL_MS, MAX_LOG_BYTES, MAX_LOG_UPDATES, MAX_QUEUED_BYTES, MAX_QUEUED_FRAMES, MAX_RESYNC_BYTES, MAX_RESYNCS_IN_A_ROW, MAX_UNSTORED_BYTES, MAX_UNSTORED_UPDATES, ROOM_IDLE_TIMEOUT_MS, type RoomOptions, type RoomState } from './options';
export { Connection, type ConnectionInfo, type RoomLogger, type SyncPrincipal, type SyncSocket } from './connection';
export { MalformedMessageError, type DecodedUpdate, type MalformedKind } from './frames';
export { ProblemLog, PROBLEM_SUMMARY_INTERVAL_MS, type Problem, type ProblemCounts, type ProblemKind } from './problems';
export {
  UpdateRefusedError,
  type AwarenessContext,
  type AwarenessUpdateContext,
  type BatchRows,
  type ChangeContext,
  type ChangeVerdict,
  type ConnectionContext,
  type HookRoom,
  type LoadContext,
  type RawUpdateContext,
  type ReplicaContext,
  type RoomHooks,
  type StoredContext,
  type UpdateVerdict,
} from './hooks';
export { isRemoteOrigin, userIdOfOrigin } from './replica';
export { NO_RETRY, type MergeFunction, type StorageRetryPolicy } from './pipeline';
export { mergeInBackground, mergeOnThisThread } from './compactor';
export { realScheduler, type SyncScheduler, type TimerHandle } from './scheduler';
