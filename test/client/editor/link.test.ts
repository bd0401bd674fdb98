/** Links in texts may only be http(s) or mailto. */
import { describe, expect, it } from 'vitest';
import { isAllowedLinkUrl, normalizeLinkUrl } from '../../../client/editor/link';

describe('normalizeLinkUrl', () => {
  it('accepts web and mail addresses, adding the scheme people leave out', () => {
    expect(normalizeLinkUrl('https://www.bergen.kommune.no/politikk')).toBe('https://www.bergen.kommune.no/politikk');
    expect(normalizeLinkUrl('  www.regjeringen.no ')).toBe('https://www.regjeringen.no/');
    expect(normalizeLinkUrl('http://localhost:8080/x')).toBe('http://localhost:8080/x');
    expect(normalizeLinkUrl('post@bergen.kommune.no')).toBe('mailto:post@bergen.kommune.no');
    expect(normalizeLinkUrl('mailto:kari@sv.no')).toBe('mailto:kari@sv.no');
  });

  it('refuses script, files, other schemes and junk', () => {
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'ftp://x.no', 'vbscript:x', '', '   ', 'http://', 'bare', 'mailto:ikke-en-adresse']) {
      expect(normalizeLinkUrl(bad), bad).toBeNull();
    }
  });

  it('lets Lexical keep only allowed links (pasted ones included)', () => {
    expect(isAllowedLinkUrl('https://x.no/')).toBe(true);
    expect(isAllowedLinkUrl('mailto:a@b.no')).toBe(true);
    expect(isAllowedLinkUrl('javascript:alert(1)')).toBe(false);
    expect(isAllowedLinkUrl('www.x.no')).toBe(false);
  });
});
