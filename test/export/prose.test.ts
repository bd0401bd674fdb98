import { describe, expect, it } from 'vitest';
import { checkProseFigures, findProseFigures, type ProseItem } from '../../shared/prose';
import { preExportCheck } from '../../shared/export/model';
import { seedPackage } from './fixture';

const Y = ['2023', '2024', '2025', '2026'];
/** Amounts 2023..2026 (null = blank). */
function item(id: string, values: (number | null)[], text: string, title?: string): ProseItem {
  const amounts: Record<string, string> = {};
  values.forEach((v, i) => {
    if (v !== null) amounts[Y[i] ?? ''] = String(v);
  });
  return title === undefined ? { id, amounts, text } : { id, amounts, text, title };
}
const mismatches = (i: ProseItem) => checkProseFigures([i]).map((w) => w.message);

describe('findProseFigures', () => {
  it('reads the ways amounts are written in the 2023 package, in million NOK, with their years', () => {
    const f = (t: string) => findProseFigures(t).map((x) => [x.value, x.scope.kind, 'years' in x.scope ? x.scope.years.join('+') : 'from' in x.scope ? (x.scope.from ?? '') : '']);
    expect(f('Klimamidler økes med ytterligere 8 millioner kroner per år')).toEqual([['8', 'perYear', '']]);
    expect(f('Tilskuddet til Matsentralen økes med 300 000 kroner per år')).toEqual([['0.3', 'perYear', '']]);
    expect(f('De rødgrønne bevilger 1,5 mill. til forprosjektet')).toEqual([['1.5', 'plain', '']]);
    expect(f('styrkes derfor med 2 millioner i 2023 og 8 millioner i 2024.')).toEqual([['2', 'years', '2023'], ['8', 'years', '2024']]);
    expect(f('De rødgrønne setter av 10 millioner kroner per år til teknisk oppgradering')).toEqual([['10', 'perYear', '']]);
    expect(f('Det settes av kr 500 000 til innkjøp')).toEqual([['0.5', 'plain', '']]);
    expect(f('et tilskudd på 0,5 mill kr')).toEqual([['0.5', 'plain', '']]);
    expect(f('med 10 millioner kroner både i 2023 og 2024')).toEqual([['10', 'years', '2023+2024']]);
    expect(f('Det settes av 2 millioner kroner per år fra 2023')).toEqual([['2', 'perYear', '2023']]);
    expect(f('halvårsvirkning i 2023 og to millioner fra 2024')).toEqual([['2', 'from', '2024']]);
    expect(f('Buffer fotballhall Granåsen 50 millioner i planperioden')).toEqual([['50', 'total', '']]);
    expect(f('Kompensasjon for koronautgifter 190 millioner totalt')).toEqual([['190', 'total', '']]);
    expect(f('Det settes av 100 millioner kroner gjennom perioden')).toEqual([['100', 'total', '']]);
    expect(f('Gratis SFO 3.-4. trinn Lilleby og Huseby 4,4-1,2 millioner')).toEqual([['4.4', 'plain', ''], ['1.2', 'plain', '']]);
    expect(f('Lån til investeringer på inntil 2 401 millioner kroner')).toEqual([['2401', 'plain', '']]);
    expect(f('økes med 0,1 millioner årlig')).toEqual([['0.1', 'perYear', '']]);
    expect(f('en ramme på 1,2 milliarder kroner')).toEqual([['1200', 'plain', '']]);
    expect(f('Det rødgrønne reduserer investeringer fra 10 til 3 millioner i dette prosjektet.')).toEqual([['7', 'plain', '']]);
    expect(f('foreløpig priskalkyle ligger mellom 242 og 267 millioner kroner')).toEqual([['242', 'plain', ''], ['267', 'plain', '']]);
    // «og» only pairs numbers after «mellom»: a year before «og» is never a figure.
    expect(f('i 2023 og 8 millioner i 2024')).toEqual([['8', 'years', '2024']]);
  });

  it('ignores numbers without a money unit: years, percentages, dates, ordinals, counts and per-unit rates', () => {
    expect(findProseFigures('30 % reduksjon av de direkte klimagassutslippene i 2023 sammenliknet med 2009.')).toEqual([]);
    expect(findProseFigures('lovfestet tilbud fra 1.7.2022, sak 172/21, 3.-4. trinn, 20 nye plasser, ca 4000 elever, 730 flyktninger')).toEqual([]);
    expect(findProseFigures('hver husstand får 670 kroner ekstra pr mnd, og 100 kroner pr mnd pr mottaker')).toEqual([]);
    expect(findProseFigures('Tiltaket gir 40000 studenter et tilbud; ytterligere ett årsverk')).toEqual([]);
  });
});

describe('checkProseFigures on items of the 2023 package', () => {
  it('accepts prose that agrees with the line', () => {
    const agreeing = [
      item('klima', [8, 8, 8, 8], 'Klimamidler økes med ytterligere 8 millioner kroner per år med sikte på videre klimamål for 2025 og 2030.'),
      item('pp', [2, 8, null, null], 'PP-tjenestens styrkes derfor med 2 millioner i 2023 og 8 millioner i 2024.'),
      item('mat', [0.3, 0.3, 0.3, 0.3], 'Tilskuddet til Matsentralen økes med 300 000 kroner per år.'),
      item('skolebygg', [10, 10, 10, 10], 'De rødgrønne setter av 10 millioner kroner per år til teknisk oppgradering av skolebygg.', 'Teknisk oppgradering av skolebygg 40 millioner i planperioden'),
      item('nav', [10, 10, null, null], 'øker vi bemannninga med 10 millioner kroner både i 2023 og 2024.'),
      item('barnetillegg', [12, 12, 12, 12], 'De rødgrønne øker budsjettet til utbetaling av sosialhjelp med 12 millioner fra 2023.'),
      item('bolig', [1, 2, 2, 2], 'med halvårsvirkning i 2023 og to millioner fra 2024.', 'Prosjekt for sosial boligpolitikk 1-2 millioner'),
      item('innkjop', [-4, -8, -8, -8], 'De rødgrønne kutter i innkjøpsbudsjett med 4 millioner i 2023 økende til 8 millioner i 2024.', 'Kjøp av varer og tjenester 28 millioner totalt'),
      item('ishall', [null, null, 3, 3], 'Det settes av 3 millioner kroner i 2025 og 3 millioner i 2026 til forprosjekt ny ishall på Tiller.'),
      item('bibliotek', [0.5, null, null, null], 'Det settes av 500 000 kroner i 2023 til innkjøp for å styrke bydelsbibliotekene.'),
      item('grunnbemanning', [5, 10, 10, 10], 'De rødgrønne bevilger 10 millioner kroner til styrket grunnbemanning, med halvårseffekt fra første år.'),
      item('ridder', [-7, null, null, null], 'Det rødgrønne reduserer investeringer fra 10 til 3 millioner i dette prosjektet.'),
      item('sfo', [4.4, 1.2, null, null], 'Innføring av gratis SFO er en viktig del av arbeidet med områdeløft.', 'Gratis SFO 3.-4. trinn Lilleby og Huseby 4,4-1,2 millioner'),
    ];
    expect(checkProseFigures(agreeing)).toEqual([]);
  });

  it('flags figures that contradict the line, naming the figure, with lineId and severity warning', () => {
    // Juba Juba: printed as 0,15 while the text says 250 000 kroner.
    const juba = checkProseFigures([item('juba', [0.15, 0.15, 0.15, 0.15], 'vi foreslår med dette budsjettet å øke Trondheim kommunes tilskudd til Juba Juba med 250 000 kroner.')]);
    expect(juba).toHaveLength(1);
    expect(juba[0]).toMatchObject({ code: 'prose-figure-mismatch', severity: 'warning', lineId: 'juba' });
    expect(juba[0]?.message).toContain('«250 000 kroner»');
    expect(juba[0]?.message).toContain('0,25 mill. kr');

    // A per-year figure must hold in every year: 10 per year against 5 in 2023.
    expect(mismatches(item('sb', [5, 10, 10, 10], 'De rødgrønne setter av 10 millioner kroner per år til teknisk oppgradering av skolebygg.'))).toEqual([
      'Teksten sier «10 millioner kroner per år» (10 mill. kr), men linjen har 5 i 2023.',
    ]);
    // A year-bound figure must equal that year: the amounts were swapped.
    expect(mismatches(item('pp', [8, 2, null, null], 'styrkes derfor med 2 millioner i 2023 og 8 millioner i 2024.'))).toHaveLength(2);
    // A total must equal the sum.
    expect(mismatches(item('korona', [-100, -40, -25, -20], 'For Trondheim utgjør dette minst 190 millioner.', 'Kompensasjon for koronautgifter 190 millioner totalt'))).toEqual([
      'Teksten sier «190 millioner totalt» (190 mill. kr), men summen på linjen er 185.',
    ]);
    // Forskning: 0,25-0,5 in the title; the prose says 1 million over three years. With a third
    // year of 0,25 the sum is 1 (consistent); with only two years it is 0,75 (contradiction).
    expect(mismatches(item('forskning', [0.25, 0.5, 0.25, null], 'finansiert med 1 million kroner hver fordelt over tre år.'))).toEqual([]);
    expect(mismatches(item('forskning', [0.25, 0.5, null, null], 'finansiert med 1 million kroner hver fordelt over tre år.'))).toHaveLength(1);
    // "fra 2024" must hold from 2024 on.
    expect(mismatches(item('rask', [null, 2.9, 2.9, 1.9], 'Rask psykisk helsehjelp 2,9 millioner fra 2024'))).toHaveLength(1);
    // A figure with no amount on the line at all.
    expect(mismatches(item('tom', [null, null, null, null], 'Det settes av 2 millioner.'))[0]).toContain('ingen beløp');
  });

  it('is part of the pre-export check, with balance findings and the count of items not agreed', () => {
    const pkg = seedPackage({ notAgreed: ['Matsentralen', 'Leksehjelp'] });
    const check = preExportCheck(pkg);
    const codes = check.warnings.map((w) => w.code);
    // The fixture keeps the real package's Juba Juba contradiction.
    const juba = pkg.lines.find((l) => l.title === 'Juba Juba');
    expect(check.warnings.filter((w) => w.code === 'prose-figure-mismatch').map((w) => w.lineId)).toContain(juba?.id);
    // Leaving out Matsentralen (0,3 a year) breaks the drift balance of the export: an error.
    expect(codes).toContain('drift-unbalanced');
    expect(check.ok).toBe(false);
    expect(check.notAgreed).toEqual({ lines: 1, verbal: 1 });
    expect(check.warnings.find((w) => w.code === 'not-agreed')?.message).toBe('1 linje og 1 verbal føring er ikke enighet om og kommer ikke med i eksporten.');
    const all = preExportCheck(seedPackage());
    expect(all.ok).toBe(true);
    expect(all.warnings.some((w) => w.code === 'not-agreed')).toBe(false);
  });
});
