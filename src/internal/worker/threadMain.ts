/**
 * The file every concur worker thread starts (`new Worker(threadMain)`): it wires a
 * `WorkerRuntime` to the task port the pool (or `Thread`) handed over, runs the
 * initializer, says READY, then runs what arrives.
 *
 *   main thread                         this worker
 *   port1.postMessage(batch) ─────────► port2 ──'message' event──► runtime.receive
 *   Atomics.add(cells[WAKE]); notify ─► (idle: Atomics.wait on cells[WAKE], then
 *                                        receiveMessageOnPort(port2) — no event-loop turn)
 *   ◄───────── port2.postMessage([RESULTS …])
 *
 * The wake-up handshake (piscina's): when nothing is running, the worker watches WAKE for
 * a short spin, then blocks in `Atomics.wait` for at most IDLE_WAIT_MS and, when the main
 * side bumps WAKE, reads its port synchronously. That saves the worker's event-loop
 * wake-up and the 'message' event dispatch on an idle round trip. The wait is bounded,
 * unlike piscina's default, so a worker never freezes its own timers and stray promises
 * for more than IDLE_WAIT_MS; after it, the plain 'message' path takes over. (What each
 * constant below bought is measured in bench/NOTES.md.)
 *
 * @module
 */
import { endEntryLoad } from './bootstrap.js';
import { serializeError } from './codec.js';
import { applyLoaderPlan } from './loaderPlan.js';
import { INIT_FAILED, READY } from './protocol.js';
import { CELL_STARTED, CELL_TERMINATED, CELL_WAKE, type ThreadWorkerData } from './threadCells.js';
import { WorkerRuntime } from './workerRuntime.js';
import type { Transferable } from '../base/transfer.js';
import { nodeBuiltin } from '../runtime/support.js';
import { haltIfTerminated, watchTermination } from '../shm/owners.js';
import { monotonicNow } from '../runtime/clock.js';

const { isMainThread, receiveMessageOnPort, workerData } =
  nodeBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

/** How long an idle worker blocks waiting for its next message before it yields. */
export const IDLE_WAIT_MS = 1;
/** How long the wait loop may run messages back-to-back before the event loop turns. */
export const LOOP_BUDGET_MS = 2;
/**
 * How long an idle worker watches WAKE before it sleeps in `Atomics.wait`. It trades a
 * burn of this long per idle transition for skipping the futex wake-up when the main
 * thread answers within it — about one cross-core futex wake-up plus the main thread's
 * answer.
 */
export const SPIN_US = 20;
/**
 * Spins pay only while messages come within SPIN_US; when work trickles in (a distributed
 * worker's jobs, milliseconds apart) every spin is pure burn. So a spin that catches a
 * message restores SPIN_CREDIT spins, one that catches nothing uses one up, and with none
 * left the worker waits without spinning. (How soon a plain wait woke cannot tell instead:
 * the futex wake-up alone takes about SPIN_US.)
 */
export const SPIN_CREDIT = 8;
/** With no spin credit left, one wait in this many spins anyway: a probe, to notice when spins would pay again. */
export const SPIN_PROBE = 8;
/**
 * The longest a spin may grow to. When a spin missed and the wait after it woke for a
 * message within SPIN_MAX_US of the spin's start, the next spins last that long (the main
 * thread answers more slowly on a loaded machine); a later wake-up or a timeout puts them
 * back to SPIN_US. It trades more burn where threads share the cores with the main thread
 * for round trips that keep their spin under load.
 */
export const SPIN_MAX_US = 60;
/*
 * The blocking wait pays only when the next message comes within IDLE_WAIT_MS: each post
 * also wakes this thread's event loop (MessagePort's own signal), so a message caught by
 * the wait costs a second wake-up later, and one that comes after the wait timed out costs
 * the timeout's wake-up, then the loop's. When work comes sparser than that, the thread
 * goes straight from the spin to its event loop, and only blocks again once a message
 * comes within IDLE_WAIT_MS of going idle (`waitPays`).
 */

async function main(): Promise<void> {
  const {
    port,
    cells: buffer,
    initializer,
    concurrency,
    loader,
  } = (workerData as ThreadWorkerData).concur;
  const cells = new Int32Array(buffer);
  watchTermination(cells, CELL_TERMINATED);
  let started = 0;
  let waitQueued = false;
  let waiting = false;
  let stopping = false;
  let seen = Atomics.load(cells, CELL_WAKE);
  let spinCredit = SPIN_CREDIT;
  let plainWaits = 0;
  /** Whether to block in `Atomics.wait` when idle (see above); else go to the event loop. */
  let waitPays = true;
  /** When the thread last went idle, to then wait in its event loop (ms). */
  let idleSince = 0;

  const endpoint = {
    post(message: unknown[], transfer: Transferable[] | undefined): void {
      port.postMessage(message, transfer);
    },
    started(): void {
      Atomics.store(cells, CELL_STARTED, ++started);
    },
    idle(): void {
      // Called when the last task settled. Inside the wait loop: it goes on by itself.
      // From the event loop (a 'message' event, a promise settling): start waiting now.
      if (waiting || waitQueued || stopping) return;
      waitForWork();
    },
    stop(): void {
      stopping = true;
      // What this thread printed goes to the main thread in messages; its channel reports
      // the exit once that has reached the process's stdout. A chunk still buffered here
      // (written while an earlier one waits for the main thread) must be sent first.
      if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) {
        process.exit(0);
      }
      let pending = 2;
      const done = (): void => {
        if (--pending === 0) process.exit(0);
      };
      process.stdout.write('', done);
      process.stderr.write('', done);
    },
  };
  const runtime = new WorkerRuntime(endpoint, concurrency);

  /** How long spins last now, in µs (SPIN_US up to SPIN_MAX_US; see SPIN_MAX_US). */
  let spinUs = SPIN_US;

  /** Watches WAKE for up to `spinUs`; true if it moved (a message came) meanwhile. */
  function spinFor(value: number, start: number): boolean {
    const end = start + spinUs / 1000;
    for (;;) {
      for (let i = 0; i < 64; i++) if (Atomics.load(cells, CELL_WAKE) !== value) return true;
      if (monotonicNow() > end) return false;
    }
  }

  /**
   * Waits until WAKE moves from `value`, spinning first while spins pay (SPIN_CREDIT);
   * false if nothing came within IDLE_WAIT_MS.
   */
  function awaitWake(value: number): boolean {
    // Already moved: a message is there (this says nothing of spins).
    if (Atomics.load(cells, CELL_WAKE) !== value) return true;
    let spunSince = -1;
    if (spinCredit > 0 || ++plainWaits >= SPIN_PROBE) {
      plainWaits = 0;
      spunSince = monotonicNow();
      if (spinFor(value, spunSince)) {
        spinCredit = SPIN_CREDIT;
        return true;
      }
      if (spinCredit > 0) spinCredit--;
    }
    if (!waitPays) return false;
    const woke = Atomics.wait(cells, CELL_WAKE, value, IDLE_WAIT_MS) !== 'timed-out';
    haltIfTerminated();
    if (spunSince >= 0) {
      // A message soon after a missed spin: spin that long next time; else back to short.
      const sinceUs = woke ? (monotonicNow() - spunSince) * 1000 : Infinity;
      spinUs = sinceUs <= SPIN_MAX_US ? Math.max(SPIN_US, Math.ceil(sinceUs)) : SPIN_US;
    }
    if (woke) return true;
    waitPays = false;
    return false;
  }

  /**
   * Blocks (at most IDLE_WAIT_MS at a time) for the next message and runs it without an
   * event-loop turn, again and again while work keeps coming back-to-back — but for at
   * most LOOP_BUDGET_MS before it lets the event loop turn (timers, I/O, promises), and
   * never while a task is still pending.
   */
  function waitForWork(): void {
    waitQueued = false;
    waiting = true;
    const budgetEnd = monotonicNow() + LOOP_BUDGET_MS;
    try {
      while (!runtime.busy() && !stopping) {
        // Console output still in flight needs this thread's event loop to leave: block
        // only once it is out (a blocked thread would hold it back, even lose it).
        if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) {
          waitQueued = true;
          setImmediate(waitForWork);
          return;
        }
        // `seen` was read before the port was last drained: a message posted since has
        // bumped WAKE, so the wait returns at once instead of sleeping on it. Waiting
        // straight away (no look at the port first) matters when both threads share a
        // core: the main thread runs only once this one blocks.
        const idleStart = monotonicNow();
        if (!awaitWake(seen)) {
          idleSince = idleStart;
          return;
        }
        seen = Atomics.load(cells, CELL_WAKE);
        for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
          runtime.receive(m.message as unknown[]);
        }
        if (monotonicNow() > budgetEnd) {
          if (!runtime.busy()) {
            waitQueued = true;
            setImmediate(waitForWork);
          }
          return;
        }
      }
    } finally {
      waiting = false;
    }
  }

  // A task that calls process.exit(), or an error nobody caught, ends the thread: send the
  // results of the tasks that did finish first, so that only the culprit fails.
  process.on('exit', () => runtime.flush());

  await applyLoaderPlan(loader);
  // (A bundle's worker: the program's top level has run by now — see threadChannel.ts.)
  const refused = endEntryLoad();
  if (refused !== null) {
    // (The bundle caught the refusal: the thread cannot serve, the pool says why.)
    port.postMessage([INIT_FAILED, serializeError(refused)]);
    return;
  }
  if (initializer !== null) {
    try {
      await runtime.initialize(initializer[0], initializer[1], initializer[2]);
    } catch (error) {
      port.postMessage([INIT_FAILED, serializeError(error)]);
      return;
    }
  }
  port.on('message', (message: unknown[]) => {
    // Idle through the loop, but this came soon enough for a blocking wait to catch it.
    if (!waitPays && monotonicNow() - idleSince < IDLE_WAIT_MS) waitPays = true;
    runtime.receive(message);
  });
  port.postMessage([READY]);
  // Tasks the pool sent before this thread was ready wait on the port, their WAKE bumps
  // counted in `seen` already: the first wait must look at the port at once, not sleep
  // IDLE_WAIT_MS and leave them to the event loop.
  seen = Atomics.load(cells, CELL_WAKE) - 1;
  endpoint.idle();
}

// Once per thread: a second copy of concur that a task module loads must not start a
// second runtime on the same port.
const startedKey = Symbol.for('concur.workerMain');
const globals = globalThis as Record<symbol, unknown>;
if (
  !isMainThread &&
  (workerData as Partial<ThreadWorkerData> | null)?.concur !== undefined &&
  globals[startedKey] === undefined
) {
  globals[startedKey] = true;
  main().catch((error: unknown) => {
    // As an error thrown at the top level would: the thread ends with it.
    process.nextTick(() => {
      throw error;
    });
  });
}
