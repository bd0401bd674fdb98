import { Hono } from 'hono';
import { readCommentsFromDoc } from '../../shared/doc/comments';
import type { MentionThread } from '../../shared/protocol';
import type { PackageRouteDeps } from './deps';

/** Most threads `GET /api/mentions` answers with. */
const MAX_THREADS = 200;

/**
 * `GET /api/mentions[?open=1]` — the caller's «Til meg» list: every comment thread,
 * across the packages the caller is a member of, whose comment or one of whose
 * replies mentions the caller (`mentions` holds their user id), newest first
 * (at most 200); `open=1` leaves resolved threads out. Read from the comments
 * documents through their rooms, so it is never behind what members see.
 */
export function mentionRoutes(deps: PackageRouteDeps): Hono {
  const app = new Hono();
  const { access, rooms, storage } = deps;

  app.get('/api/mentions', async (c) => {
    const principal = await access.principal(c);
    if (principal instanceof Response) return principal;
    const me = principal.userId;
    const openOnly = c.req.query('open') === '1';
    const memberships = await deps.auth.listMemberships(principal);
    const threads: MentionThread[] = [];
    for (const m of memberships) {
      const pkg = await storage.getPackage(m.packageId);
      if (!pkg) continue;
      const comments = await rooms.withRoom(m.packageId, 'comments', (room) => readCommentsFromDoc(room.doc));
      for (const cm of comments) {
        if (openOnly && cm.resolved) continue;
        const inComment = cm.mentions?.includes(me) ?? false;
        const replies = cm.replies.filter((r) => r.mentions?.includes(me));
        if (!inComment && replies.length === 0) continue;
        const times = [...(inComment ? [cm.createdAt] : []), ...replies.map((r) => r.createdAt)].sort();
        threads.push({
          packageId: m.packageId,
          packageTitle: pkg.title,
          commentId: cm.id,
          target: { kind: cm.target.kind, id: cm.target.id, ...(cm.target.year ? { year: cm.target.year } : {}) },
          authorId: cm.authorId,
          authorName: cm.authorName,
          text: cm.text,
          createdAt: cm.createdAt,
          resolved: cm.resolved,
          inComment,
          inReplies: replies.map((r) => r.id),
          lastAt: times.at(-1) ?? cm.createdAt,
        });
      }
    }
    threads.sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
    return c.json({ threads: threads.slice(0, MAX_THREADS) });
  });

  return app;
}
