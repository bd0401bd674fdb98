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

/** A Norwegian message for the first zod issue, naming the field it concerns. */
export function describeIssue(issue: z.core.$ZodIssue): { message: string; field?: string } {
  const field = issue.path.map(String).join('.');
  const name = field === '' ? 'forespørselen' : `feltet «${field}»`;
  switch (issue.code) {
    case 'invalid_type':
      return {
        message: issue.input === undefined ? `Mangler ${name}` : `Ugyldig type i ${name} (forventet ${issue.expected})`,
        field,
      };
    case 'too_big':
      return { message: `For lang verdi i ${name} (maks ${String(issue.maximum)})`, field };
    case 'too_small':
      return { message: `For kort verdi i ${name} (minst ${String(issue.minimum)})`, field };
    case 'invalid_format':
      return {
        message: issue.format === 'email' ? `Ugyldig e-postadresse i ${name}` : `Ugyldige tegn i ${name}`,
        field,
      };
    case 'invalid_value':
      return { message: `Ugyldig verdi i ${name} (tillatt: ${issue.values.map(String).join(', ')})`, field };
    case 'unrecognized_keys':
      return { message: `Ukjent felt: ${issue.keys.map((k) => `«${k}»`).join(', ')}`, field: issue.keys[0] ?? field };
    default:
      return { message: `Ugyldig verdi i ${name}: ${issue.message}`, field };
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
    const described = first ? describeIssue(first) : { message: 'Ugyldig forespørsel' };
    return { ok: false, response: c.json(errorBody(described.message, described.field), 400) };
  }
  return { ok: true, data: parsed.data };
}
