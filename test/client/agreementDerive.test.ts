/**
 * The client's reading of the server's sign-offs: a sign-off counts only for the
 * content it was made on (the fingerprint), so changing an amount makes every
 * mark stale at once and the line is no longer «Enighet».
 */
import { describe, expect, it } from 'vitest';
import { currentLineFingerprint, lineInfos } from '../../client/agreement/derive';
import type { AgreementView, SignoffView } from '../../shared/protocol/agreement';
import type { PackageLine, Party } from '../../shared/types';

const parties: Party[] = [
  { id: 'Ap', name: 'Ap', color: '#c8102e' },
  { id: 'SV', name: 'SV', color: '#b5317c' },
];
const line: PackageLine = { id: 'l1', ledger: 'drift', group: 'tiltak', title: 'Gratis SFO', amounts: { '2026': '12.5' } };

function viewWith(signoffs: Record<string, SignoffView>): AgreementView {
  return { parties, items: { l1: { kind: 'line', title: line.title, fingerprint: currentLineFingerprint(line), signoffs, agreed: false, changedSinceSigned: false } }, summary: { agreed: 0, open: 1, byParty: {} }, agreedBalance: null as never, lock: { locked: false } };
}
const accepted = (fingerprint: string): SignoffView => ({ state: 'accepted', by: 'u', at: '2026-12-01T00:00:00Z', fingerprint, stale: false });

describe('lineInfos', () => {
  it('is agreed when every party accepted the current content, and stale for all once an amount changes', () => {
    const fp = currentLineFingerprint(line);
    const view = viewWith({ Ap: accepted(fp), SV: accepted(fp) });
    const before = lineInfos(view, [line], parties, new Map()).get('l1')!;
    expect(before.agreed).toBe(true);
    expect(before.changedAfterSigning).toBe(false);

    const changed: PackageLine = { ...line, amounts: { '2026': '13' } };
    const after = lineInfos(view, [changed], parties, new Map()).get('l1')!;
    expect(after.agreed).toBe(false);
    expect(after.changedAfterSigning).toBe(true);
    expect(after.marks.map((m) => m.stale)).toEqual([true, true]);
  });

  it('is not agreed while one party has not accepted, and keeps the same object while nothing changed', () => {
    const fp = currentLineFingerprint(line);
    const view = viewWith({ Ap: accepted(fp), SV: { ...accepted(fp), state: 'reservation', note: 'Må se inndekningen' } });
    const first = lineInfos(view, [line], parties, new Map());
    expect(first.get('l1')!.agreed).toBe(false);
    expect(first.get('l1')!.marks[1]).toMatchObject({ party: 'SV', state: 'reservation', note: 'Må se inndekningen', stale: false });
    const second = lineInfos(view, [{ ...line }], parties, first);
    expect(second.get('l1')).toBe(first.get('l1'));
  });
});
