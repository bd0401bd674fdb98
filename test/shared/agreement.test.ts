import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/sha256';
import { agreementOf, fingerprintLine, withDerivedAgreement } from '../../shared/report/agreement';
import type { PlainPackage } from '../../shared/types';

describe('sha256Hex', () => {
  it('equals node:crypto for empty, ASCII, multi-byte and block-boundary inputs', () => {
    for (const text of ['', 'abc', 'æøå – «Tilbud 2 til SV»', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'w'.repeat(1000)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });
});

describe('derived agreement', () => {
  const pkg: PlainPackage = {
    id: 'p',
    title: 'P',
    years: ['2024'],
    planYears: ['2024'],
    parties: [
      { id: 'Ap', name: 'Ap', color: '#000000' },
      { id: 'SV', name: 'SV', color: '#ffffff' },
    ],
    sections: [],
    lines: [{ id: 'l', ledger: 'drift', group: 'tiltak', title: 'T', amounts: { '2024': '1' }, status: 'agreed' }],
    verbal: [],
  };
  const fp = fingerprintLine(pkg.lines[0]!);
  const s = (party: string, fingerprint = fp) => ({ itemId: 'l', party, state: 'accepted' as const, by: 'u', at: 't', fingerprint });

  it('is agreed only when every party accepted the current content; a status change keeps the fingerprint', () => {
    expect(agreementOf(pkg, [s('Ap')]).items.l!.agreed).toBe(false);
    expect(agreementOf(pkg, [s('Ap'), s('SV')]).items.l!.agreed).toBe(true);
    expect(agreementOf(pkg, [s('Ap'), s('SV', 'old')]).items.l).toMatchObject({ agreed: false, changedSinceSigned: true });
    const drafted: PlainPackage['lines'][number] = { ...pkg.lines[0]!, status: 'draft', party: 'SV' };
    expect(fingerprintLine(drafted)).toBe(fp);
    expect(fingerprintLine({ ...pkg.lines[0]!, amounts: { '2024': '2' } })).not.toBe(fp);
    expect(agreementOf({ ...pkg, parties: [] }, []).items.l!.agreed).toBe(false);
  });

  it('reads a hand-set agreed as proposed', () => {
    expect(withDerivedAgreement(pkg, new Set()).lines[0]!.status).toBe('proposed');
    expect(withDerivedAgreement({ ...pkg, lines: [{ ...pkg.lines[0]!, status: 'draft' }] }, new Set(['l'])).lines[0]!.status).toBe('agreed');
  });
});
