/**
 * The Varsler list names each warning's line exactly once, for the real
 * messages of the balance engine (which name the line) and of the prose check
 * (which do not).
 */
import { describe, expect, it } from 'vitest';
import { packageReportOf } from '../../shared/report/packageReport';
import type { PackageLine } from '../../shared/types';
import { warningText } from '../../client/balance/warningText';

const YEARS = ['2023', '2024', '2025'];
const lines: PackageLine[] = [
  { id: 'bad', ledger: 'drift', group: 'tiltak', title: 'Flere lærere i skolen', amounts: { '2023': '2' }, invalid: { '2024': 'tolv' } },
  { id: 'empty', ledger: 'drift', group: 'tiltak', title: 'Leksehjelp', amounts: {} },
  { id: 'juba', ledger: 'drift', group: 'tiltak', title: 'Juba Juba', amounts: { '2023': '0.15' }, description: 'Vi øker tilskuddet til Juba Juba med 250 000 kroner.' },
  { id: 'untitled', ledger: 'drift', group: 'inndekning', title: '', amounts: {} },
  { id: 'cover', ledger: 'drift', group: 'inndekning', title: 'Kutt', amounts: { '2023': '-2.15' } },
];

const count = (text: string, part: string) => text.split(part).length - 1;

describe('warningText', () => {
  const report = packageReportOf({ years: YEARS, planYears: YEARS, lines });
  const warnings = report.balance.warnings;

  it('covers engine and prose warnings about lines (the fixture really produces both)', () => {
    expect(warnings.some((w) => w.code === 'prose-figure-mismatch' && w.lineId === 'juba')).toBe(true);
    expect(warnings.some((w) => w.lineId === 'bad' && w.code !== 'prose-figure-mismatch')).toBe(true);
    expect(warnings.some((w) => w.lineId === 'empty')).toBe(true);
    expect(warnings.some((w) => w.lineId === 'untitled')).toBe(true);
  });

  it('names every line exactly once', () => {
    for (const w of warnings) {
      if (!w.lineId) continue;
      const line = lines.find((l) => l.id === w.lineId)!;
      const text = warningText(w.message, line.title, '(uten tittel)');
      if (line.title) expect(count(text, line.title), text).toBe(1);
      else expect(count(text, 'uten tittel'), text).toBe(1);
    }
  });

  it('puts the line in front of a prose warning, which does not name it', () => {
    const prose = warnings.find((w) => w.code === 'prose-figure-mismatch')!;
    expect(prose.message).not.toContain('Juba Juba');
    expect(warningText(prose.message, 'Juba Juba', '(uten tittel)')).toBe(`«Juba Juba»: ${prose.message}`);
  });

  it('leaves a warning about no line as it is', () => {
    expect(warningText('Drift 2024 går ikke i balanse: +1,20', null, '(uten tittel)')).toBe('Drift 2024 går ikke i balanse: +1,20');
  });
});
