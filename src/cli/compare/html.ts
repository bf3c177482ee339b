/**
 * `concur compare --html FILE`: the report as one self-contained page — tables, the
 * conclusions, and bar charts of wall time and speed-up drawn in inline SVG. No script,
 * no font or style sheet to fetch: it opens offline and prints.
 *
 * @module
 */
import type { ModelResult, CompareReport, WorkloadResult } from './report.js';
import { formatMs, formatX, resultRows, summaryRows, tableNote, workerOf } from './report.js';
import type { Sample } from './tasks.js';
import { overlaps, type TracedRun } from './trace.js';

/** Bar colours; the browser test looks for them in a screenshot. */
export const TIME_COLOUR = '#2f6fde';
export const SPEEDUP_COLOUR = '#1f9e63';
const TASK_COLOUR = '#d9822b';

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

/**
 * A timeline of the runs of one workload on a common time scale: a lane per worker, a bar
 * per task. Bars that overlap in one lane (an event loop juggling requests) are drawn
 * translucent, so their pile-up shows.
 */
function timeline(runs: readonly TracedRun[]): string {
  if (runs.length === 0) return '';
  const labelW = 170;
  const plotW = 560;
  const laneH = 9;
  const longest = Math.max(...runs.map((r) => r.measure.wallMs), 1);
  let y = 24;
  const parts: string[] = [];
  for (const run of runs) {
    const { measure } = run;
    const lanes = new Map<string, Sample[]>();
    for (const s of measure.samples) {
      const worker = workerOf(s, measure.pid);
      lanes.set(worker, [...(lanes.get(worker) ?? []), s]);
    }
    parts.push(`<text x="0" y="${y + 9}" font-weight="bold">${escape(run.model)}</text>`);
    parts.push(
      `<text x="${labelW + plotW + 6}" y="${y + 9}">${escape(formatMs(measure.wallMs))}</text>`,
    );
    [...lanes.values()].forEach((samples, lane) => {
      const look = overlaps(samples) ? ' fill-opacity="0.25"' : ' stroke="#fff" stroke-width="0.5"';
      for (const s of samples) {
        const x = labelW + ((s.start - measure.startedAt) / longest) * plotW;
        const w = Math.max(1, ((s.end - s.start) / longest) * plotW);
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y + lane * (laneH + 2)}" width="${w.toFixed(1)}" ` +
            `height="${laneH}" fill="${TASK_COLOUR}"${look}/>`,
        );
      }
    });
    parts.push(
      `<text x="${labelW - 8}" y="${y + 9}" text-anchor="end">${lanes.size} ${lanes.size === 1 ? 'lane' : 'lanes'}</text>`,
    );
    y += lanes.size * (laneH + 2) + 14;
  }
  const width = labelW + plotW + 70;
  return (
    `<svg class="chart" role="img" aria-label="Timeline" width="${width}" height="${y}" ` +
    `viewBox="0 0 ${width} ${y}" xmlns="http://www.w3.org/2000/svg">` +
    `<text x="0" y="14" font-weight="bold">Timeline: a lane per thread or process, a bar per task (same scale for every model)</text>` +
    `${parts.join('')}</svg>`
  );
}

function section(workload: WorkloadResult, runs: readonly TracedRun[], repeat: number): string {
  return `<section>
<h2>${escape(workload.title)}</h2>
<p>${escape(workload.description)}</p>
<div class="charts">${barChart('Wall time (shorter is better)', workload.results, (r) => r.wallMs, formatMs, TIME_COLOUR)}
${barChart('Speed-up over sequential (longer is better)', workload.results, (r) => r.speedup, formatX, SPEEDUP_COLOUR)}</div>
${timeline(runs)}
${table(resultRows(workload))}
<p>${escape(tableNote(repeat))}; the timeline shows each model's median run.</p>
<p class="conclusion">→ ${escape(workload.conclusion)}</p>
</section>`;
}

/** The HTML page of `report`; `runs` (what each run measured) draw the timelines. */
export function htmlReport(report: CompareReport, runs: readonly TracedRun[]): string {
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
<p>${machine.cpus} CPU cores (load average ${machine.loadAverage.toFixed(1)} at the start) · Node ${escape(machine.node)} · ${escape(machine.platform)}/${escape(machine.arch)} ·
${options.workers} workers per pool · ${options.repeat} ${options.repeat === 1 ? 'run' : 'runs'} per model · concur ${escape(report.version)}</p>
<ul>${(report.workloads[0]?.results ?? [])
    .map(({ model, how }) => `<li><b>${escape(model)}</b>: ${escape(how)}</li>`)
    .join('')}</ul>
${report.workloads
  .map((w) =>
    section(
      w,
      runs.filter((r) => r.workload === w.title),
      options.repeat,
    ),
  )
  .join('\n')}
<h2>The seeds' summary table, measured</h2>
${table(summaryRows(report))}
</body>
</html>
`;
}
