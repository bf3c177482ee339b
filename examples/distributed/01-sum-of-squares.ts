/**
 * Sums of squares computed by two worker processes through Redis — the seed's
 * multiprocessing example, spread the way it would be over several machines.
 *
 * Mirrors seed 000 (`000_6aef720855712969.txt`), "parallel calculation of sum of squares":
 *
 *   numbers = [10_000_000, 10_000_000, 10_000_000, 10_000_000]
 *   for num in numbers:
 *       p = multiprocessing.Process(target=calculate_square, args=(num,))
 *       ...
 *
 * Here the processes are `concur worker`s, which could run on any machine that reaches
 * the Redis server; this program starts two on this machine:
 *
 *   concur worker --connection <url> --queue squares --tasks dist/examples/distributed/tasks.js
 *
 * With `--connection redis://host:6379` it uses that Redis; without, it starts a private
 * redis-server on a unix socket (the project's scripts/redis-server.mjs) and stops it after.
 *
 * Run: npm run build && node dist/examples/distributed/01-sum-of-squares.js
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { DistributedExecutor } from 'concur-ts/distributed';
import { asCompleted } from 'concur-ts/futures';

import { calculateSquare } from './tasks.js';

export interface Options {
  /** A Redis URL; default: a private redis-server for the run. */
  connection?: string;
  /** The inputs (default: the seed's four 10 000 000s). */
  numbers?: number[];
  /** Collect the lines without printing them. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  totals: number[];
  /** The process id of the worker that computed each total. */
  workers: number[];
}

// The `concur` command of the installed package (dist/cli/main.js).
const cli = fileURLToPath(new URL('./cli/main.js', import.meta.resolve('concur-ts')));
const tasks = fileURLToPath(new URL('./tasks.js', import.meta.url));

interface Server {
  url: string;
  stop(): Promise<void>;
}

async function privateRedis(): Promise<Server> {
  // dist/examples/distributed → the repository's scripts/ (not part of the package).
  const script = new URL('../../../scripts/redis-server.mjs', import.meta.url);
  const { startRedis } = (await import(script.href)) as { startRedis: () => Promise<Server> };
  return startRedis();
}

/** Starts `concur worker` and resolves once it takes jobs. */
function startWorker(connection: string, queue: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        cli,
        'worker',
        '--connection',
        connection,
        '--queue',
        queue,
        '--tasks',
        tasks,
        '--concurrency',
        '2',
      ],
      { stdio: ['ignore', 'inherit', 'pipe'] },
    );
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('; ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}: ${said}`)));
  });
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM'); // drains: running tasks finish first
  await exited;
}

export async function main(options: Options = {}): Promise<Result> {
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (options.quiet !== true) console.log(line);
  };
  const numbers = options.numbers ?? [10_000_000, 10_000_000, 10_000_000, 10_000_000];
  const server = options.connection === undefined ? await privateRedis() : null;
  const connection = options.connection ?? server!.url;
  const queue = `squares-${process.pid}`;
  const workers: ChildProcess[] = [];
  const totals: number[] = [];
  const who: number[] = [];
  try {
    workers.push(await startWorker(connection, queue), await startWorker(connection, queue));
    const start = performance.now();
    {
      await using executor = new DistributedExecutor({ connection, queue });
      const futures = numbers.map((n) => executor.submit(calculateSquare, n));
      for (const next of asCompleted(futures)) {
        const { total, worker } = await next; // in completion order
        print(`Calculation results: ${total} (worker ${worker})`);
      }
      for (const future of futures) {
        totals.push(future.result().total);
        who.push(future.result().worker);
      }
    }
    print(`Total time consumption: ${((performance.now() - start) / 1000).toFixed(2)} seconds`);
  } finally {
    for (const worker of workers) await stopWorker(worker);
    await server?.stop();
  }
  return { lines, totals, workers: who };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const at = process.argv.indexOf('--connection');
  await main(at > 0 ? { connection: process.argv[at + 1]! } : {});
}
