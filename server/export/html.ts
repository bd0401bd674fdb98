import { formatAmount } from '../../shared/money';
import type { RichBlock, RichRun } from '../../shared/doc/richtext';
import { STATUS_LABELS, formatDateNorwegian, type ExportLine, type ExportModel, type ExportPart, type ExportTable, type ExportVerbal } from '../../shared/export/model';
import { escapeHtml, safeLinkUrl } from './text';

const e = escapeHtml;

function runToHtml(run: RichRun): string {
  let t = e(run.text).replace(/\n/g, '<br>');
  if (run.bold) t = `<strong>${t}</strong>`;
  if (run.italic) t = `<em>${t}</em>`;
  const url = run.link ? safeLinkUrl(run.link) : null;
  if (url) t = `<a href="${e(url)}" rel="noopener noreferrer">${t}</a>`;
  return t;
}

const runsToHtml = (runs: RichRun[]): string => runs.map(runToHtml).join('');

function richToHtml(blocks: RichBlock[]): string {
  return blocks
    .map((b) => {
      if (b.type === 'list') {
        const tag = b.ordered ? 'ol' : 'ul';
        return `<${tag}>${b.items.map((item) => `<li>${runsToHtml(item)}</li>`).join('')}</${tag}>`;
      }
      if (b.type === 'heading') return `<p class="lead-in"><strong>${runsToHtml(b.runs)}</strong></p>`;
      if (b.type === 'quote') return `<blockquote>${runsToHtml(b.runs)}</blockquote>`;
      return b.runs.some((r) => r.text.trim() !== '') ? `<p>${runsToHtml(b.runs)}</p>` : '';
    })
    .join('\n');
}

function statusBadge(status: ExportLine['status'], model: ExportModel): string {
  return model.scope === 'all' ? ` <span class="status status-${status}">${STATUS_LABELS[status]}</span>` : '';
}

function lineHtml(line: ExportLine, model: ExportModel): string {
  const amounts = model.years
    .flatMap((y) => {
      if (line.invalid[y] !== undefined) return [`<span class="invalid">${y}: «${e(line.invalid[y] ?? '')}» (ugyldig)</span>`];
      return line.amounts[y] !== undefined ? [`<span>${y}: ${formatAmount(line.amounts[y])}</span>`] : [];
    })
    .join(' ');
  return `<div class="line"><h4>${e(line.title) || '(uten tittel)'}${statusBadge(line.status, model)}</h4>
<p class="amounts">${amounts ? `${amounts} <span class="unit">mill. kr</span>` : '<em>Ingen beløp</em>'}</p>
${richToHtml(line.rich)}</div>`;
}

function partHtml(part: ExportPart, lines: ExportLine[], verbal: ExportVerbal[], model: ExportModel): string[] {
  const out: string[] = part.label ? [`<h3>${e(part.label)}</h3>`] : [];
  if (part.kind === 'verbal') {
    for (const v of verbal) out.push(`<div class="verbal"><h4>${v.number}. ${e(v.title)}${statusBadge(v.status, model)}</h4>${richToHtml(v.rich)}</div>`);
  } else out.push(...lines.map((l) => lineHtml(l, model)));
  return out;
}

function tableHtml(table: ExportTable, model: ExportModel): string {
  const withStatus = model.scope === 'all';
  const n = (v: string | null | undefined) => (v === null || v === undefined ? '' : formatAmount(v, { decimals: 2 }));
  const unknown = new Set(table.unknownYears);
  const head = `<tr><th scope="col">Linje</th>${withStatus ? '<th scope="col">Status</th>' : ''}${table.years.map((y) => `<th scope="col" class="num">${y}</th>`).join('')}<th scope="col" class="num">Sum</th></tr>`;
  const body = table.rows
    .map((row) => {
      if (row.kind === 'heading') return `<tr class="group"><th colspan="${table.years.length + (withStatus ? 3 : 2)}" scope="rowgroup">${e(row.label)}</th></tr>`;
      const cls = row.kind === 'sum' ? ` class="sum ${row.emphasis}"` : row.kind === 'info' ? ' class="info"' : '';
      const values = table.years
        .map((y) => {
          if (row.kind === 'line' && row.invalid[y] !== undefined) return `<td class="num invalid">«${e(row.invalid[y] ?? '')}»</td>`;
          // A sum over a year with an unreadable amount is unknown: «?», never a partial sum.
          if (row.kind !== 'line' && unknown.has(y)) return '<td class="num invalid">?</td>';
          return `<td class="num">${n(row.values[y])}</td>`;
        })
        .join('');
      const status = withStatus ? `<td>${row.kind === 'line' ? STATUS_LABELS[row.status] : ''}</td>` : '';
      const total = row.kind !== 'line' && row.total !== null && unknown.size > 0 ? '<td class="num invalid">?</td>' : `<td class="num">${n(row.total)}</td>`;
      return `<tr${cls}><th scope="row">${e(row.label)}</th>${status}${values}${total}</tr>`;
    })
    .join('\n');
  return `<table><caption>${e(table.title)}</caption><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

/** A CSS string literal for `content:` with every non-alphanumeric character escaped, so no text can end it. */
function cssString(text: string): string {
  return `"${[...text].map((c) => (/[\p{L}\p{N} ]/u.test(c) ? c : `\\${c.codePointAt(0)?.toString(16) ?? ''} `)).join('')}"`;
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: Calibri, Carlito, "Segoe UI", Arial, sans-serif; font-size: 11pt; line-height: 1.35; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #111; }
h1 { font-size: 20pt; margin: 0 0 .6em; }
h2 { font-size: 16pt; color: #1f3864; margin: 1.4em 0 .4em; break-after: avoid; }
h3 { font-size: 13pt; color: #1f3864; margin: 1.1em 0 .3em; break-after: avoid; }
h4 { font-size: 11pt; margin: 1em 0 .1em; break-after: avoid; }
.amounts { font-size: 9pt; color: #333; margin: 0 0 .4em; break-after: avoid; }
.amounts span { margin-right: 1.4em; }
.amounts .unit { color: #666; }
.invalid { color: #b71c1c; }
.status { font-size: 9pt; font-weight: normal; font-style: italic; color: #b71c1c; }
.status-agreed { color: #2e7d32; }
.draft-note { color: #b71c1c; font-style: italic; }
.decision-points li { margin-bottom: .3em; }
.unit-note { font-style: italic; color: #555; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; margin: .4em 0 1.6em; break-inside: avoid; }
caption { text-align: left; font-weight: bold; font-size: 11pt; padding-bottom: .4em; }
th, td { padding: 2px 6px; border-bottom: 1px solid #bbb; text-align: left; vertical-align: bottom; }
thead th { background: #ededed; border-top: 2px solid #000; }
th[scope=row] { font-weight: normal; }
.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.group th { font-style: italic; font-weight: normal; }
tr.sum th, tr.sum td { font-weight: bold; border-top: 1px solid #000; }
tr.sum.total th, tr.sum.total td { border-top: 2px solid #000; }
tr.info th, tr.info td { font-style: italic; }
footer { margin-top: 2em; font-size: 8pt; color: #555; border-top: 1px solid #bbb; padding-top: .4em; }
footer code { word-break: break-all; }
@media print {
  @page { size: A4; margin: 2cm 2.5cm; }
  body { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; }
  .tables { break-before: page; page-break-before: always; }
  table { page-break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}`;

/**
 * Renders the export model as one self-contained HTML page with a print
 * stylesheet (A4, tables on their own pages, repeated table headers, page
 * footer) good enough for "Save as PDF". Every user text is HTML-escaped,
 * links are limited to http/https/mailto, and a Content-Security-Policy
 * forbids scripts, so no package content can inject markup or code.
 */
export function renderHtml(model: ExportModel): string {
  const parts: string[] = [];
  parts.push(`<h1>${e(model.title) || 'Budsjettforslag'}</h1>`);
  if (model.scope === 'all') parts.push('<p class="draft-note">Arbeidsversjon: inneholder også punkter det ikke er enighet om. Status står ved hvert punkt.</p>');
  parts.push(`<p class="decision">${e(model.decision)}</p>`);
  if (model.decisionPoints.length > 0) parts.push(`<ol class="decision-points">${model.decisionPoints.map((p) => `<li>${e(p)}</li>`).join('')}</ol>`);
  for (const s of model.sections) {
    parts.push(`<section><h2>${e(s.title) || 'Uten tittel'}</h2>`, richToHtml(s.intro));
    for (const part of s.parts) parts.push(...partHtml(part, part.kind === 'verbal' ? [] : s[part.kind], s.verbal, model));
    parts.push('</section>');
  }
  const inn = model.inndekning;
  if (inn.parts.length > 0) {
    parts.push('<section><h2>Inndekning</h2>', richToHtml(inn.intro));
    for (const part of inn.parts) if (part.kind !== 'verbal') parts.push(...partHtml(part, inn[part.kind], [], model));
    parts.push('</section>');
  }
  parts.push(
    '<section class="tables"><h2>Tabeller</h2>',
    '<p class="unit-note">Beløp i millioner kroner. Tiltak og bruk av disposisjonsfond er positive beløp; inndekning og avsetning til fond er negative.</p>',
    ...model.tables.map((t) => tableHtml(t, model)),
    '</section>',
  );
  const footerText = [model.title, model.footer.versionName, model.footer.date ? formatDateNorwegian(model.footer.date) : undefined].filter((p): p is string => !!p).join(' · ');
  parts.push(`<footer><p>${e(footerText)}</p>${model.footer.checksum ? `<p>Forseglet versjon, SHA-256: <code>${e(model.footer.checksum)}</code></p>` : ''}${(model.footer.acceptances ?? []).map((l) => `<p>${e(l)}</p>`).join('')}</footer>`);
  const pageFooter = `@media print { @page { @bottom-left { content: ${cssString(footerText)}; font-family: Calibri, Carlito, sans-serif; font-size: 8pt; color: #555; } @bottom-right { content: "Side " counter(page) " av " counter(pages); font-family: Calibri, Carlito, sans-serif; font-size: 8pt; color: #555; } } }`;
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(model.title)}</title>
<style>${STYLE}
${pageFooter}</style>
</head>
<body>
${parts.filter((p) => p !== '').join('\n')}
</body>
</html>
`;
}
