/** React binding of the package's awareness: everyone here now, re-rendered on change. */
import { useEffect, useState } from 'react';
import { readPeers, type HasAwareness, type Peer } from './awareness';

/** The peers of `provider` (me included, `isSelf`), updated on every awareness change. */
export function usePresence(provider: HasAwareness | null | undefined): Peer[] {
  const [peers, setPeers] = useState<Peer[]>(() => (provider ? readPeers(provider.awareness) : []));
  useEffect(() => {
    if (!provider) {
      setPeers([]);
      return undefined;
    }
    const awareness = provider.awareness;
    let last = '';
    const onChange = (): void => {
      const next = readPeers(awareness);
      // Cursor moves fire 'change' too; re-render only when presence itself changed.
      const key = JSON.stringify(next.map((p) => [p.user, p.editing, p.isSelf]));
      if (key === last) return;
      last = key;
      setPeers(next);
    };
    onChange();
    awareness.on('change', onChange);
    return () => awareness.off('change', onChange);
  }, [provider]);
  return peers;
}
