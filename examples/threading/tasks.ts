/**
 * The code the threading examples run in their threads. A thread runs a task reference:
 * its module is imported afresh in the new thread, so it lives apart from the examples'
 * entry scripts (whose top level starts the example).
 */
import { writeFile } from 'node:fs/promises';
import { threadId } from 'node:worker_threads';

import { defineTask } from 'concur-ts';
import type { Barrier } from 'concur-ts/threading';

// `Atomics.waitAsync` is ES2024; the project's lib is ES2023.
type WaitAsync = (
  cells: Int32Array,
  index: number,
  value: number,
  timeout: number,
) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** A wall-clock reading comparable across threads (ms since the epoch, fractional). */
function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Seed 002's `thread_task`: announce, wait `durationMs` (the seed's `time.sleep`,
 * standing for an I/O wait), announce the end. Start and end times go to `times[2·slot]`
 * and `times[2·slot + 1]`. The wait begins once every thread of the example has started
 * (`together`, a Barrier of all of them): see 01-two-threads.ts.
 */
export const threadTask = defineTask(
  import.meta.url,
  async function threadTask(
    name: string,
    durationMs: number,
    together: Barrier,
    times: Float64Array,
    slot: number,
    quiet: boolean,
  ): Promise<void> {
    const say = (line: string): void => {
      if (!quiet) console.log(line);
    };
    times[2 * slot] = now();
    say(
      `Thread ${name} (PID: ${process.pid}, ident: ${threadId}) started, taking ${durationMs} ms...`,
    );
    await together.wait();
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    say(`Thread ${name} (PID: ${process.pid}) ended`);
    times[2 * slot + 1] = now();
  },
);

/** Seed 003's `task(i)`: say that task `i` runs; record which thread ran it in `ran[i]`. */
export const task = defineTask(
  import.meta.url,
  function task(i: number, ran: Int32Array, quiet: boolean): void {
    if (!quiet) console.log(`Task ${i} is running...`);
    Atomics.store(ran, i, threadId);
  },
);

/** Cells shared by the download and the progress thread. */
export const PROGRESS_STARTED = 0;
export const DONE = 1;
export const DOTS = 2;
export const BYTES = 3;

/**
 * Seed 000's `download_file`: fetch `url` and save it to `path`, then set DONE (the
 * global `download_complete` of the seed, here a shared cell). It waits for the progress
 * thread to be up first, so that at least one dot is always drawn.
 */
export const downloadFile = defineTask(
  import.meta.url,
  async function downloadFile(
    url: string,
    path: string,
    cells: Int32Array,
    quiet: boolean,
  ): Promise<void> {
    while (Atomics.load(cells, PROGRESS_STARTED) === 0) {
      Atomics.wait(cells, PROGRESS_STARTED, 0, 1000);
    }
    if (!quiet) console.log('Start downloading files...');
    const response = await fetch(url);
    const body = new Uint8Array(await response.arrayBuffer());
    await writeFile(path, body);
    Atomics.store(cells, BYTES, body.byteLength);
    Atomics.store(cells, DONE, 1);
    Atomics.notify(cells, DONE);
    if (!quiet) console.log('\nDownload is complete!');
  },
);

/**
 * Seed 000's `show_progress`: a dot every `intervalMs` until DONE is set. It naps on the
 * DONE cell itself (`Atomics.waitAsync`), so it stops the moment the download ends, and
 * without blocking its thread: a worker's console output reaches the terminal only while
 * its event loop runs (the seed's `flush=True`).
 */
export const showProgress = defineTask(
  import.meta.url,
  async function showProgress(cells: Int32Array, intervalMs: number, quiet: boolean) {
    Atomics.store(cells, PROGRESS_STARTED, 1);
    Atomics.notify(cells, PROGRESS_STARTED);
    while (Atomics.load(cells, DONE) === 0) {
      if (!quiet) process.stdout.write('.');
      Atomics.add(cells, DOTS, 1);
      const nap = waitAsync(cells, DONE, 0, intervalMs);
      if (nap.async) await nap.value;
    }
  },
);

/**
 * Seed 004's `download_image`: fetch `url` and write it to `filename` chunk by chunk;
 * the byte count goes to `sizes[slot]`.
 */
export const downloadImage = defineTask(
  import.meta.url,
  async function downloadImage(
    url: string,
    filename: string,
    sizes: Int32Array,
    slot: number,
    quiet: boolean,
  ): Promise<void> {
    if (!quiet) console.log(`Downloading ${url}...`);
    const response = await fetch(url);
    if (response.status === 200 && response.body !== null) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body) chunks.push(chunk as Uint8Array);
      const body = Buffer.concat(chunks);
      await writeFile(filename, body);
      Atomics.store(sizes, slot, body.byteLength);
    }
    if (!quiet) console.log(`Finished downloading ${url}`);
  },
);
