/**
 * User-visible text of the editor, presence, offline and comment components,
 * in Norwegian bokmål (default) and English. Kept here rather than in the app's
 * client/i18n.ts so these components stay usable on their own; each component
 * takes a `lang` prop.
 */
export type Lang = 'nb' | 'en';

const messages = {
  blockType: { nb: 'Tekststil', en: 'Text style' },
  blockParagraph: { nb: 'Brødtekst', en: 'Body text' },
  blockHeading: { nb: 'Overskrift', en: 'Heading' },
  blockSubheading: { nb: 'Underoverskrift', en: 'Subheading' },
  bold: { nb: 'Fet', en: 'Bold' },
  italic: { nb: 'Kursiv', en: 'Italic' },
  bulletList: { nb: 'Punktliste', en: 'Bulleted list' },
  numberedList: { nb: 'Nummerert liste', en: 'Numbered list' },
  link: { nb: 'Lenke', en: 'Link' },
  removeLink: { nb: 'Fjern lenke', en: 'Remove link' },
  linkUrl: { nb: 'Adresse (https:// eller e-post)', en: 'Address (https:// or email)' },
  linkAdd: { nb: 'Legg til', en: 'Add' },
  cancel: { nb: 'Avbryt', en: 'Cancel' },
  linkInvalid: { nb: 'Ugyldig adresse. Bruk en nettadresse (https://…) eller en e-postadresse.', en: 'Invalid address. Use a web address (https://…) or an email address.' },
  linkNeedsSelection: { nb: 'Marker teksten som skal bli lenke først.', en: 'Select the text to link first.' },
  formatting: { nb: 'Formatering', en: 'Formatting' },
  comment: { nb: 'Kommenter', en: 'Comment' },
  commentNeedsSelection: { nb: 'Marker teksten du vil kommentere.', en: 'Select the text you want to comment on.' },
  readOnlyText: { nb: '(kun lesing)', en: '(read only)' },
  emptyText: { nb: 'Ingen tekst ennå.', en: 'No text yet.' },
  // Presence
  presenceLabel: { nb: 'Til stede nå', en: 'Here now' },
  presenceYou: { nb: '{name} (deg)', en: '{name} (you)' },
  presenceEditingCell: { nb: 'redigerer {line}, {year}', en: 'editing {line}, {year}' },
  presenceEditingText: { nb: 'skriver i {text}', en: 'writing in {text}' },
  presenceIdle: { nb: 'ser på pakken', en: 'viewing the package' },
  presenceOthers: { nb: '+{n} til', en: '+{n} more' },
  // Sync status
  synced: { nb: 'synkronisert', en: 'synced' },
  syncing: { nb: 'synkroniserer …', en: 'syncing …' },
  syncingPending: { nb: 'sender {n} endringer …', en: 'sending {n} changes …' },
  offline: { nb: 'frakoblet', en: 'offline' },
  offlinePending: { nb: 'frakoblet — {n} endringer ikke sendt', en: 'offline — {n} changes not yet sent' },
  offlinePendingOne: { nb: 'frakoblet — 1 endring ikke sendt', en: 'offline — 1 change not yet sent' },
  // Comments
  comments: { nb: 'Kommentarer', en: 'Comments' },
  commentsOn: { nb: 'Kommentarer til {target}', en: 'Comments on {target}' },
  noComments: { nb: 'Ingen kommentarer ennå.', en: 'No comments yet.' },
  newComment: { nb: 'Ny kommentar', en: 'New comment' },
  addComment: { nb: 'Legg til kommentar', en: 'Add comment' },
  reply: { nb: 'Svar', en: 'Reply' },
  replyLabel: { nb: 'Svar til {name}', en: 'Reply to {name}' },
  sendReply: { nb: 'Send svar', en: 'Send reply' },
  resolve: { nb: 'Marker som løst', en: 'Mark resolved' },
  reopen: { nb: 'Gjenåpne', en: 'Reopen' },
  resolved: { nb: 'Løst', en: 'Resolved' },
  showResolved: { nb: 'Vis løste ({n})', en: 'Show resolved ({n})' },
  hideResolved: { nb: 'Skjul løste', en: 'Hide resolved' },
  passage: { nb: 'Om teksten', en: 'On the text' },
  passageGone: { nb: 'teksten er endret eller slettet', en: 'the text has been changed or deleted' },
  commentEmpty: { nb: 'Skriv en kommentar først.', en: 'Write a comment first.' },
  commentsReadOnly: { nb: 'Du kan lese kommentarene, men ikke skrive.', en: 'You can read the comments but not write.' },
  commentPassageDraft: { nb: 'Kommentar til markert tekst', en: 'Comment on selected text' },
} as const;

export type MessageId = keyof typeof messages;

/** The message in `lang`, with `{name}` placeholders filled from `vars`. */
export function msg(lang: Lang, id: MessageId, vars: Record<string, string | number> = {}): string {
  return messages[id][lang].replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}
