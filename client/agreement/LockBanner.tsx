/** The banner every member sees while the package is locked: who locked it and when; the grids and editors are read-only meanwhile. */
import type { LockState } from '../../shared/protocol/agreement';
import { useLang, useT } from '../i18n';

export function formatWhen(iso: string, lang: 'nb' | 'en'): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'nb' ? 'nb-NO' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
}

export function LockBanner({ lock, byName }: { lock: LockState; byName?: string }) {
  const t = useT();
  const lang = useLang();
  return (
    <div className="notice lock-banner" role="status" data-testid="lock-banner">
      {lock.lockedAt ? t('lockedBanner', { when: formatWhen(lock.lockedAt, lang), name: lock.lockedByName ?? byName ?? t('anOwner') }) : t('lockedBannerShort')}
      {lock.override && (
        <span className="muted">
          {' '}
          ({t('lockedWithReason')}: {lock.override})
        </span>
      )}
    </div>
  );
}
