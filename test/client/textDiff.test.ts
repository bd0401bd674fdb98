import { describe, expect, it } from 'vitest';
import { diffWords } from '../../client/agreement/textDiff';

describe('diffWords', () => {
  it('marks the words removed and added between two instruction texts, keeping the rest', () => {
    const parts = diffWords('Rådmannen bes utrede gratis SFO for 1. trinn.', 'Rådmannen bes innføre gratis SFO for 1. og 2. trinn.');
    expect(parts.filter((p) => p.kind === 'removed').map((p) => p.text.trim())).toEqual(['utrede']);
    expect(parts.filter((p) => p.kind === 'added').map((p) => p.text.trim())).toEqual(['innføre', 'og 2.']);
    // Reading the old parts gives the old text, the new parts the new text.
    expect(parts.filter((p) => p.kind !== 'added').map((p) => p.text).join('')).toBe('Rådmannen bes utrede gratis SFO for 1. trinn.');
    expect(parts.filter((p) => p.kind !== 'removed').map((p) => p.text).join('')).toBe('Rådmannen bes innføre gratis SFO for 1. og 2. trinn.');
  });

  it('gives one added part for a new text and nothing for equal texts', () => {
    expect(diffWords('', 'Ny føring')).toEqual([{ kind: 'added', text: 'Ny føring' }]);
    expect(diffWords('Lik', 'Lik')).toEqual([{ kind: 'same', text: 'Lik' }]);
  });
});
