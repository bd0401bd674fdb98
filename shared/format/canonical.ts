/**
 * Canonical JSON, in a module of its own (no schema library): the client computes
 * item fingerprints with it, and a validator that compiles code would break the
 * app's Content-Security-Policy (no eval).
 */
/**
 * Serialises a value with object keys sorted at every level and no insignificant
 * whitespace, so equal packages give byte-identical text: the input of the
 * sealed export's checksum. Arrays keep their order (order is meaning).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

