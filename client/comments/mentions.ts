/**
 * `@navn` in a comment's text, as plain functions: where a mention is being typed,
 * which members it may mean, inserting the chosen one, which chosen members the
 * text still names, and the text cut into plain and mention parts for display.
 */

/** A member who can be mentioned: their user id and the name shown after `@`. */
export interface MentionMember {
  userId: string;
  name: string;
  /** Shown beside the name in the picker (the member's party), when known. */
  party?: string | null | undefined;
}

/** Longest query (characters after `@`) still read as a mention being typed. */
const MAX_QUERY_CHARS = 40;
/** Most members the picker offers at once. */
export const MAX_OFFERED = 8;

/** The mention being typed at `caret`: where its `@` is and what follows it; null when the caret is not in one. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || (at > 0 && !/\s|[(«"]/.test(before[at - 1]!))) return null;
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY_CHARS || /[\n@]/.test(query) || /^\s/.test(query)) return null;
  return { start: at, query };
}

/** Members whose name matches `query` (a word of it starts with it, ignoring case), `selfId` left out, at most `MAX_OFFERED`. */
export function membersMatching(members: readonly MentionMember[], query: string, selfId: string): MentionMember[] {
  const q = query.trim().toLocaleLowerCase('nb');
  const hits = members.filter((m) => {
    if (m.userId === selfId || m.name === '') return false;
    const name = m.name.toLocaleLowerCase('nb');
    return q === '' || name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q));
  });
  return hits.slice(0, MAX_OFFERED);
}

/** Replaces the mention being typed (from `start` to `caret`) with `@Name ` and returns the new text and caret. */
export function insertMention(text: string, start: number, caret: number, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const rest = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, start) + inserted + rest, caret: start + inserted.length };
}

/** Whether `text` names `name` as a mention: `@Name` not followed by another letter or digit. */
function names(text: string, name: string): boolean {
  const needle = `@${name}`;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    const next = text[i + needle.length];
    if (next === undefined || !/[\p{L}\p{N}]/u.test(next)) return true;
  }
  return false;
}

/** The user ids of the chosen members whose `@Name` is still in the text, each once. */
export function mentionedIds(text: string, chosen: readonly MentionMember[]): string[] {
  return [...new Set(chosen.filter((m) => m.name !== '' && names(text, m.name)).map((m) => m.userId))];
}

/** A part of a comment's text: plain text, or a mention of a member. */
export type TextPart = { text: string; mention?: false } | { text: string; mention: true };

/** Cuts `text` into plain parts and the `@Name` of each member in `mentioned` (longest names first). */
export function splitMentions(text: string, mentioned: readonly MentionMember[]): TextPart[] {
  const wanted = [...new Set(mentioned.map((m) => m.name).filter((n) => n !== ''))].sort((a, b) => b.length - a.length);
  if (wanted.length === 0) return [{ text }];
  const parts: TextPart[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const name = text[i] === '@' ? wanted.find((n) => text.startsWith(`@${n}`, i) && !/[\p{L}\p{N}]/u.test(text[i + n.length + 1] ?? ' ')) : undefined;
    if (name === undefined) {
      plain += text[i];
      i++;
      continue;
    }
    if (plain) parts.push({ text: plain });
    plain = '';
    parts.push({ text: `@${name}`, mention: true });
    i += name.length + 1;
  }
  if (plain) parts.push({ text: plain });
  return parts;
}
