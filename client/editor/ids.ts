/**
 * Stable ids for the rich texts of a package, used as editor ids, in presence
 * (`editing: { textId }`) and as comment targets. One convention, parsed in
 * one place.
 */
export type TextKind = 'line' | 'verbal' | 'section';

/** `line:<id>` (rationale), `verbal:<id>` (instruction text), `section:<id>` (introduction). */
export function textIdFor(kind: TextKind, itemId: string): string {
  return `${kind}:${itemId}`;
}

/** The kind and item id of a text id, or null when it is not one of ours. */
export function parseTextId(textId: string): { kind: TextKind; itemId: string } | null {
  const m = /^(line|verbal|section):(.+)$/.exec(textId);
  return m ? { kind: m[1] as TextKind, itemId: m[2]! } : null;
}
