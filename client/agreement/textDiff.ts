/**
 * A word-level diff of two texts (longest common subsequence over words and the
 * spaces between them), for showing how a verbal instruction changed between
 * rounds. Long texts fall back to «all removed, all added» beyond a size bound.
 */

export interface TextPart {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Most words either side for which the table is built (the table is n × m). */
const MAX_WORDS = 1500;

function words(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

export function diffWords(from: string, to: string): TextPart[] {
  const a = words(from);
  const b = words(to);
  if (a.length > MAX_WORDS || b.length > MAX_WORDS) {
    return [
      ...(from ? [{ kind: 'removed' as const, text: from }] : []),
      ...(to ? [{ kind: 'added' as const, text: to }] : []),
    ];
  }
  // lcs[i][j]: length of the common subsequence of a[i..] and b[j..].
  const lcs: Uint16Array[] = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: TextPart[] = [];
  const push = (kind: TextPart['kind'], text: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      push('same', a[i]!);
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) push('removed', a[i++]!);
    else push('added', b[j++]!);
  }
  while (i < a.length) push('removed', a[i++]!);
  while (j < b.length) push('added', b[j++]!);
  return out;
}
