/**
 * `concur compare --trace FILE.json`: the runs as a Trace Event Format timeline (open it
 * in https://ui.perfetto.dev or chrome://tracing). Each run is a process, named after its
 * model and workload; each thread or process that ran jobs is a track; each job a slice.
 * Jobs that overlapped on one worker (an event loop juggling requests) are async slices,
 * which the viewers stack instead of mis-nesting.
 *
 * @module
 */
import { workerOf, type Runtime } from './report.js';
import type { RunMeasure } from './runs.js';
import type { Sample } from './tasks.js';

export interface TracedRun {
  runtime: Runtime;
  model: string;
  workload: string;
  /** The task's name, for the slices. */
  task: string;
  measure: RunMeasure;
}

/** One Trace Event (the subset written here). */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'b' | 'e' | 'M';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: string;
  args?: Record<string, unknown>;
}

/** A run's name in the trace and the timelines: `threads · CPU-bound`, `Python asyncio · …`. */
export function traceName(run: TracedRun): string {
  return `${run.runtime === 'python' ? 'Python ' : ''}${run.model} · ${run.workload}`;
}

/** True when some of `samples` ran at the same time (on one worker: an event loop). */
export function overlaps(samples: readonly Sample[]): boolean {
  const sorted = [...samples].sort((a, b) => a.start - b.start);
  return sorted.some((s, i) => i > 0 && s.start < sorted[i - 1]!.end);
}

/** The Trace Event JSON object (`{ traceEvents, displayTimeUnit }`) of `runs`. */
export function traceOf(runs: readonly TracedRun[]): {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
} {
  const starts = runs.flatMap((run) => run.measure.samples.map((s) => s.start));
  const origin = starts.length === 0 ? 0 : Math.min(...starts);
  const us = (ms: number): number => Math.round((ms - origin) * 1000);
  const events: TraceEvent[] = [];
  let asyncId = 0;
  runs.forEach((run, index) => {
    const pid = index + 1;
    const meta = (name: string, tid: number, args: Record<string, unknown>): TraceEvent => ({
      name,
      ph: 'M',
      pid,
      tid,
      args,
    });
    events.push(meta('process_name', 0, { name: traceName(run) }));
    events.push(meta('process_sort_index', 0, { sort_index: pid }));
    const byWorker = new Map<string, Sample[]>();
    for (const sample of run.measure.samples) {
      const worker = workerOf(sample, run.measure.pid);
      const list = byWorker.get(worker) ?? [];
      list.push(sample);
      byWorker.set(worker, list);
    }
    [...byWorker].forEach(([worker, samples], i) => {
      const tid = i + 1;
      events.push(meta('thread_name', tid, { name: worker }));
      const concurrent = overlaps(samples);
      for (const s of samples) {
        const args = { value: s.value };
        if (!concurrent) {
          const dur = Math.max(1, us(s.end) - us(s.start));
          events.push({
            name: run.task,
            ph: 'X',
            cat: 'task',
            pid,
            tid,
            ts: us(s.start),
            dur,
            args,
          });
        } else {
          const id = `0x${(++asyncId).toString(16)}`;
          events.push({
            name: run.task,
            ph: 'b',
            cat: 'task',
            id,
            pid,
            tid,
            ts: us(s.start),
            args,
          });
          events.push({ name: run.task, ph: 'e', cat: 'task', id, pid, tid, ts: us(s.end) });
        }
      }
    });
  });
  return { traceEvents: events, displayTimeUnit: 'ms' };
}
