/**
 * An input bound to a title `Y.Text` (a line, section, verbal instruction or the
 * package): merged by character with a partner's typing, the caret kept where it
 * was (./titleBinding). Uncontrolled on purpose: the binding sets its value, so a
 * render can never put back an older value over a keystroke.
 */
import { useEffect, useRef, type InputHTMLAttributes } from 'react';
import type * as Y from 'yjs';
import type { PackageConnection } from '../app/connection';
import { bindTitleInput } from './titleBinding';

interface TitleInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'defaultValue' | 'onChange' | 'onInput'> {
  conn: Pick<PackageConnection, 'doc' | 'localOrigin' | 'undoManager'>;
  /** The map holding the title (missing while the item is not synced yet). */
  map: Y.Map<unknown> | undefined;
}

export function TitleInput({ conn, map, ...rest }: TitleInputProps) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || !map) return;
    return bindTitleInput(el, map, { doc: conn.doc, origin: conn.localOrigin, undoManager: conn.undoManager });
  }, [conn.doc, conn.localOrigin, conn.undoManager, map]);
  return <input ref={ref} data-title-input="" {...rest} />;
}
