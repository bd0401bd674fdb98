/**
 * Conversions between a Lexical selection in a bound editor and Yjs relative
 * positions in the content doc, for passage comments. A relative position
 * names an item of the XmlText tree, so it keeps pointing at the same
 * character while others edit around it.
 */
import { $getAnchorAndFocusForUserState, type Binding, type UserState } from '@lexical/yjs';
import { $isElementNode, $isTextNode, $isRangeSelection, $getNodeByKey, type PointType, type RangeSelection } from 'lexical';
import * as Y from 'yjs';

interface CollabTextLike {
  _parent: { _xmlText: Y.XmlText };
  getOffset(): number;
}
interface CollabElementLike {
  _xmlText: Y.XmlText;
}

/** Mirrors @lexical/yjs's (unexported) createRelativePosition for v1 bindings. */
export function $relativePositionFromPoint(binding: Binding, point: PointType, assoc = 0): Y.RelativePosition | null {
  const collab = binding.collabNodeMap.get(point.key) as unknown;
  if (collab === undefined || collab === null) return null;
  const node = $getNodeByKey(point.key);
  if ($isTextNode(node)) {
    const text = collab as CollabTextLike;
    const at = text.getOffset();
    if (at === -1) return null;
    // +1 skips the Y.Map embed that carries the text node's properties.
    return Y.createRelativePositionFromTypeIndex(text._parent._xmlText, at + 1 + point.offset, assoc);
  }
  if ($isElementNode(node)) {
    let offset = 0;
    let child = node.getFirstChild();
    for (let i = 0; child !== null && i < point.offset; i++) {
      offset += $isTextNode(child) ? child.getTextContentSize() + 1 : 1;
      child = child.getNextSibling();
    }
    return Y.createRelativePositionFromTypeIndex((collab as CollabElementLike)._xmlText, offset, assoc);
  }
  return null;
}

/** A selected passage as stored on a comment. */
export interface PassageAnchor {
  start: Y.RelativePosition;
  end: Y.RelativePosition;
  quote: string;
}

/** The passage of a non-collapsed range selection, start before end; null when collapsed. */
export function $passageFromSelection(binding: Binding, selection: RangeSelection): PassageAnchor | null {
  if (!$isRangeSelection(selection) || selection.isCollapsed()) return null;
  const backward = selection.isBackward();
  const first = backward ? selection.focus : selection.anchor;
  const last = backward ? selection.anchor : selection.focus;
  // The start sticks to the first quoted character, the end to the last one,
  // so text typed just outside the passage stays outside it.
  const start = $relativePositionFromPoint(binding, first, 0);
  const end = $relativePositionFromPoint(binding, last, -1);
  const quote = selection.getTextContent();
  if (!start || !end || quote.trim() === '') return null;
  return { start, end, quote };
}

/** Editor keys and offsets for a stored passage, or null when it no longer resolves here. */
export function $pointsForPassage(
  binding: Binding,
  start: Y.RelativePosition,
  end: Y.RelativePosition,
): { anchorKey: string; anchorOffset: number; focusKey: string; focusOffset: number } | null {
  const state = { anchorPos: start, focusPos: end } as unknown as UserState;
  const r = $getAnchorAndFocusForUserState(binding, state);
  if (r.anchorKey === null || r.focusKey === null) return null;
  return { anchorKey: r.anchorKey, anchorOffset: r.anchorOffset, focusKey: r.focusKey, focusOffset: r.focusOffset };
}
