/**
 * Who is here: one avatar per person with initials in their party colour; the
 * tooltip (and the accessible name) says who and what they are editing.
 */
import { initialsOf, textColorOn, type Editing, type HasAwareness, type Peer } from './awareness';
import { usePresence } from './usePresence';
import { describeEditingFromDoc } from './describe';
import { useMemo } from 'react';
import type * as Y from 'yjs';
import { msg, type Lang } from '../editor/messages';
import './presence.css';

/** Names what a peer is editing, e.g. line title and year; the app knows the titles. */
export type DescribeEditing = (editing: Editing) => string | null;

export interface PresenceBarProps {
  provider: HasAwareness | null | undefined;
  lang?: Lang;
  describeEditing?: DescribeEditing;
  /** More avatars than this collapse into "+N". */
  max?: number;
  /** The package doc: without `describeEditing`, line and text titles are read from it. */
  doc?: Y.Doc;
}

function describePeer(peer: Peer, lang: Lang, describe?: DescribeEditing): string {
  const name = peer.isSelf ? msg(lang, 'presenceYou', { name: peer.user.name }) : peer.user.name;
  const who = peer.user.party ? `${name}, ${peer.user.party}` : name;
  const what = peer.editing
    .map((e) => {
      const described = describe?.(e);
      if (described) return described;
      return 'textId' in e ? msg(lang, 'presenceEditingText', { text: e.textId }) : msg(lang, 'presenceEditingCell', { line: e.lineId, year: e.year });
    })
    .join('; ');
  return `${who} — ${what || msg(lang, 'presenceIdle')}`;
}

export function PresenceBar({ provider, lang = 'nb', describeEditing: given, max = 8, doc }: PresenceBarProps) {
  const peers = usePresence(provider);
  const describeEditing = useMemo(() => given ?? (doc ? describeEditingFromDoc(doc, lang) : undefined), [given, doc, lang]);
  const shown = peers.slice(0, max);
  const hidden = peers.slice(max);
  return (
    <ul className="presence-bar" aria-label={msg(lang, 'presenceLabel')}>
      {shown.map((peer) => {
        const description = describePeer(peer, lang, describeEditing);
        return (
          <li key={peer.user.id} className={`presence-avatar${peer.editing.length > 0 ? ' presence-active' : ''}${peer.isSelf ? ' presence-self' : ''}`}>
            <span
              className="presence-initials"
              style={{ backgroundColor: peer.user.color, color: textColorOn(peer.user.color) }}
              aria-label={description}
              role="img"
              tabIndex={0}
            >
              {initialsOf(peer.user.name)}
            </span>
            <span className="presence-tooltip" aria-hidden="true">
              {description}
            </span>
          </li>
        );
      })}
      {hidden.length > 0 && (
        <li className="presence-avatar presence-more" title={hidden.map((p) => describePeer(p, lang, describeEditing)).join('\n')}>
          {msg(lang, 'presenceOthers', { n: hidden.length })}
        </li>
      )}
    </ul>
  );
}
