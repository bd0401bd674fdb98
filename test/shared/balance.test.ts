import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BalanceEngine, computeBalance } from '../../shared/balance';
import type { BalanceMeta } from '../../shared/balance';
import { parseAmount } from '../../shared/money';
import { GROUPS, LEDGERS, type BalanceInput, type PackageLine } from '../../shared/types';

const YEARS = ['2022', '2023', '2024', '2025', '2026'];
const PLAN = ['2023', '2024', '2025', '2026'];

function line(id: string, ledger: PackageLine['ledger'], group: PackageLine['group'], amounts: Record<string, string>, extra: Partial<PackageLine> = {}): PackageLine {
  return { id, ledger, group, title: `Linje ${id}`, amounts, ...extra };
}

/** Whether the engine would read a stored text that is not a plain decimal (`1,5` reads; `abc` does not). */
function parseAmountOk(text: string): boolean {
  const p = parseAmount(text);
  return p.ok && p.value !== null && p.value.decimalPlaces() <= 2;
}

function pkg(lines: PackageLine[], extra: Partial<BalanceInput> = {}): BalanceInput {
  return { years: YEARS, planYears: PLAN, lines, ...extra };
}

describe('computeBalance', () => {
  it('a hand-built package with a 0,35 gap in 2024 names that year and -0.35', () => {
    const r = computeBalance(
      pkg([
        line('a', 'drift', 'tiltak', { '2023': '74.7', '2024': '74.7', '2025': '10', '2026': '10' }),
        line('b', 'drift', 'inndekning', { '2023': '-74.7', '2024': '-75.05', '2025': '-10', '2026': '-10' }),
      ]),
    );
    expect(r.ledgers.drift.balanced).toBe(false);
    expect(r.ledgers.drift.unbalancedYears).toEqual(['2024']);
    expect(r.ledgers.drift.byYear['2024']).toEqual({ tiltak: '74.7', inndekning: '-75.05', net: '-0.35' });
    expect(r.ledgers.drift.byYear['2023']).toEqual({ tiltak: '74.7', inndekning: '-74.7', net: '0' });
    expect(r.ledgers.drift.total).toEqual({ tiltak: '169.4', inndekning: '-169.75', net: '-0.35' });
    expect(r.warnings).toEqual([
      { code: 'drift-unbalanced', severity: 'error', ledger: 'drift', year: '2024', message: 'Drift 2024 går ikke i balanse: \u22120,35' },
    ]);
  });

  it('has every year in every ledger, even with no lines, and matches the public JSON shape', () => {
    const r = computeBalance(pkg([]));
    for (const l of LEDGERS) {
      expect(Object.keys(r.ledgers[l].byYear)).toEqual(YEARS);
      for (const y of YEARS) expect(r.ledgers[l].byYear[y]).toEqual({ tiltak: '0', inndekning: '0', net: '0' });
      expect(r.ledgers[l].balanced).toBe(true);
      expect(r.ledgers[l].unbalancedYears).toEqual([]);
    }
    expect(r.ledgers.fond.runningBalance).toEqual({});
    expect(r).toEqual({
      years: YEARS,
      planYears: PLAN,
      ledgers: expect.any(Object),
      warnings: [],
    });
    // JSON round trip: no Decimal instances leak into the contract.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('sums exactly where floats would not', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line(`t${i}`, 'drift', 'tiltak', { '2023': '0.1' }));
    lines.push(line('i', 'drift', 'inndekning', { '2023': '-1' }));
    const r = computeBalance(pkg(lines));
    expect(r.ledgers.drift.byYear['2023']?.net).toBe('0');
    expect(r.ledgers.drift.unbalancedYears).toEqual([]);
  });

  it('judges drift only in plan years, with a signed Norwegian message', () => {
    const r = computeBalance(pkg([line('a', 'drift', 'tiltak', { '2022': '5', '2025': '1.2' })]));
    expect(r.ledgers.drift.unbalancedYears).toEqual(['2025']);
    expect(r.ledgers.drift.byYear['2022']?.net).toBe('5');
    expect(r.warnings.find((w) => w.code === 'drift-unbalanced')?.message).toBe('Drift 2025 går ikke i balanse: +1,20');
  });

  it("reports investering's net per year as the change in borrowing, which breaks no rule", () => {
    const r = computeBalance(
      pkg([
        line('a', 'investering', 'tiltak', { '2022': '3', '2024': '12.5' }),
        line('b', 'investering', 'inndekning', { '2024': '-12.5', '2025': '-2' }),
      ]),
    );
    expect(r.ledgers.investering.unbalancedYears).toEqual([]);
    expect(r.ledgers.investering.balanced).toBe(true);
    expect(r.ledgers.investering.borrowing).toEqual({ '2022': '3', '2023': '0', '2024': '0', '2025': '-2', '2026': '0' });
    const w = r.warnings.filter((x) => x.code === 'investering-borrowing');
    expect(w.map((x) => [x.year, x.severity])).toEqual([
      ['2022', 'info'],
      ['2025', 'info'],
    ]);
    expect(w[0]?.message).toBe('Investering 2022 finansieres med lån: +3,00 betyr økt låneopptak på 3,00.');
    expect(w[1]?.message).toContain('redusert låneopptak på 2,00');
    expect(r.warnings.some((x) => /ikke finansiert/.test(x.message))).toBe(false);
  });

  it('an unreadable cell makes its year unknown, not balanced: listed with its count, never as unbalanced', () => {
    const balanced = [
      line('t', 'drift', 'tiltak', { '2023': '12.5', '2024': '3' }),
      line('i', 'drift', 'inndekning', { '2023': '-12.5', '2024': '-3' }),
    ];
    expect(computeBalance(pkg(balanced)).ledgers.drift.balanced).toBe(true);
    // «12,,5» typed into 2023 of a line in that otherwise balancing year: kept as typed text, so 2023 is unknown.
    const typed = [line('x', 'drift', 'tiltak', {}, { invalid: { '2023': '12,,5' } }), ...balanced];
    const r = computeBalance(pkg(typed));
    expect(r.ledgers.drift.byYear['2023']?.net).toBe('0');
    expect(r.ledgers.drift.unknownYears).toEqual(['2023']);
    expect(r.ledgers.drift.unreadableCells).toEqual({ '2023': 1 });
    expect(r.ledgers.drift.unbalancedYears).toEqual([]);
    expect(r.ledgers.drift.balanced).toBe(false);
    expect(r.ledgers.investering.unknownYears).toEqual([]);
    expect(r.warnings.filter((w) => !w.lineId)).toEqual([
      { code: 'year-unknown', severity: 'error', ledger: 'drift', year: '2023', message: 'Drift 2023: ? — 1 uleselig beløp, så balansen for året er ukjent.' },
    ]);
    // A year that is off and unknown is only unknown: its readable sum says nothing about the balance.
    const off = computeBalance(pkg([line('y', 'drift', 'tiltak', { '2024': '1', '2025': 'x' }, { invalid: { '2024': 'mye' } }), line('z', 'drift', 'tiltak', { '2024': '?' })]));
    expect(off.ledgers.drift.unknownYears).toEqual(['2024', '2025']);
    expect(off.ledgers.drift.unreadableCells).toEqual({ '2024': 2, '2025': 1 });
    expect(off.ledgers.drift.unbalancedYears).toEqual([]);
    expect(off.warnings.some((w) => w.code === 'drift-unbalanced')).toBe(false);
    // Investering: unknown years have no borrowing figure.
    const inv = computeBalance(pkg([line('a', 'investering', 'tiltak', { '2023': '5', '2024': '5' }, { invalid: { '2024': '5 mill?' } })]));
    expect(inv.ledgers.investering.unknownYears).toEqual(['2024']);
    expect(inv.ledgers.investering.balanced).toBe(false);
    expect(inv.ledgers.investering.borrowing['2023']).toBe('5');
    expect(inv.ledgers.investering.borrowing['2024']).toBeUndefined();
  });

  it('an unreadable fund cell makes that year and every later year unknown when there is a running balance', () => {
    const lines = [line('dep', 'fond', 'inndekning', { '2022': '-10' }), line('use', 'fond', 'tiltak', { '2023': '1', '2024': '1' }, { invalid: { '2024': 'to' } })];
    const withOpening = computeBalance(pkg(lines, { fundOpeningBalance: '5' }));
    expect(withOpening.ledgers.fond.unknownYears).toEqual(['2024', '2025', '2026']);
    expect(withOpening.ledgers.fond.unreadableCells).toEqual({ '2024': 1 });
    expect(withOpening.ledgers.fond.runningBalance).toEqual({ '2022': '15', '2023': '14' });
    expect(withOpening.ledgers.fond.balanced).toBe(false);
    expect(withOpening.warnings.filter((w) => w.code === 'year-unknown').map((w) => w.message)).toEqual([
      'Disposisjonsfondet 2024: ? — 1 uleselig beløp, så balansen for året er ukjent.',
      'Disposisjonsfondet 2025: ? — saldoen er ukjent fordi 2024 har uleselige beløp.',
      'Disposisjonsfondet 2026: ? — saldoen er ukjent fordi 2024 har uleselige beløp.',
    ]);
    // Without an opening balance nothing carries over: only the year itself is unknown.
    const without = computeBalance(pkg(lines));
    expect(without.ledgers.fond.unknownYears).toEqual(['2024']);
    expect(without.ledgers.fond.runningBalance).toEqual({});
    // A year below zero after an unknown one is not claimed: the balance there is not known.
    const below = computeBalance(pkg([line('u', 'fond', 'tiltak', { '2025': '100' }, { invalid: { '2023': 'x' } })], { fundOpeningBalance: '5' }));
    expect(below.ledgers.fond.unbalancedYears).toEqual([]);
    expect(below.warnings.some((w) => w.code === 'fund-below-zero')).toBe(false);
  });

  it('keeps the fund running balance as opening − cumulative net and flags years below zero', () => {
    const r = computeBalance(
      pkg(
        [
          line('dep', 'fond', 'inndekning', { '2022': '-10' }),
          line('use', 'fond', 'tiltak', { '2023': '8', '2024': '8' }),
        ],
        { fundOpeningBalance: '5' },
      ),
    );
    expect(r.ledgers.fond.runningBalance).toEqual({ '2022': '15', '2023': '7', '2024': '-1', '2025': '-1', '2026': '-1' });
    expect(r.ledgers.fond.unbalancedYears).toEqual(['2024', '2025', '2026']);
    expect(r.ledgers.fond.balanced).toBe(false);
    const w = r.warnings.filter((x) => x.code === 'fund-below-zero');
    expect(w.map((x) => x.year)).toEqual(['2024', '2025', '2026']);
    expect(w[0]?.message).toBe('Disposisjonsfondet går under null i 2024: saldo \u22121,00.');
  });

  it('without an opening balance the fund is not judged', () => {
    const r = computeBalance(pkg([line('use', 'fond', 'tiltak', { '2023': '8' })]));
    expect(r.ledgers.fond.balanced).toBe(true);
    expect(r.ledgers.fond.runningBalance).toEqual({});
    expect(r.ledgers.fond.byYear['2023']?.net).toBe('8');
  });

  it('reports an unreadable opening balance instead of ignoring it silently', () => {
    const r = computeBalance(pkg([], { fundOpeningBalance: 'mye' }));
    expect(r.warnings[0]).toMatchObject({ code: 'invalid-fund-opening-balance', severity: 'error', ledger: 'fond' });
    expect(r.ledgers.fond.runningBalance).toEqual({});
  });

  it('warns when one-time fund money pays for a permanent cost', () => {
    const r = computeBalance(
      pkg([
        line('every', 'fond', 'tiltak', { '2023': '1', '2024': '1', '2025': '1', '2026': '1' }),
        line('perm', 'fond', 'tiltak', { '2023': '1' }, { permanent: true }),
        line('once', 'fond', 'tiltak', { '2023': '1', '2024': '1' }),
        line('save', 'fond', 'inndekning', { '2023': '-1', '2024': '-1', '2025': '-1', '2026': '-1' }),
        line('driftEvery', 'drift', 'tiltak', { '2023': '1', '2024': '1', '2025': '1', '2026': '1' }, { permanent: true }),
      ]),
    );
    const w = r.warnings.filter((x) => x.code === 'one-time-money-permanent-cost');
    expect(w.map((x) => [x.lineId, x.severity, x.ledger])).toEqual([
      ['every', 'warning', 'fond'],
      ['perm', 'warning', 'fond'],
    ]);
    expect(w[0]?.message).toContain('Engangspenger kan ikke finansiere varige driftsutgifter');
  });

  it('reports amounts outside the years, lines without amounts and invalid cells, keeping the typed text', () => {
    const r = computeBalance(
      pkg([
        line('out', 'drift', 'tiltak', { '2030': '4', '2023': '1' }),
        line('none', 'drift', 'tiltak', {}, { title: '' }),
        line('bad', 'drift', 'tiltak', { '2024': '1,2,3' }, { invalid: { '2023': 'abc' } }),
      ]),
    );
    expect(r.ledgers.drift.byYear['2023']?.tiltak).toBe('1');
    expect(r.ledgers.drift.total.tiltak).toBe('1');
    const lineWarnings = r.warnings.filter((w) => w.lineId);
    expect(lineWarnings.map((w) => [w.code, w.severity, w.lineId, w.year])).toEqual([
      ['amount-outside-years', 'error', 'out', '2030'],
      ['line-without-amounts', 'warning', 'none', undefined],
      ['invalid-amount', 'error', 'bad', '2023'],
      ['invalid-amount', 'error', 'bad', '2024'],
    ]);
    expect(lineWarnings[0]?.message).toBe('«Linje out» har beløp i 2030 (4), men pakken gjelder 2022–2026. Beløpet er ikke tatt med.');
    expect(lineWarnings[1]?.message).toBe('Linje uten tittel har ingen beløp.');
    expect(lineWarnings[2]?.message).toContain('«abc» er ikke et gyldig beløp');
    expect(lineWarnings[3]?.message).toContain('«1,2,3»');
  });

  it('stays exact for sums far beyond 2^53 hundredths (the overflow path of the exact sums)', () => {
    const big = Array.from({ length: 100 }, (_, i) => line(`b${i}`, 'drift', 'tiltak', { '2023': '999999999999.99' }));
    const r = computeBalance(pkg(big));
    expect(r.ledgers.drift.byYear['2023']?.tiltak).toBe('99999999999999');
    const engine = new BalanceEngine({ years: YEARS, planYears: PLAN }, big);
    for (let i = 0; i < 50; i++) engine.deleteLine(`b${i}`);
    engine.setLine(line('c', 'drift', 'inndekning', { '2023': '-0.01' }));
    expect(engine.report().ledgers.drift.byYear['2023']).toEqual({ tiltak: '49999999999999.5', inndekning: '-0.01', net: '49999999999999.49' });
    expect(engine.report()).toEqual(computeBalance({ years: YEARS, planYears: PLAN, lines: engine.currentLines() }));
  });

  it('refuses stored amounts with more than two decimals rather than rounding them', () => {
    const r = computeBalance(pkg([line('x', 'drift', 'tiltak', { '2023': '0.125' })]));
    expect(r.ledgers.drift.byYear['2023']?.tiltak).toBe('0');
    expect(r.warnings.map((w) => w.code)).toEqual(['year-unknown', 'invalid-amount']);
    expect(r.ledgers.drift.unknownYears).toEqual(['2023']);
  });

  it('orders warnings deterministically: package level by ledger and year, then lines in input order', () => {
    const lines = [
      line('z', 'drift', 'tiltak', {}),
      line('a', 'investering', 'tiltak', { '2023': '1' }),
      line('m', 'drift', 'tiltak', { '2025': '1', '2023': '2' }),
    ];
    const r = computeBalance(pkg(lines));
    expect(r.warnings.map((w) => `${w.code}:${w.year ?? ''}:${w.lineId ?? ''}`)).toEqual([
      'drift-unbalanced:2023:',
      'drift-unbalanced:2025:',
      'investering-borrowing:2023:',
      'line-without-amounts::z',
    ]);
    expect(computeBalance(pkg(lines))).toEqual(r);
  });
});

describe('BalanceEngine', () => {
  it('updates incrementally and equals a full recompute after each change', () => {
    const meta: BalanceMeta = { years: YEARS, planYears: PLAN, fundOpeningBalance: '3' };
    const engine = new BalanceEngine(meta);
    const a = line('a', 'drift', 'tiltak', { '2023': '1.5' });
    engine.setLine(a);
    expect(engine.report().ledgers.drift.unbalancedYears).toEqual(['2023']);
    engine.setLine(line('b', 'drift', 'inndekning', { '2023': '-1.5' }));
    expect(engine.report().ledgers.drift.balanced).toBe(true);
    engine.setLine({ ...a, amounts: { '2023': '1.85' } });
    const r = engine.report();
    expect(r.ledgers.drift.byYear['2023']?.net).toBe('0.35');
    expect(r).toEqual(computeBalance({ ...meta, lines: engine.currentLines() }));
    engine.deleteLine('a');
    expect(engine.report().ledgers.drift.byYear['2023']?.net).toBe('-1.5');
    engine.setMeta({ years: ['2023', '2024'], planYears: ['2024'], fundOpeningBalance: '3' });
    expect(engine.report()).toEqual(computeBalance({ years: ['2023', '2024'], planYears: ['2024'], fundOpeningBalance: '3', lines: engine.currentLines() }));
    // setMeta replaces: no opening balance given means none.
    engine.setMeta({ years: YEARS, planYears: PLAN });
    expect(engine.report().ledgers.fond.runningBalance).toEqual({});
  });

  it('is not affected by the caller mutating a line after setLine', () => {
    const engine = new BalanceEngine({ years: YEARS, planYears: PLAN });
    const l = line('a', 'drift', 'tiltak', { '2023': '1' });
    engine.setLine(l);
    l.amounts['2023'] = '100';
    engine.setLine(line('b', 'drift', 'tiltak', { '2023': '1' }));
    expect(engine.report().ledgers.drift.byYear['2023']?.tiltak).toBe('2');
  });

  // Random sequences of set/delete/meta changes against the full recompute.
  const amountArb = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -100_000, max: 100_000 }).map((c) => (c / 100).toFixed(2).replace(/\.?0+$/, '') || '0') },
    { weight: 1, arbitrary: fc.constantFrom('abc', '1,5', '0.125', '', '-0') },
  );
  const yearArb = fc.constantFrom('2021', ...YEARS, '2030');
  const lineArb = fc.record({
    id: fc.constantFrom('l1', 'l2', 'l3', 'l4', 'l5', 'l6'),
    ledger: fc.constantFrom(...LEDGERS),
    group: fc.constantFrom(...GROUPS),
    title: fc.constantFrom('Skole', '', 'Bolig'),
    amounts: fc.dictionary(yearArb, amountArb, { maxKeys: 5 }),
    permanent: fc.boolean(),
    invalid: fc.option(fc.dictionary(yearArb, fc.constantFrom('abc', '1e400'), { maxKeys: 2 }), { nil: undefined }),
  });
  type Op = { kind: 'set'; line: PackageLine } | { kind: 'delete'; id: string } | { kind: 'meta'; meta: BalanceMeta };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: lineArb.map((l) => ({ kind: 'set' as const, line: (l.invalid ? l : (({ invalid: _i, ...rest }) => rest)(l)) as PackageLine })) },
    { weight: 2, arbitrary: fc.constantFrom('l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'nope').map((id) => ({ kind: 'delete' as const, id })) },
    {
      weight: 1,
      arbitrary: fc
        .record({ fundOpeningBalance: fc.option(fc.constantFrom('0', '10', '2.5', 'x'), { nil: undefined }), wide: fc.boolean() })
        .map(({ fundOpeningBalance, wide }) => {
          const meta: BalanceMeta = { years: wide ? YEARS : ['2023', '2024'], planYears: wide ? PLAN : ['2024'] };
          if (fundOpeningBalance !== undefined) meta.fundOpeningBalance = fundOpeningBalance;
          return { kind: 'meta' as const, meta };
        }),
    },
  );

  it('property: unknown years are exactly the years with an unreadable cell (fund with a running balance: and after), disjoint from unbalanced years; balanced means neither', () => {
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 12 }), fc.option(fc.constantFrom('0', '10', '2.5'), { nil: undefined }), (raw, opening) => {
        const lines = raw.map((l, k) => ({ ...l, id: `${l.id}-${k}` }) as PackageLine);
        const input = pkg(lines, opening === undefined ? {} : { fundOpeningBalance: opening });
        const r = computeBalance(input);
        for (const ledger of LEDGERS) {
          const lr = r.ledgers[ledger];
          const cells: Record<string, number> = {};
          for (const l of lines) {
            if (l.ledger !== ledger) continue;
            const bad = new Set<string>(Object.keys(l.invalid ?? {}));
            for (const [y, v] of Object.entries(l.amounts)) if (v.trim() !== '' && !/^-?\d{1,12}(\.\d{1,2})?$/.test(v) && !parseAmountOk(v)) bad.add(y);
            for (const y of bad) if (YEARS.includes(y)) cells[y] = (cells[y] ?? 0) + 1;
          }
          expect(lr.unreadableCells).toEqual(cells);
          const first = YEARS.findIndex((y) => cells[y] !== undefined);
          const carries = ledger === 'fond' && opening !== undefined;
          expect(lr.unknownYears).toEqual(YEARS.filter((y, i) => cells[y] !== undefined || (carries && first >= 0 && i >= first)));
          expect(lr.unbalancedYears.filter((y) => lr.unknownYears.includes(y))).toEqual([]);
          expect(lr.balanced).toBe(lr.unbalancedYears.length === 0 && lr.unknownYears.length === 0);
        }
        const inv = r.ledgers.investering;
        expect(inv.unbalancedYears).toEqual([]);
        expect(inv.borrowing).toEqual(Object.fromEntries(YEARS.filter((y) => !inv.unknownYears.includes(y)).map((y) => [y, inv.byYear[y]?.net])));
        for (const y of r.ledgers.fond.unknownYears) expect(r.ledgers.fond.runningBalance[y]).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('property: after any sequence of set/delete/meta, report() deep-equals computeBalance', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.boolean(), (ops, reportEachStep) => {
        let meta: BalanceMeta = { years: YEARS, planYears: PLAN };
        const engine = new BalanceEngine(meta);
        const model = new Map<string, PackageLine>();
        for (const op of ops) {
          if (op.kind === 'set') {
            engine.setLine(op.line);
            model.set(op.line.id, op.line);
          } else if (op.kind === 'delete') {
            engine.deleteLine(op.id);
            model.delete(op.id);
          } else {
            engine.setMeta(op.meta);
            meta = op.meta;
          }
          if (reportEachStep) expect(engine.report()).toEqual(computeBalance({ ...meta, lines: [...model.values()] }));
        }
        expect(engine.report()).toEqual(computeBalance({ ...meta, lines: [...model.values()] }));
      }),
      { numRuns: 300 },
    );
  });
});
