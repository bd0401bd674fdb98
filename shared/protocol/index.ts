/**
 * The only place client and server share wire facts: roles and what they may do,
 * the websocket protocol (message types, notices, close codes, limits), the awareness
 * state and its rules, the HTTP API's limits and export formats, the conflicts
 * the server reports, and the storage notice (saving delayed / saved).
 */
export * from './roles';
export * from './wire';
export * from './http';
export * from './presence';
export * from './conflicts';
export * from './agreement';
export * from './storage';
