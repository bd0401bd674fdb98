/**
 * `createBalanceReplica` headless, the way the balance worker uses it: one
 * doc is edited (as tabs do, through the shared/doc helpers), a second doc
 * follows through Yjs updates (as the worker's replica follows its provider),
 * and the replica's report and pre-export checks always equal the full
 * computation over the edited doc.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { readBaselineFromDoc, readBaselinesFromDoc, writeBaselineToDoc, type BaselineArea, type BaselineLedger } from '../../shared/doc/baseline';
import { richTextFromPlain, writeRichTextToXml } from '../../shared/doc/richtext';
import { createLineInDoc, createVerbalInDoc, deleteLineInDoc, getLinesMap, getVerbalMap, readPackageFromDoc, setLineAmount, setLineFields, writeMetaToDoc } from '../../shared/doc/schema';
import { setVerbalFields } from '../../shared/doc/sections';
import { preExportCheck } from '../../shared/report/exportCheck';
import { packageReportOf } from '../../shared/report/packageReport';
import { createBalanceReplica } from '../../shared/report/replica';
import { agreedIdsOf, agreementOf, fingerprintLine, fingerprintVerbal, NO_ACCEPTANCES, withDerivedAgreement, type Acceptances, type StoredSignoff } from '../../shared/report/agreement';
import type { BalanceWarning } from '../../shared/types';

const YEARS = ['2023', '2024', '2025'];

/** docB follows every update of docA, as a provider would deliver it. */
function linkedDocs(): { a: Y.Doc; b: Y.Doc } {
  const a = new Y.Doc();
  const b = new Y.Doc();
  a.on('update', (u: Uint8Array) => Y.applyUpdate(b, u, 'remote'));
  return { a, b };
}

// The replica keeps lines in the order it first saw them, the full computation in display order;
// the warnings are compared as a set, everything else exactly.
const byKey = (ws: BalanceWarning[]) => [...ws].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1));

/** The sign-offs behind `acc`, as the server would store them. */
function signoffsOf(acc: Acceptances): StoredSignoff[] {
  return Object.entries(acc.accepted).flatMap(([itemId, byParty]) =>
    Object.entries(byParty).map(([party, fingerprint]) => ({ itemId, party, state: 'accepted' as const, by: 'u', at: '2026-01-01T00:00:00Z', fingerprint })),
  );
}

function expectFollows(a: Y.Doc, replica: ReturnType<typeof createBalanceReplica>, acc: Acceptances = NO_ACCEPTANCES): void {
  // The reference: the server's rule (agreementOf) over the sign-offs, statuses derived from it.
  const raw = readPackageFromDoc(a, 'p');
  const pkg = withDerivedAgreement(raw, agreedIdsOf(agreementOf(raw, signoffsOf(acc))));
  const full = packageReportOf({ ...pkg, baseline: readBaselinesFromDoc(a) });
  const r = replica.report();
  expect({ ...r.balance, warnings: byKey(r.balance.warnings) }).toEqual({ ...full.balance, warnings: byKey(full.balance.warnings) });
  expect(r.frames).toEqual(full.frames);
  for (const scope of ['agreed', 'all'] as const) {
    const want = preExportCheck(pkg, scope);
    const got = replica.check(scope);
    expect({ ...got, warnings: byKey(got.warnings), report: { ...got.report, warnings: byKey(got.report.warnings) } }).toEqual({
      ...want,
      warnings: byKey(want.warnings),
      report: { ...want.report, warnings: byKey(want.report.warnings) },
    });
  }
}

describe('createBalanceReplica', () => {
  it('follows a second doc: amounts, rationale, status, area, baseline and meta', () => {
    const { a, b } = linkedDocs();
    writeMetaToDoc(a, { title: 'Pakke', years: YEARS, planYears: YEARS });
    const replica = createBalanceReplica(b);
    let changes = 0;
    const stop = replica.onChange(() => changes++);

    const skole = createLineInDoc(a, { ledger: 'drift', group: 'tiltak', title: 'Skolemat', amounts: { '2024': '2' }, area: 'Skole' });
    expect(replica.report().balance.ledgers.drift.unbalancedYears).toEqual(['2024']);
    const before = replica.report();
    const cut = createLineInDoc(a, { ledger: 'drift', group: 'inndekning', title: 'Kutt', amounts: { '2024': '-2' }, status: 'agreed' });
    expect(replica.report().balance.ledgers.drift.balanced).toBe(true);
    expect(replica.report().revisions.investering).toBe(before.revisions.investering);
    expectFollows(a, replica);

    // A rationale that names a figure the line does not have.
    a.transact(() => writeRichTextToXml(getLinesMap(a).get(skole)!.get('rationale') as Y.XmlText, richTextFromPlain('Det koster 3 millioner i 2024.')));
    expect(replica.report().balance.warnings.map((w) => w.code)).toContain('prose-figure-mismatch');
    expectFollows(a, replica);

    writeBaselineToDoc(a, [{ name: 'Skole', amounts: { '2024': '100' } }]);
    expect(replica.report().frames.drift.Skole?.['2024']).toEqual({ before: '100', after: '102', change: '2' });
    // Uploading the investment baseline keeps the drift frames (it used to replace them).
    writeBaselineToDoc(a, [{ name: 'Skole', amounts: { '2024': '404' } }], undefined, 'investering');
    expect(readBaselineFromDoc(a)).toEqual([{ name: 'Skole', amounts: { '2024': '100' } }]);
    expect(replica.report().frames.drift.Skole?.['2024']).toEqual({ before: '100', after: '102', change: '2' });
    expect(replica.report().frames.investering.Skole?.['2024']).toEqual({ before: '404', after: '404', change: '0' });
    setLineAmount(a, skole, '2024', '2,5');
    setLineFields(a, skole, { status: 'agreed' });
    setLineFields(a, cut, { status: 'proposed' });
    // A status set by hand agrees nothing: agreement comes from the sign-offs.
    expect(replica.check('agreed').notAgreed.lines).toBe(2);
    expectFollows(a, replica);

    const verbal = createVerbalInDoc(a, { title: 'Utred' });
    expect(replica.check('all').notAgreed.verbal).toBe(1);
    setVerbalFields(a, verbal, { status: 'agreed' });
    expect(replica.check('all').notAgreed.verbal).toBe(1);
    expectFollows(a, replica);
    // Both parties accept Skolemat and the verbal instruction as they read now; only AP accepts Kutt.
    writeMetaToDoc(a, { parties: [{ id: 'ap', name: 'AP', color: '#c00' }, { id: 'sv', name: 'SV', color: '#a0a' }] });
    const pkg = readPackageFromDoc(a, 'p');
    const skoleFp = fingerprintLine(pkg.lines.find((l) => l.id === skole)!);
    const verbalFp = fingerprintVerbal(pkg.verbal[0]!);
    const acc: Acceptances = { parties: ['ap', 'sv'], accepted: { [skole]: { ap: skoleFp, sv: skoleFp }, [verbal]: { ap: verbalFp, sv: verbalFp }, [cut]: { ap: fingerprintLine(pkg.lines.find((l) => l.id === cut)!) } } };
    replica.setAcceptances(acc);
    expect(replica.check('agreed').notAgreed).toEqual({ lines: 1, verbal: 0 });
    expect(replica.check('agreed').report.ledgers.drift.byYear['2024']?.net).toBe('2.5');
    expectFollows(a, replica, acc);
    // A changed amount makes the acceptances stale at once: Skolemat is open again.
    setLineAmount(a, skole, '2024', '3');
    expect(replica.check('agreed').notAgreed.lines).toBe(2);
    expectFollows(a, replica, acc);
    setLineAmount(a, skole, '2024', '2,5');
    expect(replica.check('agreed').notAgreed.lines).toBe(1);
    // Typing in the verbal text makes its acceptances stale too.
    a.transact(() => writeRichTextToXml(getVerbalMap(a).get(verbal)!.get('text') as Y.XmlText, richTextFromPlain('Utred saken')));
    expect(replica.check('agreed').notAgreed.verbal).toBe(1);
    expectFollows(a, replica, acc);
    replica.setAcceptances(NO_ACCEPTANCES);

    writeMetaToDoc(a, { planYears: ['2025'], fundOpeningBalance: '1' });
    deleteLineInDoc(a, cut);
    expectFollows(a, replica);
    expect(changes).toBeGreaterThan(0);

    // A title change of the package changes nothing in the report: the same object.
    const last = replica.report();
    writeMetaToDoc(a, { title: 'Nytt navn' });
    expect(replica.report()).toBe(last);
    stop();
    replica.destroy();
    setLineAmount(a, skole, '2024', '9');
    expect(replica.report()).toBe(last);
  });

  it('starts from a doc that already has content', () => {
    const { a, b } = linkedDocs();
    writeMetaToDoc(a, { years: YEARS, planYears: YEARS });
    createLineInDoc(a, { ledger: 'fond', group: 'tiltak', title: 'Fond', amounts: { '2023': '1' }, permanent: true });
    createVerbalInDoc(a, { title: 'Utred' });
    expectFollows(a, createBalanceReplica(b));
  });

  type Op =
    | { kind: 'create'; ledger: 'drift' | 'investering' | 'fond'; group: 'tiltak' | 'inndekning'; amount: string; area?: string }
    | { kind: 'amount'; pick: number; year: string; typed: string }
    | { kind: 'fields'; pick: number; status: 'draft' | 'agreed'; area: string; title: string }
    | { kind: 'text'; pick: number; text: string }
    | { kind: 'delete'; pick: number }
    | { kind: 'verbal'; agreed: boolean }
    | { kind: 'sign'; pick: number; parties: Array<'ap' | 'sv'> }
    | { kind: 'meta'; wide: boolean; opening: string }
    | { kind: 'baseline'; areas: BaselineArea[]; ledger: BaselineLedger };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), ledger: fc.constantFrom('drift' as const, 'investering' as const, 'fond' as const), group: fc.constantFrom('tiltak' as const, 'inndekning' as const), amount: fc.constantFrom('1', '-1', '2.5') }),
    fc.record({ kind: fc.constant('amount' as const), pick: fc.nat(), year: fc.constantFrom(...YEARS, '2030'), typed: fc.constantFrom('1', '-2,5', '', 'x', '0,1') }),
    fc.record({ kind: fc.constant('fields' as const), pick: fc.nat(), status: fc.constantFrom('draft' as const, 'agreed' as const), area: fc.constantFrom('', 'Skole', 'helse'), title: fc.constantFrom('A', 'B 1 million') }),
    fc.record({ kind: fc.constant('text' as const), pick: fc.nat(), text: fc.constantFrom('', 'Koster 1 million.', 'Totalt 2,5 millioner.') }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant('verbal' as const), agreed: fc.boolean() }),
    fc.record({ kind: fc.constant('sign' as const), pick: fc.nat(), parties: fc.subarray(['ap' as const, 'sv' as const]) }),
    fc.record({ kind: fc.constant('meta' as const), wide: fc.boolean(), opening: fc.constantFrom('', '1', '10') }),
    fc.record({ kind: fc.constant('baseline' as const), areas: fc.constantFrom<BaselineArea[][]>([], [{ name: 'Skole', amounts: { '2023': '10' } }], [{ name: 'Helse', amounts: { '2024': '5', '2025': '6' } }]), ledger: fc.constantFrom<BaselineLedger>('drift', 'investering') }),
  );

  it('property: after random edits in the other doc, the report and both checks equal the full computation', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 25 }), (ops) => {
        const { a, b } = linkedDocs();
        writeMetaToDoc(a, { years: YEARS, planYears: YEARS, parties: [{ id: 'ap', name: 'AP', color: '#c00' }, { id: 'sv', name: 'SV', color: '#a0a' }] });
        const replica = createBalanceReplica(b);
        let acc: Acceptances = { parties: ['ap', 'sv'], accepted: {} };
        const ids = () => [...getLinesMap(a).keys()].sort();
        for (const op of ops) {
          const id = ids()[('pick' in op ? op.pick : 0) % Math.max(1, ids().length)];
          if (op.kind === 'create') createLineInDoc(a, { ledger: op.ledger, group: op.group, title: 'Ny', amounts: { '2024': op.amount } });
          else if (op.kind === 'verbal') createVerbalInDoc(a, { title: 'V', status: op.agreed ? 'agreed' : 'draft' });
          else if (op.kind === 'meta') writeMetaToDoc(a, { years: op.wide ? [...YEARS, '2026'] : YEARS, planYears: op.wide ? YEARS : ['2024'], fundOpeningBalance: op.opening || undefined });
          else if (op.kind === 'baseline') writeBaselineToDoc(a, op.areas, undefined, op.ledger);
          else if (id === undefined) continue;
          else if (op.kind === 'sign') {
            // The named parties accept the line as it reads now (sign-offs from before may be stale).
            const fp = fingerprintLine(readPackageFromDoc(a, 'p').lines.find((l) => l.id === id)!);
            acc = { ...acc, accepted: { ...acc.accepted, [id]: { ...acc.accepted[id], ...Object.fromEntries(op.parties.map((p) => [p, fp])) } } };
            replica.setAcceptances(acc);
          }
          else if (op.kind === 'amount') setLineAmount(a, id, op.year, op.typed);
          else if (op.kind === 'fields') setLineFields(a, id, { status: op.status, area: op.area, title: op.title });
          else if (op.kind === 'text') a.transact(() => writeRichTextToXml(getLinesMap(a).get(id)!.get('rationale') as Y.XmlText, richTextFromPlain(op.text)));
          else deleteLineInDoc(a, id);
          expectFollows(a, replica, acc);
        }
      }),
      { numRuns: 60 },
    );
  });
});
