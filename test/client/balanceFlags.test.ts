/**
 * What the balance shows per ledger and year (bar, chart, import preview,
 * package list), from real engine reports: an unreadable cell is «unknown»,
 * never ✓; investering's net is borrowing, never «not balanced»; and the one
 * date format of the app.
 */
import { describe, expect, it } from 'vitest';
import { computeBalance } from '../../shared/balance';
import { STATUS_LABELS } from '../../shared/status';
import { STATUSES, type PackageLine } from '../../shared/types';
import { formatDate, formatDateTime, isoFromNorwegianDate, norwegianFromIsoDate } from '../../client/app/format';
import { borrowingLabel, flagStateOf, listBalanceOf } from '../../client/balance/flags';
import { translate } from '../../client/i18n';

const YEARS = ['2023', '2024', '2025'];
const line = (id: string, ledger: PackageLine['ledger'], group: PackageLine['group'], amounts: Record<string, string>, invalid?: Record<string, string>): PackageLine => ({
  id,
  ledger,
  group,
  title: id,
  amounts,
  ...(invalid ? { invalid } : {}),
});
const report = (lines: PackageLine[], fundOpeningBalance?: string) => computeBalance({ years: YEARS, planYears: YEARS, lines, ...(fundOpeningBalance ? { fundOpeningBalance } : {}) });
const t = (id: Parameters<typeof translate>[1], vars?: Record<string, string | number>) => translate('nb', id, vars);

describe('flagStateOf', () => {
  const balanced = [line('t', 'drift', 'tiltak', { '2023': '12.5' }), line('i', 'drift', 'inndekning', { '2023': '-12.5' })];

  it('says unknown, not ✓, for a year of an otherwise balanced ledger that holds «12,,5»', () => {
    expect(flagStateOf(report(balanced), 'drift', '2023')).toBe('ok');
    const r = report([...balanced, line('x', 'drift', 'tiltak', {}, { '2023': '12,,5' })]);
    expect(flagStateOf(r, 'drift', '2023')).toBe('unknown');
    expect(flagStateOf(r, 'drift', '2024')).toBe('ok');
  });

  it("shows investering's net as borrowing, in a state of its own, and unknown where it holds an unreadable amount", () => {
    const r = report([line('a', 'investering', 'tiltak', { '2023': '12.5', '2024': '3' }, { '2025': 'x' }), line('b', 'investering', 'inndekning', { '2024': '-3' })]);
    expect(YEARS.map((y) => flagStateOf(r, 'investering', y))).toEqual(['borrow', 'ok', 'unknown']);
    expect(borrowingLabel(t, r.ledgers.investering.borrowing['2023'] ?? 'x')).toBe('Lån +12,50');
  });

  it('keeps red for what breaks a rule: drift off zero, the fund below zero', () => {
    const r = report([line('d', 'drift', 'tiltak', { '2024': '1' }), line('f', 'fond', 'tiltak', { '2025': '9' })], '5');
    expect(flagStateOf(r, 'drift', '2024')).toBe('off');
    expect(flagStateOf(r, 'fond', '2025')).toBe('off');
    expect(flagStateOf(r, 'fond', '2024')).toBe('ok');
  });
});

describe('listBalanceOf (the package list)', () => {
  it('does not call a package unbalanced for its borrowing', () => {
    const r = report([line('a', 'investering', 'tiltak', { '2023': '40' })]);
    expect(r.ledgers.investering.balanced).toBe(true);
    expect(listBalanceOf(r)).toEqual({ state: 'ok' });
  });

  it('says unknown with the number of unreadable cells, before anything else', () => {
    const r = report([line('d', 'drift', 'tiltak', { '2024': '1' }, { '2023': 'x' }), line('i', 'investering', 'tiltak', {}, { '2024': 'y', '2025': 'z' })]);
    expect(listBalanceOf(r)).toEqual({ state: 'unknown', cells: 3 });
    expect(listBalanceOf(report([line('d', 'drift', 'tiltak', { '2024': '1' })]))).toEqual({ state: 'off' });
  });
});

describe('one date format and one status word', () => {
  it('shows every date as dd.mm.åååå, in both languages, and reads it back', () => {
    const d = new Date(2026, 10, 30, 9, 5);
    expect(formatDate(d)).toBe('30.11.2026');
    expect(formatDateTime(d)).toBe('30.11.2026 09:05');
    expect(formatDate('not a date')).toBeNull();
    expect(isoFromNorwegianDate('30.11.2026')).toBe('2026-11-30');
    expect(isoFromNorwegianDate('1.2.2026')).toBe('2026-02-01');
    expect(isoFromNorwegianDate('31.02.2026')).toBeNull();
    expect(isoFromNorwegianDate('11/30/2026')).toBeNull();
    expect(norwegianFromIsoDate('2026-11-30')).toBe('30.11.2026');
  });

  it("uses the exports' word for each status in the app", () => {
    for (const s of STATUSES) expect(translate('nb', `status_${s}`)).toBe(STATUS_LABELS[s]);
    expect(STATUS_LABELS.rejected).toBe('Forkastet');
  });
});
