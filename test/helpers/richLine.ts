/**
 * A line with everything a line can hold (every plain field, amounts, an invalid
 * cell and a rich rationale with headings, bold, italics, a link, a line break, a
 * list and a quote), for tests that must lose none of it.
 */
import type * as Y from 'yjs';
import type { RichBlock } from '../../shared/doc/richtext';
import { createLineInDoc, setLineAmount } from '../../shared/doc/schema';

export const FULL_RATIONALE: RichBlock[] = [
  { type: 'heading', level: 2, runs: [{ text: 'Hvorfor' }] },
  { type: 'paragraph', runs: [{ text: 'Flere ' }, { text: 'lærere', bold: true }, { text: ' gir ' }, { text: 'mindre', italic: true }, { text: ' frafall.\nNy linje.' }] },
  { type: 'paragraph', runs: [{ text: 'Se ' }, { text: 'rapporten', link: 'https://example.org/rapport' }, { text: '.' }] },
  { type: 'list', ordered: true, items: [[{ text: 'Første' }], [{ text: 'Andre', bold: true }]] },
  { type: 'quote', runs: [{ text: 'Et sitat' }] },
];

/** Creates the full line in `doc` (id `id` when given) and returns its id. */
export function createFullLine(doc: Y.Doc, opts: { id?: string; title?: string; party?: string } = {}): string {
  const id = createLineInDoc(doc, {
    ...(opts.id ? { id: opts.id } : {}),
    ledger: 'investering',
    group: 'inndekning',
    title: opts.title ?? 'Ny skole på Nordbyen',
    amounts: { '2026': '12.5', '2027': '-3' },
    permanent: true,
    status: 'agreed',
    party: opts.party ?? 'SV',
    area: 'Oppvekst',
    rationale: FULL_RATIONALE,
  });
  setLineAmount(doc, id, '2028', 'tolv');
  return id;
}
