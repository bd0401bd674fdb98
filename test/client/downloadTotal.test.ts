/** A download's progress total: the length of a plain answer, unknown for a compressed one (whose length is on the wire). */
import { describe, expect, it } from 'vitest';
import { downloadTotal } from '../../client/app/transfer';

describe('downloadTotal', () => {
  it('is the Content-Length of a plain answer (DOCX, XLSX)', () => {
    expect(downloadTotal(new Headers({ 'content-length': '48213', 'content-type': 'application/zip' }))).toBe(48213);
  });

  it('is unknown for a compressed answer, whose decoded bytes would run past the length', () => {
    expect(downloadTotal(new Headers({ 'content-length': '812', 'content-encoding': 'br' }))).toBeNull();
    expect(downloadTotal(new Headers({ 'content-length': '812', 'content-encoding': 'gzip' }))).toBeNull();
  });

  it('is unknown without a length', () => {
    expect(downloadTotal(new Headers({}))).toBeNull();
  });
});
