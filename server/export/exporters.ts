import type * as Y from 'yjs';
import { readRichPackageFromDoc, type RichPackage } from '../../shared/doc/richPackage';
import { EXPORT_FORMATS, type ExportFormat } from '../../shared/protocol';
import { exportPackage, parseExportQuery, type ExportResult } from './index';

/**
 * What an exporter plugged into the app's export route receives: the live doc
 * (rich text comes from it), the package id, and the request's query string
 * (`scope`, `version`, `date`, `sealed`). Structurally compatible with
 * `ExportInput` in server/packages/export.ts. No balance report comes in: the report
 * of an export is over exactly the exported items, so `exportPackage` computes it
 * (in `buildExportModel`) once the query has said which.
 */
export interface ExporterInput {
  doc: Y.Doc;
  pkg: { id: string };
  query?: Record<string, string | undefined>;
  /** The package to export instead of the doc's (a stored round, or the live package with its `agreed` statuses derived). */
  rich?: RichPackage;
  /** Footer of a stored round: its name and date, and when sealed the checksum and each party's acceptance. */
  round?: { versionName: string; date: string; checksum?: string; acceptances?: string[] };
}

/** Thrown for a bad query value; `message` is Norwegian, meant for a 400 answer. */
export class ExportQueryError extends Error {}

/**
 * One exporter per format (docx, xlsx, csv, md, html, json) for
 * `AppDeps.exporters`: each reads the rich package from the doc at call time
 * and runs `exportPackage` with the options of the query (default scope
 * `agreed`). Throws `ExportQueryError` for an invalid query value.
 */
export function createPackageExporters(): Record<ExportFormat, (input: ExporterInput) => Promise<ExportResult>> {
  const out = {} as Record<ExportFormat, (input: ExporterInput) => Promise<ExportResult>>;
  for (const format of EXPORT_FORMATS) {
    out[format] = async (input) => {
      const parsed = parseExportQuery({ ...(input.query ?? {}), format });
      if (!parsed.ok) throw new ExportQueryError(parsed.message);
      const options = input.round ? { ...parsed.options, ...input.round } : parsed.options;
      return exportPackage(input.rich ?? readRichPackageFromDoc(input.doc, input.pkg.id), options);
    };
  }
  return out;
}
