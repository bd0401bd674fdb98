/**
 * Mounts the editor/comments helpers' CommentableText for one XmlText of the
 * package, with this user's identity. The editors (Lexical and the comments) are a
 * chunk of their own, loaded when the first text field is shown, so the grid and
 * the balance of the package view do not wait for them.
 */
import { Component, Suspense, lazy, useMemo, useState, type ReactNode } from 'react';
import * as Y from 'yjs';
import type * as EditorsModuleNs from '../comments/CommentableText';
import type { TextKind } from '../editor/ids';
import type { PackageConnection } from '../app/connection';
import { useLang, useT } from '../i18n';
import { useMentionMembers } from '../agreement/useMembers';

export interface TextFieldProps {
  conn: PackageConnection;
  kind: TextKind;
  itemId: string;
  /** The Y.Map of the item (line, section or verbal) holding the XmlText. */
  item: Y.Map<unknown> | undefined;
  field: 'rationale' | 'intro' | 'text';
  label: string;
  me: { name: string; color: string; id: string; party?: string | undefined };
  canEdit: boolean;
}

let editors: Promise<typeof EditorsModuleNs> | null = null;
/** The editor chunk, fetched once; a failed fetch (offline) is forgotten, so the next try fetches again. */
function loadEditors(): Promise<typeof EditorsModuleNs> {
  editors ??= import('../comments/CommentableText').catch((err: unknown) => {
    editors = null;
    throw err;
  });
  return editors;
}
const lazyEditor = () => lazy(() => loadEditors().then((m) => ({ default: m.CommentableText })));

/** Catches a failed chunk load below it and offers to try again (instead of a blank page). */
class ChunkBoundary extends Component<{ fallback: (retry: () => void) => ReactNode; onRetry: () => void; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return this.props.fallback(() => {
      this.setState({ failed: false });
      this.props.onRetry();
    });
  }
}

/**
 * Fetches the editor chunk ahead of need (the workspace calls it once the grid is
 * up): a text field first opened after the connection dropped must still get its
 * editor, not a page that failed to load a script.
 */
export function preloadEditors(): void {
  loadEditors().catch(() => {});
}

export function TextField({ conn, kind, itemId, item, field, label, me, canEdit }: TextFieldProps) {
  const lang = useLang();
  const t = useT();
  const [attempt, setAttempt] = useState(0);
  const members = useMentionMembers(conn.packageId);
  // A new lazy component per attempt: React keeps a failed lazy load failed.
  const CommentableText = useMemo(() => lazyEditor(), [attempt]); // eslint-disable-line react-hooks/exhaustive-deps
  const x = item?.get(field);
  if (!(x instanceof Y.XmlText)) return null;
  return (
    <div className="text-field">
      {/* Until the editor chunk is here, an empty box of the editor's height (no jump when it arrives). */}
      <ChunkBoundary
        onRetry={() => setAttempt((n) => n + 1)}
        fallback={(retry) => (
          <p className="form-error" role="alert">
            {t('editorLoadFailed')}{' '}
            <button type="button" onClick={retry}>
              {t('tryAgain')}
            </button>
          </p>
        )}
      >
      <Suspense fallback={<div className="text-field-loading" aria-busy="true" />}>
        <CommentableText
          key={`${kind}:${itemId}`}
          kind={kind}
          itemId={itemId}
          doc={conn.doc}
          provider={conn.provider}
          xmlText={x}
          label={label}
          user={{ name: me.name, color: me.color }}
          readOnly={!canEdit}
          undoManager={conn.undoManager}
          lang={lang}
          commentsDoc={conn.commentsDoc}
          commentUser={{ id: me.id, name: me.name, ...(me.party ? { party: me.party } : {}) }}
          canComment={conn.canComment}
          canModerate={conn.canEdit}
          members={members}
        />
      </Suspense>
      </ChunkBoundary>
    </div>
  );
}
