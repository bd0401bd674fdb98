import { describe, expect, it } from 'vitest';
import { GLOSSARY, entryForCode, lookupTerm } from '../../shared/glossary';
import { GROUPS, LEDGERS } from '../../shared/types';
import { termExplanation, translate } from '../../client/i18n';

describe('glossary', () => {
  it('gives the tooltips of the ledger and group headings, in both languages, and names the same words as the UI', () => {
    const shown = [...LEDGERS.map((id) => ['Ledger', id] as const), ...GROUPS.map((id) => ['Group', id] as const)];
    for (const [kind, id] of shown) {
      const entry = entryForCode(kind, id);
      if (!entry) throw new Error(`no glossary entry for ${kind} '${id}'`);
      expect(entry.explanationNb, `${kind} '${id}'`).toMatch(/\S/);
      expect(termExplanation('nb', kind, id)).toBe(entry.explanationNb);
      expect(termExplanation('en', kind, id)).toBe(entry.explanation);
      // The heading the tooltip sits on is the glossary's word.
      const label = translate('nb', kind === 'Ledger' ? `ledger_${id as (typeof LEDGERS)[number]}` : `group_${id as (typeof GROUPS)[number]}`);
      expect(label.toLocaleLowerCase('nb'), `${kind} '${id}'`).toBe(entry.term);
    }
    expect(termExplanation('nb', 'Ledger', 'ukjent')).toBeUndefined();
  });
  it('has unique terms and aliases', () => {
    const all = GLOSSARY.flatMap((e) => [e.term, ...(e.aliases ?? [])].map((t) => t.toLocaleLowerCase('nb')));
    expect(new Set(all).size).toBe(all.length);
  });
  it('finds terms case-insensitively, and not unknown words', () => {
    expect(lookupTerm('  Kommunedirektøren ')?.term).toBe('kommunedirektør');
    expect(lookupTerm('budsjettbalanse')).toBeUndefined();
  });
});
