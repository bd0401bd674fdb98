/**
 * All user-visible text of the client, in Norwegian bokmål (default) and
 * English: the app, the text editors, presence, sync status and comments.
 * One flat dictionary keyed by message id; `{name}` placeholders are filled
 * by `t` (or `translate` where a component takes a `lang` prop).
 * The chosen language is kept in localStorage and changes re-render through
 * `useT` (useSyncExternalStore), so no provider is needed.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { entryForCode } from '../shared/glossary';
import { STATUS_LABELS } from '../shared/status';
import { agreementMessages } from './agreement/messages';

export type Lang = 'nb' | 'en';

const messages = {
  appName: { nb: 'Budsjettverkstedet', en: 'Budget workshop' },
  langToggle: { nb: 'English', en: 'Norsk' },
  langToggleLabel: { nb: 'Switch to English', en: 'Bytt til norsk' },
  loading: { nb: 'Laster …', en: 'Loading …' },
  // Auth
  loginTitle: { nb: 'Logg inn', en: 'Log in' },
  email: { nb: 'E-post', en: 'Email' },
  password: { nb: 'Passord', en: 'Password' },
  name: { nb: 'Navn', en: 'Name' },
  loginButton: { nb: 'Logg inn', en: 'Log in' },
  loginFailed: { nb: 'Feil e-post eller passord.', en: 'Wrong email or password.' },
  loginRateLimited: { nb: 'For mange forsøk. Vent litt og prøv igjen.', en: 'Too many attempts. Wait a little and try again.' },
  logout: { nb: 'Logg ut', en: 'Log out' },
  setupTitle: { nb: 'Opprett første administrator', en: 'Create the first administrator' },
  setupIntro: { nb: 'Denne lenken kan brukes én gang. Kontoen blir administrator og kan opprette pakker.', en: 'This link works once. The account becomes an administrator and can create packages.' },
  setupButton: { nb: 'Opprett konto', en: 'Create account' },
  setupMissingToken: { nb: 'Lenken mangler oppsettsnøkkel. Bruk lenken som ble skrevet ut da serveren startet.', en: 'The link has no setup token. Use the link printed when the server started.' },
  inviteTitle: { nb: 'Velg passord', en: 'Choose a password' },
  inviteIntro: { nb: 'Du er invitert til en budsjettpakke. Velg et passord for å aktivere kontoen.', en: 'You have been invited to a budget package. Choose a password to activate your account.' },
  inviteButton: { nb: 'Aktiver og logg inn', en: 'Activate and log in' },
  passwordHint: { nb: 'Minst 10 tegn.', en: 'At least 10 characters.' },
  linkChecking: { nb: 'Sjekker lenken …', en: 'Checking the link …' },
  linkUsedLogin: { nb: 'Gå til innlogging', en: 'Go to log-in' },
  inviteMissingToken: { nb: 'Lenken mangler invitasjonsnøkkel. Bruk hele lenken du fikk.', en: 'The link has no invitation token. Use the whole link you were given.' },
  genericError: { nb: 'Noe gikk galt: {message}', en: 'Something went wrong: {message}' },
  editorLoadFailed: { nb: 'Tekstfeltet kunne ikke lastes (er du frakoblet?).', en: 'The text field could not be loaded (are you offline?).' },
  tryAgain: { nb: 'Prøv igjen', en: 'Try again' },
  // Package list
  myPackages: { nb: 'Mine budsjettpakker', en: 'My budget packages' },
  noPackages: { nb: 'Du er ikke medlem av noen pakke ennå.', en: 'You are not a member of any package yet.' },
  colTitle: { nb: 'Tittel', en: 'Title' },
  colRole: { nb: 'Min rolle', en: 'My role' },
  colParty: { nb: 'Mitt parti', en: 'My party' },
  colLastChange: { nb: 'Sist endret', en: 'Last change' },
  colBalance: { nb: 'Balanse', en: 'Balance' },
  balanced: { nb: 'I balanse', en: 'Balanced' },
  notBalanced: { nb: 'Ikke i balanse', en: 'Not balanced' },
  unknown: { nb: 'Ukjent', en: 'Unknown' },
  createPackage: { nb: 'Ny budsjettpakke', en: 'New budget package' },
  createButton: { nb: 'Opprett pakke', en: 'Create package' },
  years: { nb: 'År (fra–til)', en: 'Years (from–to)' },
  planYears: { nb: 'Planperiode (fra–til)', en: 'Plan period (from–to)' },
  fromYear: { nb: 'Fra år', en: 'From year' },
  toYear: { nb: 'Til år', en: 'To year' },
  fundOpening: { nb: 'Disposisjonsfond, saldo før første år (valgfritt)', en: 'Reserve fund, balance before the first year (optional)' },
  fundOpeningHint: { nb: 'Millioner kroner, f.eks. 250 eller 1 200,5. Brukes til å varsle om fondet går under null.', en: 'Million NOK, e.g. 250 or 1 200.5. Used to warn when the fund goes below zero.' },
  parties: { nb: 'Samarbeidspartier', en: 'Coalition parties' },
  partyName: { nb: 'Parti', en: 'Party' },
  partyColor: { nb: 'Farge', en: 'Colour' },
  addParty: { nb: 'Legg til parti', en: 'Add party' },
  removeParty: { nb: 'Fjern {name}', en: 'Remove {name}' },
  // Roles
  role_owner: { nb: 'Eier', en: 'Owner' },
  role_editor: { nb: 'Forhandler', en: 'Negotiator' },
  role_commenter: { nb: 'Gruppeleder (kommentar)', en: 'Group leader (comments)' },
  role_viewer: { nb: 'Leser', en: 'Viewer' },
  // Package view
  backToList: { nb: 'Alle pakker', en: 'All packages' },
  tabSections: { nb: 'Seksjoner', en: 'Sections' },
  tabLedger: { nb: 'Tabeller', en: 'Tables' },
  tabBaseline: { nb: 'Rammer', en: 'Baseline' },
  tabImport: { nb: 'Import og eksport', en: 'Import and export' },
  tabSettings: { nb: 'Innstillinger', en: 'Settings' },
  settingsSaved: { nb: 'Lagret. Alle ser endringen med en gang.', en: 'Saved. Everyone sees the change at once.' },
  deletedLinesTitle: { nb: 'Slettede linjer', en: 'Deleted lines' },
  deletedLinesIntro: {
    nb: 'Linjer som er slettet fra pakken. Gjenopprett en linje for å få den tilbake slik den var, med beløp og begrunnelse.',
    en: 'Lines deleted from the package. Restore a line to bring it back as it was, with its amounts and rationale.',
  },
  deletedLinesNone: { nb: 'Ingen slettede linjer.', en: 'No deleted lines.' },
  deletedLinesNoAmounts: { nb: 'ingen beløp', en: 'no amounts' },
  deletedLinesBy: { nb: 'slettet av {name} {when}', en: 'deleted by {name} {when}' },
  deletedLinesUnknownUser: { nb: 'en tidligere deltaker', en: 'a former member' },
  deletedLinesServer: { nb: 'serveren', en: 'the server' },
  deletedLinesRestore: { nb: 'Gjenopprett', en: 'Restore' },
  deletedLinesRestoreLabel: { nb: 'Gjenopprett «{title}»', en: 'Restore “{title}”' },
  deletedLineRestored: { nb: '«{title}» er gjenopprettet. Alle ser linjen igjen.', en: '“{title}” is restored. Everyone sees the line again.' },
  settingsYearsInvalid: { nb: 'Årene må henge sammen: planperioden må ligge innenfor årene.', en: 'The years must fit: the plan period must lie within the years.' },
  settingsFundInvalid: { nb: 'Skriv saldoen som et beløp i millioner kroner.', en: 'Write the balance as an amount in million NOK.' },
  save: { nb: 'Lagre', en: 'Save' },
  settingsBorrowingInvalid: { nb: 'Skriv låneopptaket som et beløp i millioner kroner.', en: 'Write the borrowing as an amount in million NOK.' },
  decisionHeading: { nb: 'Vedtaket', en: 'The decision' },
  decisionIntro: { nb: 'Slik åpner vedtaksdokumentet. Vedtakspunktet om lån regnes ut: kommunedirektørens forslag pluss pakkens endring i låneopptak det første planåret.', en: 'How the decision document opens. The borrowing point is computed: the chief executive’s proposal plus the package’s change in borrowing in the first plan year.' },
  decisionOpening: { nb: 'Innledende setning (tom: standardteksten)', en: 'Opening sentence (empty: the default wording)' },
  decisionPointNumber: { nb: 'Punkt i kommunedirektørens forslag', en: 'Point in the chief executive’s proposal' },
  decisionPointText: { nb: 'Ny tekst', en: 'New wording' },
  decisionPointAdd: { nb: 'Legg til vedtakspunkt', en: 'Add decision point' },
  decisionPointRemove: { nb: 'Fjern vedtakspunkt {n}', en: 'Remove decision point {n}' },
  proposedBorrowing: { nb: 'Kommunedirektørens forslag til låneopptak {year} (mill. kr)', en: 'Chief executive’s proposed borrowing {year} (million NOK)' },
  proposedBorrowingHint: { nb: 'Med forslaget skrevet inn får vedtaket punktet «Lån til investeringer på inntil … millioner kroner».', en: 'With the proposal entered, the decision gets the point “Lån til investeringer på inntil … millioner kroner”.' },
  borrowingPointPreview: { nb: 'Vedtakspunkt', en: 'Decision point' },
  tabMembers: { nb: 'Medlemmer', en: 'Members' },
  readOnly: { nb: 'Kun lesetilgang', en: 'Read only' },
  readOnlyNoReason: { nb: 'Skrivetilgang mangler.', en: 'No write access.' },
  undo: { nb: 'Angre', en: 'Undo' },
  redo: { nb: 'Gjør om', en: 'Redo' },
  accessLost: { nb: 'Du har ikke lenger tilgang til denne pakken.', en: 'You no longer have access to this package.' },
  // Refused changes, an outdated tab, a document that cannot be loaded, malformed entries
  loadFailed: { nb: 'Dokumentet kunne ikke lastes fra serveren. Prøver igjen …', en: 'The document could not be loaded from the server. Trying again …' },
  outdatedClient: { nb: 'Appen er oppdatert på serveren. Last inn siden på nytt for å fortsette.', en: 'The app has been updated on the server. Reload the page to continue.' },
  reloadPage: { nb: 'Last inn på nytt', en: 'Reload' },
  refusedSelf: {
    nb: 'Serveren avviste en endring fra denne nettleseren fordi den ikke fulgte dokumentformatet. Den lokale kopien av pakken er forkastet, og pakken er lastet på nytt fra serveren.',
    en: 'The server refused a change from this browser because it did not follow the document format. The local copy of the package was discarded and the package reloaded from the server.',
  },
  refusedSelfComments: {
    nb: 'Serveren avviste en kommentarendring fra denne nettleseren. Den lokale kopien av kommentarene er forkastet og lastet på nytt fra serveren.',
    en: 'The server refused a change to the comments from this browser. The local copy of the comments was discarded and reloaded from the server.',
  },
  refusedPeer: {
    nb: 'En annen fane med denne pakken sendte en endring serveren avviste. Pakken er lastet på nytt fra serveren.',
    en: 'Another tab with this package sent a change the server refused. The package was reloaded from the server.',
  },
  refusedNotSavedCount: { nb: 'Ikke lagret: {count} endring(er) gjort her som serveren ikke hadde fått. Se over det du nettopp gjorde.', en: 'Not saved: {count} change(s) made here that the server had not received. Check what you just did.' },
  refusedNotSaved: { nb: 'Ikke lagret: endringer gjort her som serveren ikke hadde fått. Se over det du nettopp gjorde.', en: 'Not saved: changes made here that the server had not received. Check what you just did.' },
  refusedGaveUp: { nb: 'Pakken kunne ikke lastes på nytt etter at serveren avviste endringer. Last inn siden på nytt.', en: 'The package could not be reloaded after the server refused changes. Reload the page.' },
  malformedTitle: { nb: 'Ugyldige data i pakken', en: 'Malformed data in the package' },
  malformedIntro: {
    nb: 'Disse oppføringene følger ikke dokumentformatet og er hoppet over i visning, balanse og eksport.',
    en: 'These entries do not follow the document format and are skipped in views, balance and export.',
  },
  malformedOwnerHint: { nb: 'Som eier kan du fjerne dem.', en: 'As an owner you can remove them.' },
  malformedKind_lines: { nb: 'Linje', en: 'Line' },
  malformedKind_sections: { nb: 'Kapittel', en: 'Section' },
  malformedKind_verbal: { nb: 'Verbal føring', en: 'Verbal instruction' },
  malformedKind_meta: { nb: 'Pakkefelt', en: 'Package field' },
  malformedKind_root: { nb: 'Ukjent del av dokumentet', en: 'Unknown part of the document' },
  malformedField: { nb: 'feltet «{field}»', en: 'field “{field}”' },
  removeEntry: { nb: 'Fjern', en: 'Remove' },
  removeEntryLabel: { nb: 'Fjern {what}', en: 'Remove {what}' },
  notFound: { nb: 'Fant ikke pakken, eller du har ikke tilgang.', en: 'Package not found, or you have no access.' },
  // Sections
  addSection: { nb: 'Ny seksjon', en: 'New section' },
  newSectionTitle: { nb: 'Ny seksjon', en: 'New section' },
  sectionTitle: { nb: 'Seksjonstittel', en: 'Section title' },
  moveUp: { nb: 'Flytt opp', en: 'Move up' },
  moveDown: { nb: 'Flytt ned', en: 'Move down' },
  intro: { nb: 'Innledning', en: 'Introduction' },
  linesHeading: { nb: 'Endringsforslag', en: 'Amendment lines' },
  verbalHeading: { nb: 'Verbale føringer', en: 'Verbal instructions' },
  addVerbal: { nb: 'Ny verbal føring', en: 'New verbal instruction' },
  verbalTitle: { nb: 'Tittel på føring', en: 'Instruction title' },
  verbalTitlePlaceholder: { nb: 'Skriv tittelen, f.eks. «Leksehjelp i alle skoler»', en: 'Type the title, e.g. “Homework help in every school”' },
  deleteSection: { nb: 'Slett seksjon', en: 'Delete section' },
  confirmDeleteSection: { nb: 'Slette seksjonen «{title}»? Linjene og føringene blir liggende under «Uten seksjon».', en: 'Delete the section “{title}”? Its lines and instructions move to “No section”.' },
  deleteVerbal: { nb: 'Slett føring', en: 'Delete instruction' },
  noSections: { nb: 'Ingen seksjoner ennå. Opprett den første, eller importer linjer fra CSV.', en: 'No sections yet. Create the first, or import lines from CSV.' },
  noSection: { nb: 'Uten seksjon', en: 'No section' },
  // Grid
  gridLabel: { nb: 'Endringslinjer, {ledger}', en: 'Amendment lines, {ledger}' },
  colLine: { nb: 'Linje', en: 'Line' },
  colSection: { nb: 'Seksjon', en: 'Section' },
  sumGroup: { nb: 'Sum {group}', en: 'Total {group}' },
  net: { nb: 'Netto', en: 'Net' },
  addLine: { nb: 'Ny linje', en: 'New line' },
  addLineIn: { nb: 'Ny linje i {ledger}, {group}', en: 'New line in {ledger}, {group}' },
  newLineComing: { nb: 'Ny linje – skriv tittelen', en: 'New line – type its title' },
  duplicateLine: { nb: 'Dupliser', en: 'Duplicate' },
  deleteLine: { nb: 'Slett', en: 'Delete' },
  confirmDeleteLine: { nb: 'Slette linjen «{title}»?', en: 'Delete the line “{title}”?' },
  untitled: { nb: '(uten tittel)', en: '(untitled)' },
  cellLabel: { nb: '{title}, {year}', en: '{title}, {year}' },
  invalidCell: { nb: 'Ugyldig beløp «{text}»: {message}', en: 'Invalid amount “{text}”: {message}' },
  openComments: { nb: '{n} åpne kommentarer', en: '{n} open comments' },
  openCommentOne: { nb: '1 åpen kommentar', en: '1 open comment' },
  editingBy: { nb: '{name} redigerer', en: '{name} is editing' },
  noLines: { nb: 'Ingen linjer.', en: 'No lines.' },
  gridHelp: { nb: 'Piltaster flytter, skriv for å endre, Enter lagrer, Esc avbryter, Delete tømmer. Lim inn blokker fra Excel. Alt+Shift+↑/↓ flytter linjen, Insert legger til en linje. Shift+F2 kommenterer beløpet.', en: 'Arrows move, type to edit, Enter saves, Esc cancels, Delete clears. Paste blocks from Excel. Alt+Shift+↑/↓ moves the line, Insert adds a line. Shift+F2 comments on the amount.' },
  gridHelpReadOnly: { nb: 'Piltaster flytter, Shift+piltaster merker, Ctrl+C kopierer til Excel. Shift+F2 viser kommentarene til beløpet.', en: 'Arrows move, Shift+arrows select, Ctrl+C copies to Excel. Shift+F2 shows the comments on the amount.' },
  pasted: { nb: 'Limte inn {rows} × {cols} celler.', en: 'Pasted {rows} × {cols} cells.' },
  pasteInvalid: { nb: '{n} innlimte celler er ikke gyldige beløp og er merket.', en: '{n} pasted cells are not valid amounts and are marked.' },
  // Line details
  lineDetails: { nb: 'Detaljer for linjen', en: 'Line details' },
  selectLineHint: { nb: 'Velg en linje i tabellen for å se og endre detaljene.', en: 'Select a line in the table to see and change its details.' },
  ledger: { nb: 'Regnskap', en: 'Ledger' },
  group: { nb: 'Gruppe', en: 'Group' },
  area: { nb: 'Tjenesteområde', en: 'Service area' },
  party: { nb: 'Parti', en: 'Party' },
  permanent: { nb: 'Varig (alle år)', en: 'Permanent' },
  status: { nb: 'Status', en: 'Status' },
  rationale: { nb: 'Begrunnelse', en: 'Rationale' },
  none: { nb: '— ingen —', en: '— none —' },
  ledger_drift: { nb: 'Drift', en: 'Operating (drift)' },
  ledger_investering: { nb: 'Investering', en: 'Capital (investering)' },
  ledger_fond: { nb: 'Disposisjonsfond', en: 'Reserve fund' },
  group_tiltak: { nb: 'Tiltak', en: 'Measures (tiltak)' },
  group_inndekning: { nb: 'Inndekning', en: 'Financing (inndekning)' },
  status_draft: { nb: STATUS_LABELS.draft, en: 'Draft' },
  status_proposed: { nb: STATUS_LABELS.proposed, en: 'Proposed' },
  status_agreed: { nb: STATUS_LABELS.agreed, en: 'Agreed' },
  status_rejected: { nb: STATUS_LABELS.rejected, en: 'Rejected' },
  frameBeforeAfter: { nb: 'Ramme før → etter', en: 'Frame before → after' },
  noBaselineArea: { nb: 'Ikke i grunnlaget', en: 'Not in the baseline' },
  // Balance
  balanceHeading: { nb: 'Balanse', en: 'Balance' },
  balanceWaiting: { nb: 'Beregner balanse …', en: 'Computing balance …' },
  borrowing: { nb: 'Låneopptak', en: 'Borrowing' },
  borrowingShort: { nb: 'Lån', en: 'Borrowing' },
  financedByBorrowing: { nb: 'finansieres med lån', en: 'financed by borrowing' },
  balanceUnknown: { nb: 'ukjent: året har uleselige beløp', en: 'unknown: the year holds unreadable amounts' },
  unreadableOne: { nb: '1 uleselig', en: '1 unreadable' },
  balanceUnknownShort: { nb: 'Ukjent balanse', en: 'Balance unknown' },
  unreadableMany: { nb: '{n} uleselige', en: '{n} unreadable' },
  netChart: { nb: 'Netto drift per år', en: 'Net operating by year' },
  warnings: { nb: 'Varsler ({n})', en: 'Warnings ({n})' },
  noWarnings: { nb: 'Ingen varsler', en: 'No warnings' },
  linesOf: { nb: 'Linjer i {ledger} {year}', en: 'Lines of {ledger} {year}' },
  close: { nb: 'Lukk', en: 'Close' },
  readOnlyCommenter: { nb: 'Du kan kommentere, ikke endre', en: 'You can comment, not edit' },
  readOnlyViewer: { nb: 'Du kan lese, ikke endre', en: 'You can read, not edit' },
  goToLine: { nb: 'Gå til linjen', en: 'Go to the line' },
  proseMismatchHeading: { nb: 'Tekst og tall stemmer ikke', en: 'Text and figures disagree' },
  proseMismatchMarker: { nb: 'Teksten nevner et beløp som ikke står på linjen', en: 'The text names an amount the line does not have' },
  // Baseline
  baselineHeading: { nb: 'Rammer (grunnlag)', en: 'Baseline frames' },
  baselineIntro: { nb: 'Kommunedirektørens forslag per tjenesteområde. Linjer som er knyttet til et område viser rammen før og etter endringene.', en: 'The chief executive’s proposal per service area. Lines linked to an area show the frame before and after the amendments.' },
  baselinePaste: { nb: 'Lim inn CSV (tjenesteområde;år;år …)', en: 'Paste CSV (area;year;year …)' },
  baselineUpload: { nb: 'Eller velg fil (.csv eller .xlsx)', en: 'Or choose a file (.csv or .xlsx)' },
  baselineImport: { nb: 'Importer rammer', en: 'Import baseline' },
  baselineImported: { nb: 'Importerte {n} tjenesteområder.', en: 'Imported {n} service areas.' },
  baselineEmpty: { nb: 'Ingen rammer er importert. Tjenesteområde er da fritekst.', en: 'No baseline imported. Service area is free text.' },
  baselineReplaceNote: { nb: 'En ny import erstatter bare rammene for samme regnskap (drift eller investering).', en: 'A new import replaces only the frames of the same ledger (operating or capital).' },
  baselineImportedInvestment: { nb: 'Importerte {n} investeringsområder.', en: 'Imported {n} investment areas.' },
  baselineLedger: { nb: 'Hvilke rammer', en: 'Which frames' },
  baselineLedgerAuto: { nb: 'Ut fra første kolonne (tjenesteområde eller investeringsområde)', en: 'From the first column (service area or investment area)' },
  baselineLedgerDrift: { nb: 'Driftsrammer', en: 'Operating frames' },
  baselineLedgerInvestment: { nb: 'Investeringsrammer', en: 'Capital frames' },
  baselineDriftHeading: { nb: 'Driftsrammer per tjenesteområde', en: 'Operating frames per service area' },
  baselineInvestmentHeading: { nb: 'Investeringsrammer per investeringsområde', en: 'Capital frames per investment area' },
  baselineInvestmentEmpty: { nb: 'Ingen investeringsrammer er importert.', en: 'No capital frames imported.' },
  borrowingHeading: { nb: 'Låneopptak {year} (mill. kr)', en: 'Borrowing {year} (million NOK)' },
  borrowingProposed: { nb: 'Kommunedirektørens forslag', en: 'Chief executive’s proposal' },
  borrowingChange: { nb: 'Endring i låneopptak (pakken)', en: 'Change in borrowing (package)' },
  borrowingTotal: { nb: 'Lån til investeringer, inntil', en: 'Borrowing for investments, up to' },
  borrowingMissing: { nb: 'Skriv kommunedirektørens forslag til låneopptak under Innstillinger, så regnes vedtakspunktet om lån ut.', en: 'Enter the chief executive’s proposed borrowing under Settings to compute the borrowing point of the decision.' },
  borrowingUnknown: { nb: 'Investering {year} har uleselige beløp, så lånebeløpet er ukjent.', en: 'Capital {year} holds unreadable amounts, so the borrowing is unknown.' },
  // Import / export
  importHeading: { nb: 'Importer linjer fra CSV eller Excel', en: 'Import lines from CSV or Excel' },
  importIntro: { nb: 'Kolonner: seksjon; type; gruppe; tittel; ett år per kolonne; valgfritt tjenesteområde, parti, status, beskrivelse. Du ser en forhåndsvisning før noe legges inn, og importen er alt eller ingenting.', en: 'Columns: section; ledger; group; title; one column per year; optional area, party, status, description. You see a preview before anything is added; the import is all or nothing.' },
  importFile: { nb: 'Fil (.csv eller .xlsx)', en: 'File (.csv or .xlsx)' },
  chooseFile: { nb: 'Velg fil', en: 'Choose file' },
  importButton: { nb: 'Importer', en: 'Import' },
  imported: { nb: 'Importerte {n} linjer.', en: 'Imported {n} lines.' },
  importError: { nb: 'Rad {row}, kolonne «{column}», verdi «{value}»: {message}', en: 'Row {row}, column “{column}”, value “{value}”: {message}' },
  importRejected: { nb: 'Importen ble avvist — ingenting er endret.', en: 'The import was rejected — nothing was changed.' },
  importWrongType: { nb: 'Velg en CSV-fil (.csv) eller en Excel-arbeidsbok (.xlsx).', en: 'Choose a CSV file (.csv) or an Excel workbook (.xlsx).' },
  fileTooLarge: { nb: 'Filen er for stor ({size}). Største tillatte størrelse er {max}.', en: 'The file is too large ({size}). The limit is {max}.' },
  uploading: { nb: 'Laster opp', en: 'Uploading' },
  sheet: { nb: 'Ark', en: 'Sheet' },
  cell: { nb: 'Celle', en: 'Cell' },
  previewHeading: { nb: 'Forhåndsvisning', en: 'Preview' },
  previewSummary: { nb: '{n} linjer blir lagt til. Ingenting er lagt inn ennå.', en: '{n} lines will be added. Nothing has been added yet.' },
  newSections: { nb: 'Nye seksjoner', en: 'New sections' },
  balanceAfterImport: { nb: 'Balanse etter importen', en: 'Balance after the import' },
  importConfirm: { nb: 'Importer {n} linjer', en: 'Import {n} lines' },
  row: { nb: 'Rad', en: 'Row' },
  column: { nb: 'Kolonne', en: 'Column' },
  value: { nb: 'Verdi', en: 'Value' },
  exportHeading: { nb: 'Eksporter', en: 'Export' },
  exportScopeAgreed: { nb: 'Bare det partiene er enige om (vedtaksteksten)', en: 'Only what the parties agreed (the decision text)' },
  exportScopeAll: { nb: 'Alt, med status for hver post', en: 'Everything, with each item’s status' },
  exportScope: { nb: 'Hva skal med', en: 'What to include' },
  exportCheckHeading: { nb: 'Sjekk før eksport', en: 'Check before export' },
  checkBalanceOk: { nb: 'Budsjettet er i balanse.', en: 'The budget balances.' },
  checkBalanceOkAgreed: { nb: 'Det partiene er enige om, går i balanse. (Balanselinjen øverst regner med alle linjer, også utkast.)', en: 'What the parties agreed balances. (The balance bar at the top counts every line, drafts too.)' },
  checkBalanceErrorsAgreed: { nb: '{n} feil i balansen for det partiene er enige om:', en: '{n} balance errors in what the parties agreed:' },
  checkBalanceErrors: { nb: '{n} feil i balansen:', en: '{n} balance errors:' },
  checkProse: { nb: 'På {n} steder nevner teksten et beløp som ikke står på linjen:', en: 'In {n} places the text names an amount the line does not have:' },
  checkProseOne: { nb: 'Ett sted nevner teksten et beløp som ikke står på linjen:', en: 'In one place the text names an amount the line does not have:' },
  countLines: { nb: '{n} linjer', en: '{n} lines' },
  countLineOne: { nb: '1 linje', en: '1 line' },
  countVerbal: { nb: '{n} verbale føringer', en: '{n} verbal instructions' },
  countVerbalOne: { nb: '1 verbal føring', en: '1 verbal instruction' },
  and: { nb: 'og', en: 'and' },
  exportUnbalancedNote: { nb: 'Budsjettet er ikke i balanse. Du kan likevel eksportere; tabellene viser da ubalansen.', en: 'The budget does not balance. You can still export; the tables then show the imbalance.' },
  amountsInMillions: { nb: 'Beløp i millioner kroner.', en: 'Amounts in million NOK.' },
  previewUnbalanced: { nb: 'Etter importen er budsjettet ikke i balanse i de røde årene (beløpet er tiltak minus inndekning).', en: 'After the import the budget does not balance in the red years (the amount is measures minus financing).' },
  checkProseOk: { nb: 'Beløpene i teksten stemmer med tallene.', en: 'The amounts in the text match the figures.' },
  checkAllAgreed: { nb: 'Alle linjer og verbale føringer har status «Enighet».', en: 'All lines and verbal instructions are agreed.' },
  checkLeftOut: { nb: '{what} har ikke status «Enighet» og blir ikke med.', en: '{what}: not agreed, left out.' },
  checkWithStatus: { nb: '{what} har ikke status «Enighet»; de tas med og merkes med status.', en: '{what}: not agreed; included with their status.' },
  exportVersion: { nb: 'Versjonsnavn (bunntekst)', en: 'Version name (footer)' },
  exportVersionPlaceholder: { nb: 'F.eks. Endelig forslag', en: 'E.g. Final proposal' },
  exportDate: { nb: 'Dato (dd.mm.åååå)', en: 'Date (dd.mm.yyyy)' },
  exportDateInvalid: { nb: 'Skriv datoen som dd.mm.åååå, f.eks. 30.11.2026.', en: 'Write the date as dd.mm.yyyy, e.g. 30.11.2026.' },
  datePlaceholder: { nb: 'dd.mm.åååå', en: 'dd.mm.yyyy' },
  exportSealed: { nb: 'Den forseglede runden (sjekksum og partienes godkjenning)', en: 'The sealed round (checksum and each party’s acceptance)' },
  exportSealedHint: { nb: 'Eksporterer pakken slik den ble låst, med sjekksum.', en: 'Exports the package as it was locked, with its checksum.' },
  exportSealedNeedsLock: { nb: 'Forseglet eksport krever at pakken er låst (under Enighet).', en: 'A sealed export needs the package to be locked (under Agreement).' },
  exported: { nb: 'Lastet ned {file} ({size}).', en: 'Downloaded {file} ({size}).' },
  exportChecksum: { nb: 'Sjekksum', en: 'Checksum' },
  format_docx: { nb: 'Word (.docx)', en: 'Word (.docx)' },
  format_xlsx: { nb: 'Excel (.xlsx)', en: 'Excel (.xlsx)' },
  format_csv: { nb: 'CSV', en: 'CSV' },
  format_md: { nb: 'Markdown', en: 'Markdown' },
  format_html: { nb: 'HTML', en: 'HTML' },
  format_json: { nb: 'JSON', en: 'JSON' },
  packageFileImport: { nb: 'Importer pakkefil (.json)', en: 'Import package file (.json)' },
  packageFileIntro: { nb: 'En pakkefil som er eksportert som JSON fra Budsjettverkstedet, blir en ny pakke med all tekst og alle tall. Du blir eier.', en: 'A package file exported as JSON from the budget workshop becomes a new package with all its text and figures. You become its owner.' },
  checkEmpty: { nb: 'Pakken har ingen linjer ennå.', en: 'The package has no lines yet.' },
  packageFileImported: { nb: 'Pakken er importert.', en: 'The package was imported.' },
  // Members
  membersHeading: { nb: 'Medlemmer og invitasjoner', en: 'Members and invitations' },
  invite: { nb: 'Inviter', en: 'Invite' },
  role: { nb: 'Rolle', en: 'Role' },
  inviteLink: { nb: 'Invitasjonslenke til {email} (vises bare nå — send den selv):', en: 'Invitation link for {email} (shown only now — send it yourself):' },
  copy: { nb: 'Kopier', en: 'Copy' },
  copied: { nb: 'Kopiert', en: 'Copied' },
  remove: { nb: 'Fjern', en: 'Remove' },
  pendingInvite: { nb: 'Invitert', en: 'Invited' },
  awaitsActivation: {
    nb: '{email} er lagt til, men har ikke aktivert kontoen sin ennå. Medlemskapet gjelder når personen har aktivert kontoen med sin egen invitasjonslenke.',
    en: '{email} was added but has not activated their account yet. The membership takes effect once they activate it with their own invitation link.',
  },
  newInviteLink: { nb: 'Ny lenke', en: 'New link' },
  active: { nb: 'Aktiv', en: 'Active' },
  cancel: { nb: 'Avbryt', en: 'Cancel' },
  // Text editors (client/editor), presence, sync status and comments (client/comments)
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
  storageDelayed: { nb: 'Lagring forsinket — endringene venter på databasen', en: 'Saving delayed — your changes are waiting for the database' },
  storageSaved: { nb: 'Lagret', en: 'Saved' },
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
  boldGlyph: { nb: 'F', en: 'B' },
  italicGlyph: { nb: 'K', en: 'I' },
  presenceTitleCell: { nb: 'tittel', en: 'title' },
  presenceTextLine: { nb: 'begrunnelsen for «{title}»', en: 'the rationale of “{title}”' },
  presenceTextVerbal: { nb: 'verbalforslaget «{title}»', en: 'the verbal instruction “{title}”' },
  presenceTextSection: { nb: 'innledningen til «{title}»', en: 'the introduction to “{title}”' },
  // Transfers and the connection
  uploadNetworkError: { nb: 'Nettverksfeil: filen kom ikke fram til serveren.', en: 'Network error: the file did not reach the server.' },
  uploadTooLarge: { nb: 'Filen er for stor. Største tillatte størrelse er {max}.', en: 'The file is too large. The limit is {max}.' },
  baselinePastePlaceholder: { nb: 'tjenesteområde;2024;2025\nBarnehage;1773;1794', en: 'service area;2024;2025\nKindergartens;1773;1794' },
  packageTitlePlaceholder: { nb: 'Budsjettforslag 2027 fra samarbeidspartiene', en: 'Budget proposal 2027 from the coalition parties' },
  // Conflicts on amount cells (client/conflicts)
  tabConflicts: { nb: 'Konflikter', en: 'Conflicts' },
  tabConflictsCount: { nb: 'Konflikter ({n})', en: 'Conflicts ({n})' },
  conflictTitle: { nb: 'Konflikt: «{line}», {year}', en: 'Conflict: “{line}”, {year}' },
  conflictOtherLine: { nb: '{name} skrev {value}{when}.', en: '{name} wrote {value}{when}.' },
  conflictWrittenLine: { nb: '{name} skrev {value}{when} uten å ha sett det.', en: '{name} wrote {value}{when} without having seen it.' },
  conflictNowShows: { nb: 'Cellen viser nå {value}.', en: 'The cell now shows {value}.' },
  conflictPutBack: { nb: 'Sett tilbake {value}', en: 'Put back {value}' },
  conflictKeep: { nb: 'Behold {value}', en: 'Keep {value}' },
  conflictGoTo: { nb: 'Gå til cellen', en: 'Go to the cell' },
  conflictClose: { nb: 'Lukk varselet', en: 'Close the notice' },
  conflictsEmpty: { nb: 'Ingen uløste konflikter.', en: 'No unresolved conflicts.' },
  conflictsIntro: {
    nb: 'To verdier i samme celle der den ene ble skrevet uten at den som skrev, hadde sett den andre. De står her, for alle i pakken, til noen avviser dem eller setter en verdi tilbake.',
    en: 'Two values in one cell where one was written without its writer having seen the other. They stay here, for everyone in the package, until someone dismisses them or puts a value back.',
  },
  conflictsNotices: { nb: 'Konfliktvarsler', en: 'Conflict notices' },
  conflictEmptyValue: { nb: 'tom celle', en: 'an empty cell' },
  conflictTypedValue: { nb: '«{text}» (ugyldig)', en: '“{text}” (invalid)' },
  conflictAt: { nb: ' kl. {time}', en: ' at {time}' },
  conflictAtDate: { nb: ' {date} kl. {time}', en: ' on {date} at {time}' },
  unknownPerson: { nb: 'Noen', en: 'Someone' },
  cellChangedWhileEditing: { nb: '{name} endret cellen til {value}. Enter beholder din, Esc tar deres.', en: '{name} changed the cell to {value}. Enter keeps yours, Esc takes theirs.' },
  cellChangedSomeone: { nb: 'Noen andre', en: 'Someone else' },
  ...agreementMessages,
} satisfies Record<string, Record<Lang, string>>;

export type MessageId = keyof typeof messages;

const LANG_STORAGE_KEY = 'budsjett.lang';
let current: Lang = readStoredLang();
const listeners = new Set<() => void>();

function readStoredLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(LANG_STORAGE_KEY) === 'en' ? 'en' : 'nb';
  } catch {
    return 'nb';
  }
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(LANG_STORAGE_KEY, lang);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang === 'nb' ? 'nb' : 'en';
  for (const l of listeners) l();
}

export function onLangChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Translates `id` in `lang`, filling `{name}` placeholders. Unknown placeholders stay visible. */
export function translate(lang: Lang, id: MessageId, vars?: Record<string, string | number>): string {
  const text: string = messages[id][lang];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export type TFunction = (id: MessageId, vars?: Record<string, string | number>) => string;

/** The translate function for the current language; re-renders when it changes. */
export function useT(): TFunction {
  const lang = useSyncExternalStore(onLangChange, getLang, getLang);
  // One function per language, so components may list `t` as a hook dependency.
  return useCallback<TFunction>((id, vars) => translate(lang, id, vars), [lang]);
}

/** The current language (re-renders on change). */
export function useLang(): Lang {
  return useSyncExternalStore(onLangChange, getLang, getLang);
}

/** The glossary's explanation of a ledger or group, for a heading's tooltip. */
export function termExplanation(lang: Lang, kind: 'Ledger' | 'Group', id: string): string | undefined {
  const e = entryForCode(kind, id);
  return lang === 'nb' ? (e?.explanationNb ?? e?.explanation) : e?.explanation;
}
