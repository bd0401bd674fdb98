/** The words a grid's title column must fit: every word of the titles, cut to TITLE_WORD_MAX_CHARS characters. */
import { describe, expect, it } from 'vitest';
import { TITLE_WORD_MAX_CHARS, titleWords } from '../../client/grid/titleWidth';

describe('titleWords', () => {
  it('splits titles into words, once each', () => {
    expect(titleWords(['Grunnbemanning skole', 'Ny skole', ''])).toEqual(['Grunnbemanning', 'skole', 'Ny']);
  });

  it('keeps a word whole up to the limit and cuts a longer one there', () => {
    const long = 'Kommunikasjonsmedarbeiderstillingene';
    const words = titleWords([`${long} avvikles`, 'Energieffektivisering']);
    expect(words).toContain(long.slice(0, TITLE_WORD_MAX_CHARS));
    expect(words).toContain('Energieffektivisering'.slice(0, TITLE_WORD_MAX_CHARS));
    expect(words.every((w) => [...w].length <= TITLE_WORD_MAX_CHARS)).toBe(true);
    expect(titleWords(['Eldreomsorg'])).toEqual(['Eldreomsorg']);
  });
});
