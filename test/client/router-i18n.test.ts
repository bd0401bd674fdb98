import { describe, expect, it } from 'vitest';
import { parseRoute } from '../../client/app/router';
import { translate } from '../../client/i18n';

describe('parseRoute', () => {
  it('maps every address of the app', () => {
    expect(parseRoute('/', '', '')).toEqual({ name: 'list' });
    expect(parseRoute('/login', '?next=%2Fpackages%2Fabc', '')).toEqual({ name: 'login', next: '/packages/abc' });
    expect(parseRoute('/setup', '', '#tok123')).toEqual({ name: 'setup', token: 'tok123' });
    expect(parseRoute('/invite', '', '#abc')).toEqual({ name: 'invite', token: 'abc' });
    expect(parseRoute('/invite/xyz', '', '')).toEqual({ name: 'invite', token: 'xyz' });
    expect(parseRoute('/packages/p-1', '', '')).toEqual({ name: 'package', id: 'p-1' });
    expect(parseRoute('/packages/p-1/members', '', '')).toEqual({ name: 'members', id: 'p-1' });
    expect(parseRoute('/packages/p-1/other', '', '')).toEqual({ name: 'notFound' });
    expect(parseRoute('/nope', '', '')).toEqual({ name: 'notFound' });
  });
});

describe('translate', () => {
  it('fills placeholders in both languages and leaves unknown ones visible', () => {
    expect(translate('nb', 'pasted', { rows: 3, cols: 4 })).toBe('Limte inn 3 × 4 celler.');
    expect(translate('en', 'pasted', { rows: 3, cols: 4 })).toBe('Pasted 3 × 4 cells.');
    expect(translate('nb', 'importError', { row: 2 })).toBe('Rad 2, kolonne «{column}», verdi «{value}»: {message}');
  });
});
