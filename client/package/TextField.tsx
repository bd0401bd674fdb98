/** Mounts the editor helper's RichTextField for one XmlText of the package, with this user's identity. */
import * as Y from 'yjs';
import { RichTextField } from '../editor/RichTextField';
import { textIdFor, type TextKind } from '../editor/ids';
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
  me: { name: string; color: string };
  canEdit: boolean;
}

export function TextField({ conn, kind, itemId, item, field, label, me, canEdit }: TextFieldProps) {
  const lang = useLang();
  const x = item?.get(field);
  if (!(x instanceof Y.XmlText)) return null;
  const id = textIdFor(kind, itemId);
  return (
    <div className="text-field">
      <RichTextField key={id} doc={conn.doc} provider={conn.provider} xmlText={x} id={id} label={label} user={me} readOnly={!canEdit} undoManager={conn.undoManager} lang={lang} />
    </div>
  );
}
