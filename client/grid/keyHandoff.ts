/**
 * No keystroke is lost between an action that creates a field and the moment the
 * field is there. "+ Ny linje" or Insert creates a line in the document; its row
 * appears a render later and gets the focus after that. Keys typed meanwhile used
 * to go to the button or the old cell (`nsertTest`, `estlinje`). `holdKeys()`
 * moves the keyboard focus at once to an invisible catcher that records every key
 * and every piece of text (also text that comes without a key, such as U+2212);
 * the grid that shows the new line takes them (`takeHeldKeys`) and replays them
 * into its cell, then `releaseKeys()` removes the catcher.
 */
import { isTypingKey, type CellInput } from './navigation';

/** A hold nobody takes over (the new line never appeared here) ends after this. */
export const KEY_HOLD_TIMEOUT_MS = 2000;

/** Keys that act on a cell besides typed characters. */
const CELL_KEYS = new Set(['Enter', 'Tab', 'Escape', 'Backspace', 'Delete', 'F2', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End']);

interface Hold {
  items: CellInput[];
  catcher: HTMLTextAreaElement;
  timer: ReturnType<typeof setTimeout>;
}

let hold: Hold | null = null;

/**
 * Starts holding keys (or extends the hold): focuses the catcher, which records
 * until `releaseKeys`, or for `KEY_HOLD_TIMEOUT_MS` if no grid takes over. Call in
 * the same event that creates the field.
 */
export function holdKeys(label: string): void {
  if (hold) {
    clearTimeout(hold.timer);
    hold.timer = setTimeout(releaseKeys, KEY_HOLD_TIMEOUT_MS);
    return;
  }
  const catcher = document.createElement('textarea');
  catcher.className = 'key-catcher';
  catcher.setAttribute('aria-label', label);
  catcher.tabIndex = -1;
  const items: CellInput[] = [];
  catcher.addEventListener('keydown', (e) => {
    if (e.isComposing) return;
    // A shortcut or AltGr: text it types (if any) arrives as `beforeinput` below.
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (!isTypingKey(e) && !CELL_KEYS.has(e.key)) return;
    e.preventDefault();
    items.push({ key: e.key, shiftKey: e.shiftKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey });
  });
  catcher.addEventListener('beforeinput', (e) => {
    if (e.isComposing || e.inputType === 'insertCompositionText') return;
    e.preventDefault();
    if (e.data) items.push({ text: e.data });
  });
  catcher.addEventListener('compositionend', (e) => {
    if (e.data) items.push({ text: e.data });
    catcher.value = '';
  });
  document.body.appendChild(catcher);
  catcher.focus({ preventScroll: true });
  hold = { items, catcher, timer: setTimeout(releaseKeys, KEY_HOLD_TIMEOUT_MS) };
}

/** Whether keys are being held for a field that is not there yet. */
export function isHoldingKeys(): boolean {
  return hold !== null;
}

/** Everything recorded since the last call, in order (empty when not holding). */
export function takeHeldKeys(): CellInput[] {
  return hold ? hold.items.splice(0) : [];
}

/** Ends the hold: removes the catcher. Returns whether the catcher had the focus (the caller moves it on). */
export function releaseKeys(): boolean {
  if (!hold) return false;
  const { catcher, timer } = hold;
  hold = null;
  clearTimeout(timer);
  const hadFocus = document.activeElement === catcher;
  catcher.remove();
  return hadFocus;
}
