/**
 * The package report (engine report + prose–figure warnings + baseline
 * frames): the incremental builder against the full computation, its
 * revisions, and carrying unchanged parts across a structured clone.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BalanceMeta } from '../../shared/balance';
import type { BaselineArea, LedgerBaselines } from '../../shared/doc/baseline';
import { PackageReportBuilder, REPORT_PARTS, carryUnchangedParts, packageReportOf, type PackageReport, type ReportPart } from '../../shared/report/packageReport';
import { plainEqual } from '../../shared/report/plainEqual';
import { GROUPS, LEDGERS, type PackageLine } from '../../shared/types';

const YEARS = ['2022', '2023', '2024', '2025', '2026'];
const PLAN = ['2023', '2024', '2025', '2026'];
const DRIFT_BASELINE: BaselineArea[] = [
  { name: 'Skole', amounts: { '2023': '2026', '2024': '2021' } },
  { name: 'Helse', amounts: { '2024': '500.5' } },
];
/** The investment baseline has an area of the same name («Skole») with its own frames. */
const INVESTMENT_BASELINE: BaselineArea[] = [{ name: 'Skole', amounts: { '2023': '361', '2024': '404' } }];
const BASELINE: LedgerBaselines = { drift: DRIFT_BASELINE, investering: INVESTMENT_BASELINE };

function line(id: string, amounts: Record<string, string>, extra: Partial<PackageLine> = {}): PackageLine {
  return { id, ledger: 'drift', group: 'tiltak', title: `Linje ${id}`, amounts, ...extra };
}

/** The part of a report a revision stands for. */
function part(r: PackageReport, p: ReportPart): unknown {
  if (p === 'warnings') return r.balance.warnings;
  if (p === 'prose') return r.prose;
  if (p === 'frames') return r.frames;
  if (p === 'years') return [r.balance.years, r.balance.planYears];
  return r.balance.ledgers[p];
}

describe('packageReportOf', () => {
  it('joins the engine report, the prose warnings after the engine findings, and the frames', () => {
    const r = packageReportOf({
      years: YEARS,
      planYears: PLAN,
      baseline: BASELINE,
      lines: [
        line('a', { '2023': '2' }, { area: 'skole ', description: 'Det settes av 3 millioner i 2023.' }),
        line('b', { '2023': '-2' }, { group: 'inndekning' }),
        line('c', {}, { ledger: 'investering' }),
        line('d', { '2024': '12.5' }, { ledger: 'investering', area: 'Skole' }),
        line('e', { '2024': '-12.5' }, { ledger: 'investering', group: 'inndekning' }),
      ],
    });
    expect(r.balance.ledgers.drift.balanced).toBe(true);
    expect(r.balance.warnings.map((w) => [w.code, w.lineId])).toEqual([
      ['line-without-amounts', 'c'],
      ['prose-figure-mismatch', 'a'],
    ]);
    expect(r.frames.drift.Skole?.['2023']).toEqual({ before: '2026', after: '2028', change: '2' });
    expect(r.frames.drift.Skole?.['2024']).toEqual({ before: '2021', after: '2021', change: '0' });
    expect(r.frames.drift.Helse?.['2024']).toEqual({ before: '500.5', after: '500.5', change: '0' });
    // The investment line changes the investment frame of «Skole», not the drift frame.
    expect(r.frames.investering.Skole?.['2024']).toEqual({ before: '404', after: '416.5', change: '12.5' });
    expect(r.frames.investering.Skole?.['2023']).toEqual({ before: '361', after: '361', change: '0' });
    expect(new Set(Object.values(r.revisions))).toEqual(new Set([1]));
    // The JSON contract of GET /balance: no class instances in it.
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });

  it('skips an unreadable stored amount in the frames instead of failing', () => {
    const r = packageReportOf({ years: YEARS, planYears: PLAN, baseline: BASELINE, lines: [line('a', { '2023': 'abc', '2024': '1,5' }, { area: 'Skole' })] });
    expect(r.frames.drift.Skole?.['2023']?.change).toBe('0');
    expect(r.frames.drift.Skole?.['2024']?.after).toBe('2022.5');
    expect(r.balance.warnings.some((w) => w.code === 'invalid-amount' && w.year === '2023')).toBe(true);
  });
});

describe('PackageReportBuilder', () => {
  it('gives a new revision only to the parts an edit changes, and the same object when nothing did', () => {
    const b = new PackageReportBuilder({ years: YEARS, planYears: PLAN }, BASELINE);
    b.setLine(line('a', { '2023': '1' }, { area: 'Skole' }));
    b.setLine(line('i', { '2024': '4' }, { ledger: 'investering' }));
    const r1 = b.report();
    expect(b.report()).toBe(r1);

    // An amount in drift: drift, its warning and the frame of Skole change; investering and fond do not.
    b.setLine(line('a', { '2023': '2' }, { area: 'Skole' }));
    const r2 = b.report();
    expect(r2.revisions.drift).toBeGreaterThan(r1.revisions.drift);
    expect(r2.revisions.warnings).toBeGreaterThan(r1.revisions.warnings);
    expect(r2.revisions.frames).toBeGreaterThan(r1.revisions.frames);
    expect(r2.revisions.investering).toBe(r1.revisions.investering);
    expect(r2.balance.ledgers.investering).toBe(r1.balance.ledgers.investering);
    expect(r2.revisions.fond).toBe(r1.revisions.fond);

    expect(r2.revisions.prose).toBe(r1.revisions.prose);
    // A rationale that names a wrong figure: only the warnings change.
    b.setLine(line('a', { '2023': '2' }, { area: 'Skole', description: 'Koster 5 millioner.' }));
    const r3 = b.report();
    expect(r3.revisions.warnings).toBeGreaterThan(r2.revisions.warnings);
    expect(r3.revisions.prose).toBeGreaterThan(r2.revisions.prose);
    expect(r3.prose.map((w) => w.lineId)).toEqual(['a']);
    for (const p of ['drift', 'investering', 'fond', 'frames', 'years'] as const) expect(r3.revisions[p]).toBe(r2.revisions[p]);
    expect(r3.balance.ledgers.drift).toBe(r2.balance.ledgers.drift);

    // A change that leaves every figure as it was (a new title, the amount written again): the same report.
    b.setLine(line('a', { '2023': '2' }, { area: 'Skole', description: 'Koster 5 millioner.', status: 'agreed' }));
    expect(b.report()).toBe(r3);
    // There and back again within one report: nothing changed.
    b.setLine(line('i', { '2024': '5' }, { ledger: 'investering' }));
    b.setLine(line('i', { '2024': '4' }, { ledger: 'investering' }));
    expect(b.report()).toBe(r3);
  });

  // Random edit sequences, including prose figures, service areas, meta and baseline changes.
  const amountArb = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -2000, max: 2000 }).map((c) => (c / 100).toFixed(2).replace(/\.?0+$/, '') || '0') },
    { weight: 1, arbitrary: fc.constantFrom('abc', '1,5', '0.125', '-0') },
  );
  const yearArb = fc.constantFrom('2021', ...YEARS);
  const lineArb = fc.record({
    id: fc.constantFrom('l1', 'l2', 'l3', 'l4', 'l5'),
    ledger: fc.constantFrom(...LEDGERS),
    group: fc.constantFrom(...GROUPS),
    title: fc.constantFrom('Skole', '', 'Bolig 2 millioner', 'Tiltak kr 500 000'),
    amounts: fc.dictionary(yearArb, amountArb, { maxKeys: 4 }),
    description: fc.constantFrom(undefined, '', 'Det settes av 1 million i 2023.', 'Koster 0,5 millioner per år.', 'Totalt 3 millioner.'),
    area: fc.constantFrom(undefined, 'Skole', 'helse', 'Ukjent'),
    permanent: fc.boolean(),
  });
  type Op =
    | { kind: 'set'; line: PackageLine }
    | { kind: 'patch'; id: string; patch: Partial<PackageLine> }
    | { kind: 'delete'; id: string }
    | { kind: 'meta'; meta: BalanceMeta }
    | { kind: 'baseline'; baseline: LedgerBaselines };
  const strip = (l: Record<string, unknown>): PackageLine => Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) as unknown as PackageLine;
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 8, arbitrary: lineArb.map((l) => ({ kind: 'set' as const, line: strip(l) })) },
    // One field of an existing line, the rest as it was (a retitle, a new rationale, another area).
    {
      weight: 3,
      arbitrary: fc.record({
        id: fc.constantFrom('l1', 'l2', 'l3'),
        patch: fc.oneof(
          lineArb.map((l) => ({ area: l.area })),
          lineArb.map((l) => ({ description: l.description })),
          lineArb.map((l) => ({ title: l.title })),
          lineArb.map((l) => ({ ledger: l.ledger })),
        ),
      }).map(({ id, patch }) => ({ kind: 'patch' as const, id, patch })),
    },
    { weight: 2, arbitrary: fc.constantFrom('l1', 'l2', 'l3', 'l4', 'l5', 'nope').map((id) => ({ kind: 'delete' as const, id })) },
    {
      weight: 1,
      arbitrary: fc.record({ opening: fc.constantFrom(undefined, '0', '2.5'), wide: fc.boolean() }).map(({ opening, wide }) => {
        const meta: BalanceMeta = { years: wide ? YEARS : ['2023', '2024'], planYears: wide ? PLAN : ['2024'] };
        if (opening !== undefined) meta.fundOpeningBalance = opening;
        return { kind: 'meta' as const, meta };
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom<LedgerBaselines>({ drift: [], investering: [] }, BASELINE, { drift: DRIFT_BASELINE.slice(1), investering: INVESTMENT_BASELINE }, { drift: DRIFT_BASELINE, investering: [] })
        .map((baseline) => ({ kind: 'baseline' as const, baseline })),
    },
  );

  it('property: after any edit sequence the report equals the full computation, and revisions move exactly with their parts', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.boolean(), (ops, reportEachStep) => {
        let meta: BalanceMeta = { years: YEARS, planYears: PLAN };
        let baseline: LedgerBaselines = BASELINE;
        const builder = new PackageReportBuilder(meta, baseline);
        const model = new Map<string, PackageLine>();
        let prev: PackageReport | null = null;
        const check = () => {
          const r = builder.report();
          const full = packageReportOf({ ...meta, baseline, lines: [...model.values()] });
          expect(r.balance).toEqual(full.balance);
          expect(r.prose).toEqual(full.prose);
          expect(r.frames).toEqual(full.frames);
          if (prev) {
            for (const p of REPORT_PARTS) {
              const same = plainEqual(part(prev, p), part(r, p));
              expect(r.revisions[p] === prev.revisions[p], `revision of ${p}`).toBe(same);
              if (!same) continue;
              // An unchanged part is the previous report's object (identity is what consumers memoise on).
              if (p === 'years') {
                expect(r.balance.years).toBe(prev.balance.years);
                expect(r.balance.planYears).toBe(prev.balance.planYears);
              } else expect(part(r, p)).toBe(part(prev, p));
            }
            if (REPORT_PARTS.every((p) => r.revisions[p] === prev!.revisions[p])) expect(r).toBe(prev);
          }
          prev = r;
        };
        for (const op of ops) {
          if (op.kind === 'set' || op.kind === 'patch') {
            const old = model.get(op.kind === 'set' ? op.line.id : op.id);
            const next = op.kind === 'set' ? op.line : old ? strip({ ...old, ...op.patch }) : null;
            if (!next) continue;
            builder.setLine(next);
            model.set(next.id, next);
          } else if (op.kind === 'delete') {
            builder.deleteLine(op.id);
            model.delete(op.id);
          } else if (op.kind === 'meta') {
            builder.setMeta(op.meta);
            meta = op.meta;
          } else {
            builder.setBaseline(op.baseline);
            baseline = op.baseline;
          }
          if (reportEachStep) check();
        }
        check();
      }),
      { numRuns: 300 },
    );
  });
});

describe('carryUnchangedParts', () => {
  it('restores object identity for the parts whose revision did not change after a structured clone', () => {
    const b = new PackageReportBuilder({ years: YEARS, planYears: PLAN }, BASELINE);
    b.setLine(line('a', { '2023': '1' }));
    b.setLine(line('f', { '2023': '1' }, { ledger: 'fond' }));
    const first = carryUnchangedParts(null, structuredClone(b.report()));
    b.setLine(line('a', { '2023': '3' }));
    const second = carryUnchangedParts(first, structuredClone(b.report()));
    expect(second).toEqual(b.report());
    expect(second.balance.ledgers.fond).toBe(first.balance.ledgers.fond);
    expect(second.frames).toBe(first.frames);
    expect(second.balance.ledgers.drift).not.toBe(first.balance.ledgers.drift);
    expect(second.balance.ledgers.drift.byYear['2023']?.net).toBe('3');
    // The same report again (a tab asking twice): the very same object.
    expect(carryUnchangedParts(second, structuredClone(b.report()))).toBe(second);
  });
});
