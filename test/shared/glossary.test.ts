import { describe, expect, it } from 'vitest';
import { GLOSSARY, lookupTerm } from '../../shared/glossary';

describe('glossary', () => {
  it('explains every budget word the product shows', () => {
    for (const word of ['drift', 'investering', 'disposisjonsfond', 'tiltak', 'inndekning', 'verbale føringer', 'tjenesteområde', 'HØP', 'økonomiplan', 'kommunedirektør', 'bystyre', 'formannskap']) {
      const e = lookupTerm(word);
      expect(e, word).toBeDefined();
      expect(e?.english.length).toBeGreaterThan(0);
      expect(e?.explanation.length).toBeGreaterThan(0);
    }
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
