import { formatAmount } from '../../shared/money';
import type { RichBlock, RichRun } from '../../shared/doc/richtext';
import { STATUS_LABELS, formatDateNorwegian, type ExportLine, type ExportModel, type ExportPart, type ExportTable, type ExportVerbal } from '../../shared/export/model';
import { escapeMarkdown, safeLinkUrl, stripControlChars } from './text';

function runToMd(run: RichRun): string {
  let t = escapeMarkdown(run.text).replace(/\n/g, '  \n');
  if (t.trim() === '') return t;
  if (run.bold) t = `**${t}**`;
  if (run.italic) t = `*${t}*`;
  const url = run.link ? safeLinkUrl(run.link) : null;
  // Parentheses and spaces in the URL would end the link early: percent-encode them.
  if (url) t = `[${t}](${url.replace(/[()\s<>]/g, (c) => encodeURIComponent(c))})`;
  return t;
}

const runsToMd = (runs: RichRun[]): string => runs.map(runToMd).join('');

function richToMd(blocks: RichBlock[]): string[] {
  const out: string[] = [];
  for (const b of blocks) {
    if (b.type === 'list') {
      out.push(b.items.map((item, i) => `${b.ordered ? `${i + 1}.` : '-'} ${runsToMd(item)}`).join('\n'));
    } else if (b.type === 'heading') out.push(`**${runsToMd(b.runs)}**`);
    else if (b.type === 'quote') out.push(`> ${runsToMd(b.runs)}`);
    else if (b.runs.some((r) => r.text.trim() !== '')) out.push(runsToMd(b.runs));
  }
  return out;
}

function amountsMd(line: ExportLine, years: string[]): string {
  const parts = years.flatMap((y) => {
    if (line.invalid[y] !== undefined) return [`${y}: «${escapeMarkdown(line.invalid[y] ?? '')}» (ugyldig)`];
    return line.amounts[y] !== undefined ? [`${y}: ${formatAmount(line.amounts[y])}`] : [];
  });
  return parts.length > 0 ? `${parts.join(' · ')} (mill. kr)` : '*Ingen beløp*';
}

function lineMd(line: ExportLine, model: ExportModel): string[] {
  const status = model.scope === 'all' ? ` *[${STATUS_LABELS[line.status]}]*` : '';
  return [`**${escapeMarkdown(line.title) || '(uten tittel)'}**${status}  \n${amountsMd(line, model.years)}`, ...richToMd(line.rich)];
}

const cellMd = (text: string): string => escapeMarkdown(text).replace(/\n/g, ' ');

function partMd(part: ExportPart, lines: ExportLine[], verbal: ExportVerbal[], model: ExportModel): string[] {
  const out: string[] = part.label ? [`### ${part.label}`] : [];
  if (part.kind === 'verbal') {
    for (const v of verbal) {
      const status = model.scope === 'all' ? ` *[${STATUS_LABELS[v.status]}]*` : '';
      out.push(`**${v.number}\\. ${escapeMarkdown(v.title)}**${status}`, ...richToMd(v.rich));
    }
  } else for (const line of lines) out.push(...lineMd(line, model));
  return out;
}

function tableMd(table: ExportTable, model: ExportModel): string {
  const withStatus = model.scope === 'all';
  const unknown = new Set(table.unknownYears);
  const head = ['Linje', ...(withStatus ? ['Status'] : []), ...table.years, 'Sum'];
  const align = [':--', ...(withStatus ? [':--'] : []), ...table.years.map(() => '--:'), '--:'];
  const rows = table.rows.map((row) => {
    const bold = (s: string) => (row.kind === 'sum' && s !== '' ? `**${s}**` : row.kind === 'info' && s !== '' ? `*${s}*` : s);
    if (row.kind === 'heading') return `| *${cellMd(row.label)}* |${' |'.repeat(head.length - 1)}`;
    const values = table.years.map((y) => {
      if (row.kind === 'line' && row.invalid[y] !== undefined) return `«${cellMd(row.invalid[y] ?? '')}»`;
      // A sum over a year with an unreadable amount is unknown: «?», never a partial sum.
      if (row.kind !== 'line' && unknown.has(y)) return bold('?');
      const v = row.values[y];
      return bold(v === null || v === undefined ? '' : formatAmount(v, { decimals: 2 }));
    });
    const status = withStatus ? [row.kind === 'line' ? STATUS_LABELS[row.status] : ''] : [];
    const total = row.total === null ? '' : row.kind !== 'line' && unknown.size > 0 ? '?' : formatAmount(row.total, { decimals: 2 });
    return `| ${[bold(cellMd(row.label)), ...status, ...values, bold(total)].join(' | ')} |`;
  });
  return [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows].join('\n');
}

/**
 * Renders the export model as Markdown (CommonMark with GFM tables): the same
 * structure as the Word document, every user text escaped so it renders as
 * itself (no markup, no raw HTML, only http/https/mailto links).
 */
export function renderMarkdown(model: ExportModel): string {
  const out: string[] = [`# ${escapeMarkdown(model.title) || 'Budsjettforslag'}`];
  if (model.scope === 'all') out.push('*Arbeidsversjon: inneholder også punkter det ikke er enighet om. Status står ved hvert punkt.*');
  out.push(escapeMarkdown(model.decision));
  if (model.decisionPoints.length > 0) out.push(model.decisionPoints.map((p, i) => `${i + 1}. ${escapeMarkdown(p)}`).join('\n'));
  for (const s of model.sections) {
    out.push(`## ${escapeMarkdown(s.title) || 'Uten tittel'}`, ...richToMd(s.intro));
    for (const part of s.parts) out.push(...partMd(part, part.kind === 'verbal' ? [] : s[part.kind], s.verbal, model));
  }
  const inn = model.inndekning;
  if (inn.parts.length > 0) {
    out.push('## Inndekning', ...richToMd(inn.intro));
    for (const part of inn.parts) if (part.kind !== 'verbal') out.push(...partMd(part, inn[part.kind], [], model));
  }
  out.push('## Tabeller', '*Beløp i millioner kroner. Tiltak og bruk av disposisjonsfond er positive beløp; inndekning og avsetning til fond er negative.*');
  for (const t of model.tables) out.push(`### ${escapeMarkdown(t.title)}`, tableMd(t, model));
  const footer = [model.footer.versionName, model.footer.date ? formatDateNorwegian(model.footer.date) : undefined].filter((p): p is string => !!p);
  if (footer.length > 0 || model.footer.checksum || model.footer.acceptances) {
    out.push('---');
    if (footer.length > 0) out.push(`*${escapeMarkdown(footer.join(' · '))}*`);
    if (model.footer.checksum) out.push(`Forseglet versjon, SHA-256: \`${stripControlChars(model.footer.checksum).replace(/`/g, '')}\``);
    for (const line of model.footer.acceptances ?? []) out.push(escapeMarkdown(stripControlChars(line)));
  }
  return out.join('\n\n') + '\n';
}
