/**
 * The Norwegian budget words the product uses, with what they mean here, as
 * data: the UI shows the explanations of the ledgers and groups as tooltips on
 * their headings (`explanationNb`, or `explanation` in English), and the README
 * glossary says the same. Code identifiers stay English; these words are what
 * users see. Each `term` is the form shown in the UI (bokmål); `code` names
 * the identifier that stands for it in code, where there is one.
 */

/** One glossary entry. */
export interface GlossaryEntry {
  /** The Norwegian word as users see it. */
  term: string;
  /** Other spellings or forms users meet in documents. */
  aliases?: readonly string[];
  /** The English gloss. */
  english: string;
  /** What it means in this product, in English. */
  explanation: string;
  /** The same in bokmål, for the words the UI explains. */
  explanationNb?: string;
  /** The identifier in code (`Ledger`, `Group`, …), if any. */
  code?: string;
}

/** The glossary, grouped roughly from the institutions to the ledgers to the lines. */
export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    term: 'handlings- og økonomiplan',
    aliases: ['HØP'],
    english: 'action and economic plan',
    explanation: "The municipality's four-year economic plan together with next year's budget, proposed by the chief executive.",
  },
  {
    term: 'økonomiplan',
    english: 'economic plan',
    explanation: 'The four-year plan period (e.g. 2023–2026); every year of it must balance in drift.',
    code: 'planYears',
  },
  {
    term: 'årsbudsjett',
    english: 'annual budget',
    explanation: 'The first year of the plan, adopted as binding.',
  },
  {
    term: 'kommunedirektør',
    aliases: ['kommunedirektøren', 'rådmann'],
    english: 'chief executive (city manager)',
    explanation: 'Heads the administration and proposes the budget that the coalition amends.',
  },
  {
    term: 'bystyre',
    aliases: ['bystyret', 'kommunestyre'],
    english: 'city council',
    explanation: 'The elected council that adopts the budget and the economic plan.',
  },
  {
    term: 'formannskap',
    aliases: ['formannskapet'],
    english: 'executive committee',
    explanation: "The council's executive committee; prepares the budget decision for the council.",
  },
  {
    term: 'budsjettforslag',
    aliases: ['endringsforslag', 'alternativt budsjett'],
    english: 'budget amendment package',
    explanation: "The coalition's joint package of changes to the chief executive's proposal: lines with amounts, their financing and verbal instructions.",
    code: 'PlainPackage',
  },
  {
    term: 'drift',
    aliases: ['driftsbudsjett'],
    english: 'operating budget',
    explanation: 'Must balance, i.e. sum to exactly 0, in every year of the plan (kommuneloven §§ 14-4 and 14-10).',
    explanationNb: 'Driftsbudsjettet. Må gå i balanse, det vil si summere til nøyaktig 0, i hvert år av økonomiplanen (kommuneloven §§ 14-4 og 14-10).',
    code: "Ledger 'drift'",
  },
  {
    term: 'investering',
    aliases: ['investeringsbudsjett'],
    english: 'capital budget',
    explanation: "A year's net is the change in borrowing it implies; it is flagged until a financing line covers it.",
    explanationNb: 'Investeringsbudsjettet. Nettoen for et år er endringen i låneopptak det gir; året flagges til en finansieringslinje dekker den.',
    code: "Ledger 'investering'",
  },
  {
    term: 'disposisjonsfond',
    english: 'reserve fund (unrestricted)',
    explanation:
      'One-time money. Spending from it is positive, money put into it negative; it must not go below zero, and it must not pay for permanent costs.',
    explanationNb: 'Engangsmidler. Bruk av fondet er positivt, avsetning til fondet negativt; saldoen må ikke gå under null, og fondet skal ikke betale varige kostnader.',
    code: "Ledger 'fond'",
  },
  {
    term: 'tiltak',
    english: 'measure',
    explanation: 'What money is spent on or changed; usually a positive amount.',
    explanationNb: 'Det pengene brukes på eller endres for; vanligvis et positivt beløp.',
    code: "Group 'tiltak'",
  },
  {
    term: 'inndekning',
    english: 'financing (cover)',
    explanation: 'How measures are paid for: cuts, new income or use of the fund; usually a negative amount.',
    explanationNb: 'Hvordan tiltakene betales: kutt, nye inntekter eller bruk av fond; vanligvis et negativt beløp.',
    code: "Group 'inndekning'",
  },
  {
    term: 'i balanse',
    english: 'balanced',
    explanation: 'A ledger year whose measures and financing sum to exactly 0.',
    code: 'balanced',
  },
  {
    term: 'låneopptak',
    english: 'borrowing',
    explanation: 'New loans; an unfinanced investering year implies more of it.',
  },
  {
    term: 'engangsmidler',
    aliases: ['engangspenger'],
    english: 'one-time money',
    explanation: '"Engangspenger kan ikke finansiere varige driftsutgifter": one-time money must not pay for permanent costs.',
  },
  {
    term: 'varig',
    english: 'permanent',
    explanation: 'A cost that continues every year; such a cost financed from the reserve fund is a warning.',
    code: 'permanent',
  },
  {
    term: 'verbale føringer',
    aliases: ['verbalforslag', 'verbal føring'],
    english: 'verbal instructions',
    explanation: 'Instructions to the administration written as text, without amounts.',
    code: 'VerbalInstruction',
  },
  {
    term: 'tjenesteområde',
    english: 'service area',
    explanation: 'A service area of the baseline budget (Barnehage, Skole, …) that a line may change.',
    code: 'area',
  },
  {
    term: 'ramme',
    aliases: ['budsjettramme'],
    english: 'budget frame',
    explanation: "A service area's budget for a year.",
  },
  {
    term: 'seksjon',
    english: 'section (policy area)',
    explanation: 'A policy area of the package (Oppvekst, Helse og eldre, …) grouping lines and verbal instructions.',
    code: 'PackageSection',
  },
  {
    term: 'vedtak',
    english: 'decision',
    explanation: 'The formal decision text the council adopts; the export is laid out like it.',
  },
  {
    term: 'mill. kr',
    aliases: ['millioner kroner', 'MNOK'],
    english: 'million NOK',
    explanation: 'The unit of every amount: 0,25 is 250 000 kroner. Shown with decimal comma and space as thousands separator (−93,65, 2 401).',
  },
];

/** Finds an entry by term or alias, case-insensitively; undefined when the word is not in the glossary. */
export function lookupTerm(word: string): GlossaryEntry | undefined {
  const w = word.trim().toLocaleLowerCase('nb');
  return GLOSSARY.find((e) => e.term.toLocaleLowerCase('nb') === w || (e.aliases ?? []).some((a) => a.toLocaleLowerCase('nb') === w));
}

/** The entry of a ledger or group identifier (`'drift'`, `'fond'`, `'tiltak'`, …): its `code` is `Ledger 'drift'` and so on. */
export function entryForCode(kind: 'Ledger' | 'Group', id: string): GlossaryEntry | undefined {
  return GLOSSARY.find((e) => e.code === `${kind} '${id}'`);
}
