/** The package's members (for names of who signed, locked or saved a round, and the mention picker); empty until loaded or when refused. */
import { useEffect, useState } from 'react';
import type { MemberView } from '../../shared/protocol';
import { apiGet } from '../app/api';

export function useMembers(packageId: string): MemberView[] {
  const [members, setMembers] = useState<MemberView[]>([]);
  useEffect(() => {
    let live = true;
    apiGet<{ members: MemberView[] }>(`/api/packages/${encodeURIComponent(packageId)}/members`)
      .then((r) => {
        if (live) setMembers(r.members);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [packageId]);
  return members;
}

/** A member's display name by user id (the id itself when unknown). */
export function nameOf(members: MemberView[], userId: string | null | undefined, fallback?: string): string {
  if (!userId) return fallback ?? '?';
  const m = members.find((x) => x.userId === userId);
  return m ? m.name || m.email : (fallback ?? userId);
}
