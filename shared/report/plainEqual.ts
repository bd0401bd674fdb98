/**
 * Deep equality of plain JSON-like data (objects, arrays, strings, numbers,
 * booleans, null, undefined): what a structured clone or `JSON.stringify`
 * would keep. Objects are equal when they have the same own keys with equal
 * values, in any order; identical references short-cut. Never true for two
 * values of different kinds (an array is not an object with index keys).
 */
export function plainEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!plainEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const k of keys) {
    if (!Object.prototype.hasOwnProperty.call(rb, k) || !plainEqual(ra[k], rb[k])) return false;
  }
  return true;
}
