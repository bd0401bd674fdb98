/**
 * The text box of a comment or reply with the `@navn` picker: typing `@` offers
 * the package's members (filtered by what follows), ↑/↓ choose, Enter or Tab
 * insert `@Name`, Esc closes the list, and a click inserts too. The members chosen
 * are kept with the draft; `mentionsOf` gives those the text still names.
 */
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { translate, type Lang } from '../i18n';
import { insertMention, membersMatching, mentionQueryAt, mentionedIds, type MentionMember } from './mentions';

/** A draft's text and the members picked for it. */
export interface MentionDraft {
  text: string;
  chosen: MentionMember[];
}

export const EMPTY_DRAFT: MentionDraft = { text: '', chosen: [] };

/** The user ids a draft mentions: the members picked whose `@Name` is still in its text. */
export function mentionsOf(draft: MentionDraft): string[] {
  return mentionedIds(draft.text, draft.chosen);
}

export interface MentionTextareaProps {
  id: string;
  draft: MentionDraft;
  onDraft(draft: MentionDraft): void;
  members: readonly MentionMember[];
  selfId: string;
  lang: Lang;
  rows?: number;
  autoFocus?: boolean;
  invalid?: boolean;
}

export function MentionTextarea(props: MentionTextareaProps) {
  const { draft, onDraft, lang } = props;
  const listId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const query = mentionQueryAt(draft.text, caret);
  const offered = query && closedAt !== query.start ? membersMatching(props.members, query.query, props.selfId) : [];
  const open = offered.length > 0;
  const current = open ? Math.min(active, offered.length - 1) : -1;

  const pick = (m: MentionMember) => {
    if (!query) return;
    const next = insertMention(draft.text, query.start, caret, m.name);
    onDraft({ text: next.text, chosen: draft.chosen.some((c) => c.userId === m.userId) ? draft.chosen : [...draft.chosen, m] });
    setCaret(next.caret);
    setActive(0);
    // The list stays closed for this `@`, now followed by the name, until another `@` is typed.
    setClosedAt(query.start);
    requestAnimationFrame(() => {
      const el = ref.current;
      if (!el) return;
      el.focus();
      el.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const n = offered.length;
      setActive((current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if ((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') {
      e.preventDefault();
      pick(offered[current]!);
    } else if (e.key === 'Escape') {
      // Closes the list only; the panel around it stays.
      e.preventDefault();
      e.stopPropagation();
      setClosedAt(query?.start ?? null);
    }
  };

  const readCaret = () => setCaret(ref.current?.selectionStart ?? 0);
  const optionId = (i: number) => `${listId}-${i}`;

  return (
    <div className="cm-mention-box">
      <textarea
        ref={ref}
        id={props.id}
        rows={props.rows ?? 2}
        value={draft.text}
        autoFocus={props.autoFocus}
        aria-invalid={props.invalid ?? false}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? optionId(current) : undefined}
        onChange={(e) => {
          onDraft({ ...draft, text: e.target.value });
          setCaret(e.target.selectionStart);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onKeyUp={readCaret}
        onClick={readCaret}
        onSelect={readCaret}
        onBlur={() => setClosedAt(query?.start ?? null)}
        onFocus={() => setClosedAt(null)}
      />
      {open && (
        <ul id={listId} className="cm-mention-list" role="listbox" aria-label={translate(lang, 'mentionPicker')}>
          {offered.map((m, i) => (
            <li
              key={m.userId}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'cm-mention-option active' : 'cm-mention-option'}
              // Keeps the focus in the text box, so the caret (and the query) stay where they are.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(m)}
            >
              @{m.name}
              {m.party && <span className="cm-mention-party"> {m.party}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
