/**
 * Names what a peer is editing in words a user knows: the line's title and the
 * year for a grid cell, the item's title for a text. Reads the package doc.
 */
import type * as Y from 'yjs';
import { entryOf, getLinesMap, getSectionsMap, getVerbalMap } from '../../shared/doc/schema';
import { readTitle } from '../../shared/doc/text';
import { parseTextId } from '../editor/ids';
import { translate, type Lang } from '../i18n';
import type { Editing } from './awareness';

/** The item's title, '' when it has none, or null when there is no such item (deleted, or not synced yet). */
function titleOf(map: Y.Map<Y.Map<unknown>>, id: string): string | null {
  const item = entryOf(map, id);
  if (!item) return null;
  return readTitle(item).trim();
}

/** The describer `PresenceBar` uses: «redigerer «Skolemat», 2025», «skriver i begrunnelsen for «Skolemat»», or null for an unknown item. */
export function describeEditingFromDoc(doc: Y.Doc, lang: Lang): (editing: Editing) => string | null {
  const named = (title: string) => title || translate(lang, 'untitled');
  return (editing) => {
    if ('lineId' in editing) {
      const line = titleOf(getLinesMap(doc), editing.lineId);
      if (line === null) return null;
      const year = editing.year === 'title' ? translate(lang, 'presenceTitleCell') : editing.year;
      return translate(lang, 'presenceEditingCell', { line: `«${named(line)}»`, year });
    }
    const parsed = parseTextId(editing.textId);
    if (!parsed) return null;
    const map = parsed.kind === 'line' ? getLinesMap(doc) : parsed.kind === 'verbal' ? getVerbalMap(doc) : getSectionsMap(doc);
    const title = titleOf(map, parsed.itemId);
    if (title === null) return null;
    const what = translate(lang, parsed.kind === 'line' ? 'presenceTextLine' : parsed.kind === 'verbal' ? 'presenceTextVerbal' : 'presenceTextSection', { title: named(title) });
    return translate(lang, 'presenceEditingText', { text: what });
  };
}
