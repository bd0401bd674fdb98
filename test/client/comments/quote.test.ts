/** The commented passage is shown inside one pair of guillemets, whatever marks the selection took along. */
import { describe, expect, it } from 'vitest';
import { displayQuote } from '../../../client/comments/quote';

describe('displayQuote', () => {
  it('wraps a plain passage once', () => {
    expect(displayQuote('grunnskoler')).toBe('«grunnskoler»');
  });

  it('drops the quotation marks a selection took along, so they are never doubled', () => {
    for (const selected of ['«250 000 kroner»', '«250 000 kroner', '250 000 kroner»', '“250 000 kroner”', '"250 000 kroner"', ' «250 000 kroner» ', '««250 000 kroner»»']) {
      expect(displayQuote(selected), selected).toBe('«250 000 kroner»');
    }
  });

  it('turns guillemets inside the passage into inner quotes, so even a quote at the end is not doubled', () => {
    for (const selected of ['tilskuddet til «Juba Juba»', '«Juba Juba» får mer', 'tilskuddet til «Juba Juba» økes']) {
      const shown = displayQuote(selected);
      expect(shown, selected).not.toMatch(/««|»»/);
      expect(shown.match(/«/g)?.length, selected).toBe(1);
      expect(shown, selected).toContain('‘Juba Juba’');
    }
  });

  it('joins the lines of a passage', () => {
    expect(displayQuote('første linje\nandre linje')).toBe('«første linje andre linje»');
  });

  it('shows nothing for a passage of quotation marks only', () => {
    expect(displayQuote('«»')).toBe('');
    expect(displayQuote('»')).toBe('');
  });
});
