export * from './awareness';
export { usePresence } from './usePresence';
export { PresenceBar, type PresenceBarProps, type DescribeEditing } from './PresenceBar';
export { describeEditingFromDoc } from './describe';
