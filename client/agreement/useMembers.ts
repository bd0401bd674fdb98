/** The package's members (for names of who signed, locked or saved a round, and the mention picker); empty until loaded or when refused. */
import { useEffect, useMemo, useState } from 'react';
import type { MemberView } from '../../shared/protocol';
import type { MentionMember } from '../comments/mentions';
import { apiGet } from '../app/api';

/** How long a package's member list is reused by the next component that asks, before it is fetched again. */
const REUSE_MS = 10_000;
const cache = new Map<string, { members: MemberView[]; at: number }>();

export function useMembers(packageId: string): MemberView[] {
  const [members, setMembers] = useState<MemberView[]>(() => cache.get(packageId)?.members ?? []);
  useEffect(() => {
    let live = true;
    const cached = cache.get(packageId);
    if (cached) setMembers(cached.members);
    // Every text field of a line asks: a list fetched a moment ago is reused.
    if (cached && performance.now() - cached.at < REUSE_MS) return undefined;
    apiGet<{ members: MemberView[] }>(`/api/packages/${encodeURIComponent(packageId)}/members`)
      .then((r) => {
        cache.set(packageId, { members: r.members, at: performance.now() });
        if (live) setMembers(r.members);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [packageId]);
  return members;
}

/** The members as the mention picker offers them: user id, the name shown after `@` (the e-mail when there is no name) and party. */
export function useMentionMembers(packageId: string): MentionMember[] {
  const members = useMembers(packageId);
  return useMemo(() => members.map((m) => ({ userId: m.userId, name: m.name || m.email, party: m.party })), [members]);
}

/** A member's display name by user id (the id itself when unknown). */
export function nameOf(members: MemberView[], userId: string | null | undefined, fallback?: string): string {
  if (!userId) return fallback ?? '?';
  const m = members.find((x) => x.userId === userId);
  return m ? m.name || m.email : (fallback ?? userId);
}
