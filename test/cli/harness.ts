/**
 * Runs the real `concur` command — the built `dist/cli/main.js` — in a child process.
 * Every child is awaited to its exit (and killed if it outlives the time limit).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli/main.js ...args` to its exit; rejects if it had to be killed. */
export function concur(...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) resolve({ code: 0, stdout, stderr });
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr });
        else reject(error); // could not start, or killed at the time limit
      },
    );
  });
}

/** Starts the command with piped output; the caller awaits its exit with {@link exited}. */
export function startConcur(args: string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
}

/** Resolves once `stream` has printed text matching `pattern`; resolves to all of it. */
export function waitForOutput(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer | string): void => {
      text += String(chunk);
      if (pattern.test(text)) {
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
    stream.once('end', () => {
      if (!pattern.test(text)) reject(new Error(`the output ended without ${pattern}:\n${text}`));
    });
  });
}

/** Resolves to the exit code (or signal name) of `child` once it has exited. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
}

/** Runs the command until its stdout matches `pattern`, then kills it; resolves to stdout. */
export async function concurUntil(pattern: RegExp, ...args: string[]): Promise<string> {
  const child = startConcur(args);
  child.stderr!.resume();
  const stdout = await waitForOutput(child.stdout!, pattern).finally(() => child.kill('SIGKILL'));
  await exited(child);
  return stdout;
}
