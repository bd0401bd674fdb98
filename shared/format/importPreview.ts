import type { ImportedLine } from '../doc/schema';
import { packageReportOf } from '../report/packageReport';
import type { BalanceReport, BalanceWarning, PackageLine, PlainPackage } from '../types';

/** Id given to the k-th imported line (0-based) in a preview; warnings refer to lines by it. */
export function previewLineId(index: number): string {
  return `import-${index + 1}`;
}

/** What the UI shows before the user confirms an import. */
export interface ImportPreview {
  /** The lines as they will be added. */
  lines: ImportedLine[];
  /** Section titles the import will create (not yet in the package), in file order. */
  newSections: string[];
  /** The package report's balance as it will be after the import (prose warnings of every line included). */
  report: BalanceReport;
  /** Prose–figure mismatches of the imported lines (`lineId` = `previewLineId(k)`). */
  proseWarnings: BalanceWarning[];
}

/**
 * Previews adding `lines` to `pkg` without touching any document: which
 * sections will be created (matched by trimmed, case-insensitive title, as
 * `applyImportToDoc` does), the package report of the package with the
 * imported lines added (`report`), and, picked from it, the prose–figure
 * mismatches of the new lines. Pure.
 */
export function previewImport(pkg: PlainPackage, lines: ImportedLine[]): ImportPreview {
  const key = (title: string) => title.trim().toLocaleLowerCase('nb');
  const known = new Set(pkg.sections.map((s) => key(s.title)));
  const newSections: string[] = [];
  const asLines: PackageLine[] = lines.map((l, k) => {
    if (l.section && !known.has(key(l.section))) {
      known.add(key(l.section));
      newSections.push(l.section.trim());
    }
    const line: PackageLine = { id: previewLineId(k), ledger: l.ledger, group: l.group, title: l.title, amounts: { ...l.amounts }, status: l.status ?? 'draft' };
    if (l.description) line.description = l.description;
    return line;
  });
  const report = packageReportOf({ ...pkg, lines: [...pkg.lines, ...asLines] }).balance;
  const imported = new Set(asLines.map((l) => l.id));
  return {
    lines,
    newSections,
    report,
    proseWarnings: report.warnings.filter((w) => w.code === 'prose-figure-mismatch' && w.lineId !== undefined && imported.has(w.lineId)),
  };
}
