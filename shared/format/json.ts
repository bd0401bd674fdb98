import { z } from 'zod';
import { isCanonical } from '../money';
import { GROUPS, LEDGERS, STATUSES } from '../types';
import type { RichBlock } from '../doc/richtext';
import type { RichPackage } from '../doc/richPackage';
import { sortKeys } from './canonical';

export type { RichPackage, RichPackageLine, RichPackageSection, RichVerbalInstruction } from '../doc/richPackage';

/**
 * The product's own package file: versioned JSON, lossless (ids, order, every
 * field, invalid typed cells, rich text with headings, lists, bold, italic,
 * links). Documented in docs/formats.md. The envelope is
 * `{ format: PACKAGE_FORMAT, version: PACKAGE_FORMAT_VERSION, package }`.
 */
export const PACKAGE_FORMAT = 'budsjettverksted-pakke';
/** Bumped on any change a version-1 reader could misread. */
export const PACKAGE_FORMAT_VERSION = 1;
/** Refuse bigger files before parsing them (a real package is well under 1 MB). */
export const MAX_PACKAGE_JSON_CHARS = 20_000_000;

/** One problem in a JSON package file; `path` points into the JSON (e.g. `package.lines.3.amounts.2024`). */
export interface JsonImportError {
  path: string;
  message: string;
}

export type ReadPackageJsonResult = { ok: true; pkg: RichPackage } | { ok: false; errors: JsonImportError[] };

export { canonicalJson } from './canonical';

/** Writes a rich package as a version-1 package file (pretty, keys sorted). */
export function writePackageJson(pkg: RichPackage): string {
  const envelope = { format: PACKAGE_FORMAT, version: PACKAGE_FORMAT_VERSION, package: sortKeys(pkg) };
  return JSON.stringify(envelope, null, 2) + '\n';
}

const year = z.string().regex(/^\d{4}$/, 'Årstall må ha fire sifre');
const amount = z.string().refine(isCanonical, 'Beløp må være en kanonisk desimalstreng (f.eks. "-93.65")');
const run = z.strictObject({
  text: z.string(),
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  link: z.string().optional(),
});
const block: z.ZodType<RichBlock> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('paragraph'), runs: z.array(run) }),
  z.strictObject({ type: z.literal('heading'), level: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(5), z.literal(6)]), runs: z.array(run) }),
  z.strictObject({ type: z.literal('quote'), runs: z.array(run) }),
  z.strictObject({ type: z.literal('list'), ordered: z.boolean(), items: z.array(z.array(run)) }),
]) as z.ZodType<RichBlock>;
const rich = z.array(block);
const id = z.string().min(1, 'Id mangler');

const packageSchema = z
  .strictObject({
    id: z.string(),
    title: z.string(),
    years: z.array(year),
    planYears: z.array(year),
    fundOpeningBalance: amount.optional(),
    decisionOpening: z.string().optional(),
    decisionPoints: z.array(z.strictObject({ number: z.string(), text: z.string() })).optional(),
    proposedBorrowing: amount.optional(),
    parties: z.array(z.strictObject({ id, name: z.string(), color: z.string() })),
    sections: z.array(z.strictObject({ id, title: z.string(), intro: z.string().optional(), rich })),
    lines: z.array(
      z.strictObject({
        id,
        ledger: z.enum(LEDGERS),
        group: z.enum(GROUPS),
        title: z.string(),
        amounts: z.record(year, amount),
        section: z.string().optional(),
        permanent: z.boolean().optional(),
        status: z.enum(STATUSES).optional(),
        party: z.string().optional(),
        area: z.string().optional(),
        description: z.string().optional(),
        invalid: z.record(year, z.string()).optional(),
        rich,
      }),
    ),
    verbal: z.array(
      z.strictObject({
        id,
        section: z.string().optional(),
        title: z.string(),
        text: z.string(),
        status: z.enum(STATUSES).optional(),
        party: z.string().optional(),
        rich,
      }),
    ),
  })
  .superRefine((pkg, ctx) => {
    const sectionIds = new Set(pkg.sections.map((s) => s.id));
    pkg.lines.forEach((l, i) => {
      if (l.section && !sectionIds.has(l.section)) ctx.addIssue({ code: 'custom', path: ['lines', i, 'section'], message: `Ukjent seksjon «${l.section}»` });
    });
    pkg.verbal.forEach((v, i) => {
      if (v.section && !sectionIds.has(v.section)) ctx.addIssue({ code: 'custom', path: ['verbal', i, 'section'], message: `Ukjent seksjon «${v.section}»` });
    });
    for (const [name, items] of [['lines', pkg.lines], ['sections', pkg.sections], ['verbal', pkg.verbal]] as const) {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [name, i, 'id'], message: `Id «${item.id}» finnes to ganger` });
        seen.add(item.id);
      });
    }
  });

// Norwegian messages for zod's built-in checks, per call (a global z.config would change other modules).
const NORWEGIAN = { error: z.locales.no().localeError };

const envelopeSchema = z.object({
  format: z.literal(PACKAGE_FORMAT, { error: `Dette er ikke en pakkefil (format må være «${PACKAGE_FORMAT}»)` }),
  version: z.number().int(),
  package: z.unknown(),
});

/**
 * Reads a package file. All or nothing: any problem gives `{ ok: false }` with
 * every error found (JSON path + Norwegian message) and no package. Refuses
 * files of a newer format version rather than guessing at them.
 */
export function readPackageJson(text: string): ReadPackageJsonResult {
  if (text.length > MAX_PACKAGE_JSON_CHARS) {
    return { ok: false, errors: [{ path: '', message: `Filen er for stor (over ${MAX_PACKAGE_JSON_CHARS / 1_000_000} millioner tegn)` }] };
  }
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: `Filen er ikke gyldig JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  const env = envelopeSchema.safeParse(data, NORWEGIAN);
  if (!env.success) return { ok: false, errors: toErrors(env.error, []) };
  if (env.data.version > PACKAGE_FORMAT_VERSION || env.data.version < 1) {
    return { ok: false, errors: [{ path: 'version', message: `Ukjent formatversjon ${env.data.version}; denne versjonen av programmet leser versjon ${PACKAGE_FORMAT_VERSION}` }] };
  }
  const parsed = packageSchema.safeParse(env.data.package, NORWEGIAN);
  if (!parsed.success) return { ok: false, errors: toErrors(parsed.error, ['package']) };
  return { ok: true, pkg: stripUndefined(parsed.data) as RichPackage };
}

function toErrors(error: z.ZodError, prefix: PropertyKey[]): JsonImportError[] {
  return error.issues.map((issue) => ({ path: [...prefix, ...issue.path].map(String).join('.'), message: issue.message }));
}

function stripUndefined(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
