export * from './awareness';
export { usePresence } from './usePresence';
export { PresenceBar, type PresenceBarProps } from './PresenceBar';
export { describeEditingFromDoc } from './describe';
