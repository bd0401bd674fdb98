import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { SnapshotReader } from '../../client/app/usePackageDoc';
import { createLineInDoc, createSectionInDoc, deleteLineInDoc, getLinesMap, observeLineChanges, readLinesFromDoc, readSectionsFromDoc, setLineAmount, setLineFields, writeMetaToDoc } from '../../shared/doc/schema';
import { readBaselineFromDoc, writeBaselineToDoc } from '../../shared/doc/baseline';

type Op =
  | { kind: 'create'; title: string }
  | { kind: 'amount'; pick: number; year: string; text: string }
  | { kind: 'title'; pick: number; title: string }
  | { kind: 'order'; pick: number; order: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'section'; title: string }
  | { kind: 'baseline'; value: string }
  | { kind: 'rationale'; pick: number; text: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('amount' as const), pick: fc.nat(), year: fc.constantFrom('2025', '2026'), text: fc.constantFrom('1,5', '-3', '', 'x', '2 401') }),
  fc.record({ kind: fc.constant('title' as const), pick: fc.nat(), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('order' as const), pick: fc.nat(), order: fc.integer({ min: -3, max: 10 }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('section' as const), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('baseline' as const), value: fc.constantFrom('1', '2.5') }),
  fc.record({ kind: fc.constant('rationale' as const), pick: fc.nat(), text: fc.string({ maxLength: 6 }) }),
);

function apply(doc: Y.Doc, op: Op): void {
  const ids = [...getLinesMap(doc).keys()].sort();
  const id = ids.length ? ids[('pick' in op ? op.pick : 0) % ids.length] : undefined;
  switch (op.kind) {
    case 'create':
      createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: op.title });
      break;
    case 'amount':
      if (id) setLineAmount(doc, id, op.year, op.text);
      break;
    case 'title':
      if (id) setLineFields(doc, id, { title: op.title });
      break;
    case 'order':
      if (id) setLineFields(doc, id, { order: op.order });
      break;
    case 'delete':
      if (id) deleteLineInDoc(doc, id);
      break;
    case 'section':
      createSectionInDoc(doc, op.title);
      break;
    case 'baseline':
      writeBaselineToDoc(doc, [{ name: 'Skole', amounts: { '2025': op.value } }]);
      break;
    case 'rationale': {
      const x = id ? getLinesMap(doc).get(id)?.get('rationale') : undefined;
      if (x instanceof Y.XmlText) {
        const p = x.toDelta()[0]?.insert;
        if (p instanceof Y.XmlText) p.insert(p.length, op.text);
      }
      break;
    }
  }
}

describe('SnapshotReader (incremental snapshot of the package doc)', () => {
  it('always equals a full read, also when the edits arrive from another replica', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.boolean(), (ops, remote) => {
        const doc = new Y.Doc();
        const source = remote ? new Y.Doc() : doc;
        if (remote) source.on('update', (u: Uint8Array) => Y.applyUpdate(doc, u, 'remote'));
        writeMetaToDoc(source, { title: 'T', years: ['2025', '2026'], planYears: ['2025', '2026'], parties: [] });
        const reader = new SnapshotReader(doc);
        const stop = observeLineChanges(doc, (c) => reader.onLineChanges(c));
        doc.getMap('sections').observeDeep(() => reader.markSections());
        let v = 0;
        for (const op of ops) {
          apply(source, op);
          const snap = reader.take(++v);
          expect(snap.lines).toEqual(readLinesFromDoc(doc));
          expect(snap.sections).toEqual(readSectionsFromDoc(doc));
          expect(snap.baseline).toEqual(readBaselineFromDoc(doc));
        }
        stop();
      }),
      { numRuns: 60 },
    );
  });
});
