/**
 * A deleted line is read back from its deleting transaction exactly as it was, and
 * restoring the snapshot gives the same line.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { parseLineSnapshot, restoreLineInDoc, snapshotLine, snapshotOfDeletedLine, type LineSnapshot } from '../../shared/doc/deletedLine';
import { readRichPackageFromDoc } from '../../shared/doc/richPackage';
import { createLineInDoc, deleteLineInDoc, getLinesMap, setLineAmount, setLineFields } from '../../shared/doc/schema';
import { FULL_RATIONALE, createFullLine } from '../helpers/richLine';

describe('deleted line snapshot', () => {
  it('reads the line from inside its deleting transaction exactly as it was, and restores it', () => {
    const doc = new Y.Doc({ gc: true });
    const id = createFullLine(doc);
    // Two lines either side, so the restored line's position matters.
    createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Etter' });
    const before = snapshotLine(doc, id)!;
    const plainBefore = readRichPackageFromDoc(doc, 'p').lines.find((l) => l.id === id);
    expect(before.rationale).toEqual(FULL_RATIONALE);
    expect(before.invalid).toEqual({ '2028': 'tolv' });

    let seen: LineSnapshot | null = null;
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === 'slett') seen = snapshotOfDeletedLine(tr, id);
    });
    deleteLineInDoc(doc, id, 'slett');
    expect(getLinesMap(doc).has(id)).toBe(false);
    expect(seen).toEqual(before);

    // Stored as JSON, read back, restored: the same line in the same place.
    const parsed = parseLineSnapshot(JSON.stringify(seen))!;
    expect(restoreLineInDoc(doc, parsed, 'gjenopprett')).toBe(true);
    expect(readRichPackageFromDoc(doc, 'p').lines.find((l) => l.id === id)).toEqual(plainBefore);
    expect(readRichPackageFromDoc(doc, 'p').lines.map((l) => l.title)).toEqual(['Ny skole på Nordbyen', 'Etter']);
    expect(snapshotLine(doc, id)).toEqual(before);
    expect(restoreLineInDoc(doc, parsed)).toBe(false);
  });

  it('sees only the line as it was just before: not fields removed earlier, and not other transactions’ deletions', () => {
    const doc = new Y.Doc({ gc: true });
    const id = createFullLine(doc);
    setLineFields(doc, id, { area: undefined, title: 'Omdøpt' });
    setLineAmount(doc, id, '2027', '');
    const before = snapshotLine(doc, id)!;
    expect(before.area).toBeUndefined();
    expect(before.amounts).toEqual({ '2026': '12.5' });
    let seen: LineSnapshot | null = null;
    let other: LineSnapshot | null = 'unset' as unknown as LineSnapshot;
    doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.origin === 'slett') seen = snapshotOfDeletedLine(tr, id);
      if (tr.origin === 'annet') other = snapshotOfDeletedLine(tr, id);
    });
    deleteLineInDoc(doc, id, 'slett');
    expect(seen).toEqual(before);
    // A later transaction did not delete it: nothing to read there.
    doc.transact(() => getLinesMap(doc).set('x', new Y.Map()), 'annet');
    expect(other).toBeNull();
  });

  it('refuses JSON that is no snapshot', () => {
    expect(parseLineSnapshot('{"id": 1}')).toBeNull();
    expect(parseLineSnapshot('ikke json')).toBeNull();
  });
});
