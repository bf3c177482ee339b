import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter, once } from 'node:events';
import { describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { inspect } from 'node:util';

import {
  allTasks,
  CancelledError,
  createTask,
  currentTask,
  ensureFuture,
  Future,
  gather,
  getRunningLoop,
  run,
  sleep,
  Task,
  TimeoutError,
  wait,
} from 'concur-ts/asyncio';
import { captureExceptions, VirtualClock } from 'concur-ts/testing';

import { runScript } from '../fixtures/children.js';

/** Asserts that `fn` throws (or `p` rejects with) a CancelledError carrying `message`. */
function isCancelled(message: string) {
  return (e: unknown): boolean => e instanceof CancelledError && e.message === message;
}

// Where AsyncLocalStorage carries tasks (Node 24+ on AsyncContextFrame, Bun, Deno) the
// task's context flows into the callbacks it schedules; on promise hooks (Node 20, 22)
// they run outside it, as asyncio's call_later callbacks do. Which one this process uses
// is internal state, read from the built module.
const { taskContextKind } = (await import(
  new URL('dist/internal/runtime/taskContext.js', new URL('../../../', import.meta.url)).href
)) as { taskContextKind: string };
const framesCarryTask = taskContextKind === 'storage';

describe('Task: cancelling a blocked task (§6.1)', () => {
  // CPython test_yield_future_passes_cancel
  test('cancelling a task blocked on a future cancels that future, and CancelledError passes through every await and catch+rethrow', async () => {
    let proof = 0;
    const waiter = new Future<void>();
    const inner = async (): Promise<void> => {
      try {
        await waiter;
      } catch (e) {
        if (e instanceof CancelledError) proof += 1;
        throw e;
      }
      assert.fail('got past the cancelled await in inner()');
    };
    const outer = createTask(async () => {
      try {
        await inner();
        proof += 10;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        proof += 100;
      }
    });
    await sleep(0);
    assert.equal(outer.cancel(), true);
    await outer; // outer caught the cancellation, so it returns normally
    assert.equal(proof, 101);
    assert.equal(waiter.cancelled(), true);
    assert.equal(outer.cancelled(), false);
  });

  // CPython test_task_cancel_sleeping_task
  test('cancelling a sleeping task wakes the task awaiting it with CancelledError at once', async () => {
    using clock = VirtualClock.install();
    const outcome = await run(async () => {
      const sleeper = createTask(() => sleep(5000));
      getRunningLoop().callLater(100, () => sleeper.cancel());
      try {
        await sleeper;
        return 'slept in';
      } catch (e) {
        if (e instanceof CancelledError) return 'cancelled';
        throw e;
      }
    });
    assert.equal(outcome, 'cancelled');
    assert.equal(clock.now(), 100, 'the cancel took effect when requested, not after 5000 ms');
  });

  // CPython test_sleep_cancel
  test('cancelling a task that sleeps clears the sleep timer', async () => {
    using clock = VirtualClock.install({ autojump: false });
    const t = createTask(() => sleep(10_000, 'yeah'));
    await sleep(0);
    assert.equal(clock.pendingTimers(), 1);
    t.cancel();
    await assert.rejects(t, CancelledError);
    assert.equal(clock.pendingTimers(), 0);
    assert.equal(t.cancelled(), true);
  });

  // CPython test_cancel_inner_future
  test('cancelling the future a task awaits cancels the task', async () => {
    const f = new Future<void>();
    const t = createTask(async () => {
      await f;
      return 12;
    });
    await sleep(0);
    f.cancel();
    await assert.rejects(t, CancelledError);
    assert.equal(t.cancelled(), true);
  });

  // CPython test_cancel_awaited_task (bpo-34872)
  test('a task cancelled while running cancels the next task it awaits, and that task’s waiter', async () => {
    const fut = new Future<void>();
    let nested: Task<void> | null = null;
    const t = createTask(async (self) => {
      nested = createTask(async () => {
        await fut;
      });
      await sleep(0);
      self.cancel();
      await nested;
    });
    await assert.rejects(t, CancelledError);
    assert.equal(t.cancelled(), true);
    assert.equal(nested!.cancelled(), true);
    assert.equal(fut.cancelled(), true);
  });
});

describe('Task: catching or ignoring a cancel (§6.2)', () => {
  // CPython test_cancel_task_catching
  test('a task that catches CancelledError and returns a value ends with that value, not cancelled', async () => {
    const fut1 = new Future<void>();
    const fut2 = new Future<void>();
    const t = createTask(async () => {
      await fut1;
      try {
        await fut2;
      } catch (e) {
        if (e instanceof CancelledError) return 42;
        throw e;
      }
      return 0;
    });
    await sleep(0);
    fut1.setResult();
    await sleep(0);
    t.cancel();
    assert.equal(fut2.cancelled(), true, 'cancel() reached the future the task waits on');
    assert.equal(await t, 42);
    assert.equal(t.cancelled(), false);
  });

  // CPython test_cancel_task_ignoring
  test('a task may ignore a cancel and keep awaiting; its next await is not cancelled', async () => {
    const fut1 = new Future<void>();
    const fut2 = new Future<void>();
    const fut3 = new Future<number>();
    const t = createTask(async () => {
      await fut1;
      try {
        await fut2;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
      return await fut3;
    });
    await sleep(0);
    fut1.setResult();
    await sleep(0);
    t.cancel();
    assert.equal(fut2.cancelled(), true);
    await sleep(0);
    assert.equal(fut3.cancelled(), false);
    fut3.setResult(42);
    assert.equal(await t, 42);
    assert.equal(fut3.cancelled(), false);
    assert.equal(t.cancelled(), false);
  });
});

describe('Task: self-cancellation and cancel() results (§6.3)', () => {
  // CPython test_cancel_current_task
  test('a task that cancels itself is cancelled at its next await, without waiting for it', async () => {
    using clock = VirtualClock.install();
    const t = createTask(async (self) => {
      self.cancel();
      await sleep(100_000);
      return 12;
    });
    assert.equal(t.cancelled(), false);
    await assert.rejects(t, CancelledError);
    assert.equal(t.done(), true);
    assert.equal(t.cancelled(), true);
    assert.equal(t.cancel(), false);
    assert.equal(clock.now(), 0, 'the sleep was cancelled immediately');
  });

  // CPython test_cancel_at_end
  test('a task that cancels itself and returns right away still ends cancelled', async () => {
    const t = createTask(async () => {
      currentTask()!.cancel();
      return 12;
    });
    await assert.rejects(t, CancelledError);
    assert.equal(t.cancelled(), true);
    assert.equal(t.cancel(), false);
  });

  test('a synchronous task function that cancels its task and returns also ends cancelled', async () => {
    const t = createTask((self) => {
      self.cancel('from inside');
      return 12;
    });
    await assert.rejects(t, isCancelled('from inside'));
    assert.equal(t.cancelled(), true);
  });

  // CPython test_cancel
  test('a task cancelled from a loop callback ends cancelled, and cancel() on it then returns false', async () => {
    using _clock = VirtualClock.install();
    const t = createTask(async () => {
      await sleep(10_000);
      return 12;
    });
    getRunningLoop().callSoon(() => t.cancel());
    await assert.rejects(t, CancelledError);
    assert.equal(t.done(), true);
    assert.equal(t.cancelled(), true);
    assert.equal(t.cancel(), false);
  });

  // CPython test_cancel_with_message_before_starting_task
  test('a task cancelled before it starts never runs its function and keeps the message', async () => {
    let ran = false;
    const t = createTask(async () => {
      ran = true;
      await sleep(10_000);
    });
    t.cancel('my message');
    await wait([t]);
    assert.throws(() => t.exception(), isCancelled('my message'));
    assert.equal(ran, false);
  });

  test('cancel() on a finished task returns false and changes nothing', async () => {
    const t = createTask(() => 'done');
    assert.equal(await t, 'done');
    assert.equal(t.cancel(), false);
    assert.equal(t.cancelling(), 0);
    assert.equal(t.result(), 'done');
  });
});

describe('Task: cancelling() and uncancel() (§6.4)', () => {
  // CPython test_cancelling
  test('cancelling() counts cancel requests, and a second cancel() also returns true', async () => {
    using _clock = VirtualClock.install();
    const t = createTask(() => sleep(10_000));
    assert.equal(t.cancelling(), 0);
    assert.doesNotMatch(inspect(t), /cancelling/);
    assert.equal(t.cancel(), true);
    assert.equal(t.cancelling(), 1);
    assert.match(inspect(t), /cancelling=1/);
    assert.equal(t.cancel(), true);
    assert.equal(t.cancelling(), 2);
    await assert.rejects(t, CancelledError);
  });

  // CPython test_uncancel_basic
  test('uncancel() takes a request back so the task can be cancelled again; after it ends, uncancel() has no effect', async () => {
    using _clock = VirtualClock.install();
    const t = createTask(async (self) => {
      try {
        await sleep(10_000);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        self.uncancel();
        await sleep(10_000);
      }
    });
    await sleep(0);

    assert.equal(t.cancel(), true); // cancels the first sleep
    assert.match(inspect(t), /cancelling=1/);
    assert.equal(t.cancelling(), 1);
    assert.equal(t.cancelled(), false);
    await sleep(0);

    assert.doesNotMatch(inspect(t), /cancelling/);
    assert.equal(t.cancelling(), 0, 'the task took its cancel back');
    assert.equal(t.cancelled(), false);

    assert.equal(t.cancel(), true); // cancels the second sleep
    assert.equal(t.cancelling(), 1);
    await assert.rejects(t, CancelledError);
    assert.equal(t.cancelled(), true);

    t.uncancel();
    assert.equal(t.cancelled(), true);
    assert.equal(t.done(), true);
  });

  // CPython test_uncancel_resets_must_cancel
  test('uncancel() down to 0 drops a cancel that was not yet delivered', async () => {
    const fut = new Future<void>();
    const t = createTask(async () => {
      await fut;
      return 42;
    });
    await sleep(0); // the task now waits for fut
    fut.setResult(); // the task is runnable, but has not resumed yet
    t.cancel(); // nothing left to cancel: the cancel is pending for the next resume
    assert.equal(t.cancelling(), 1);
    assert.equal(t.uncancel(), 0);
    assert.equal(await t, 42);
  });

  test('a cancel that arrives after the awaited future finished, before the task resumed, still throws at that await', async () => {
    const fut = new Future<number>();
    const t = createTask(async () => await fut);
    await sleep(0);
    fut.setResult(1);
    t.cancel('late');
    await assert.rejects(t, isCancelled('late'));
    assert.equal(t.cancelled(), true);
  });

  // CPython test_uncancel_structured_blocks: a hand-made timeout following the "five rules".
  test('a structured block can absorb its own cancel with uncancel() and turn it into a timeout', async () => {
    using _clock = VirtualClock.install();

    async function requestWithTimeout(
      task: Task<unknown>,
      sleepMs: number,
      timeoutMs: number,
    ): Promise<[boolean, boolean, boolean]> {
      let timedOut = false;
      let blockFinished = false;
      const handle = getRunningLoop().callLater(timeoutMs, () => {
        timedOut = true;
        task.cancel();
      });
      let outcome: unknown = null;
      try {
        await sleep(sleepMs); // the structured block the timeout covers
        blockFinished = true;
      } catch (e) {
        outcome = e;
      }
      handle.cancel();
      // Only our own cancel, only when it brings the count back to 0, only a CancelledError.
      if (timedOut && task.uncancel() === 0 && outcome instanceof CancelledError) {
        outcome = new TimeoutError();
      }
      if (outcome instanceof TimeoutError) assert.equal(timedOut, true);
      else if (outcome !== null) throw outcome;
      // Code after the block is not affected by the timeout.
      const outerReached = true;
      await sleep(0);
      return [timedOut, blockFinished, outerReached];
    }

    const t1 = createTask((self) => requestWithTimeout(self, 10_000, 100));
    assert.deepEqual(await t1, [true, false, true]);
    assert.equal(t1.cancelling(), 0);

    const t2 = createTask((self) => requestWithTimeout(self, 0, 10_000));
    assert.deepEqual(await t2, [false, true, true]);
    assert.equal(t2.cancelling(), 0);
  });
});

describe('Task: the cancel message (§6.5)', () => {
  // CPython test_cancel_with_message_then_future_result / _exception
  for (const [label, message, expected] of [
    ['with a message', 'my message', 'my message'],
    ['without a message', undefined, ''],
  ] as const) {
    test(`the message given to cancel() (${label}) is the message of the task’s CancelledError`, async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const t = createTask(() => sleep(10_000));
        await sleep(0);
        t.cancel(message);
        await wait([t]);
        assert.throws(() => t.result(), isCancelled(expected));
        assert.throws(() => t.exception(), isCancelled(expected));
      });
    });
  }

  // CPython test_cancellation_exception_context
  test('the cancel message reaches a task that awaits the cancelled task', async () => {
    using _clock = VirtualClock.install();
    const fut = new Future<void>();
    const t = createTask(async () => {
      const inner = createTask(async () => {
        fut.setResult();
        await sleep(10_000);
      });
      await fut;
      getRunningLoop().callSoon(() => inner.cancel('msg'));
      try {
        await inner;
      } catch (e) {
        throw new Error('cancelled', { cause: e });
      }
    });
    await assert.rejects(t, (e: unknown) => {
      assert.ok(e instanceof Error && e.message === 'cancelled');
      assert.ok(isCancelled('msg')(e.cause));
      return true;
    });
  });

  // CPython test_cancel_gather_2
  for (const [label, message, expected] of [
    ['with a message', 'my message', 'my message'],
    ['without a message', undefined, ''],
  ] as const) {
    test(`a task awaiting gather(…, {returnExceptions: true}) is cancelled with the message (${label})`, async () => {
      using _clock = VirtualClock.install();
      await assert.rejects(
        run(async () => {
          const qwe = createTask(async () => {
            for (let time = 0; time <= 1000; time += 50) {
              await gather([sleep(50)], { returnExceptions: true });
            }
          });
          await sleep(200);
          qwe.cancel(message);
          await qwe;
        }),
        isCancelled(expected),
      );
    });
  }
});

describe('Task: currentTask() and allTasks() (§6.6)', () => {
  // CPython test_current_task_with_interleaving_tasks
  test('currentTask() stays the same across awaits while tasks interleave, and is null outside tasks', async () => {
    assert.equal(currentTask(), null);
    const fut1 = new Future<boolean>();
    const fut2 = new Future<boolean>();
    const seen: string[] = [];
    const task1: Task<void> = createTask(async () => {
      seen.push(`1:${currentTask() === task1}`);
      await fut1;
      seen.push(`1:${currentTask() === task1}`);
      fut2.setResult(true);
    });
    const task2: Task<void> = createTask(async () => {
      seen.push(`2:${currentTask() === task2}`);
      fut1.setResult(true);
      await fut2;
      seen.push(`2:${currentTask() === task2}`);
    });
    await wait([task1, task2]);
    assert.deepEqual(seen, ['1:true', '2:true', '1:true', '2:true']);
    assert.equal(currentTask(), null);
  });

  test('currentTask() follows a task through awaits of native promises, foreign thenables, async generators and Promise.all branches', async () => {
    const seen: boolean[] = [];
    const task: Task<void> = createTask(async () => {
      const here = (): void => void seen.push(currentTask() === task);
      await delay(1);
      here();
      await { then: (resolve: (v: number) => void) => setTimeout(resolve, 1, 1) };
      here();
      async function* numbers(): AsyncGenerator<number> {
        yield 1;
        await delay(1);
        here();
        yield 2;
      }
      for await (const _ of numbers()) here();
      await Promise.all([
        (async () => {
          await delay(1);
          here();
        })(),
        delay(1).then(here),
      ]);
    });
    await task;
    assert.deepEqual(seen, [true, true, true, true, true, true, true]);
  });

  test(`currentTask() in a timer or microtask callback a task started is ${framesCarryTask ? 'that task (AsyncLocalStorage carries it: Node 24+, Bun, Deno)' : 'null, as in a call_later callback'}`, async () => {
    const seen: unknown[] = [];
    const timerRan = new Future<void>();
    const task = createTask(async () => {
      queueMicrotask(() => seen.push(currentTask()));
      setTimeout(() => {
        seen.push(currentTask());
        timerRan.setResult();
      }, 1);
      await timerRan; // still pending while both callbacks run
    });
    await task;
    const expected = framesCarryTask ? task : null;
    assert.equal(seen[0], expected);
    assert.equal(seen[1], expected);
  });

  test("code the loop runs after a lazy task's first step, in the same turn, is not inside that task and keeps its own AsyncLocalStorage values", async () => {
    const als = new AsyncLocalStorage<string>();
    await run(async () => {
      const loop = getRunningLoop();
      const seen: [string, unknown, string | undefined][] = [];
      const record = (label: string) => () => seen.push([label, currentTask(), als.getStore()]);
      loop.callSoon(record('before'));
      const task = als.run('creator', () =>
        createTask(async () => {
          seen.push(['task', currentTask() === task, als.getStore()]);
          await sleep(0);
        }),
      );
      loop.callSoon(record('after'));
      await task;
      assert.deepEqual(
        seen.map(([label]) => label),
        ['before', 'task', 'after'],
      );
      assert.deepEqual(seen[1], ['task', true, 'creator']);
      assert.equal(seen[2]![1], seen[0]![1]);
      assert.equal(seen[2]![2], seen[0]![2]);
      assert.notEqual(seen[2]![1], task);
    });
  });

  test("a task started lazily keeps its creator's AsyncLocalStorage values, also when the first storage appears after other tasks were made", async () => {
    // In a fresh process, without node:test (which switches async hooks on): until some
    // AsyncLocalStorage is in use, tasks keep no creator context (there is none to keep).
    const program = `
      import { AsyncLocalStorage } from 'node:async_hooks';
      import { createTask, currentTask, run } from 'concur-ts/asyncio';
      const seen = {};
      await run(async () => {
        const early = createTask(async () => { await null; return currentTask() === early; });
        seen.early = await early;
        const als = new AsyncLocalStorage();
        const late = als.run('creator', () =>
          createTask(async () => { await null; return als.getStore(); }));
        const outside = createTask(async () => als.getStore() ?? 'none');
        seen.late = await late;
        seen.outside = await outside;
      });
      console.log(JSON.stringify(seen));`;
    const { stdout: out } = await runScript(program);
    assert.deepEqual(JSON.parse(out), { early: true, late: 'creator', outside: 'none' });
  });

  test(`the promise hooks that carry tasks are ${framesCarryTask ? 'never installed (AsyncLocalStorage carries tasks: Node 24+, Bun, Deno)' : 'removed a second after the last task is done, kept while one is pending, and back with the next task'}`, async () => {
    // In a fresh process, so that no other test's tasks are pending. The hooks are internal
    // state, so the program reads them from the built module (a white-box check); what a
    // user sees is that currentTask() keeps working across the removal.
    const program = `
      import { createTask, currentTask } from 'concur-ts/asyncio';
      const { hooksInstalled } = await import('./dist/internal/runtime/taskContext.js');
      const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
      const seen = {};
      const first = createTask(async () => { await null; return currentTask() === first; });
      seen.first = await first;
      seen.afterFirst = hooksInstalled();
      const blocked = createTask(async () => { await wait(1200); return currentTask() === blocked; });
      seen.blocked = await blocked; // the idle check fired while it was pending
      seen.afterBlocked = hooksInstalled();
      await wait(1200);
      seen.afterIdle = hooksInstalled();
      const next = createTask(async () => { await wait(1); await null; return currentTask() === next; });
      seen.next = await next;
      seen.afterNext = hooksInstalled();
      console.log(JSON.stringify(seen));`;
    const { stdout: out } = await runScript(program);
    const hooks = !framesCarryTask;
    assert.deepEqual(JSON.parse(out), {
      first: true,
      afterFirst: hooks,
      blocked: true,
      afterBlocked: hooks,
      afterIdle: false,
      next: true,
      afterNext: hooks,
    });
  });

  test('a promise made by one task resumes another task that awaits it as that other task', async () => {
    let shared: Promise<void> | null = null;
    const gate = new Future<void>();
    const maker = createTask(async () => {
      shared = delay(1).then(() => gate);
      await shared;
    });
    await sleep(0);
    const other: Task<boolean> = createTask(async () => {
      await shared;
      return currentTask() === other;
    });
    await sleep(0);
    gate.setResult();
    await maker;
    assert.equal(await other, true);
  });

  test('currentTask() is null inside a done callback, even one scheduled by a task', async () => {
    const fut = new Future<void>();
    let inCallback: unknown = 'not called';
    const t = createTask(async () => {
      fut.addDoneCallback(() => {
        inCallback = currentTask();
      });
      fut.setResult();
      await sleep(0);
    });
    await t;
    assert.equal(inCallback, null);
  });

  test('allTasks() holds the tasks not yet done and drops them when they finish', async () => {
    const fut = new Future<void>();
    const waiting = createTask(() => fut);
    const quick = createTask(() => 1);
    assert.ok(allTasks().has(waiting));
    assert.ok(allTasks().has(quick));
    await quick;
    assert.ok(!allTasks().has(quick));
    assert.ok(allTasks().has(waiting));
    fut.setResult();
    await waiting;
    assert.ok(!allTasks().has(waiting));
  });
});

describe('Task: eager start (§6.7)', () => {
  // CPython test_eager_completion. Difference: only a function that is not `async` can be
  // done() inside createTask; an `async` function always settles its promise a microtask later.
  test('an eager task whose function does not block is done right after createTask', async () => {
    const t = createTask(() => 'hello', { eagerStart: true });
    assert.equal(t.done(), true);
    assert.equal(await t, 'hello');
  });

  test('an eager async function that never awaits is done after one microtask, without a loop turn', async () => {
    const t = createTask(async () => 'hello', { eagerStart: true });
    await Promise.resolve();
    assert.equal(t.done(), true);
    assert.equal(t.result(), 'hello');
  });

  // CPython test_await_future_during_eager_step
  test('the eager step runs inside createTask: a future it resolves is done when createTask returns', async () => {
    const fut = new Future<string>();
    const t = createTask(
      () => {
        fut.setResult('my message');
      },
      { eagerStart: true },
    );
    assert.equal(t.done(), true);
    assert.equal(fut.done(), true);
    assert.equal(await fut, 'my message');
  });

  // CPython test_block_after_eager_step
  test('an eager task that blocks is pending after createTask and finishes later', async () => {
    using _clock = VirtualClock.install();
    const t = createTask(
      async () => {
        await sleep(100);
        return 'finished after blocking';
      },
      { eagerStart: true },
    );
    assert.equal(t.done(), false);
    assert.equal(await t, 'finished after blocking');
  });

  // CPython test_cancellation_after_eager_completion
  test('cancel() after an eager task completed is a no-op', async () => {
    const t = createTask(() => 'finished without blocking', { eagerStart: true });
    assert.equal(t.cancel(), false);
    assert.equal(await t, 'finished without blocking');
    assert.equal(t.cancelled(), false);
  });

  // CPython test_cancellation_after_eager_step_blocks
  test('cancelling an eager task after its first step blocked cancels it with the message', async () => {
    using _clock = VirtualClock.install();
    const t = createTask(
      async () => {
        await sleep(100);
        return 'finished after blocking';
      },
      { eagerStart: true },
    );
    t.cancel('cancellation message');
    assert.ok(t.cancelling() > 0);
    await assert.rejects(t, isCancelled('cancellation message'));
  });

  // CPython test_current_task (eager)
  test('currentTask() inside the eager step is the new task, and stays so after it blocks', async () => {
    using _clock = VirtualClock.install();
    let captured: Task<unknown> | null = null;
    let after: Task<unknown> | null = null;
    const t = createTask(
      async () => {
        captured = currentTask();
        await sleep(100);
        after = currentTask();
      },
      { eagerStart: true },
    );
    assert.equal(captured, t);
    await t;
    assert.equal(after, t);
  });

  // CPython test_all_tasks_with_eager_completion / test_all_tasks_with_blocking
  test('allTasks() includes an eager task during its eager step', async () => {
    let during: Set<Task<unknown>> | null = null;
    const t = createTask(() => void (during = allTasks()), { eagerStart: true });
    assert.ok(during!.has(t));
    assert.ok(!allTasks().has(t));
    await t;

    const fut = new Future<void>();
    const blocked = createTask(() => fut, { eagerStart: true });
    assert.ok(allTasks().has(blocked));
    fut.setResult();
    await blocked;
    assert.ok(!allTasks().has(blocked));
  });

  // CPython test_eager_start_true / test_eager_start_false
  test('eagerStart: true runs the first step with the task’s name; eagerStart: false keeps it lazy', async () => {
    let name: string | null = null;
    const eager = createTask(() => void (name = currentTask()!.name), {
      eagerStart: true,
      name: 'example',
    });
    assert.equal(eager.done(), true);
    assert.equal(name, 'example');
    await eager;

    name = null;
    const lazy = createTask(() => void (name = currentTask()!.name), {
      eagerStart: false,
      name: 'example',
    });
    assert.equal(lazy.done(), false);
    assert.equal(name, null);
    await lazy;
    assert.equal(name, 'example');
  });
});

describe('Task: AbortSignal for foreign awaits', () => {
  test('task.signal is aborted on cancel, with the CancelledError as its reason', async () => {
    using _clock = VirtualClock.install();
    const t = createTask(() => sleep(10_000));
    const { signal } = t;
    assert.equal(signal.aborted, false);
    t.cancel('stop');
    assert.equal(signal.aborted, true);
    assert.ok(isCancelled('stop')(signal.reason));
    await assert.rejects(t, CancelledError);
  });

  test('task.signal read after a cancel is already aborted', async () => {
    const t = createTask(() => sleep(0));
    t.cancel('early');
    assert.equal(t.signal.aborted, true);
    assert.ok(isCancelled('early')(t.signal.reason));
    await assert.rejects(t, CancelledError);
  });

  test('an AbortError from timers/promises setTimeout given task.signal ends the task cancelled', async () => {
    const t = createTask(async (self) => {
      await delay(60_000, undefined, { signal: self.signal });
      return 'timer fired';
    });
    await sleep(0);
    t.cancel('stop waiting');
    await assert.rejects(t, isCancelled('stop waiting'));
    assert.equal(t.cancelled(), true);
  });

  test('an AbortError from events.once given task.signal ends the task cancelled', async () => {
    const emitter = new EventEmitter();
    const t = createTask(async (self) => {
      await once(emitter, 'never', { signal: self.signal });
    });
    await sleep(0);
    t.cancel();
    await assert.rejects(t, CancelledError);
    assert.equal(t.cancelled(), true);
    assert.equal(emitter.listenerCount('never'), 0);
  });

  test('uncancel() back to 0 renews the signal, so a later foreign await is not aborted', async () => {
    const first: AbortSignal[] = [];
    const t = createTask(async (self) => {
      first.push(self.signal);
      try {
        await delay(60_000, undefined, { signal: self.signal });
      } catch (e) {
        if ((e as Error).name !== 'AbortError') throw e;
        self.uncancel();
      }
      assert.notEqual(self.signal, first[0]);
      assert.equal(self.signal.aborted, false);
      return await delay(1, 'renewed', { signal: self.signal });
    });
    await sleep(0);
    t.cancel();
    assert.equal(first[0]!.aborted, true);
    assert.equal(await t, 'renewed');
  });
});

describe('Task: foreign awaits', () => {
  test('ensureFuture() around a promise makes a foreign await a cancellation point', async () => {
    const never = new Promise<never>(() => undefined);
    const t = createTask(async () => {
      await ensureFuture(never);
    });
    await sleep(0);
    t.cancel('stop');
    await assert.rejects(t, isCancelled('stop'));
  });

  test('ensureFuture() of something that is not awaitable throws TypeError', () => {
    assert.throws(() => ensureFuture(42 as never), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });

  test('ensureFuture() of a future or task returns it unchanged', async () => {
    const t = createTask(() => 1);
    assert.equal(ensureFuture(t), t);
    await t;
  });

  // The closest sound behaviour to Python: a plain `await promise` cannot be interrupted.
  test('a cancel during a plain foreign await is delivered at the next concur await', async () => {
    let release!: () => void;
    const foreign = new Promise<void>((resolve) => (release = resolve));
    const steps: string[] = [];
    const t = createTask(async () => {
      await foreign;
      steps.push('foreign await finished');
      await sleep(0);
      steps.push('not reached');
    });
    await sleep(0);
    t.cancel();
    assert.equal(t.done(), false, 'the foreign await goes on');
    release();
    await assert.rejects(t, CancelledError);
    assert.deepEqual(steps, ['foreign await finished']);
  });
});

describe('Task: what the function returns', () => {
  test('a task ends with the outcome of whatever its function returns: a value, a settled or pending promise, one made before, a future', async () => {
    const cached = Promise.resolve('cached');
    let releaseLater!: (value: string) => void;
    const later = new Promise<string>((resolve) => (releaseLater = resolve));
    const future = new Future<string>();
    const tasks = [
      createTask(() => 'plain'),
      createTask(async () => 'async, no await'),
      createTask(async () => {
        await Promise.resolve();
        return 'async, after an await';
      }),
      createTask(async () => Promise.resolve('async, returning a promise')),
      createTask(() => cached),
      createTask(() => later),
      createTask(() => {
        // The promise it returns settled before another one it made did.
        const returned = Promise.resolve('returned first');
        void Promise.resolve('settled after it');
        return returned;
      }),
      createTask(() => future),
      createTask(() => 'eager', { eagerStart: true }),
      createTask(async () => 'eager async', { eagerStart: true }),
    ];
    await sleep(0);
    releaseLater('made before, pending');
    future.setResult('a future');
    assert.deepEqual(await gather(tasks), [
      'plain',
      'async, no await',
      'async, after an await',
      'async, returning a promise',
      'cached',
      'made before, pending',
      'returned first',
      'a future',
      'eager',
      'eager async',
    ]);
  });

  test('a task fails with what its function throws, at once or after awaits, and with a rejected promise it returns', async () => {
    const tasks = [
      createTask(() => {
        throw new Error('sync throw');
      }),
      createTask(async () => {
        throw new Error('async throw');
      }),
      createTask(async () => {
        await sleep(0);
        throw new Error('throw after an await');
      }),
      createTask(() => Promise.reject(new Error('rejected promise'))),
      createTask(
        async () => {
          throw new Error('eager throw');
        },
        { eagerStart: true },
      ),
    ];
    const outcomes = await gather(tasks, { returnExceptions: true });
    assert.deepEqual(
      outcomes.map((e) => e.message),
      ['sync throw', 'async throw', 'throw after an await', 'rejected promise', 'eager throw'],
    );
  });

  test('eager tasks started inside another task’s first step all finish, inner and outer', async () => {
    const order: string[] = [];
    const outer = createTask(
      async () => {
        const inner = createTask(
          async () => {
            const innermost = createTask(async () => order.push('innermost') && 'c', {
              eagerStart: true,
            });
            order.push('inner');
            return ['b', await innermost];
          },
          { eagerStart: true },
        );
        order.push('outer');
        return ['a', await inner];
      },
      { eagerStart: true },
    );
    assert.deepEqual(await outer, ['a', ['b', 'c']]);
    assert.deepEqual(order, ['innermost', 'inner', 'outer']);
  });
});

describe('Task: unobserved errors', () => {
  test('a task error nobody retrieves goes to the loop exception handler, never to an unhandled rejection', async () => {
    using captured = captureExceptions();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const t = createTask(async () => {
        throw new Error('lost');
      });
      await sleep(0);
      await sleep(0);
      assert.equal(captured.contexts.length, 1);
      const context = captured.contexts[0]!;
      assert.match(context.message, /never retrieved/);
      assert.equal(context.future, t);
      assert.equal((context.exception as Error).message, 'lost');
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('a task error retrieved by awaiting the task is not reported', async () => {
    using captured = captureExceptions();
    const t = createTask(async () => {
      throw new Error('seen');
    });
    await assert.rejects(t, /seen/);
    await sleep(0);
    await sleep(0);
    assert.deepEqual(captured.contexts, []);
  });

  test('a cancelled task is never reported as an unretrieved error', async () => {
    using captured = captureExceptions();
    const t = createTask(() => sleep(0));
    t.cancel();
    await sleep(0);
    await sleep(0);
    assert.equal(t.cancelled(), true);
    assert.deepEqual(captured.contexts, []);
  });
});

describe('Task: bad input', () => {
  test('createTask() with something that is not a function throws TypeError', () => {
    assert.throws(() => createTask(123 as never), TypeError);
    assert.throws(() => createTask(Promise.resolve(1) as never), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
    });
  });

  test('createTask() with options that are not an object throws TypeError naming them', () => {
    assert.throws(() => createTask(() => 1, 'x' as never), {
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_TYPE',
      message: /createTask\(\) options must be an object .*got 'x'/,
    });
    assert.throws(() => createTask(() => 1, null as never), TypeError);
    assert.throws(() => createTask(() => 1, 5 as never), TypeError);
  });

  test('createTask() with a name that is not a string throws TypeError', () => {
    assert.throws(() => createTask(() => 1, { name: 42 as never }), TypeError);
  });

  test('createTask() with eagerStart that is not a boolean throws TypeError', () => {
    assert.throws(() => createTask(() => 1, { eagerStart: 'yes' as never }), TypeError);
  });

  test('setting a task name that is not a string throws TypeError', async () => {
    const t = createTask(() => 1, { name: 'first' });
    assert.throws(() => (t.name = {} as never), TypeError);
    assert.equal(t.name, 'first');
    t.name = 'second';
    assert.equal(t.name, 'second');
    await t;
  });
});
