import { createHash } from 'node:crypto';
import { z } from 'zod';
import { exportPackageToCsv } from '../../shared/csv';
import { buildExportModel, selectExportedPackage, type ExportScope } from '../../shared/export/model';
import { canonicalJson, writePackageJson } from '../../shared/format/json';
import type { RichPackage } from '../../shared/doc/richPackage';
import { renderDocx } from './docx';
import { renderHtml } from './html';
import { renderMarkdown } from './markdown';
import { renderXlsx } from './xlsx';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/protocol';


export interface ExportOptions {
  format: ExportFormat;
  /** `agreed` (default): only items whose status is agreed. `all`: everything, with each item's status. */
  scope?: ExportScope;
  /** Shown in the footer, e.g. «Endelig forslag». */
  versionName?: string;
  /** ISO date `YYYY-MM-DD` of the version (footer). */
  date?: string;
  /** A sealed version carries the checksum of its content in the footer. */
  sealed?: boolean;
  /**
   * The checksum to print instead of computing one (e.g. the one recorded when
   * the version was sealed); printed whenever given.
   */
  checksum?: string;
  /** A sealed round's acceptance per party, printed under the checksum. */
  acceptances?: string[];
}

export interface ExportResult {
  body: Uint8Array | string;
  contentType: string;
  /** ASCII-only, safe for `Content-Disposition: attachment; filename="…"`. */
  filename: string;
  /** SHA-256 (hex) of the canonical JSON of the exported package; always computed, printed only when sealed. */
  checksum: string;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/**
 * SHA-256 (lowercase hex) of the canonical JSON (keys sorted, no whitespace)
 * of `pkg`: equal content gives the same checksum whatever the key order or
 * the machine, so a printed checksum identifies the sealed text.
 */
export function packageChecksum(pkg: RichPackage): string {
  return createHash('sha256').update(canonicalJson(pkg), 'utf8').digest('hex');
}

/** «Budsjettforslag fra de rødgrønne 2023–2026» → «budsjettforslag-fra-de-rodgronne-2023-2026». */
export function filenameSlug(title: string): string {
  const slug = title
    .toLocaleLowerCase('nb')
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'budsjettforslag';
}

/**
 * Exports a package in one format. Selects the items of `scope` (default
 * `agreed`), computes the engine's report over exactly those, renders, and
 * returns the body with its content type, an ASCII filename and the checksum
 * of the exported package (printed in the footer when `sealed`). CSV uses the
 * import format (round trip); JSON is the lossless package file.
 */
export async function exportPackage(pkg: RichPackage, opts: ExportOptions): Promise<ExportResult> {
  const scope = opts.scope ?? 'agreed';
  const selected = selectExportedPackage(pkg, scope);
  const checksum = packageChecksum(selected);
  const base = filenameSlug(pkg.title) + (scope === 'all' ? '-alle-punkter' : '') + (opts.versionName ? `-${filenameSlug(opts.versionName)}` : '');
  const filename = `${base}.${opts.format}`;
  const contentType = CONTENT_TYPES[opts.format];
  if (opts.format === 'csv') return { body: exportPackageToCsv(selected), contentType, filename, checksum };
  if (opts.format === 'json') return { body: writePackageJson(selected), contentType, filename, checksum };
  const model = buildExportModel(pkg, {
    scope,
    ...(opts.versionName ? { versionName: opts.versionName } : {}),
    ...(opts.date ? { date: opts.date } : {}),
    ...(opts.checksum ? { checksum: opts.checksum } : opts.sealed ? { checksum } : {}),
    ...(opts.acceptances ? { acceptances: opts.acceptances } : {}),
  });
  switch (opts.format) {
    case 'docx':
      return { body: await renderDocx(model), contentType, filename, checksum };
    case 'xlsx':
      return { body: await renderXlsx(model), contentType, filename, checksum };
    case 'md':
      return { body: renderMarkdown(model), contentType, filename, checksum };
    case 'html':
      return { body: renderHtml(model), contentType, filename, checksum };
  }
}

const exportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS),
  scope: z.enum(['agreed', 'all']).default('agreed'),
  version: z.string().trim().max(200).optional(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Dato må skrives ÅÅÅÅ-MM-DD').optional(),
  sealed: z.enum(['1', 'true', '0', 'false']).optional(),
});

/**
 * Validates the query of `GET /api/packages/:id/export` (`format`, `scope`,
 * optional `version`, `date` YYYY-MM-DD, `sealed`) into export options, or a
 * Norwegian message for a 400 answer. Unknown parameters are ignored.
 */
export function parseExportQuery(query: Record<string, string | undefined>): { ok: true; options: ExportOptions } | { ok: false; message: string } {
  const parsed = exportQuerySchema.safeParse(query, { error: z.locales.no().localeError });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `Ugyldig parameter ${String(issue?.path[0] ?? '')}: ${issue?.message ?? ''}`.trim() };
  }
  const q = parsed.data;
  const options: ExportOptions = { format: q.format, scope: q.scope };
  if (q.version) options.versionName = q.version;
  if (q.date) options.date = q.date;
  if (q.sealed === '1' || q.sealed === 'true') options.sealed = true;
  return { ok: true, options };
}
