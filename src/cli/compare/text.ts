/**
 * `concur compare`'s terminal report: a table per workload and runtime, the seeds' summary
 * table measured, and the conclusions, wrapped to the terminal's width.
 *
 * @module
 */
import { dash, formatMB, formatMs, formatRange, formatX, textTable, wrap } from './format.js';
import type { CompareReport, ModelResult, SideResult, WorkloadResult } from './report.js';
import { loadText, namedFastest, noIdleCore, noisyNote } from './verdicts.js';
import { WORKLOAD_TITLES, type WorkloadKind } from './workloads.js';

/** The per-workload table rows (header first): wall time as median and min–max, the rest medians. */
export function resultRows(side: { results: readonly ModelResult[] }): string[][] {
  const header = [
    'model',
    'wall',
    'min–max',
    'speed-up',
    'CPU time',
    'CPU/wall',
    'peak memory',
    'workers',
    'first task at',
  ];
  const rows = side.results.map((r) =>
    r.status !== 'ok' || r.spread === null
      ? [
          r.model,
          r.status === 'failed' ? 'failed' : 'skipped',
          ...Array<string>(header.length - 2).fill(dash),
        ]
      : [
          r.model,
          formatMs(r.wallMs!),
          formatRange(r.spread.wallMs),
          r.speedup === null ? dash : formatX(r.speedup),
          formatMs(r.cpuMs!),
          r.parallelism!.toFixed(1),
          formatMB(r.peakRssBytes!),
          String(r.workers),
          formatMs(r.startupMs!),
        ],
  );
  return [header, ...rows];
}

/** What the table's columns are, given the repeats. */
export function tableNote(repeat: number): string {
  return repeat === 1
    ? 'one run per model: no spread to judge the differences by'
    : `wall: median of ${repeat} runs, min–max: the fastest and the slowest; speed-up: ratio of medians; the other columns: medians`;
}

/** The Python model that does what each summary column's Node model does. */
const PYTHON_COUNTERPART: Record<string, string | null> = {
  processes: 'ProcessPoolExecutor',
  threads: 'ThreadPoolExecutor',
  asyncio: 'asyncio',
  'asyncio+threads': 'asyncio+ProcessPoolExecutor',
  distributed: null,
};

/**
 * The tutorials' summary table ("core differences"), filled with numbers measured here:
 * Node's models as columns, and under Node's rows, Python's counterparts measured on the
 * same jobs (`ProcessPoolExecutor` under processes, and so on).
 */
export function summaryRows(report: CompareReport): string[][] {
  const columns = ['processes', 'threads', 'asyncio', 'asyncio+threads', 'distributed'];
  const host = report.machine;
  const byKind = (kind: WorkloadKind) => report.workloads.find((w) => w.kind === kind);
  const shown = columns.filter((m) =>
    report.workloads.some((w) => w.results.some((r) => r.model === m && r.status === 'ok')),
  );
  const pick = (side: SideResult | null | undefined, m: string | null) =>
    side?.results.find((r) => r.model === m && r.status === 'ok');
  const x = (r: ModelResult | undefined) => (r?.speedup == null ? dash : formatX(r.speedup));
  // The conclusions' rule: only models clearly ahead of the rest, sequential included.
  const bestAt = (sides: readonly (readonly [string, SideResult | null])[], m: string | null) => {
    const wins = sides.filter(([, side]) => {
      const names = side === null ? null : namedFastest(side.workload.kind, side.results, host);
      return names !== null && m !== null && names.includes(m);
    });
    return wins.length === 0 ? dash : wins.map(([title]) => title).join(', ');
  };
  const speedups = (
    label: string,
    side: (w: WorkloadResult | undefined) => SideResult | null | undefined,
    name: (m: string) => string | null,
  ) =>
    (['cpu', 'io', 'mixed'] as const)
      .filter((kind) => byKind(kind) !== undefined)
      .map((kind) => [
        `${label}${WORKLOAD_TITLES[kind]}: speed-up`,
        ...shown.map((m) => x(pick(side(byKind(kind)), name(m)))),
      ]);
  const rows = [
    ['characteristic (measured)', ...shown],
    ...speedups(
      '',
      (w) => w,
      (m) => m,
    ),
    [
      'CPU time / wall (CPU-bound)',
      ...shown.map((m) => pick(byKind('cpu'), m)?.parallelism?.toFixed(1) ?? dash),
    ],
    [
      'peak memory (I/O-bound)',
      ...shown.map((m) => {
        const r = pick(byKind('io'), m);
        return r?.peakRssBytes == null ? dash : formatMB(r.peakRssBytes);
      }),
    ],
    [
      'clearly fastest at',
      ...shown.map((m) =>
        bestAt(
          report.workloads.map((w) => [w.title, w] as const),
          m,
        ),
      ),
    ],
  ];
  if (report.python.status === 'ok') {
    const counterpart = (m: string) => PYTHON_COUNTERPART[m] ?? null;
    rows.push(
      ['Python here: the counterpart', ...shown.map((m) => counterpart(m) ?? dash)],
      ...speedups('Python here: ', (w) => w?.python, counterpart),
      [
        'Python here: clearly fastest at',
        ...shown.map((m) =>
          bestAt(
            report.workloads.map((w) => [w.title, w.python] as const),
            counterpart(m),
          ),
        ),
      ],
    );
  }
  return rows;
}

/**
 * The whole text report; with `width` (a terminal's columns), the conclusions wrap to it
 * (the tables do not: a table broken across lines is worse than one that overflows).
 */
export function textReport(report: CompareReport, width: number | null = null): string[] {
  const { machine, python } = report;
  const lines = [
    `concur compare — ${machine.cpus} CPU cores (${loadText(machine)} at the start), Node ${machine.node}, ${machine.platform}/${machine.arch}, ${report.options.workers} workers per pool, ${report.options.repeat} ${report.options.repeat === 1 ? 'run' : 'runs'} per model`,
  ];
  if (noIdleCore(machine)) lines.push(`  ${noisyNote(machine)}`);
  lines.push(...modelsMet(report.workloads, (w) => w).map((l) => `  ${l}`));
  lines.push(
    python.status === 'ok'
      ? `  Python ${python.version} (${python.executable}), the same jobs with ${pythonShare(report.options.pythonScale)} the computing:`
      : `  Python: skipped (${python.reason})`,
  );
  lines.push(...modelsMet(report.workloads, (w) => w.python).map((l) => `    ${l}`));
  const conclusion = (text: string, first: string, indent: string) =>
    width === null ? [`${first}${text}`] : wrap(text, width, first, indent);
  for (const workload of report.workloads) {
    lines.push('', `${workload.title}: ${workload.description}`);
    lines.push(...sideLines(workload, report.options.repeat, '  '));
    lines.push(...conclusion(workload.conclusion, '  → ', '    '));
    if (workload.python !== null) {
      lines.push(`  Python: ${workload.python.description}`);
      lines.push(...sideLines(workload.python, report.options.repeat, '    '));
      lines.push(...conclusion(`In CPython, ${workload.python.conclusion}`, '    → ', '      '));
    }
  }
  lines.push('', 'The tutorials’ summary table, measured on this machine:');
  lines.push(...textTable(summaryRows(report)).map((l) => `  ${l}`));
  return lines;
}

/** "a hundredth of", "the same", … */
export function pythonShare(scale: number): string {
  if (scale === 1) return 'the same';
  const inverse = Math.round(1 / scale);
  if (Math.abs(inverse * scale - 1) < 1e-9) {
    const named: Record<number, string> = { 10: 'a tenth of', 100: 'a hundredth of' };
    return named[inverse] ?? `1/${inverse} of`;
  }
  return `${scale}× of`;
}

/** One line per model that ran a workload, saying how it runs jobs. */
function modelsMet(
  workloads: readonly WorkloadResult[],
  side: (w: WorkloadResult) => SideResult | null,
): string[] {
  const how = new Map<string, string>();
  for (const w of workloads) for (const r of side(w)?.results ?? []) how.set(r.model, r.how);
  return [...how].map(([model, text]) => `${model}: ${text}`);
}

/** A side's table, its note and why a model did not run. */
function sideLines(side: SideResult, repeat: number, indent: string): string[] {
  const lines = textTable(resultRows(side)).map((l) => `${indent}${l}`);
  lines.push(`${indent}(${tableNote(repeat)})`);
  for (const r of side.results) {
    if (r.status !== 'ok') {
      lines.push(
        `${indent}(${r.model} ${r.status === 'failed' ? 'failed' : 'skipped'}: ${r.reason})`,
      );
    }
  }
  return lines;
}
