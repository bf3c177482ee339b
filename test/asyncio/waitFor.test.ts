/**
 * `waitFor(aw, ms)`: research/async-sync.md §6 items 18–22, ported from CPython's
 * `Lib/test/test_asyncio/test_waitfor.py` (each test names the CPython test it ports).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  CancelledError,
  createTask,
  Future,
  getRunningLoop,
  run,
  shield,
  sleep,
  TimeoutError,
  waitFor,
} from 'concur-ts/asyncio';
import { VirtualClock } from 'concur-ts/testing';

import { rejection } from '../fixtures/assertions.js';

class FooError extends Error {}

describe('waitFor', () => {
  describe('on timeout it cancels the work and waits for it (§6.18)', () => {
    // test_wait_for_waits_for_task_cancellation
    test('it waits until the cancelled task has finished its cleanup, then throws TimeoutError caused by the CancelledError', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        let cleanedUp = false;
        const inner = createTask(async () => {
          try {
            await sleep(10_000);
          } catch (error) {
            await sleep(5); // cleanup that takes time
            throw error;
          } finally {
            cleanedUp = true;
          }
        });
        const error = await rejection(waitFor(inner, 1));
        assert.ok(error instanceof TimeoutError);
        // Python chains the CancelledError as __context__/__cause__; JavaScript has `cause`.
        assert.ok(error.cause instanceof CancelledError);
        assert.equal(cleanedUp, true, 'the cleanup ran before waitFor threw');
        assert.equal(clock.now(), 6, 'waitFor returned only when the cleanup was over');
        assert.equal(inner.cancelled(), true);
      });
    });

    // test_wait_for
    test('the awaited task ends cancelled and its finally block has run when TimeoutError is thrown', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let running: boolean | null = null;
        const task = createTask(async () => {
          running = true;
          try {
            await sleep(60_000);
          } finally {
            running = false;
          }
          return 'done';
        });
        await assert.rejects(waitFor(task, 100), TimeoutError);
        assert.equal(task.done(), true);
        assert.equal(task.cancelled(), true);
        assert.equal(running, false);
      });
    });

    // test_wait_for_waits_for_task_cancellation_w_timeout_0
    test('with a timeout of 0 it also waits for the cancellation cleanup and chains the CancelledError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cleanedUp = false;
        const inner = createTask(async () => {
          try {
            await sleep(10_000);
          } catch (error) {
            await sleep(1);
            throw error;
          } finally {
            cleanedUp = true;
          }
        });
        await sleep(1);
        const error = await rejection(waitFor(inner, 0));
        assert.ok(error instanceof TimeoutError);
        assert.ok(error.cause instanceof CancelledError);
        assert.equal(cleanedUp, true);
      });
    });
  });

  describe('a timeout of 0 or less (§6.19)', () => {
    // test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    for (const ms of [0, -1]) {
      test(`a function given with a timeout of ${ms} is never called, and TimeoutError is thrown`, async () => {
        await run(async () => {
          let started = false;
          const error = await rejection(
            waitFor(async () => {
              started = true;
            }, ms),
          );
          assert.ok(error instanceof TimeoutError);
          assert.ok(error.cause instanceof CancelledError);
          assert.equal(started, false);
        });
      });
    }

    // test_wait_for_timeout_less_then_0_or_0_future_done
    test('a future that is already done gives its result at once', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        const fut = new Future<string>();
        fut.setResult('done');
        for (const ms of [0, -1]) assert.equal(await waitFor(fut, ms), 'done');
        assert.equal(fut.done(), true);
        assert.equal(clock.now(), 0);
      });
    });

    test('a future that already failed throws its error, not TimeoutError', async () => {
      await run(async () => {
        const fut = new Future<string>();
        const failure = new FooError('already failed');
        fut.setException(failure);
        const error = await rejection(waitFor(fut, 0));
        assert.equal(error, failure);
      });
    });

    // test_wait_for_timeout_less_then_0_or_0
    for (const ms of [0, -1]) {
      test(`a running task given a timeout of ${ms} is cancelled at once and waited for`, async () => {
        using clock = VirtualClock.install();
        await run(async () => {
          let running: boolean | null = null;
          const started = new Future<void>();
          const task = createTask(async () => {
            running = true;
            started.setResult(undefined);
            try {
              await sleep(10_000);
            } finally {
              running = false;
            }
            return 'done';
          });
          await started;
          await assert.rejects(waitFor(task, ms), TimeoutError);
          assert.equal(task.done(), true);
          assert.equal(task.cancelled(), true);
          assert.equal(running, false);
          assert.equal(clock.now(), 0, 'no time passed');
        });
      });
    }
  });

  describe('a result wins over the timeout (§6.20)', () => {
    // test_wait_for_cancel_suppressed (gh-86296)
    test('if the awaited function suppresses the cancellation and returns a value, waitFor returns that value', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const result = await waitFor(async () => {
          try {
            await sleep(10_000);
          } catch (error) {
            if (!(error instanceof CancelledError)) throw error;
            return 42;
          }
          return 0;
        }, 100);
        assert.equal(result, 42);
      });
    });

    test('the same holds when the awaited task suppresses the cancellation', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const task = createTask(async () => {
          try {
            await sleep(10_000);
          } catch (error) {
            if (!(error instanceof CancelledError)) throw error;
            return 42;
          }
          return 0;
        });
        assert.equal(await waitFor(task, 100), 42);
        assert.equal(task.cancelled(), false);
      });
    });

    // test_wait_for_cancellation_race_condition
    test('work that sees the CancelledError and then returns has its value returned', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let sawCancel = false;
        const result = await waitFor(async () => {
          try {
            await sleep(1000);
          } catch (error) {
            sawCancel = error instanceof CancelledError;
          }
          return 1;
        }, 10);
        assert.equal(sawCancel, true);
        assert.equal(result, 1);
      });
    });

    // test_wait_for_race_condition
    test('a result that arrives before the deadline is returned', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const fut = new Future<string>();
        getRunningLoop().callLater(100, () => fut.setResult('ok'));
        assert.equal(await waitFor(fut, 200), 'ok');
      });
    });

    test('a result set on the next turn is returned', async () => {
      await run(async () => {
        const fut = new Future<string>();
        getRunningLoop().callSoon(() => fut.setResult('ok'));
        assert.equal(await waitFor(fut, 200), 'ok');
      });
    });

    // test_wait_for_blocking
    test('a null timeout waits as long as it takes', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        assert.equal(await waitFor(async () => 'done', null), 'done');
        assert.equal(await waitFor(sleep(3_600_000, 'late'), null), 'late');
        assert.equal(clock.now(), 3_600_000);
      });
    });

    // test_asyncio_wait_for_timeout (SlowTask)
    test('work that ignores cancellation is waited for until it finishes on its own', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        let exited = false;
        const slow = async (): Promise<void> => {
          const exitAt = clock.now() + 200;
          while (clock.now() < exitAt) {
            try {
              await sleep(exitAt - clock.now());
            } catch (error) {
              if (!(error instanceof CancelledError)) throw error;
            }
          }
          exited = true;
        };
        // The body returned normally, so (as in Python 3.12+) no TimeoutError is raised.
        assert.equal(await waitFor(slow, 100), undefined);
        assert.equal(exited, true);
        assert.equal(clock.now(), 200);
      });
    });
  });

  describe('cancelling the caller (§6.21)', () => {
    // test_cancel_wait_for, test_cancel_blocking_wait_for (Python issue #23219)
    for (const ms of [60_000, null]) {
      test(`cancelling the caller of waitFor cancels the awaited task (timeout ${ms})`, async () => {
        await run(async () => {
          const blocking = createTask(async () => {
            await new Future<void>(); // never set
          });
          const waiter = createTask(() => waitFor(blocking, ms));
          getRunningLoop().callSoon(() => waiter.cancel());
          await assert.rejects(waiter, CancelledError);
          assert.equal(waiter.cancelled(), true);
          assert.equal(blocking.cancelled(), true);
        });
      });
    }

    // test_asyncio_wait_for_cancelled (SlowTask)
    test('cancelling the caller while the work ignores cancellation lets the work finish', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        let exited = false;
        const slow = async (): Promise<void> => {
          const exitAt = clock.now() + 200;
          while (clock.now() < exitAt) {
            try {
              await sleep(exitAt - clock.now());
            } catch (error) {
              if (!(error instanceof CancelledError)) throw error;
            }
          }
          exited = true;
        };
        const waiter = createTask(() => waitFor(slow, 400));
        await sleep(0);
        waiter.cancel();
        await waiter.then(
          () => undefined,
          () => undefined,
        );
        assert.equal(exited, true);
      });
    });

    // test_wait_for_reraises_exception_during_cancellation
    test('an error thrown by the task while it is being cancelled replaces the TimeoutError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const inner = createTask(async () => {
          try {
            await sleep(200);
          } finally {
            // eslint-disable-next-line no-unsafe-finally
            throw new FooError('cleanup failed');
          }
        });
        await assert.rejects(waitFor(inner, 1), FooError);
      });
    });

    // test_wait_for_issue86296
    test('a caller cancelled right after the awaited task finished still ends cancelled (gh-86296)', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const inner = createTask(async () => 'done');
        let reachedEnd = false;
        const caller = createTask(async () => {
          await waitFor(inner, 100_000);
          await sleep(1000);
          reachedEnd = true;
        });
        assert.equal(caller.done(), false);
        await sleep(0); // run both tasks
        caller.cancel();
        await assert.rejects(caller, CancelledError);
        assert.equal(inner.done(), true);
        assert.equal(await inner, 'done');
        assert.equal(reachedEnd, false);
      });
    });

    // test_wait_for_self_cancellation
    test('a waitFor task cancelled before it starts ends cancelled while the awaited task runs to completion', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const inner = createTask(async () => {
          try {
            await sleep(300);
          } catch {
            try {
              await sleep(300);
            } catch {
              await sleep(300);
            }
          }
          return 42;
        });
        const waiter = createTask(() => waitFor(inner, 100));
        waiter.cancel();
        await assert.rejects(waiter, CancelledError);
        assert.equal(await inner, 42);
      });
    });
  });

  describe('with shield (§6.22)', () => {
    // WaitForShieldTests.test_shielded_timeout
    test('waitFor(shield(task)) times out without cancelling the task', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const task = createTask(async () => {
          await sleep(100);
          return 'done';
        });
        await assert.rejects(waitFor(shield(task), 10), TimeoutError);
        assert.equal(task.done(), false);
        assert.equal(task.cancelled(), false);
        assert.equal(await task, 'done');
      });
    });

    // WaitForShieldTests.test_zero_timeout
    test('with a timeout of 0 only the shield is cancelled and the task goes on', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const task = createTask(async () => {
          await sleep(10);
          return 'done';
        });
        const shielded = shield(task);
        await assert.rejects(waitFor(shielded, 0), TimeoutError);
        assert.equal(task.done(), false);
        assert.equal(task.cancelled(), false);
        assert.equal(shielded.cancelled(), true);
        await sleep(100);
        assert.equal(task.done(), true);
      });
    });

    // WaitForShieldTests.test_none_timeout
    test('with a null timeout waitFor(shield(task)) waits for the task', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const task = createTask(async () => {
          await sleep(100);
          return 'done';
        });
        assert.equal(await waitFor(shield(task), null), 'done');
        assert.equal(task.done(), true);
      });
    });
  });

  describe('bad input and use outside a task', () => {
    test('a NaN timeout throws RangeError at the call, and the function is not called', () => {
      let called = false;
      assert.throws(
        () =>
          waitFor(() => {
            called = true;
          }, NaN),
        (e: unknown) =>
          e instanceof RangeError && (e as { code?: unknown }).code === 'ERR_OUT_OF_RANGE',
      );
      assert.equal(called, false);
    });

    test('a timeout that is not a number throws TypeError at the call', () => {
      assert.throws(
        () => waitFor(sleep(0), '10' as unknown as number),
        (e: unknown) =>
          e instanceof TypeError && (e as { code?: unknown }).code === 'ERR_INVALID_ARG_TYPE',
      );
    });

    test('something that is neither a future, a promise nor a function throws TypeError at the call', () => {
      for (const bad of [42, 'text', null, undefined, {}]) {
        assert.throws(
          () => waitFor(bad as Future<unknown>, 10),
          (e: unknown) =>
            e instanceof TypeError && (e as { code?: unknown }).code === 'ERR_INVALID_ARG_TYPE',
        );
      }
    });

    // Python raises RuntimeError outside a task; concur starts a task of its own instead.
    test('called outside a task, waitFor runs the work in a task of its own and times it out', async () => {
      using _clock = VirtualClock.install();
      let cleanedUp = false;
      const error = await rejection(
        waitFor(async () => {
          try {
            await sleep(10_000);
          } finally {
            cleanedUp = true;
          }
        }, 10),
      );
      assert.ok(error instanceof TimeoutError);
      assert.ok(error.cause instanceof CancelledError);
      assert.equal(cleanedUp, true);
    });

    test('called outside a task, waitFor returns the result that arrives in time', async () => {
      using _clock = VirtualClock.install();
      assert.equal(await waitFor(sleep(10, 'value'), 100), 'value');
      assert.equal(await waitFor(Promise.resolve('native'), 100), 'native');
    });

    test('called outside a task with a timeout of 0, waitFor cancels a running task and waits for it', async () => {
      using _clock = VirtualClock.install();
      const task = createTask(() => sleep(10_000));
      await sleep(0);
      await assert.rejects(waitFor(task, 0), TimeoutError);
      assert.equal(task.cancelled(), true);
    });
  });
});
