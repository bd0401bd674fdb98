import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_INPUT_DECIMALS,
  MINUS_SIGN,
  Money,
  THOUSANDS_SEPARATOR,
  amountFromString,
  formatAmount,
  isCanonical,
  parseAmount,
  sumAmounts,
  toCanonical,
} from '../../shared/money';

const NBSP = '\u00A0';
const NNBSP = '\u202F';

function canon(text: string): string | null | { error: string } {
  const p = parseAmount(text);
  if (!p.ok) return { error: p.message };
  return p.value === null ? null : toCanonical(p.value);
}

describe('parseAmount accepts what people type and paste', () => {
  const cases: Array<[string, string]> = [
    ['1,5', '1.5'],
    ['1.5', '1.5'],
    ['1 500', '1500'],
    [`1${NBSP}500`, '1500'],
    [`1${NNBSP}500`, '1500'],
    ['1 500,25', '1500.25'],
    [`2${NBSP}401${NBSP}000,5`, '2401000.5'],
    ['-3', '-3'],
    ['−3', '-3'],
    ['– 3', '-3'],
    ['+2', '2'],
    ['3 mill', '3'],
    ['3 mill.', '3'],
    ['3 millioner', '3'],
    ['0,45 mill kr', '0.45'],
    ['0,45 mill. kr.', '0.45'],
    ['12 MNOK', '12'],
    ['12mnok', '12'],
    ['  −93,65  ', '-93.65'],
    ['1.234,5', '1234.5'],
    ['1,234.5', '1234.5'],
    ['1.234.567', '1234567'],
    ['1 500,-', '1500'],
    [',5', '0.5'],
    ['0,500', '0.5'],
    ['0.25', '0.25'],
    ['1,50', '1.5'],
    ['(3,5)', '-3.5'],
    ['-0', '0'],
    ['−0,00', '0'],
    ['007', '7'],
    ['1500,250', '1500.25'],
  ];
  it.each(cases)('%j → %s', (input, expected) => {
    expect(canon(input)).toBe(expected);
  });

  it('treats blank as no amount', () => {
    expect(parseAmount('')).toEqual({ ok: true, value: null });
    expect(parseAmount(`  ${NBSP}\t`)).toEqual({ ok: true, value: null });
  });
});

describe('parseAmount refuses everything else, keeping the text', () => {
  const bad: Array<[string, RegExp]> = [
    ['abc', /Forstår ikke/],
    ['1,2,3', /skilletegn/],
    ['1e400', /eksponent/],
    ['NaN', /Forstår ikke/],
    ['Infinity', /Forstår ikke/],
    ['12..5', /etter hverandre/],
    ['1,234', /tvetydig/],
    ['1.500', /tvetydig/],
    ['2,000', /tvetydig/],
    ['0,125', /desimaler/],
    ['1.255', /tvetydig/],
    ['1 234,567', /desimaler/],
    ['15 00', /Mellomrom/],
    ['300 000 kr', /millioner kroner/],
    ['5 kr', /millioner kroner/],
    ['-', /Mangler tall/],
    ['mill', /Forstår ikke/],
    ['(-3)', /parentes/],
    ['1 234.567,5', /tusenskille/],
    ['5,', /skilletegn til slutt/],
    ['1234567890123', /for stort/],
    ['3 %', /Forstår ikke/],
  ];
  it.each(bad)('%j', (input, message) => {
    const p = parseAmount(input);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.text).toBe(input);
      expect(p.message).toMatch(message);
    }
  });

  it('allows exactly MAX_INPUT_DECIMALS decimals', () => {
    expect(MAX_INPUT_DECIMALS).toBe(2);
    expect(canon('0,01')).toBe('0.01');
    expect(parseAmount('0,001').ok).toBe(false);
  });
});

describe('toCanonical', () => {
  it('has no exponent, no trailing zeros and never -0', () => {
    expect(toCanonical(new Money('-93.650'))).toBe('-93.65');
    expect(toCanonical(new Money('2401'))).toBe('2401');
    expect(toCanonical(new Money('-0'))).toBe('0');
    expect(toCanonical(new Money('1e21'))).toBe('1000000000000000000000');
    expect(toCanonical(new Money('0.0000001'))).toBe('0.0000001');
    expect(() => toCanonical(new Money(NaN))).toThrow(RangeError);
  });
  it('isCanonical recognises exactly that form', () => {
    for (const s of ['0', '-93.65', '2401', '0.5']) expect(isCanonical(s)).toBe(true);
    for (const s of ['-0', '1.50', '01', '1,5', '', '1e3', '.5']) expect(isCanonical(s)).toBe(false);
  });
});

describe('formatAmount', () => {
  it('formats the Norwegian way', () => {
    expect(formatAmount('-93.65')).toBe(`${MINUS_SIGN}93,65`);
    expect(formatAmount('2401')).toBe(`2${THOUSANDS_SEPARATOR}401`);
    expect(formatAmount('0.45')).toBe('0,45');
    expect(formatAmount(new Money('74.70'))).toBe('74,7');
    expect(formatAmount('-1234567.5')).toBe(`${MINUS_SIGN}1${NBSP}234${NBSP}567,5`);
    expect(formatAmount('0')).toBe('0');
    expect(formatAmount('-0')).toBe('0');
  });
  it('uses fixed decimals when asked, rounding half up, never −0', () => {
    expect(formatAmount('1.2', { decimals: 2 })).toBe('1,20');
    expect(formatAmount('2401', { decimals: 1 })).toBe(`2${NBSP}401,0`);
    expect(formatAmount('0.125', { decimals: 2 })).toBe('0,13');
    expect(formatAmount('-0.001', { decimals: 2 })).toBe('0,00');
    expect(formatAmount('3', { decimals: 0 })).toBe('3');
  });
  it('signs positive amounts when asked', () => {
    expect(formatAmount('1.2', { decimals: 2, signed: true })).toBe('+1,20');
    expect(formatAmount('-0.35', { signed: true })).toBe(`${MINUS_SIGN}0,35`);
    expect(formatAmount('0', { signed: true })).toBe('0');
  });
  it('returns a non-decimal string unchanged', () => {
    expect(formatAmount('abc')).toBe('abc');
  });
});

describe('helpers', () => {
  it('sumAmounts is exact where floats are not', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(toCanonical(sumAmounts(['0.1', '0.2']))).toBe('0.3');
    expect(toCanonical(sumAmounts(['74.7', '-74.7']))).toBe('0');
  });
  it('amountFromString reads canonical and typed forms', () => {
    expect(amountFromString('1.50')?.toFixed()).toBe('1.5');
    expect(amountFromString('1,5')?.toFixed()).toBe('1.5');
    expect(amountFromString('abc')).toBeNull();
    expect(amountFromString('-0')?.isNegative()).toBe(false);
  });
});

// Amounts with up to 12 integer digits and 2 decimals, as canonical strings.
const amountArb = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 999_999_999_999n }), fc.integer({ min: 0, max: 99 }))
  .map(([neg, int, cents]) => toCanonical(new Money(`${neg ? '-' : ''}${int}.${String(cents).padStart(2, '0')}`)));

describe('properties', () => {
  it('parse never throws on arbitrary strings, and errors keep the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[-−+( ]?[\d., \u00A0]{0,12}( mill| kr| mnok)?\)?$/)), (s) => {
        const p = parseAmount(s);
        if (!p.ok) {
          expect(p.text).toBe(s);
          expect(p.message.length).toBeGreaterThan(0);
        } else if (p.value !== null) {
          expect(p.value.isFinite()).toBe(true);
          expect(p.value.decimalPlaces()).toBeLessThanOrEqual(MAX_INPUT_DECIMALS);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('format∘parse round-trips (with and without fixed decimals)', () => {
    fc.assert(
      fc.property(amountArb, fc.constantFrom(undefined, 2), (a, decimals) => {
        const shown = formatAmount(a, decimals === undefined ? {} : { decimals });
        const back = parseAmount(shown);
        expect(back.ok).toBe(true);
        if (back.ok) expect(back.value && toCanonical(back.value)).toBe(a);
      }),
      { numRuns: 1000 },
    );
  });

  it('canonical∘parse is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(amountArb, fc.string()), (s) => {
        const p = parseAmount(s);
        if (p.ok && p.value !== null) {
          const c = toCanonical(p.value);
          expect(isCanonical(c)).toBe(true);
          const again = parseAmount(c);
          expect(again.ok && again.value && toCanonical(again.value)).toBe(c);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
