export * from './syncTracker';
export * from './persistence';
export { useSyncStatus } from './useSyncStatus';
export { SyncStatusBadge, syncStatusText, type StorageBadge } from './SyncStatusBadge';
