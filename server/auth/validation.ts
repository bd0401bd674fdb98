import type { Context } from 'hono';
import { z } from 'zod';
import { ROLES } from '../../shared/protocol';
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from './password';

/** Largest JSON body the accounts routes read (bytes); larger bodies get 413. */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** Longest email address (RFC 5321 path limit). */
const EMAIL_MAX_CHARS = 254;
const NAME_MAX_CHARS = 200;
const PARTY_MAX_CHARS = 64;

/** No control characters (they have no place in a name and confuse logs and exports). */
const NO_CONTROL_CHARS_RE = /^[^\p{Cc}]*$/u;
/** Party ids as the document schema uses them: short letters, digits, space, `_`, `-`, `.`. */
const PARTY_RE = /^[\p{L}\p{N} _.-]+$/u;

/** An email address, trimmed, at most 254 characters. */
export const emailSchema = z.string().trim().max(EMAIL_MAX_CHARS).pipe(z.email());
/** Password as typed at login: any text up to the maximum (policy applies only when setting one). */
export const loginPasswordSchema = z.string().min(1).max(PASSWORD_MAX_CHARS);
/** A new password: length only, per OWASP ASVS (no composition rules). */
export const newPasswordSchema = z.string().min(PASSWORD_MIN_CHARS).max(PASSWORD_MAX_CHARS);
/** A display name: 1–200 characters, no control characters (apostrophes are fine: O'Brien). */
export const nameSchema = z.string().trim().min(1).max(NAME_MAX_CHARS).regex(NO_CONTROL_CHARS_RE);
/** One of `ROLES`. */
export const roleSchema = z.enum(ROLES);
/** A party id: 1–64 letters, digits, spaces, `_`, `-`, `.`. */
export const partySchema = z.string().trim().min(1).max(PARTY_MAX_CHARS).regex(PARTY_RE);

/** Bodies of the accounts routes, strict: unknown fields are refused (400). */
export const loginBody = z.strictObject({ email: emailSchema, password: loginPasswordSchema });
export const setupBody = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  email: emailSchema,
  password: newPasswordSchema,
  name: nameSchema,
});
/** Body of `POST /api/auth/setup/check`: only the token (is the setup link still unused?). */
export const setupCheckBody = z.strictObject({ token: z.string().max(100) });
export const acceptBody = z.strictObject({ password: newPasswordSchema, name: nameSchema.optional() });
export const changePasswordBody = z.strictObject({ currentPassword: loginPasswordSchema, newPassword: newPasswordSchema });
export const createUserBody = z.strictObject({ email: emailSchema, name: nameSchema.optional(), isAdmin: z.boolean().optional() });

/** The `{ error: { message, field? } }` body every accounts route answers errors with. */
export function errorBody(message: string, field?: string): { error: { message: string; field?: string } } {
  return field === undefined ? { error: { message } } : { error: { message, field } };
}

/**
 * The 413 answer for a body over `maxBytes`: JSON `{ error: { message } }` plus
 * `Connection: close`. The unread rest of the body is still on the wire; without the
 * header a keep-alive client would send its next request on that connection, and the
 * server would close it under that request.
 */
export function payloadTooLarge(c: Context, maxBytes: number): Response {
  c.header('Connection', 'close');
  return c.json(errorBody(`Forespørselen er for stor (maks ${Math.round(maxBytes / 1024)} KiB)`), 413);
}

/** Norwegian names of JSON value types, for «forventet tekst, fikk tall». */
const JSON_TYPE_NAMES: Record<string, string> = {
  string: 'tekst',
  number: 'tall',
  int: 'heltall',
  boolean: 'sann/usann',
  array: 'liste',
  object: 'objekt',
  null: 'null',
  undefined: 'ingenting',
};

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The value at `path` in `input`, and whether it is there at all (a missing key is not the same as a wrong type). */
function valueAt(input: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return { present: false, value: undefined };
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return { present: true, value: cur };
}

/** A message a schema gave on purpose (zod's own English defaults start with «Invalid» or «Too»). */
function ownMessage(issue: z.core.$ZodIssue): string | null {
  return issue.message && !/^(Invalid|Too (big|small)|Unrecognized)/.test(issue.message) ? issue.message : null;
}

/**
 * A Norwegian message for the first zod issue that says what is wrong and
 * names the field it concerns: missing (the key is not in `input`, the parsed
 * body) or of the wrong type («forventet tekst, fikk tall»), too long / too
 * many / too large with the limit, a bad format or value, or an unknown
 * field. A message the schema gives on purpose is kept.
 */
export function describeIssue(issue: z.core.$ZodIssue, input?: unknown): { message: string; field?: string } {
  const field = issue.path.map(String).join('.');
  const name = field === '' ? 'forespørselen' : `feltet «${field}»`;
  const own = ownMessage(issue);
  switch (issue.code) {
    case 'invalid_type': {
      const at = valueAt(input, issue.path);
      if (input !== undefined && !at.present) return { message: `Mangler ${name}${own ? ` (${own})` : ''}`, field };
      const got = input !== undefined ? `, fikk ${JSON_TYPE_NAMES[jsonTypeOf(at.value)] ?? jsonTypeOf(at.value)}` : '';
      const expected = own ?? `forventet ${JSON_TYPE_NAMES[issue.expected] ?? issue.expected}`;
      return { message: `Feil type i ${name}: ${expected}${got}`, field };
    }
    case 'too_big': {
      const max = String(issue.maximum);
      const what = issue.origin === 'string' ? `For lang tekst i ${name} (maks ${max} tegn)` : issue.origin === 'array' || issue.origin === 'set' ? `For mange elementer i ${name} (maks ${max})` : `For stor verdi i ${name} (maks ${max})`;
      return { message: what, field };
    }
    case 'too_small': {
      const min = String(issue.minimum);
      const what =
        issue.origin === 'string'
          ? min === '1'
            ? `Tom tekst i ${name}`
            : `For kort tekst i ${name} (minst ${min} tegn)`
          : issue.origin === 'array' || issue.origin === 'set'
            ? `For få elementer i ${name} (minst ${min})`
            : `For liten verdi i ${name} (minst ${min})`;
      return { message: what, field };
    }
    case 'invalid_format':
      if (issue.format === 'email') return { message: `Ugyldig e-postadresse i ${name}`, field };
      return { message: own ? `Ugyldig verdi i ${name}: ${own}` : `Ugyldige tegn i ${name}`, field };
    case 'invalid_value':
      return { message: `Ugyldig verdi i ${name} (tillatt: ${issue.values.map(String).join(', ')})`, field };
    case 'unrecognized_keys':
      return { message: `Ukjent felt: ${issue.keys.map((k) => `«${k}»`).join(', ')}`, field: issue.keys[0] ?? field };
    default:
      return { message: `Ugyldig verdi i ${name}: ${own ?? issue.message}`, field };
  }
}

/**
 * Reads and validates a JSON body: the result is the parsed value, or a ready 400/415
 * response whose message names the offending field. Never throws on client input.
 */
export async function readJsonBody<T>(
  c: Context,
  schema: z.ZodType<T>,
): Promise<{ ok: true; data: T } | { ok: false; response: Response }> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    return { ok: false, response: c.json(errorBody('Forventet JSON (Content-Type: application/json)'), 415) };
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    return { ok: false, response: c.json(errorBody('Ugyldig JSON i forespørselen'), 400) };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const described = first ? describeIssue(first, raw) : { message: 'Ugyldig forespørsel' };
    return { ok: false, response: c.json(errorBody(described.message, described.field), 400) };
  }
  return { ok: true, data: parsed.data };
}
