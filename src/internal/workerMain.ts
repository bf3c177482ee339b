/**
 * The file every concur worker thread starts (`new Worker(workerMain)`): it wires a
 * `WorkerRuntime` to the task port the pool (or `Thread`) handed over, runs the
 * initializer, says READY, then runs what arrives.
 *
 *   main thread                         this worker
 *   port1.postMessage(batch) ─────────► port2 ──'message' event──► runtime.receive
 *   Atomics.add(cells[WAKE]); notify ─► (idle: Atomics.wait on cells[WAKE], then
 *                                        receiveMessageOnPort(port2) — no event-loop turn)
 *   ◄───────── port2.postMessage([RESULTS …])
 *
 * The wake-up handshake (piscina's): when nothing is running, the worker blocks in
 * `Atomics.wait` for at most IDLE_WAIT_MS and, when the main side bumps WAKE, reads its
 * port synchronously. That saves the worker's event-loop wake-up and the 'message' event
 * dispatch: an idle round trip went from 22 µs (p50, plain postMessage) to 15 µs on the
 * 2-core test machine. The wait is bounded, unlike piscina's default, so a worker never
 * freezes its own timers and stray promises for more than IDLE_WAIT_MS; after it, the
 * plain 'message' path takes over.
 *
 * @module
 */
import { isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';

import { serializeError } from './codec.js';
import { INIT_FAILED, READY } from './protocol.js';
import { CELL_STARTED, CELL_WAKE, type ThreadWorkerData } from './threadCells.js';
import { WorkerRuntime } from './workerRuntime.js';
import type { Transferable } from '../futures/transfer.js';

/** How long an idle worker blocks waiting for its next message before it yields. */
export const IDLE_WAIT_MS = 1;

async function main(): Promise<void> {
  const { port, cells: buffer, initializer } = (workerData as ThreadWorkerData).concur;
  const cells = new Int32Array(buffer);
  let started = 0;
  let waitQueued = false;

  const endpoint = {
    post(message: unknown[], transfer: Transferable[] | undefined): void {
      port.postMessage(message, transfer);
    },
    started(): void {
      Atomics.store(cells, CELL_STARTED, ++started);
    },
    idle(): void {
      if (waitQueued) return;
      waitQueued = true;
      setImmediate(waitForWork); // after this turn's microtasks and timers
    },
  };
  const runtime = new WorkerRuntime(endpoint);

  function waitForWork(): void {
    waitQueued = false;
    if (runtime.busy()) return;
    // Read WAKE before looking at the port: a message posted after the look changes WAKE,
    // so the wait below returns at once instead of sleeping on it.
    const seen = Atomics.load(cells, CELL_WAKE);
    let received = receiveMessageOnPort(port);
    if (received === undefined) {
      if (Atomics.wait(cells, CELL_WAKE, seen, IDLE_WAIT_MS) === 'timed-out') return;
      received = receiveMessageOnPort(port);
    }
    while (received !== undefined) {
      runtime.receive(received.message as unknown[]);
      received = receiveMessageOnPort(port);
    }
  }

  // A task that calls process.exit(), or an error nobody caught, ends the thread: send the
  // results of the tasks that did finish first, so that only the culprit fails.
  process.on('exit', () => runtime.flush());

  if (initializer !== null) {
    try {
      await runtime.initialize(initializer[0], initializer[1], initializer[2]);
    } catch (error) {
      port.postMessage([INIT_FAILED, serializeError(error)]);
      return;
    }
  }
  port.on('message', (message: unknown[]) => runtime.receive(message));
  port.postMessage([READY]);
  endpoint.idle();
}

if (!isMainThread && (workerData as Partial<ThreadWorkerData> | null)?.concur !== undefined) {
  await main();
}
