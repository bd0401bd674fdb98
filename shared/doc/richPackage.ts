import type * as Y from 'yjs';
import type { PackageLine, PackageSection, PlainPackage, VerbalInstruction } from '../types';
import type { RichBlock } from './richtext';
import {
  createLineInDoc,
  createSectionInDoc,
  createVerbalInDoc,
  entryOf,
  getLinesMap,
  lastLineOrder,
  getSectionsMap,
  getVerbalMap,
  readPackageFromDoc,
  readRichField,
  setLineAmount,
  writeMetaToDoc,
  type LineInput,
} from './schema';

/** A line with its rationale as rich text (`description` is its plain text). */
export interface RichPackageLine extends PackageLine {
  rich: RichBlock[];
}
/** A section with its introduction as rich text (`intro` is its plain text). */
export interface RichPackageSection extends PackageSection {
  rich: RichBlock[];
}
/** A verbal instruction with its text as rich text (`text` is its plain text). */
export interface RichVerbalInstruction extends VerbalInstruction {
  rich: RichBlock[];
}

/**
 * A whole package with every rich text kept as blocks: what export and the
 * JSON package format work from. It is a `PlainPackage` too (the plain fields
 * are filled), so it can go straight to the balance engine.
 */
export interface RichPackage extends PlainPackage {
  lines: RichPackageLine[];
  sections: RichPackageSection[];
  verbal: RichVerbalInstruction[];
}

/**
 * Reads the package with its rich texts (line rationales, section intros,
 * verbal texts) as `RichBlock[]`, in display order. Items keep their ids.
 */
export function readRichPackageFromDoc(doc: Y.Doc, id: string): RichPackage {
  const plain = readPackageFromDoc(doc, id);
  const lines = getLinesMap(doc);
  const sections = getSectionsMap(doc);
  const verbal = getVerbalMap(doc);
  const richOf = (map: Y.Map<Y.Map<unknown>>, itemId: string, key: string): RichBlock[] => {
    const m = entryOf(map, itemId);
    return m ? readRichField(m, key) : [];
  };
  return {
    ...plain,
    lines: plain.lines.map((l) => ({ ...l, rich: richOf(lines, l.id, 'rationale') })),
    sections: plain.sections.map((s) => ({ ...s, rich: richOf(sections, s.id, 'intro') })),
    verbal: plain.verbal.map((v) => ({ ...v, rich: richOf(verbal, v.id, 'text') })),
  };
}

/**
 * Writes a rich package into `doc` in one transaction: metadata, then sections,
 * lines and verbal instructions in array order (so display order is kept),
 * each created with its rich text in the transaction that creates it. Ids are
 * kept, so section references stay valid; an existing item with the same id
 * is replaced. Cells whose typed text was invalid are written back as typed
 * text, so they stay invalid (never zeroed). Meant for an empty document.
 */
export function applyRichPackageToDoc(doc: Y.Doc, pkg: RichPackage, origin?: unknown): void {
  doc.transact(() => {
    writeMetaToDoc(
      doc,
      {
        title: pkg.title,
        years: [...pkg.years],
        planYears: [...pkg.planYears],
        parties: pkg.parties.map((p) => ({ ...p })),
        fundOpeningBalance: pkg.fundOpeningBalance,
        decisionOpening: pkg.decisionOpening,
        decisionPoints: pkg.decisionPoints?.map((p) => ({ ...p })),
        proposedBorrowing: pkg.proposedBorrowing,
      },
      origin,
    );
    for (const s of pkg.sections) createSectionInDoc(doc, s.title, s.rich, origin, s.id);
    let order = lastLineOrder(doc);
    for (const l of pkg.lines) {
      const input: LineInput = {
        order: ++order,
        id: l.id,
        ledger: l.ledger,
        group: l.group,
        title: l.title,
        amounts: { ...l.amounts },
        rationale: l.rich,
      };
      if (l.section) input.section = l.section;
      if (l.permanent) input.permanent = true;
      if (l.status) input.status = l.status;
      if (l.party) input.party = l.party;
      if (l.area) input.area = l.area;
      createLineInDoc(doc, input, origin);
      for (const [year, typed] of Object.entries(l.invalid ?? {})) setLineAmount(doc, l.id, year, typed, origin);
    }
    for (const v of pkg.verbal) {
      const input: Parameters<typeof createVerbalInDoc>[1] = { id: v.id, title: v.title, text: v.rich };
      if (v.section) input.section = v.section;
      if (v.status) input.status = v.status;
      if (v.party) input.party = v.party;
      createVerbalInDoc(doc, input, origin);
    }
  }, origin);
}
