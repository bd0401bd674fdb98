import { DEFAULT_INVITE_TTL_MS, DEFAULT_SESSION_ABSOLUTE_TTL_MS, DEFAULT_SESSION_TTL_MS } from './store';

/** Accounts configuration, read from the environment once at start-up. */
export interface AuthConfig {
  /** SESSION_TTL_MS: idle lifetime of a login session; each use renews it. */
  sessionTtlMs: number;
  /** SESSION_ABSOLUTE_TTL_MS: a session ends after this long however active it is. */
  sessionAbsoluteTtlMs: number;
  /** INVITE_TTL_MS: how long an invitation link works. */
  inviteTtlMs: number;
  /**
   * TRUST_PROXY=1: take the client address for login rate limiting from the last
   * `X-Forwarded-For` entry (the address our reverse proxy saw). Only set it behind a
   * proxy that overwrites that header; otherwise clients could pick their own address.
   */
  trustProxy: boolean;
}

function positiveIntFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (milliseconds), got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Reads the accounts settings (all optional; defaults: sessions idle 24 h, at most
 * 14 days, invitations 7 days, proxy headers not trusted). Invalid values throw, so a
 * typo fails the start instead of silently weakening security.
 */
export function readAuthConfig(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const trust = env.TRUST_PROXY ?? '';
  if (!['', '0', '1', 'true', 'false'].includes(trust)) throw new Error(`TRUST_PROXY must be 1 or 0, got ${JSON.stringify(trust)}`);
  return {
    sessionTtlMs: positiveIntFromEnv(env, 'SESSION_TTL_MS', DEFAULT_SESSION_TTL_MS),
    sessionAbsoluteTtlMs: positiveIntFromEnv(env, 'SESSION_ABSOLUTE_TTL_MS', DEFAULT_SESSION_ABSOLUTE_TTL_MS),
    inviteTtlMs: positiveIntFromEnv(env, 'INVITE_TTL_MS', DEFAULT_INVITE_TTL_MS),
    trustProxy: trust === '1' || trust === 'true',
  };
}
