/** The storage notice's frame and its tolerant parser (shared/protocol/storage.ts). */
import { describe, expect, it } from 'vitest';
import * as decoding from 'lib0/decoding';
import { MESSAGE_NOTICE, encodeStorageNotice, parseConflictNotice, parseNotice, parseStorageNotice, readNoticeText, storageNotice } from '../../shared/protocol';

describe('storage notice', () => {
  it('round-trips through a type-100 frame, and the other notice parsers ignore it', () => {
    const d = decoding.createDecoder(encodeStorageNotice(storageNotice('delayed')));
    expect(decoding.readVarUint(d)).toBe(MESSAGE_NOTICE);
    const json = readNoticeText(d)!;
    expect(parseStorageNotice(json)).toEqual({ kind: 'storage', state: 'delayed', message: 'Lagring forsinket — endringene venter på databasen' });
    expect(parseNotice(json)).toBeNull();
    expect(parseConflictNotice(json)).toBeNull();
  });

  it('is tolerant: anything else is null, never a throw; a missing message gets the default text', () => {
    for (const bad of ['', 'not json', 'null', '42', '{"kind":"storage"}', '{"kind":"storage","state":"lost"}', '{"kind":"read-only","role":"viewer","message":"x"}']) {
      expect(parseStorageNotice(bad), bad).toBeNull();
    }
    expect(parseStorageNotice('{"kind":"storage","state":"saved"}')).toEqual({ kind: 'storage', state: 'saved', message: 'Lagret' });
  });
});
