import * as Y from 'yjs';
import { createLineInDoc, createSectionInDoc, createVerbalInDoc, writeMetaToDoc } from '../../shared/doc/schema';
import { richTextFromPlain, type RichBlock } from '../../shared/doc/richtext';
import { readRichPackageFromDoc, type RichPackage } from '../../shared/doc/richPackage';
import type { Group, Ledger, Status } from '../../shared/types';

/**
 * A realistic package built with the schema helpers from figures and prose of
 * the real 2023 amendment package (the red-green 2023 package),
 * rounded out so that drift and investering balance in every plan year.
 * Options make some items not agreed, to test the export scope.
 */
export interface SeedOptions {
  /** Ids (titles) of lines and verbal instructions that get status `proposed` instead of `agreed`. */
  notAgreed?: string[];
}

const P = (text: string): RichBlock => ({ type: 'paragraph', runs: [{ text }] });

type L = [title: string, ledger: Ledger, group: Group, amounts: (number | null)[], rationale: RichBlock[]];

const YEARS = ['2022', '2023', '2024', '2025', '2026'];

function amountsOf(values: (number | null)[]): Record<string, string> {
  const out: Record<string, string> = {};
  values.forEach((v, i) => {
    const y = YEARS[i];
    if (v !== null && y) out[y] = String(v);
  });
  return out;
}

/** The content: section → lines, verbal instructions. Amounts are 2022..2026. */
const SECTIONS: { title: string; intro: RichBlock[]; lines: L[]; verbal: { title: string; text: RichBlock[] }[] }[] = [
  {
    title: 'Klima og byutvikling',
    intro: [
      P('Trondheim skal bli en klimanøytral by. Et delmål på veien er 30 % reduksjon av de direkte klimagassutslippene i 2023 sammenliknet med 2009.'),
      { type: 'paragraph', runs: [{ text: 'Omtrent en femtedel av klimagassutslippene kommer fra ' }, { text: 'anleggsmaskiner', italic: true }, { text: ' og annet som bruker avgiftsfri diesel.' }] },
    ],
    lines: [
      ['Forsterka innsats for videre klimamål', 'drift', 'tiltak', [null, 8, 8, 8, 8], [
        { type: 'paragraph', runs: [{ text: 'Klimamidler økes med ytterligere ' }, { text: '8 millioner kroner per år', bold: true }, { text: ' med sikte på videre klimamål for 2025 og 2030.' }] },
      ]],
      ['Miljøtiltak i bydelene', 'drift', 'tiltak', [null, 5, null, null, null], [
        P('De rødgrønne forlenger arbeidet med økt byliv gjennom 2023. Samtidig utvides arbeidet til å omfatte miljøtiltak også i bydelene utenfor midtbyen.'),
      ]],
      ['Utslippsfrie bygg- og anleggsplasser', 'investering', 'tiltak', [null, 10, 20, 20, 20], [
        P('De rødgrønne partiene ber om at det i økende grad stilles krav om utslippsfri drift av bygge- og anleggsplasser og setter av 70 millioner i planperioden til dette.'),
      ]],
      ['Energieffektivisering i bygningsmassen', 'investering', 'tiltak', [null, 10, 12, 12, 12], [
        P('Eiendomstjenestene tilføres midler for å redusere energiforbruk gjennom:'),
        { type: 'list', ordered: false, items: [[{ text: 'god styring og overvåkning' }], [{ text: 'solceller og varmepumper' }], [{ text: 'ny teknologi' }]] },
      ]],
    ],
    verbal: [
      { title: 'Mer plantebasert kosthold', text: [P('Kommunedirektøren bes legge til rette for et mer klimavennlig kosthold i kommunale kantiner og kjøkken i tråd med offisielle kostholdsråd.')] },
      {
        title: 'Solceller',
        text: [
          {
            type: 'paragraph',
            runs: [
              { text: 'Bystyret behandlet i 2021 sak 172/21 (' },
              { text: 'saksframlegget', link: 'https://www.trondheim.kommune.no/' },
              { text: '). De rødgrønne ber kommunedirektøren levere en sak som viser ulike samarbeidsformer knyttet til solcelleanlegg på kommunale tak.' },
            ],
          },
        ],
      },
    ],
  },
  {
    title: 'Oppvekst',
    intro: [P('Vi styrker grunnbemanningen i skolene, slik at man både kan ansette flere pedagoger og andre yrkesgrupper med sosialfaglig bakgrunn.')],
    lines: [
      ['Fagfornyelsen', 'drift', 'tiltak', [null, 75, null, null, null], [
        P('De rødgrønne bruker 75 millioner kroner til å videreføre satsingen på nye læremidler i Trondheimsskolen.'),
      ]],
      ['PP-tjenesten', 'drift', 'tiltak', [null, 2, 8, null, null], [
        P('PP-tjenesten styrkes med 2 millioner i 2023 og 8 millioner i 2024.'),
      ]],
      ['Grunnbemanning skole', 'drift', 'tiltak', [null, 5, 10, 10, 10], [
        P('De rødgrønne bevilger 10 millioner kroner til styrket grunnbemanning, med halvårseffekt fra første år.'),
      ]],
      ['Teknisk oppgradering av skolebygg', 'investering', 'tiltak', [null, 10, 10, 10, 10], [
        P('De rødgrønne setter av 10 millioner kroner per år til teknisk oppgradering av skolebygg.'),
      ]],
      ['Ny Ringve skole', 'investering', 'tiltak', [null, 5, 20, 20, 20], [P('Midler til å starte ombygging av Ringve skole for å sikre skolekapasiteten på Lade.')]],
    ],
    verbal: [
      { title: 'Leksehjelp', text: [P('De rødgrønne ber kommunedirektøren komme med en sak som ser på erfaringer med leksehjelp fra ulike skoler i Trondheim.')] },
    ],
  },
  {
    title: 'Helse og eldre',
    intro: [P('Trondheim skal være en god by å bli gammel i.')],
    lines: [
      ['Eldreplanen – opptrapping av grunnbemanning', 'drift', 'tiltak', [null, 20, 20, 20, 20], [
        P('De rødgrønne styrker grunnbemanningen med 20 millioner, i tråd med eldreplanens opptrappingsplan.'),
      ]],
    ],
    verbal: [
      { title: 'Helsestasjon for eldre', text: [P('Kommunedirektøren bes vurdere å etablere en helsestasjon for eldre og komme tilbake med en politisk sak.')] },
    ],
  },
  {
    title: 'Arbeid og sosial',
    intro: [P('I møte med dyrtid og økende fattigdom er det viktig å sikre økonomien til de mest sårbare.')],
    lines: [
      ['Matsentralen', 'drift', 'tiltak', [null, 0.3, 0.3, 0.3, 0.3], [P('Tilskuddet til Matsentralen økes med 300 000 kroner per år.')]],
      ['Mer bemanning i NAV i dyrtid', 'drift', 'tiltak', [null, 10, 10, null, null], [P('Vi øker bemanningen med 10 millioner kroner både i 2023 og 2024.')]],
      ['Barnetillegg for samtlige barn i familier som lever på sosialhjelp', 'drift', 'tiltak', [null, 12, 12, 12, 12], [
        P('De rødgrønne øker budsjettet til utbetaling av sosialhjelp med 12 millioner fra 2023.'),
      ]],
    ],
    verbal: [],
  },
  {
    title: 'Bolig',
    intro: [P('Boligmarkedet er en driver til økonomisk ulikhet i Norge.')],
    lines: [
      ['Prosjekt for sosial boligpolitikk', 'drift', 'tiltak', [null, 1, 2, 2, 2], [P('Prosjektet får halvårsvirkning i 2023 og to millioner fra 2024.')]],
    ],
    verbal: [
      {
        title: 'Sosial boligpolitikk',
        text: [
          P('De rødgrønne vedtar følgende:'),
          {
            type: 'list',
            ordered: true,
            items: [
              [{ text: 'Køen på egnede familieboliger avvikles i løpet av 2023.' }],
              [{ text: 'Omgjøre eksisterende eiendommer fra små leiligheter til større familieleiligheter.' }],
              [{ text: 'Grunnlag for salg til stiftelser presenteres i en sak 1. tertial 2023.' }],
            ],
          },
        ],
      },
    ],
  },
  {
    title: 'Kultur, idrett og friluftsliv',
    intro: [P('Kultur og idrett skaper aktivitet, mestring og bedre folkehelse for innbyggere i alle aldre.')],
    lines: [
      ['Økte spillemidler', 'drift', 'tiltak', [null, 10, 10, null, null], [P('Det settes av 10 millioner ekstra til fordeling både i 2023 og 2024.')]],
      // The real package prints 0,15 here and writes 250 000 kroner in the text: a contradiction the check must find.
      ['Juba Juba', 'drift', 'tiltak', [null, 0.15, 0.15, 0.15, 0.15], [P('Vi foreslår med dette budsjettet å øke tilskuddet til Juba Juba med 250 000 kroner.')]],
      ['Bydelsbasseng Øst', 'investering', 'tiltak', [null, 5, 15, 40, 40], [P('Det settes av 100 millioner kroner gjennom perioden til å starte arbeidet med bydelsbasseng Øst.')]],
      ['Ishall Tiller idrettspark', 'investering', 'tiltak', [null, null, null, 3, 3], [P('Det settes av 3 millioner kroner i 2025 og 3 millioner i 2026 til forprosjekt ny ishall på Tiller.')]],
      ['Utredning Sluppenbølgen', 'fond', 'tiltak', [null, 2, null, null, null], [P('Forprosjekt finansiert fra disposisjonsfondet.')]],
    ],
    verbal: [],
  },
  {
    title: 'Inndekning',
    intro: [P('Tiltakene finansieres slik:')],
    lines: [
      ['Kompensasjon for koronautgifter', 'drift', 'inndekning', [null, -100, -40, -25, -25], [P('Regjeringen dekker kommunenes koronautgifter. For Trondheim utgjør dette minst 190 millioner.')]],
      ['Kjøp av varer og tjenester', 'drift', 'inndekning', [null, -4, -8, -8, -8], [P('De rødgrønne kutter i innkjøpsbudsjett med 4 millioner i 2023 økende til 8 millioner i 2024.')]],
      ['Helse- og velferdskontorene', 'drift', 'inndekning', [null, -3, -6, -6, -6], [P('Vi forventer en innsparing på 3 millioner, økende til 6 millioner.')]],
      ['Avsetning disposisjonsfond', 'drift', 'inndekning', [null, -41.45, -26.45, -13.45, -13.45], [P('Budsjetterte avsetninger disponeres til drift, til sammen 94,8 millioner i perioden.')]],
      ['Økt skatteinngang avsatt til disposisjonsfond', 'fond', 'inndekning', [-50, null, null, null, null], [P('Anslått til minst 50 millioner som avsettes på disposisjonsfondet i 2022.')]],
      ['Forutsatt tilskudd fra Husbanken', 'investering', 'inndekning', [null, null, null, -104, -104], [P('De rødgrønne forutsetter at tilskudd fra Husbanken gjeninnføres for fullt i 2025: 208 millioner totalt.')]],
      ['Ust gravplass', 'investering', 'inndekning', [null, -28, -28, -28, -28], [P('Investeringer til Ust tas ut til lokalisering er avklart.')]],
      ['Redusert investeringsbudsjett', 'investering', 'inndekning', [null, null, null, -35, -35], [P('Reduksjon for utvalgte prosjekter, 35 millioner i 2025 og 35 millioner i 2026.')]],
      ['Riddervolds gate', 'investering', 'inndekning', [null, -7, null, null, null], [P('Det rødgrønne reduserer investeringer fra 10 til 3 millioner i dette prosjektet.')]],
      ['Endring i låneopptak', 'investering', 'inndekning', [null, -5, -49, 62, 62], [P('Netto endring i låneopptak som følge av endringene over.')]],
    ],
    verbal: [],
  },
];

/** Builds the seed-based package in a fresh Y.Doc with the schema helpers. */
export function buildSeedDoc(opts: SeedOptions = {}): Y.Doc {
  const doc = new Y.Doc();
  const notAgreed = new Set(opts.notAgreed ?? []);
  const status = (title: string): Status => (notAgreed.has(title) ? 'proposed' : 'agreed');
  writeMetaToDoc(doc, {
    title: 'Budsjettforslag fra de rødgrønne partiene 2023–2026',
    years: YEARS,
    planYears: YEARS.slice(1),
    parties: [
      { id: 'ap', name: 'Arbeiderpartiet', color: '#e4202c' },
      { id: 'sv', name: 'SV', color: '#eb4040' },
      { id: 'sp', name: 'Senterpartiet', color: '#00843d' },
    ],
    fundOpeningBalance: '507',
    // The opening and the decision points as the settings hold them. The point's wording and the
    // chief executive's proposed borrowing are illustrative (the fixture has no source for them);
    // the borrowing point itself is computed from the proposal and the package's investment net.
    decisionPoints: [
      { number: '2.4.1', text: 'Formannskapet gis fullmakt til å fordele klimamidlene på 8 millioner kroner per år.' },
      { number: '', text: 'Kommunedirektøren bes legge fram en sak om sosial boligpolitikk i løpet av 1. tertial 2023.' },
    ],
    proposedBorrowing: '1403',
  });
  for (const s of SECTIONS) {
    const sectionId = createSectionInDoc(doc, s.title, s.intro);
    for (const [title, ledger, group, amounts, rationale] of s.lines) {
      createLineInDoc(doc, { ledger, group, title, amounts: amountsOf(amounts), section: sectionId, status: status(title), party: 'ap', rationale });
    }
    for (const v of s.verbal) createVerbalInDoc(doc, { title: v.title, section: sectionId, text: v.text, status: status(v.title) });
  }
  return doc;
}

/** The seed-based package as a RichPackage. */
export function seedPackage(opts: SeedOptions = {}): RichPackage {
  return readRichPackageFromDoc(buildSeedDoc(opts), 'seed-2023');
}

/** A plain-text paragraph list, for quick rich text in tests. */
export const plain = richTextFromPlain;
