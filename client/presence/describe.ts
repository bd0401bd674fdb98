/**
 * Names what a peer is editing in words a user knows: the line's title and the
 * year for a grid cell, the item's title for a text. Reads the package doc.
 */
import type * as Y from 'yjs';
import { getLinesMap, getSectionsMap, getVerbalMap } from '../../shared/doc/schema';
import { parseTextId } from '../editor/ids';
import { msg, type Lang } from '../editor/messages';
import type { Editing } from './awareness';

function titleOf(map: Y.Map<Y.Map<unknown>>, id: string): string | null {
  const t = map.get(id)?.get('title');
  return typeof t === 'string' && t.trim() !== '' ? t : null;
}

/** A describer for `PresenceBar` (`describeEditing`) backed by the package doc. */
export function describeEditingFromDoc(doc: Y.Doc, lang: Lang): (editing: Editing) => string | null {
  return (editing) => {
    if ('lineId' in editing) {
      const line = titleOf(getLinesMap(doc), editing.lineId);
      if (!line) return null;
      const year = editing.year === 'title' ? (lang === 'nb' ? 'tittel' : 'title') : editing.year;
      return msg(lang, 'presenceEditingCell', { line: `«${line}»`, year });
    }
    const parsed = parseTextId(editing.textId);
    if (!parsed) return null;
    const map = parsed.kind === 'line' ? getLinesMap(doc) : parsed.kind === 'verbal' ? getVerbalMap(doc) : getSectionsMap(doc);
    const title = titleOf(map, parsed.itemId);
    if (!title) return null;
    const what =
      parsed.kind === 'line'
        ? lang === 'nb'
          ? `begrunnelsen for «${title}»`
          : `the rationale of “${title}”`
        : parsed.kind === 'verbal'
          ? lang === 'nb'
            ? `verbalforslaget «${title}»`
            : `the verbal instruction “${title}”`
          : lang === 'nb'
            ? `innledningen til «${title}»`
            : `the introduction to “${title}”`;
    return msg(lang, 'presenceEditingText', { text: what });
  };
}
