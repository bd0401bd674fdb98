/**
 * Which line is selected, which line the details panel shows, and requests
 * from elsewhere (a warning, a balance flag, a new line) to show and focus a
 * line in whichever grid has it.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Year } from '../../shared/types';
import type { FocusRequest } from '../grid/types';

/** How long a "show this line" request stays pending for grids that are still mounting. */
const FOCUS_REQUEST_TTL_MS = 3000;
/** Pause before the details panel switches to a newly selected line. */
const DETAILS_FOLLOW_DELAY_MS = 150;

export interface LineSelection {
  selectedLineId: string | null;
  /** The line the details panel shows: the selection, after a short pause. */
  detailsLineId: string | null;
  focusRequest: FocusRequest | null;
  /** `immediate`: chosen by pointer, so the details follow at once. */
  selectLine(id: string | null, immediate?: boolean): void;
  /** Selects the line and asks the grid that has it to focus it (at `year`, else its title). */
  goToLine(lineId: string, year?: Year): void;
}

/** `onShow` runs before a line is shown (the workspace switches to a tab with grids). */
export function useLineSelection(onShow: () => void): LineSelection {
  const [selectedLineId, setSelectedLineId] = useState<string | null>(null);
  const [detailsLineId, setDetailsLineId] = useState<string | null>(null);
  const [focusRequest, setFocusRequest] = useState<FocusRequest | null>(null);
  const nonce = useRef(0);

  const selectLine = useCallback((id: string | null, immediate = false) => {
    setSelectedLineId(id);
    if (immediate) setDetailsLineId(id);
  }, []);

  // The details panel follows the selection after a short pause: moving through the
  // grid with the keyboard then does not mount a text editor for every row passed.
  useEffect(() => {
    const timer = setTimeout(() => setDetailsLineId(selectedLineId), DETAILS_FOLLOW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [selectedLineId]);

  const goToLine = useCallback(
    (lineId: string, year?: Year) => {
      onShow();
      setSelectedLineId(lineId);
      setDetailsLineId(lineId);
      const req: FocusRequest = { lineId, nonce: ++nonce.current };
      if (year) req.year = year;
      // After the tab has rendered; cleared again so a grid mounted later (another tab)
      // does not take the focus for an old request.
      requestAnimationFrame(() => setFocusRequest(req));
      setTimeout(() => setFocusRequest((cur) => (cur === req ? null : cur)), FOCUS_REQUEST_TTL_MS);
    },
    [onShow],
  );

  return { selectedLineId, detailsLineId, focusRequest, selectLine, goToLine };
}
