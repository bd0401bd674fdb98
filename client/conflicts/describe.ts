/** Conflicts in words (Norwegian or English): values as the grid shows them, people by name, times of day. */
import { formatAmount } from '../../shared/money';
import { keptAndLost, type CellValue, type ConflictSide, type ConflictView } from '../../shared/protocol';
import type { TFunction } from '../i18n';

/** A value as the cell shows it: `0,95`, `«tolv» (ugyldig)`, `tom celle`. */
export function valueText(t: TFunction, v: CellValue): string {
  if (v === null) return t('conflictEmptyValue');
  return 'amount' in v ? formatAmount(v.amount) : t('conflictTypedValue', { text: v.typed });
}

/** ` kl. 14:03` (today) or ` 3.12. kl. 14:03`; '' when unknown. */
export function whenText(t: TFunction, at: string | null, now: Date = new Date()): string {
  if (!at) return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '';
  const time = d.toLocaleTimeString('nb-NO', { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return t('conflictAt', { time });
  return t('conflictAtDate', { date: d.toLocaleDateString('nb-NO', { day: 'numeric', month: 'numeric' }), time });
}

function nameOf(t: TFunction, names: ReadonlyMap<string, string>, side: ConflictSide): string {
  return (side.userId && names.get(side.userId)) || t('unknownPerson');
}

/** The sentences of a conflict: its title, who wrote what when (the other value first), what the cell shows. */
export function conflictLines(t: TFunction, names: ReadonlyMap<string, string>, c: ConflictView): { title: string; other: string; written: string; now: string } {
  const { kept } = keptAndLost(c);
  return {
    title: t('conflictTitle', { line: c.lineTitle || t('untitled'), year: c.year }),
    other: t('conflictOtherLine', { name: nameOf(t, names, c.other), value: valueText(t, c.other.value), when: whenText(t, c.other.at) }),
    written: t('conflictWrittenLine', { name: nameOf(t, names, c.written), value: valueText(t, c.written.value), when: whenText(t, c.written.at) }),
    now: t('conflictNowShows', { value: valueText(t, kept.value) }),
  };
}
