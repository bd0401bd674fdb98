/**
 * A text input bound to a document field. While it has focus it shows its own
 * draft (the doc snapshot arrives a frame later, and a controlled input fed
 * from it would lose keystrokes); every change is written at once so others
 * see it live. Without focus it follows the document.
 */
import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';

interface BoundInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  value: string;
  onValue(value: string): void;
}

export function BoundInput({ value, onValue, ...rest }: BoundInputProps) {
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(value);
  }, [value]);
  return (
    <input
      {...rest}
      value={draft}
      onFocus={(e) => {
        focused.current = true;
        rest.onFocus?.(e);
      }}
      onBlur={(e) => {
        focused.current = false;
        setDraft(value);
        rest.onBlur?.(e);
      }}
      onChange={(e) => {
        setDraft(e.target.value);
        onValue(e.target.value);
      }}
    />
  );
}
