/**
 * The entries of the package that do not follow the document format (older data,
 * a bug): readers skip them, so this notice says which they are, and lets an owner
 * remove each one (`DELETE /api/packages/:id/entries/…`, audited on the server).
 * The list is read from the doc when it loads and whenever an entry is added or
 * removed (a new malformed value cannot arrive: the server refuses it).
 */
import { useEffect, useState } from 'react';
import { getLinesMap, getMetaMap, getSectionsMap, getVerbalMap } from '../../shared/doc/schema';
import { checkContentDoc, type DocIssue } from '../../shared/doc/validate';
import { apiSend, ApiError } from '../app/api';
import type { PackageConnection } from '../app/connection';
import { useT, type MessageId } from '../i18n';

/** Re-reads at most this often while entries are being added (an import adds many in one go). */
const RESCAN_DELAY_MS = 300;

function useMalformedEntries(conn: PackageConnection): DocIssue[] {
  const [issues, setIssues] = useState<DocIssue[]>(() => checkContentDoc(conn.doc).errors);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const rescan = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        setIssues(checkContentDoc(conn.doc).errors);
      }, RESCAN_DELAY_MS);
    };
    // Shallow observers: entries added or removed, meta keys — not every keystroke.
    const roots = [getMetaMap(conn.doc), getLinesMap(conn.doc), getSectionsMap(conn.doc), getVerbalMap(conn.doc)];
    for (const r of roots) r.observe(rescan);
    rescan();
    return () => {
      for (const r of roots) r.unobserve(rescan);
      if (timer) clearTimeout(timer);
    };
  }, [conn]);
  return issues;
}

function entryPath(packageId: string, issue: DocIssue): string {
  const base = `/api/packages/${encodeURIComponent(packageId)}/entries/${issue.kind}/${encodeURIComponent(issue.id)}`;
  return issue.field ? `${base}?field=${encodeURIComponent(issue.field)}` : base;
}

export function MalformedEntries({ conn, isOwner }: { conn: PackageConnection; isOwner: boolean }) {
  const t = useT();
  const issues = useMalformedEntries(conn);
  const [error, setError] = useState<string | null>(null);
  if (issues.length === 0) return null;
  const describe = (i: DocIssue) => `${t(`malformedKind_${i.kind}` as MessageId)} «${i.id.slice(0, 60)}»${i.field ? `, ${t('malformedField', { field: i.field.slice(0, 60) })}` : ''}`;
  const remove = async (i: DocIssue) => {
    setError(null);
    try {
      await apiSend('DELETE', entryPath(conn.packageId, i));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <section className="notice notice-error" role="status" aria-label={t('malformedTitle')} data-testid="malformed-entries">
      <p>
        <strong>{t('malformedTitle')}.</strong> {t('malformedIntro')} {isOwner ? t('malformedOwnerHint') : ''}
      </p>
      <ul className="malformed-list">
        {issues.map((i) => (
          <li key={`${i.kind}/${i.id}/${i.field ?? ''}`}>
            {describe(i)}{' '}
            {isOwner && i.kind !== 'root' && (
              <button type="button" className="ghost small" aria-label={t('removeEntryLabel', { what: describe(i) })} onClick={() => void remove(i)}>
                {t('removeEntry')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {error && <p role="alert">{error}</p>}
    </section>
  );
}
