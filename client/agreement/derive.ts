/**
 * What the grids draw of the agreement, derived from the server's sign-offs and
 * the document as this client sees it now: a sign-off whose fingerprint is not
 * the item's current one is stale at once (the same rule as the server's, so the
 * mark changes the moment the figure does, not at the next fetch), and an item
 * is agreed only when every party has a current `accepted`.
 */
import { fingerprintLine, fingerprintVerbal } from '../../shared/report/agreement';
import type { AgreementView, ProposalView, SignoffView } from '../../shared/protocol/agreement';
import { formatAmount } from '../../shared/money';
import type { PackageLine, Party, VerbalInstruction } from '../../shared/types';
import type { CellExtra, LineAgreementInfo, LineMark } from '../grid/types';

// The snapshot keeps an unchanged line as the same object: its fingerprint is computed once.
const lineFingerprints = new WeakMap<PackageLine, string>();
const verbalFingerprints = new WeakMap<VerbalInstruction, string>();

export function currentLineFingerprint(line: PackageLine): string {
  let fp = lineFingerprints.get(line);
  if (fp === undefined) {
    fp = fingerprintLine(line);
    lineFingerprints.set(line, fp);
  }
  return fp;
}

export function currentVerbalFingerprint(v: VerbalInstruction): string {
  let fp = verbalFingerprints.get(v);
  if (fp === undefined) {
    fp = fingerprintVerbal(v);
    verbalFingerprints.set(v, fp);
  }
  return fp;
}

/** The marks of one item from its sign-offs, in the package's party order. */
export function marksOf(signoffs: Record<string, SignoffView> | undefined, parties: Party[], fingerprint: string): LineAgreementInfo {
  const marks: LineMark[] = [];
  let accepted = 0;
  for (const p of parties) {
    const s = signoffs?.[p.id];
    if (!s) continue;
    const stale = s.fingerprint !== fingerprint;
    if (s.state === 'accepted' && !stale) accepted++;
    const mark: LineMark = { party: p.id, name: p.name, color: p.color, state: s.state, stale };
    if (s.note) mark.note = s.note;
    marks.push(mark);
  }
  return { marks, agreed: parties.length > 0 && accepted === parties.length, changedAfterSigning: marks.some((m) => m.stale) };
}

function infoKey(info: LineAgreementInfo): string {
  return `${info.agreed ? 1 : 0}${info.changedAfterSigning ? 1 : 0}|${info.marks.map((m) => `${m.party}:${m.state}:${m.stale ? 1 : 0}:${m.note ?? ''}:${m.color}:${m.name}`).join('|')}`;
}

/**
 * Line id → agreement info for every line, keeping the previous object of a
 * line whose info did not change (so memoised rows skip rendering).
 */
export function lineInfos(view: AgreementView | null, lines: PackageLine[], parties: Party[], prev: ReadonlyMap<string, LineAgreementInfo>): Map<string, LineAgreementInfo> {
  const out = new Map<string, LineAgreementInfo>();
  for (const line of lines) {
    const info = marksOf(view?.items[line.id]?.signoffs, parties, currentLineFingerprint(line));
    const old = prev.get(line.id);
    out.set(line.id, old && infoKey(old) === infoKey(info) ? old : info);
  }
  return out;
}

/** The agreement of one verbal instruction as this client sees it. */
export function verbalInfo(view: AgreementView | null, v: VerbalInstruction, parties: Party[]): LineAgreementInfo {
  return marksOf(view?.items[v.id]?.signoffs, parties, currentVerbalFingerprint(v));
}

/** Whether an item counts as agreed now (the line's «Enighet»). */
export function isAgreedNow(info: LineAgreementInfo | undefined): boolean {
  return !!info?.agreed;
}

/**
 * Line id → year → the newest pending offer and the open comments on that cell,
 * keeping the previous record of a line whose cells did not change.
 */
export function cellExtrasOf(
  proposals: ProposalView[],
  cellComments: ReadonlyMap<string, number>,
  parties: Party[],
  prev: ReadonlyMap<string, Readonly<Record<string, CellExtra>>>,
): Map<string, Record<string, CellExtra>> {
  const byLine = new Map<string, Record<string, CellExtra>>();
  const partyOf = (id: string | null) => parties.find((p) => p.id === id);
  for (const p of proposals) {
    if (p.state !== 'pending') continue;
    const rec = byLine.get(p.lineId) ?? {};
    const party = partyOf(p.party);
    rec[p.year] = { ...rec[p.year], proposal: { id: p.id, text: formatAmount(p.amount), party: party?.name ?? p.byName ?? '?', color: party?.color ?? '#888', outdated: p.outdated } };
    byLine.set(p.lineId, rec);
  }
  for (const [key, n] of cellComments) {
    if (n <= 0) continue;
    const [lineId = '', year = ''] = key.split('|');
    const rec = byLine.get(lineId) ?? {};
    rec[year] = { ...rec[year], comments: n };
    byLine.set(lineId, rec);
  }
  const out = new Map<string, Record<string, CellExtra>>();
  for (const [lineId, rec] of byLine) {
    const old = prev.get(lineId);
    out.set(lineId, old && JSON.stringify(old) === JSON.stringify(rec) ? (old as Record<string, CellExtra>) : rec);
  }
  return out;
}
