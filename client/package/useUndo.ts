/**
 * This user's undo history in the workspace: Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y
 * outside text editors and inputs undo and redo my own last change (never a
 * collaborator's), and the header's buttons know whether there is anything
 * to undo or redo.
 */
import { useEffect, useState } from 'react';
import type { PackageConnection } from '../app/connection';

export interface UndoAvailability {
  undo: boolean;
  redo: boolean;
}

/** Installs the shortcuts while mounted and returns what can be undone or redone now. */
export function useUndo(conn: PackageConnection): UndoAvailability {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      const target = e.target as HTMLElement | null;
      // Text editors and form fields have their own undo. A selected grid cell is
      // contenteditable only to receive text typed without a key (client/grid): not an editor.
      const inGridCell = !!target?.hasAttribute('data-cell');
      if (target && !inGridCell && (target.isContentEditable || target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT')) return;
      const k = e.key.toLowerCase();
      if (k === 'z' && !e.shiftKey) {
        e.preventDefault();
        conn.undoManager.undo();
      } else if ((k === 'z' && e.shiftKey) || k === 'y') {
        e.preventDefault();
        conn.undoManager.redo();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [conn]);

  const [available, setAvailable] = useState<UndoAvailability>({ undo: false, redo: false });
  useEffect(() => {
    const um = conn.undoManager;
    const update = () => setAvailable({ undo: um.undoStack.length > 0, redo: um.redoStack.length > 0 });
    um.on('stack-item-added', update);
    um.on('stack-item-popped', update);
    um.on('stack-cleared', update);
    return () => {
      um.off('stack-item-added', update);
      um.off('stack-item-popped', update);
      um.off('stack-cleared', update);
    };
  }, [conn]);
  return available;
}
