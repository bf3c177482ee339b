/**
 * `concur compare --html FILE`: the report as one self-contained page — a "which model
 * when" card drawn from the conclusions, then per workload Node's and Python's results side
 * by side: wall time with the runs' spread as error bars, speed-up, timelines on a time
 * axis (the workers' start-up shaded), and the tables. Inline SVG and CSS only: no script,
 * no font or style sheet to fetch, so it opens offline and prints. It reads at 390 px (a
 * phone: the sides stack, wide tables and timelines scroll in their own box) and at 1280.
 *
 * @module
 */
import type { CompareReport, ModelResult, SideResult, WorkloadResult } from './report.js';
import { formatMs, formatX } from './format.js';
import { workerOf } from './report.js';
import { pythonShare, resultRows, summaryRows, tableNote } from './text.js';
import { fastestModels, loadText, namedFastest } from './verdicts.js';
import type { Sample } from './tasks.js';
import { overlaps, type TracedRun } from './trace.js';

/** Bar colours; the browser test looks for them in a screenshot. */
export const TIME_COLOUR = '#2f6fde';
export const SPEEDUP_COLOUR = '#1f9e63';
const TASK_COLOUR = '#d9822b';
const STARTUP_COLOUR = '#c4c4c4';
const INK = '#1b1b1b';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function table(rows: readonly (readonly string[])[]): string {
  const [header, ...body] = rows;
  const cells = (row: readonly string[], tag: 'th' | 'td') =>
    row.map((cell) => `<${tag}>${escape(cell)}</${tag}>`).join('');
  return `<div class="scroll"><table><thead><tr>${cells(header!, 'th')}</tr></thead><tbody>${body
    .map((row) => `<tr>${cells(row, 'td')}</tr>`)
    .join('')}</tbody></table></div>`;
}

/** An SVG that scales down to its container's width, never up past its own. */
function svg(label: string, width: number, height: number, body: string, kind = 'bars'): string {
  return (
    `<svg class="chart ${kind}" role="img" aria-label="${escape(label)}" viewBox="0 0 ${width} ${height}" ` +
    `style="max-width:${width}px" xmlns="http://www.w3.org/2000/svg">${body}</svg>`
  );
}

/** Width, in the charts' 12 px type, that a model's name needs. */
const textWidth = (text: string): number => Math.ceil(text.length * 6.8);

/**
 * A horizontal bar chart of one number per model; with `range`, each bar carries an error
 * bar from the fastest to the slowest run.
 */
function barChart(
  title: string,
  results: readonly ModelResult[],
  value: (r: ModelResult) => number | null,
  label: (v: number) => string,
  colour: string,
  range?: (r: ModelResult) => { min: number; max: number } | null,
): string {
  const bars = results.flatMap((r) => {
    const v = value(r);
    return v === null ? [] : [{ model: r.model, v, range: range?.(r) ?? null }];
  });
  const max = Math.max(...bars.map((b) => Math.max(b.v, b.range?.max ?? 0)), Number.MIN_VALUE);
  const rowH = 26;
  const labelW = Math.max(70, ...bars.map((b) => textWidth(b.model))) + 8;
  const plotW = 190;
  const width = labelW + plotW + 64;
  const height = bars.length * rowH + 26;
  const x = (v: number) => labelW + (v / max) * plotW;
  const rows = bars
    .map((b, i) => {
      const y = 24 + i * rowH;
      const w = Math.max(2, x(b.v) - labelW);
      let whisker = '';
      if (b.range !== null) {
        const [lo, hi, mid] = [x(b.range.min), x(b.range.max), y + (rowH - 8) / 2];
        whisker =
          `<path class="whisker" d="M${lo.toFixed(1)} ${mid}H${hi.toFixed(1)}` +
          `M${lo.toFixed(1)} ${mid - 5}v10M${hi.toFixed(1)} ${mid - 5}v10" stroke="${INK}" stroke-width="1.2" fill="none"/>`;
      }
      const end = Math.max(labelW + w, b.range === null ? 0 : x(b.range.max));
      return (
        `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${escape(b.model)}</text>` +
        `<rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${colour}"/>` +
        whisker +
        `<text x="${(end + 5).toFixed(1)}" y="${y + 14}">${escape(label(b.v))}</text>`
      );
    })
    .join('');
  return svg(
    title,
    width,
    height,
    `<text x="0" y="13" font-weight="bold">${escape(title)}</text>${rows}`,
  );
}

/** Round steps for a time axis up to `span` ms: about five ticks of 1, 2 or 5 × 10ᵏ. */
export function axisTicks(span: number): number[] {
  if (!(span > 0)) return [0];
  const rough = span / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  return Array.from({ length: Math.floor(span / step) + 1 }, (_, i) => i * step);
}

/**
 * The runs of one side on one workload on a common time axis: a lane per worker, a bar
 * per task, and a shaded band from the run's start to its first task — what starting the
 * workers cost. Bars that overlap in one lane (an event loop juggling requests) are drawn
 * translucent, so their pile-up shows.
 */
function timeline(title: string, runs: readonly TracedRun[]): string {
  if (runs.length === 0) return '';
  const labelW = Math.max(90, ...runs.map((r) => textWidth(r.model))) + 10;
  const plotW = 520;
  const laneH = 9;
  const longest = Math.max(...runs.map((r) => r.measure.wallMs), 1);
  const x = (ms: number) => labelW + (ms / longest) * plotW;
  let y = 52;
  const parts: string[] = [];
  for (const run of runs) {
    const { measure } = run;
    const lanes = new Map<string, Sample[]>();
    for (const s of measure.samples) {
      const worker = workerOf(s, measure.pid);
      lanes.set(worker, [...(lanes.get(worker) ?? []), s]);
    }
    const laneCount = Math.max(1, lanes.size);
    const first = Math.min(...measure.samples.map((s) => s.start)) - measure.startedAt;
    parts.push(`<text x="0" y="${y + 9}" font-weight="bold">${escape(run.model)}</text>`);
    parts.push(
      `<text x="0" y="${y + 22}">${lanes.size} ${lanes.size === 1 ? 'lane' : 'lanes'}</text>`,
    );
    if (first > 0) {
      parts.push(
        `<rect class="startup" x="${labelW}" y="${y}" width="${(x(first) - labelW).toFixed(1)}" ` +
          `height="${laneCount * (laneH + 2) - 2}" fill="${STARTUP_COLOUR}"/>`,
      );
    }
    [...lanes.values()].forEach((samples, lane) => {
      const look = overlaps(samples) ? ' fill-opacity="0.25"' : ' stroke="#fff" stroke-width="0.5"';
      for (const s of samples) {
        const w = Math.max(1, x(s.end - s.start) - labelW);
        parts.push(
          `<rect x="${x(s.start - measure.startedAt).toFixed(1)}" y="${y + lane * (laneH + 2)}" ` +
            `width="${w.toFixed(1)}" height="${laneH}" fill="${TASK_COLOUR}"${look}/>`,
        );
      }
    });
    parts.push(
      `<text x="${(x(measure.wallMs) + 4).toFixed(1)}" y="${y + 9}">${escape(formatMs(measure.wallMs))}</text>`,
    );
    y += Math.max(laneCount * (laneH + 2), 24) + 10;
  }
  // The axis: a baseline with ticks under the lanes.
  const ticks = axisTicks(longest);
  parts.push(`<path d="M${labelW} ${y}H${labelW + plotW}" stroke="${INK}" stroke-width="1"/>`);
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    parts.push(`<path d="M${tx} ${y}v5" stroke="${INK}" stroke-width="1"/>`);
    parts.push(`<text x="${tx}" y="${y + 17}" text-anchor="middle">${escape(formatMs(t))}</text>`);
  }
  y += 24;
  // The legend, above the lanes.
  const legend =
    `<rect x="0" y="20" width="12" height="9" fill="${TASK_COLOUR}"/>` +
    `<text x="16" y="28">a task (translucent where tasks overlap on one worker)</text>` +
    `<rect x="0" y="35" width="12" height="9" fill="${STARTUP_COLOUR}"/>` +
    `<text x="16" y="43">starting workers (from the run's start to its first task)</text>`;
  const width = labelW + plotW + 60;
  return `<div class="scroll">${svg(
    title,
    width,
    y,
    `<text x="0" y="13" font-weight="bold">${escape(title)}</text>${legend}${parts.join('')}`,
    'timeline',
  )}</div>`;
}

/** One side of a workload: its charts, conclusion, timeline and table. */
function side(
  heading: string,
  result: SideResult,
  runs: readonly TracedRun[],
  repeat: number,
): string {
  return `<div class="side">
<h3>${escape(heading)}</h3>
<p class="small">${escape(result.description)}</p>
${barChart(
  'Wall time: median, and the fastest–slowest run',
  result.results,
  (r) => r.wallMs,
  formatMs,
  TIME_COLOUR,
  (r) => r.spread?.wallMs ?? null,
)}
${barChart('Speed-up over sequential (longer is better)', result.results, (r) => r.speedup, formatX, SPEEDUP_COLOUR)}
<p class="conclusion">→ ${escape(result.conclusion)}</p>
${timeline(`Timeline of each model's median run (${heading})`, runs)}
${table(resultRows(result))}
<p class="small">${escape(tableNote(repeat))}.</p>
</div>`;
}

function section(
  workload: WorkloadResult,
  runs: readonly TracedRun[],
  report: CompareReport,
): string {
  const { python } = report;
  const pythonSide =
    workload.python === null || python.status !== 'ok'
      ? ''
      : side(
          `Python ${python.version}`,
          workload.python,
          runs.filter((r) => r.runtime === 'python'),
          report.options.repeat,
        );
  return `<section>
<h2>${escape(workload.title)}</h2>
<div class="sides">
${side(
  `Node ${report.machine.node}`,
  workload,
  runs.filter((r) => r.runtime === 'node'),
  report.options.repeat,
)}
${pythonSide}
</div>
</section>`;
}

/** What a side's conclusion names for a workload, with the speed-ups. */
function winners(result: SideResult | null, host: CompareReport['machine']): string {
  if (result === null) return '—';
  const names = namedFastest(result.workload.kind, result.results, host);
  if (names === null) {
    const leaders = fastestModels(result.results);
    if (leaders === null) return 'indistinguishable here';
    return leaders.includes('sequential')
      ? 'nothing beat sequential'
      : 'not ranked: the machine was busy';
  }
  return names
    .map((name) => {
      const speedup = result.results.find((r) => r.model === name)?.speedup;
      return speedup == null ? name : `${name} (${formatX(speedup)})`;
    })
    .join(', ');
}

/** The card at the top: for each workload, the models clearly fastest, in Node and Python. */
function whichModelWhen(report: CompareReport): string {
  const withPython = report.python.status === 'ok';
  const rows = report.workloads
    .map(
      (w) =>
        `<tr><th>${escape(w.title)}</th><td>${escape(winners(w, report.machine))}</td>${
          withPython ? `<td>${escape(winners(w.python, report.machine))}</td>` : ''
        }</tr>`,
    )
    .join('');
  return `<section class="card">
<h2>Which model when, measured here</h2>
<div class="scroll"><table><thead><tr><th>work</th><th>Node</th>${withPython ? '<th>Python</th>' : ''}</tr></thead><tbody>${rows}</tbody></table></div>
<p class="small">A model is named only when its slowest run beat every other model's fastest
(by more than 5%); otherwise the models are indistinguishable on this machine.</p>
</section>`;
}

/** The command line as a shell would take it back. */
function commandLine(argv: readonly string[]): string {
  return argv
    .map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

/** The HTML page of `report`; `runs` (what each run measured) draw the timelines. */
export function htmlReport(report: CompareReport, runs: readonly TracedRun[]): string {
  const { machine, options, python } = report;
  const when = report.startedAt.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC');
  const pythonLine =
    python.status === 'ok'
      ? `Python ${escape(python.version)} (${escape(pythonShare(options.pythonScale))} Node's computing)`
      : `Python skipped: ${escape(python.reason)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>concur compare</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 16px; color: ${INK}; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 15px; margin: 8px 0 4px; }
code { font-size: 12px; overflow-wrap: anywhere; }
.meta { color: #444; }
.card { border: 1px solid #ccd; border-radius: 8px; padding: 4px 14px 8px; background: #f6f8fc; }
.sides { display: flex; flex-wrap: wrap; gap: 24px; }
.side { flex: 1 1 420px; min-width: 0; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #ddd; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
.card td, .card th { white-space: normal; text-align: left; overflow-wrap: anywhere; }
svg.chart { display: block; width: 100%; height: auto; margin: 8px 0; }
svg.timeline { min-width: 560px; }
.chart text { font: 12px system-ui, sans-serif; fill: ${INK}; }
.conclusion { font-weight: 600; }
.small { font-size: 12px; color: #444; }
</style>
</head>
<body>
<h1>concur compare</h1>
<p class="meta">${escape(when)} · ${escape(machine.cpuModel)}, ${machine.cpus} cores, ${escape(loadText(machine))} at the start ·
Node ${escape(machine.node)} · ${pythonLine} · ${escape(machine.platform)}/${escape(machine.arch)} ·
${options.workers} workers per pool · ${options.repeat} ${options.repeat === 1 ? 'run' : 'runs'} per model · concur ${escape(report.version)}</p>
<p class="meta"><code>${escape(commandLine(report.argv))}</code></p>
${whichModelWhen(report)}
${report.workloads
  .map((w) =>
    section(
      w,
      runs.filter((r) => r.workload === w.title),
      report,
    ),
  )
  .join('\n')}
<h2>The tutorials' summary table, measured</h2>
${table(summaryRows(report))}
</body>
</html>
`;
}
