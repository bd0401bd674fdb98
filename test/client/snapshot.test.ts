import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as Y from 'yjs';
import { watchPackageSnapshot, type PackageSnapshot } from '../../client/app/usePackageDoc';
import {
  createLineInDoc,
  createSectionInDoc,
  createVerbalInDoc,
  deleteLineInDoc,
  getLinesMap,
  getVerbalMap,
  readLinesFromDoc,
  readMetaFromDoc,
  readSectionsFromDoc,
  readVerbalFromDoc,
  setLineAmount,
  setLineFields,
  writeMetaToDoc,
} from '../../shared/doc/schema';
import { readBaselinesFromDoc, writeBaselineToDoc } from '../../shared/doc/baseline';

type Op =
  | { kind: 'create'; title: string }
  | { kind: 'amount'; pick: number; year: string; text: string }
  | { kind: 'title'; pick: number; title: string }
  | { kind: 'order'; pick: number; order: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'section'; title: string }
  | { kind: 'baseline'; value: string }
  | { kind: 'rationale'; pick: number; text: string }
  | { kind: 'verbal'; title: string }
  | { kind: 'verbalTitle'; pick: number; title: string }
  | { kind: 'verbalText'; pick: number; text: string }
  | { kind: 'verbalDelete'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('amount' as const), pick: fc.nat(), year: fc.constantFrom('2025', '2026'), text: fc.constantFrom('1,5', '-3', '', 'x', '2 401') }),
  fc.record({ kind: fc.constant('title' as const), pick: fc.nat(), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('order' as const), pick: fc.nat(), order: fc.integer({ min: -3, max: 10 }) }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('section' as const), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('baseline' as const), value: fc.constantFrom('1', '2.5') }),
  fc.record({ kind: fc.constant('rationale' as const), pick: fc.nat(), text: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('verbal' as const), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('verbalTitle' as const), pick: fc.nat(), title: fc.string({ maxLength: 6 }) }),
  fc.record({ kind: fc.constant('verbalText' as const), pick: fc.nat(), text: fc.string({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('verbalDelete' as const), pick: fc.nat() }),
);

/** Appends `text` to the first paragraph of a rich-text field. */
function appendToFirstParagraph(x: unknown, text: string): void {
  if (!(x instanceof Y.XmlText)) return;
  const p = x.toDelta()[0]?.insert;
  if (p instanceof Y.XmlText) p.insert(p.length, text);
}

function apply(doc: Y.Doc, op: Op): void {
  const ids = [...getLinesMap(doc).keys()].sort();
  const id = ids.length ? ids[('pick' in op ? op.pick : 0) % ids.length] : undefined;
  const verbalIds = [...getVerbalMap(doc).keys()].sort();
  const verbalId = verbalIds.length ? verbalIds[('pick' in op ? op.pick : 0) % verbalIds.length] : undefined;
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
      writeBaselineToDoc(doc, [{ name: 'Skole', amounts: { '2025': op.value } }], undefined, op.value === '1' ? 'drift' : 'investering');
      break;
    case 'rationale':
      if (id) appendToFirstParagraph(getLinesMap(doc).get(id)?.get('rationale'), op.text);
      break;
    case 'verbal':
      createVerbalInDoc(doc, { title: op.title, text: [{ type: 'paragraph', runs: [{ text: 'Kommunedirektøren bes' }] }] });
      break;
    case 'verbalTitle':
      if (verbalId) getVerbalMap(doc).get(verbalId)?.set('title', op.title);
      break;
    case 'verbalText':
      if (verbalId) appendToFirstParagraph(getVerbalMap(doc).get(verbalId)?.get('text'), op.text);
      break;
    case 'verbalDelete':
      if (verbalId) getVerbalMap(doc).delete(verbalId);
      break;
  }
}

/** Lets the timers that are due run (the watcher's one-per-task read is a 0 ms timer set before this one). */
const nextTask = () => new Promise((r) => setTimeout(r, 0));

describe('watchPackageSnapshot (the wiring of usePackageSnapshot)', () => {
  it('always hands out a snapshot equal to a full read, also when the edits arrive from another replica', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 30 }), fc.boolean(), async (ops, remote) => {
        const doc = new Y.Doc();
        const source = remote ? new Y.Doc() : doc;
        if (remote) source.on('update', (u: Uint8Array) => Y.applyUpdate(doc, u, 'remote'));
        writeMetaToDoc(source, { title: 'T', years: ['2025', '2026'], planYears: ['2025', '2026'], parties: [] });
        let snap: PackageSnapshot | null = null;
        const stop = watchPackageSnapshot(doc, (s) => (snap = s));
        try {
          for (const op of ops) {
            apply(source, op);
            await nextTask();
            const s = snap as PackageSnapshot | null;
            if (!s) throw new Error('no snapshot handed out');
            expect(s.lines).toEqual(readLinesFromDoc(doc));
            expect(s.sections).toEqual(readSectionsFromDoc(doc));
            expect(s.verbal).toEqual(readVerbalFromDoc(doc));
            expect(s.baseline).toEqual(readBaselinesFromDoc(doc));
            expect(s.meta).toEqual(readMetaFromDoc(doc));
          }
        } finally {
          stop();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('hands out one snapshot at the start and one per task however many transactions it carried, and none after stopping', async () => {
    const doc = new Y.Doc();
    writeMetaToDoc(doc, { title: 'T', years: ['2025'], planYears: ['2025'], parties: [] });
    const seen: PackageSnapshot[] = [];
    const stop = watchPackageSnapshot(doc, (s) => seen.push(s));
    expect(seen).toHaveLength(1);
    createLineInDoc(doc, { ledger: 'drift', group: 'tiltak', title: 'Skolemat' });
    createSectionInDoc(doc, 'Oppvekst');
    createVerbalInDoc(doc, { title: 'Skolemat i alle skoler' });
    expect(seen).toHaveLength(1);
    await nextTask();
    expect(seen).toHaveLength(2);
    expect(seen[1]!.lines.map((l) => l.title)).toEqual(['Skolemat']);
    expect(seen[1]!.sections.map((x) => x.title)).toEqual(['Oppvekst']);
    expect(seen[1]!.verbal.map((v) => v.title)).toEqual(['Skolemat i alle skoler']);
    stop();
    createVerbalInDoc(doc, { title: 'Etter stopp' });
    await nextTask();
    expect(seen).toHaveLength(2);
  });
});
