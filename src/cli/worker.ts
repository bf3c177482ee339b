/**
 * `concur worker`: runs a distributed worker until SIGTERM/SIGINT (then drains).
 *
 * Exit codes: 0 after a graceful stop, 1 on a runtime failure (Redis unreachable, refused
 * credentials, a task module that does not load, the worker's loop failing: one line on
 * stderr), 2 on a usage error.
 *
 * @module
 */
import { parseArgs } from 'node:util';

export const WORKER_USAGE = `Usage: concur worker --connection <redis url> --queue <name> --tasks <module>… [options]

Runs the tasks that the given modules define (defineTask) for DistributedExecutors on
the same queue, until SIGTERM or SIGINT, which drain it: running tasks finish first.

Options:
  --connection <url>         redis://[user:password@]host[:port][/db], rediss://… (TLS),
                             or unix:///path/redis.sock[?password=…]
  --queue <name>             the executor's queue
  --tasks <module>…          task modules (paths or file: URLs); repeat or list them
  --concurrency <n>          jobs at once (default: the number of cores)
  --pool thread|process|none where tasks run: a thread pool (default), a process pool,
                             or none: this process's event loop (I/O-bound tasks only)
  --prefix <prefix>          Redis key prefix (default concur)
  --lost-worker-retries <n>  reruns of a task whose worker died (default 1)
  --lock-duration <ms>       job lock duration (default 10000)
  --stalled-interval <ms>    how often lost workers' jobs are looked for (default 5000)
  --connect-timeout <ms>     how long Redis may be unreachable while starting before
                             the worker gives up (default 10000)
  -h, --help                 show this help

Example:
  concur worker --connection redis://127.0.0.1:6379 --queue sums --tasks ./dist/tasks.js --concurrency 4`;

/** A mistake on the command line (exit code 2). */
export class WorkerUsageError extends Error {}

function integer(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new WorkerUsageError(
      `--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

/**
 * Runs `concur worker <argv>`; resolves with the exit code once the worker stopped.
 * `print` receives the status lines (stderr in the command).
 */
export async function workerCommand(
  argv: string[],
  print: (line: string) => void,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        connection: { type: 'string' },
        queue: { type: 'string' },
        tasks: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        pool: { type: 'string' },
        prefix: { type: 'string' },
        'lost-worker-retries': { type: 'string' },
        'lock-duration': { type: 'string' },
        'stalled-interval': { type: 'string' },
        'connect-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      throw new WorkerUsageError((error as Error).message.split('. ')[0]);
    }
    throw error;
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    print(WORKER_USAGE);
    return 0;
  }
  const tasks = [...(values.tasks ?? []), ...positionals];
  if (values.connection === undefined) throw new WorkerUsageError('--connection is required');
  if (values.queue === undefined) throw new WorkerUsageError('--queue is required');
  if (tasks.length === 0) throw new WorkerUsageError('--tasks needs at least one module');
  const pool = values.pool ?? 'thread';
  if (pool !== 'thread' && pool !== 'process' && pool !== 'none') {
    throw new WorkerUsageError(
      `--pool must be thread, process or none, got ${JSON.stringify(pool)}`,
    );
  }
  const concurrency = integer('concurrency', values.concurrency, 1);
  const lostWorkerRetries = integer('lost-worker-retries', values['lost-worker-retries'], 0);
  const lockDuration = integer('lock-duration', values['lock-duration'], 1);
  const stalledInterval = integer('stalled-interval', values['stalled-interval'], 1);
  const connectTimeout = integer('connect-timeout', values['connect-timeout'], 1);
  // Loaded here so that the rest of the command never needs the optional peers.
  const { runWorker } = await import('../distributed/runWorker.js');
  const me = `concur worker ${process.pid}`;
  let worker;
  try {
    worker = await runWorker({
      connection: values.connection,
      queue: values.queue,
      tasks,
      pool,
      handleSignals: true,
      ...(values.prefix === undefined ? {} : { prefix: values.prefix }),
      ...(concurrency === undefined ? {} : { concurrency }),
      ...(lostWorkerRetries === undefined ? {} : { lostWorkerRetries }),
      ...(lockDuration === undefined ? {} : { lockDuration }),
      ...(stalledInterval === undefined ? {} : { stalledInterval }),
      ...(connectTimeout === undefined ? {} : { connectTimeout }),
    });
  } catch (error) {
    print(`${me}: could not start: ${oneLine(error)}`);
    return 1;
  }
  worker.on('error', (error) => print(`${me}: ${oneLine(error)}`));
  print(`${me}: queue ${worker.queue}, tasks ${worker.taskNames.join(', ')}; ready`);
  try {
    await worker.closed;
  } catch (error) {
    print(`${me}: stopped taking jobs: ${oneLine(error)}`);
    return 1;
  }
  const s = worker.statistics();
  print(`${me}: stopped (${s.completed} completed, ${s.failed} failed)`);
  return 0;
}

/** `Name: message` of an error, on one line (no stack: the message says what to do). */
function oneLine(error: unknown): string {
  const text =
    error instanceof Error ? `${error.name}: ${error.message}` : `error: ${String(error)}`;
  return text.replace(/\s*\n\s*/g, ' ');
}
