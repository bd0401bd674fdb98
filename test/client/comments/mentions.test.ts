import { describe, expect, it } from 'vitest';
import { insertMention, membersMatching, mentionQueryAt, mentionedIds, splitMentions } from '../../../client/comments/mentions';

const KARI = { userId: 'u-kari', name: 'Kari Nordmann' };
const OLA = { userId: 'u-ola', name: 'Ola Holm' };
const KARIANNE = { userId: 'u-kh', name: 'Karianne Hansen' };
const ME = { userId: 'u-me', name: 'Kåre Leder' };
const ALL = [KARI, OLA, KARIANNE, ME];

describe('mentions in a comment', () => {
  it('finds the mention being typed at the caret, not an e-mail address or a finished line', () => {
    expect(mentionQueryAt('Hei @Ka', 7)).toEqual({ start: 4, query: 'Ka' });
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('Hei @Kari N', 11)).toEqual({ start: 4, query: 'Kari N' });
    expect(mentionQueryAt('post@kommune.no', 15)).toBeNull();
    expect(mentionQueryAt('@Kari\nneste', 11)).toBeNull();
    expect(mentionQueryAt('Hei', 3)).toBeNull();
  });

  it('offers members by the start of any word of their name, never the writer', () => {
    expect(membersMatching(ALL, 'ka', ME.userId)).toEqual([KARI, KARIANNE]);
    expect(membersMatching(ALL, 'hol', ME.userId)).toEqual([OLA]);
    expect(membersMatching(ALL, '', ME.userId)).toEqual([KARI, OLA, KARIANNE]);
    expect(membersMatching(ALL, 'kåre', ME.userId)).toEqual([]);
  });

  it('inserts the chosen name and keeps only members still named in the text', () => {
    const r = insertMention('Hei @Ka hva nå', 4, 7, KARI.name);
    expect(r).toEqual({ text: 'Hei @Kari Nordmann hva nå', caret: 19 });
    expect(mentionedIds(r.text, [KARI, OLA])).toEqual([KARI.userId]);
    // «@Kari Nordmannsen» is another name, not Kari.
    expect(mentionedIds('@Kari Nordmannsen', [KARI])).toEqual([]);
    expect(mentionedIds('@Kari Nordmann, @Kari Nordmann.', [KARI])).toEqual([KARI.userId]);
  });

  it('cuts the text into plain parts and the mentions of the members named, the longest name first', () => {
    expect(splitMentions('@Kari Nordmann og @Karianne Hansen: se 2026', [KARI, KARIANNE])).toEqual([
      { text: '@Kari Nordmann', mention: true },
      { text: ' og ' },
      { text: '@Karianne Hansen', mention: true },
      { text: ': se 2026' },
    ]);
    expect(splitMentions('@Ola Holm', [KARI])).toEqual([{ text: '@Ola Holm' }]);
  });
});
