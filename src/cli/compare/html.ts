/**
 * `concur compare --html FILE`: the report as one self-contained page — tables, the
 * conclusions, and bar charts of wall time and speed-up drawn in inline SVG. No script,
 * no font or style sheet to fetch: it opens offline and prints.
 *
 * @module
 */
import type { ModelResult, CompareReport, WorkloadResult } from './report.js';
import { formatMs, formatX, resultRows, summaryRows } from './report.js';

/** Bar colours; the browser test looks for them in a screenshot. */
export const TIME_COLOUR = '#2f6fde';
export const SPEEDUP_COLOUR = '#1f9e63';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(rows: readonly (readonly string[])[]): string {
  const [header, ...body] = rows;
  const cells = (row: readonly string[], tag: 'th' | 'td') =>
    row.map((cell) => `<${tag}>${escape(cell)}</${tag}>`).join('');
  return `<table><thead><tr>${cells(header!, 'th')}</tr></thead><tbody>${body
    .map((row) => `<tr>${cells(row, 'td')}</tr>`)
    .join('')}</tbody></table>`;
}

/** A horizontal bar chart of one number per model. */
function barChart(
  title: string,
  results: readonly ModelResult[],
  value: (r: ModelResult) => number | null,
  label: (v: number) => string,
  colour: string,
): string {
  const bars = results.flatMap((r) => {
    const v = value(r);
    return v === null ? [] : [{ model: r.model, v }];
  });
  const max = Math.max(...bars.map((b) => b.v), Number.MIN_VALUE);
  const rowH = 28;
  const labelW = 96;
  const plotW = 300;
  const height = bars.length * rowH + 30;
  const rows = bars
    .map((b, i) => {
      const y = 26 + i * rowH;
      const w = Math.max(2, (b.v / max) * plotW);
      return (
        `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${escape(b.model)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${colour}"/>` +
        `<text x="${labelW + w + 6}" y="${y + 15}">${escape(label(b.v))}</text>`
      );
    })
    .join('');
  return (
    `<svg class="chart" role="img" aria-label="${escape(title)}" width="${labelW + plotW + 90}" height="${height}" ` +
    `viewBox="0 0 ${labelW + plotW + 90} ${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<text x="0" y="14" font-weight="bold">${escape(title)}</text>${rows}</svg>`
  );
}

function section(workload: WorkloadResult): string {
  return `<section>
<h2>${escape(workload.title)}</h2>
<p>${escape(workload.description)}</p>
<div class="charts">${barChart('Wall time (shorter is better)', workload.results, (r) => r.wallMs, formatMs, TIME_COLOUR)}
${barChart('Speed-up over sequential (longer is better)', workload.results, (r) => r.speedup, formatX, SPEEDUP_COLOUR)}</div>
${table(resultRows(workload))}
<p class="conclusion">→ ${escape(workload.conclusion)}</p>
</section>`;
}

/** The HTML page of `report`. */
export function htmlReport(report: CompareReport): string {
  const { machine, options } = report;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>concur compare</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1b1b; background: #fff; }
h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.chart text { font: 12px system-ui, sans-serif; fill: #1b1b1b; }
.conclusion { font-weight: 600; }
</style>
</head>
<body>
<h1>concur compare</h1>
<p>${machine.cpus} CPU cores · Node ${escape(machine.node)} · ${escape(machine.platform)}/${escape(machine.arch)} ·
${options.workers} workers per pool · concur ${escape(report.version)}</p>
${report.workloads.map(section).join('\n')}
<h2>The seeds' summary table, measured</h2>
${table(summaryRows(report))}
</body>
</html>
`;
}
