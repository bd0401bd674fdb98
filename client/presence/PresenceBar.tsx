/**
 * Who is here: one avatar per person with initials in their party colour; the
 * tooltip (and the accessible name) says who and what they are editing.
 */
import { initialsOf, textColorOn, type Editing, type HasAwareness, type Peer } from './awareness';
import { usePresence } from './usePresence';
import { describeEditingFromDoc } from './describe';
import { useMemo } from 'react';
import type * as Y from 'yjs';
import { translate, type Lang } from '../i18n';
import './presence.css';

type DescribeEditing = (editing: Editing) => string | null;

export interface PresenceBarProps {
  provider: HasAwareness | null | undefined;
  lang?: Lang;
  /** More avatars than this collapse into "+N". */
  max?: number;
  /** The package doc, where the titles of the lines and texts people edit are read (describe.ts). */
  doc?: Y.Doc;
}

function describePeer(peer: Peer, lang: Lang, describe?: DescribeEditing): string {
  const name = peer.isSelf ? translate(lang, 'presenceYou', { name: peer.user.name }) : peer.user.name;
  const who = peer.user.party ? `${name}, ${peer.user.party}` : name;
  const what = peer.editing
    .map((e) => {
      const described = describe?.(e);
      if (described) return described;
      return 'textId' in e ? translate(lang, 'presenceEditingText', { text: e.textId }) : translate(lang, 'presenceEditingCell', { line: e.lineId, year: e.year });
    })
    .join('; ');
  return `${who} — ${what || translate(lang, 'presenceIdle')}`;
}

export function PresenceBar({ provider, lang = 'nb', max = 8, doc }: PresenceBarProps) {
  const peers = usePresence(provider);
  const describeEditing = useMemo(() => (doc ? describeEditingFromDoc(doc, lang) : undefined), [doc, lang]);
  const shown = peers.slice(0, max);
  const hidden = peers.slice(max);
  return (
    <ul className="presence-bar" aria-label={translate(lang, 'presenceLabel')}>
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
          {translate(lang, 'presenceOthers', { n: hidden.length })}
        </li>
      )}
    </ul>
  );
}
