/** Avatars of everyone in the package, in their party colour, with what they edit. */
import type { RemotePeer } from './usePackageDoc';
import { useT } from '../i18n';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase() || '?';
}

/** Black or white text, whichever reads better on `color` (#rrggbb). */
function textOn(color: string): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) return '#fff';
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  const lum = 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  return lum > 0.22 ? '#111' : '#fff';
}

export function PresenceAvatars({ peers, me }: { peers: RemotePeer[]; me: { name: string; color: string } }) {
  const t = useT();
  // Several tabs of one person are one avatar.
  const seen = new Map<string, RemotePeer>();
  for (const p of peers) if (!seen.has(p.name)) seen.set(p.name, p);
  const all = [{ name: me.name, color: me.color, self: true, editing: null as RemotePeer['editing'] }, ...[...seen.values()].map((p) => ({ ...p, self: false }))];
  return (
    <ul className="avatars" aria-label="Til stede">
      {all.map((p) => (
        <li key={(p.self ? 'me-' : '') + p.name} className="avatar" style={{ background: p.color, color: textOn(p.color) }} title={p.editing ? t('editingBy', { name: p.name }) : p.name}>
          <span aria-hidden="true">{initials(p.name)}</span>
          <span className="sr-only">{p.name}</span>
        </li>
      ))}
    </ul>
  );
}
