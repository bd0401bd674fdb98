import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import type * as Y from 'yjs';
import { z } from 'zod';
import { errorBody, partySchema } from '../auth/validation';
import { parseAmount, toCanonical } from '../../shared/money';
import { markCurrentSchema, type PackageMeta } from '../../shared/doc/schema';
import type { Party } from '../../shared/types';
import type { Principal } from '../../shared/protocol';
import type { PackageRouteDeps } from './deps';
import { HttpOrigin } from './origin';

/** Random bytes in a package id (96 bits, 16 base64url characters: matches `PACKAGE_ID_RE`). */
const PACKAGE_ID_BYTES = 12;

const MSG_FORBIDDEN_CREATE = 'Du har ikke lov til å opprette pakker';

/** A year as a number (`2024`) or a string (`"2024"`); stored as the string. */
const yearSchema = z.preprocess(
  (v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v),
  z.string({ error: 'forventet et årstall, f.eks. 2024' }).regex(/^\d{4}$/, 'År skrives med fire sifre, f.eks. 2024'),
);

/** A party as its name (`"Ap"`) or as `{ id?, name, color? }`. */
const partyInputSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { name: v } : v),
  z.strictObject(
    {
      id: partySchema.optional(),
      name: z.string().trim().min(1).max(100),
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Farge skrives #rrggbb, f.eks. #c8102e').optional(),
    },
    { error: 'forventet et partinavn («Ap») eller { name, id?, color? }' },
  ),
);

/**
 * Body of `POST /api/packages`: strict (unknown fields → 400), years as numbers or
 * strings (`[2023, 2024]` or `["2023", "2024"]`), ascending and unique, plan years
 * among them, at most 20 parties given as names (`["Ap", "SV"]`) or objects, an
 * optional opening balance of the fund that must parse as an amount.
 */
export const createPackageBody = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    years: z.array(yearSchema).min(1).max(30),
    planYears: z.array(yearSchema).min(1).max(30),
    parties: z.array(partyInputSchema).max(20).default([]),
    // Money is never a binary float: the amount comes as text («507», «1 200,5»).
    fundOpeningBalance: z.string({ error: 'forventet beløpet som tekst, f.eks. "507" eller "1 200,5"' }).max(40).optional(),
  })
  .superRefine((b, ctx) => {
    const sorted = [...new Set(b.years)].sort();
    if (sorted.length !== b.years.length || sorted.some((y, i) => y !== b.years[i])) {
      ctx.addIssue({ code: 'custom', path: ['years'], message: 'Årene må være stigende og uten duplikater' });
    }
    if (b.planYears.some((y) => !b.years.includes(y))) {
      ctx.addIssue({ code: 'custom', path: ['planYears'], message: 'Planårene må være blant årene i «years»' });
    }
    if (b.fundOpeningBalance !== undefined) {
      const p = parseAmount(b.fundOpeningBalance);
      if (!p.ok || p.value === null) ctx.addIssue({ code: 'custom', path: ['fundOpeningBalance'], message: 'Ugyldig beløp' });
    }
  });

const PARTY_COLORS = ['#c8102e', '#00843d', '#a6192e', '#f2a900', '#005aa0', '#6a1b9a'];

function partiesOf(input: z.infer<typeof createPackageBody>['parties']): Party[] {
  const seen = new Set<string>();
  const out: Party[] = [];
  input.forEach((p, i) => {
    const id = (p.id ?? p.name).trim();
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ id, name: p.name, color: p.color ?? PARTY_COLORS[i % PARTY_COLORS.length]! });
  });
  return out;
}

/**
 * The document metadata a validated create body stands for: title, years, plan
 * years, parties (id defaults to the name, duplicates dropped, colours assigned in
 * turn) and the fund's opening balance as a canonical decimal string.
 */
export function metaOfCreateBody(b: z.infer<typeof createPackageBody>): Partial<PackageMeta> {
  const meta: Partial<PackageMeta> = { title: b.title, years: b.years, planYears: b.planYears, parties: partiesOf(b.parties) };
  if (b.fundOpeningBalance !== undefined) {
    const p = parseAmount(b.fundOpeningBalance);
    if (p.ok && p.value !== null) meta.fundOpeningBalance = toCanonical(p.value);
  }
  return meta;
}

/**
 * The caller, when they may create packages; otherwise the answer that refuses them
 * (401 without a session, 403 for a principal the provider does not let create).
 */
export async function authorizeCreate(c: Context, deps: Pick<PackageRouteDeps, 'auth' | 'access'>): Promise<Principal | Response> {
  const principal = await deps.access.principal(c);
  if (principal instanceof Response) return principal;
  if (!(await deps.auth.canCreatePackage(principal))) return c.json(errorBody(MSG_FORBIDDEN_CREATE), 403);
  return principal;
}

/**
 * The one way a package comes into being (`POST /api/packages` and the package-file
 * import): registers it under a fresh random id, writes its first content with
 * `write` through the room in one transaction attributed to the creator (marked as
 * the current schema version), makes the
 * creator its owner, and resolves with the id once all of it is stored.
 */
export async function createPackage(
  deps: Pick<PackageRouteDeps, 'auth' | 'storage' | 'rooms'>,
  principal: Principal,
  title: string,
  write: (doc: Y.Doc, origin: HttpOrigin) => void,
): Promise<string> {
  const id = randomBytes(PACKAGE_ID_BYTES).toString('base64url');
  const now = new Date().toISOString();
  await deps.storage.createPackage({ id, title, createdBy: principal.userId, createdAt: now, updatedAt: now });
  const origin = new HttpOrigin(principal.userId);
  await deps.rooms.withRoom(id, 'content', (room) =>
    room.transact((doc) => {
      write(doc, origin);
      markCurrentSchema(doc);
    }, origin),
  );
  await deps.auth.afterPackageCreated(principal, id);
  return id;
}
