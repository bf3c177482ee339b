#!/usr/bin/env node
/**
 * The `concur` command: `concur demo [asyncio]`, `concur --help`, `concur --version`.
 *
 * Exit codes: 0 success, 1 a demo failed, 2 a usage error (unknown command or option, a
 * model whose demo is not available yet). Only Node built-ins (`util.parseArgs`).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { runAsyncioDemos } from './demos/asyncio.js';
import { workerCommand, WorkerUsageError } from './worker.js';

const USAGE = `Usage: concur <command> [options]

Python's concurrency toolkit for TypeScript on Node.js.

Commands:
  demo [model]     run the seeds' examples live; model: asyncio (default).
                   threads, processes and futures are not available yet.
  worker           run distributed tasks from a Redis queue (concur worker --help)

Options:
  --seed <n>       seed for the demos' random durations, to repeat a run
  -h, --help       show this help
  -v, --version    print the version

Examples:
  npx concur demo asyncio
  npx concur demo asyncio --seed 42`;

const MODELS = ['asyncio', 'threads', 'processes', 'futures'] as const;

/** A mistake in the command line: reported with a hint, exit code 2. */
class UsageError extends Error {}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    // parseArgs reports unknown options and missing values as TypeError with a code; its
    // first sentence says it all ("Unknown option '--nope'").
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
      const message = (error as Error).message.split('. ')[0]!;
      throw new UsageError(message.charAt(0).toLowerCase() + message.slice(1));
    }
    throw error;
  }
}

function parseSeed(text: string | undefined): number {
  if (text === undefined) return Math.floor(Math.random() * 1_000_000);
  if (!/^-?\d+$/.test(text)) {
    throw new UsageError(`--seed must be an integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  return String((pkg as { version?: unknown }).version);
}

async function demo(args: string[], seed: number): Promise<number> {
  if (args.length > 1) {
    throw new UsageError(`concur demo takes one model, got ${args.length}: ${args.join(' ')}`);
  }
  const model = args[0] ?? 'asyncio';
  if (model === 'asyncio') {
    await runAsyncioDemos(seed, (line) => void process.stdout.write(`${line}\n`));
    return 0;
  }
  if ((MODELS as readonly string[]).includes(model)) {
    process.stderr.write(
      `concur: the ${model} demo is not available yet; try: concur demo asyncio\n`,
    );
    return 2;
  }
  throw new UsageError(
    `unknown model ${JSON.stringify(model)}; choose one of ${MODELS.join(', ')}`,
  );
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'worker') {
    return workerCommand(argv.slice(1), (line) => void process.stderr.write(`${line}\n`));
  }
  const { values, positionals } = parseCommandLine(argv);
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version === true) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('no command given');
  if (command === 'demo') return demo(rest, parseSeed(values.seed));
  throw new UsageError(`unknown command ${JSON.stringify(command)}`);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof WorkerUsageError) error.message += '; see concur worker --help';
  if (!(error instanceof UsageError) && !(error instanceof WorkerUsageError)) throw error; // a bug or a failed demo: stack, exit 1
  process.stderr.write(`concur: ${error.message}\nRun 'concur --help' for usage.\n`);
  process.exitCode = 2;
}
