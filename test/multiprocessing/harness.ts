/**
 * Starts real child processes running the scripts of fixtures/child.ts and waits for
 * every one to exit before the test ends (`await using children = new Children()`).
 */
import { fork, type ChildProcess } from 'node:child_process';

import { encodeShared } from 'concur-ts/multiprocessing';

import { ScriptError } from '../threading/harness.js';

export { ScriptError };

const FIXTURE = new URL('./fixtures/child.js', import.meta.url);
/** How long after a child's exit its report may still arrive (see `start`). */
const REPORT_GRACE_MS = 500;

/** One running child. */
export interface Running<R = unknown> {
  readonly child: ChildProcess;
  /** What the script returned; rejects with a ScriptError if it threw. */
  readonly result: Promise<R>;
  /** Resolves with the exit code once the process is gone. */
  readonly exited: Promise<number | null>;
  /** Messages the script sent besides its result. */
  readonly messages: unknown[];
}

export class Children implements AsyncDisposable {
  private readonly running: Running[] = [];

  /** Starts `script` in a new process with `args` (primitives allowed). */
  start<R = unknown>(script: string, args: Record<string, unknown> = {}): Running<R> {
    const child = fork(FIXTURE, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const messages: unknown[] = [];
    const result = new Promise<R>((resolve, reject) => {
      child.on('message', (message: { ok?: boolean; value?: R; error?: ScriptError }) => {
        if (typeof message !== 'object' || message === null || !('ok' in message)) {
          messages.push(message);
          return;
        }
        if (message.ok) resolve(message.value as R);
        else reject(new ScriptError(message.error as ScriptError));
      });
      // The report may still be on its way when 'exit' fires: Node delivers a channel's
      // last messages before 'close', Deno may deliver them after 'exit' and never fire
      // 'close'. So no report by 'close', or REPORT_GRACE_MS after 'exit', is a failure.
      void exited.then((code) =>
        new Promise<void>((settled) => {
          const late = setTimeout(settled, REPORT_GRACE_MS);
          child.once('close', () => {
            clearTimeout(late);
            settled();
          });
        }).then(() => reject(new Error(`the child exited (code ${code}) before reporting`))),
      );
    });
    result.catch(() => {}); // observed by the test; never an unhandled rejection here
    child.send({ script, args: encodeShared(args) });
    const running: Running<R> = { child, result, exited, messages };
    this.running.push(running);
    return running;
  }

  /** Waits for a message (other than the result) from `running`. */
  static nextMessage(running: Running): Promise<unknown> {
    if (running.messages.length > 0) return Promise.resolve(running.messages.shift());
    return new Promise((resolve) => {
      running.child.on('message', function listener(message: unknown) {
        if (typeof message === 'object' && message !== null && !('ok' in message)) {
          running.child.off('message', listener);
          running.messages.splice(running.messages.indexOf(message), 1);
          resolve(message);
        }
      });
    });
  }

  /** Kills what is still running and waits for every child to exit. */
  async [Symbol.asyncDispose](): Promise<void> {
    for (const r of this.running)
      if (r.child.exitCode === null && r.child.signalCode === null) {
        // Normally each child has finished; a failing test may leave one waiting.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          r.exited,
          new Promise((resolve) => (timer = setTimeout(resolve, 5000))),
        ]);
        clearTimeout(timer);
        if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
      }
    await Promise.all(this.running.map((r) => r.exited));
  }
}
