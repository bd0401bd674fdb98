/**
 * Mounts the editor/comments helpers' CommentableText for one XmlText of the
 * package, with this user's identity. The editors (Lexical and the comments) are a
 * chunk of their own, loaded when the first text field is shown, so the grid and
 * the balance of the package view do not wait for them.
 */
import { Suspense, lazy } from 'react';
import * as Y from 'yjs';
import type { TextKind } from '../editor/ids';
import type { PackageConnection } from '../app/connection';
import { useLang } from '../i18n';

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

const CommentableText = lazy(() => import('../comments/CommentableText').then((m) => ({ default: m.CommentableText })));

export function TextField({ conn, kind, itemId, item, field, label, me, canEdit }: TextFieldProps) {
  const lang = useLang();
  const x = item?.get(field);
  if (!(x instanceof Y.XmlText)) return null;
  return (
    <div className="text-field">
      {/* Until the editor chunk is here, an empty box of the editor's height (no jump when it arrives). */}
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
        />
      </Suspense>
    </div>
  );
}
