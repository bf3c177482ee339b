/**
 * `timeout` / `timeoutAt` / `Timeout`: research/async-sync.md §6 items 23–28, ported from
 * CPython's `Lib/test/test_asyncio/test_timeouts.py` (each test names the CPython test it
 * ports).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import {
  CancelledError,
  createTask,
  currentTask,
  ExceptionGroup,
  Future,
  getRunningLoop,
  InvalidStateError,
  run,
  sleep,
  TaskGroup,
  timeout,
  Timeout,
  timeoutAt,
  TimeoutError,
} from 'concur-ts/asyncio';
import { VirtualClock } from 'concur-ts/testing';

import { rejection, thrown } from '../fixtures/assertions.js';

const now = (): number => getRunningLoop().time();

class KeyError extends Error {}
class ValueError extends Error {}
class ZeroDivisionError extends Error {}

describe('timeout', () => {
  describe('expiry (§6.23)', () => {
    // test_timeout_basic
    test('a deadline that passes throws TimeoutError and marks the Timeout expired', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        await assert.rejects(
          timeout(10, async (t) => {
            cm = t;
            await sleep(10_000);
          }),
          TimeoutError,
        );
        assert.equal(cm!.expired(), true);
      });
    });

    // test_timeout_at_basic
    test('timeoutAt fires at the given loop time, and when() returns that time', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        const deadline = now() + 10;
        let cm = null as Timeout | null;
        await assert.rejects(
          timeoutAt(deadline, async (t) => {
            cm = t;
            await sleep(10_000);
          }),
          TimeoutError,
        );
        assert.equal(cm!.expired(), true);
        assert.equal(cm!.when(), deadline);
        assert.equal(clock.now(), deadline);
      });
    });

    // test_waiter_cancelled
    test('the block sees a CancelledError at its await when the deadline passes', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cancelled = false;
        await assert.rejects(
          timeout(10, async () => {
            try {
              await sleep(10_000);
            } catch (error) {
              cancelled = error instanceof CancelledError;
              throw error;
            }
          }),
          TimeoutError,
        );
        assert.equal(cancelled, true);
      });
    });

    // test_nested_timeouts
    test('with nested timeouts at the same deadline only the outermost throws TimeoutError; the inner one lets the CancelledError through', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const deadline = now() + 10;
        let cancelled = false;
        let cm1 = null as Timeout | null;
        let cm2 = null as Timeout | null;
        await assert.rejects(
          timeoutAt(deadline, async (t1) => {
            cm1 = t1;
            try {
              await timeoutAt(deadline, async (t2) => {
                cm2 = t2;
                await sleep(10_000);
              });
            } catch (error) {
              cancelled = error instanceof CancelledError;
              throw error;
            }
          }),
          TimeoutError,
        );
        assert.equal(cancelled, true);
        assert.equal(cm1!.expired(), true);
        assert.equal(cm2!.expired(), true);
      });
    });

    // test_timeout_not_called
    test('a deadline that is not reached leaves the Timeout unexpired and the value returned', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        const value = await timeout(10_000, async (t) => {
          cm = t;
          await sleep(10);
          return 'in time';
        });
        assert.equal(value, 'in time');
        assert.equal(cm!.expired(), false);
        assert.ok(cm!.when()! > now());
      });
    });

    // test_timeout_exception_cause
    test('the TimeoutError is caused by the CancelledError the block saw', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let seen: unknown = null;
        const error = await rejection(
          timeout(0, async () => {
            try {
              await sleep(1000);
            } catch (e) {
              seen = e;
              throw e;
            }
          }),
        );
        assert.ok(error instanceof TimeoutError);
        assert.ok(error.cause instanceof CancelledError);
        assert.equal(error.cause, seen);
      });
    });
  });

  describe('cancellations that are not the deadline (§6.24)', () => {
    // test_foreign_cancel_doesnt_timeout_if_not_expired
    test('a cancel from elsewhere inside a timeout that has not expired stays a CancelledError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        const error = await rejection(
          timeout(10_000, async (t) => {
            cm = t;
            currentTask()!.cancel();
            await sleep(10_000);
          }),
        );
        assert.ok(error instanceof CancelledError);
        assert.ok(!(error instanceof TimeoutError));
        assert.equal(cm!.expired(), false);
        currentTask()!.uncancel();
      });
    });

    // test_foreign_exception_passed
    test('an error thrown by the block before the deadline passes through unchanged', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        const failure = new KeyError('no such key');
        const error = await rejection(
          timeout(10, (t) => {
            cm = t;
            throw failure;
          }),
        );
        assert.equal(error, failure);
        assert.equal(cm!.expired(), false);
      });
    });

    // test_outer_task_is_not_cancelled
    test('a task that caught the TimeoutError is not left cancelled', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cancelling = -1;
        const outer = createTask(async () => {
          await assert.rejects(
            timeout(1, () => sleep(10_000)),
            TimeoutError,
          );
          cancelling = currentTask()!.cancelling();
          await sleep(10); // no stray cancel arrives here
          return 'went on';
        });
        assert.equal(await outer, 'went on');
        assert.equal(outer.cancelled(), false);
        assert.equal(outer.done(), true);
        assert.equal(cancelling, 0);
      });
    });
  });

  describe('zero, past and disabled deadlines (§6.25)', () => {
    // test_timeout_zero
    test('timeout(0) fires on the next turn, with when() at the time it was entered', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const t0 = now();
        let cm = null as Timeout | null;
        await assert.rejects(
          timeout(0, async (t) => {
            cm = t;
            await sleep(10_000);
          }),
          TimeoutError,
        );
        const t1 = now();
        assert.equal(cm!.expired(), true);
        assert.ok(t0 <= cm!.when()! && cm!.when()! <= t1);
      });
    });

    // test_timeout_zero_sleep_zero
    test('timeout(0) fires even when the block only does sleep(0)', async () => {
      await run(async () => {
        const t0 = now();
        let cm = null as Timeout | null;
        await assert.rejects(
          timeout(0, async (t) => {
            cm = t;
            await sleep(0);
          }),
          TimeoutError,
        );
        const t1 = now();
        assert.equal(cm!.expired(), true);
        assert.ok(t0 <= cm!.when()! && cm!.when()! <= t1);
      });
    });

    // test_timeout_in_the_past_sleep_zero
    test('a negative delay puts the deadline in the past and fires on the next turn, even with sleep(0)', async () => {
      await run(async () => {
        const t0 = now();
        let cm = null as Timeout | null;
        await assert.rejects(
          timeout(-11, async (t) => {
            cm = t;
            await sleep(0);
          }),
          TimeoutError,
        );
        assert.equal(cm!.expired(), true);
        assert.ok(cm!.when()! <= t0);
      });
    });

    test('a block that never awaits a concur future finishes before timeout(0) can interrupt it', async () => {
      await run(async () => {
        assert.equal(await timeout(0, () => 'sync'), 'sync');
        assert.equal(currentTask()!.cancelling(), 0);
        await sleep(0); // and no stray cancel is left for the next await
      });
    });

    // test_timeout_disabled
    test('timeout(null) never fires and when() is null', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        await timeout(null, async (t) => {
          cm = t;
          await sleep(3_600_000);
        });
        assert.equal(cm!.expired(), false);
        assert.equal(cm!.when(), null);
        assert.equal(clock.now(), 3_600_000);
      });
    });

    // test_timeout_at_disabled
    test('timeoutAt(null) never fires and when() is null', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        await timeoutAt(null, async (t) => {
          cm = t;
          await sleep(10);
        });
        assert.equal(cm!.expired(), false);
        assert.equal(cm!.when(), null);
      });
    });

    test('timeout(Infinity) never fires', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        assert.equal(await timeout(Infinity, () => sleep(3_600_000, 'late')), 'late');
      });
    });
  });

  describe('reschedule and the state rules (§6.26)', () => {
    // test_reschedule
    test('another task can move the deadline or remove it; a later foreign cancel stays a CancelledError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const entered = new Future<{ cm: Timeout }>();
        const deadline1 = now() + 10;
        const deadline2 = deadline1 + 20;
        const task = createTask(() =>
          timeoutAt(deadline1, async (cm) => {
            entered.setResult({ cm });
            await sleep(50);
          }),
        );
        const { cm } = await entered;
        assert.equal(cm.when(), deadline1);
        cm.reschedule(deadline2);
        assert.equal(cm.when(), deadline2);
        cm.reschedule(null);
        assert.equal(cm.when(), null);
        task.cancel();
        await assert.rejects(task, CancelledError);
        assert.equal(cm.expired(), false);
      });
    });

    test('rescheduling to an earlier time fires at the new deadline', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        await assert.rejects(
          timeout(10_000, async (cm) => {
            await sleep(5);
            cm.reschedule(now() + 20);
            await sleep(10_000);
          }),
          TimeoutError,
        );
        assert.equal(clock.now(), 25);
      });
    });

    test('rescheduling to a later time postpones the deadline', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        const value = await timeout(10, async (cm) => {
          cm.reschedule(now() + 1000);
          await sleep(500);
          return 'postponed';
        });
        assert.equal(value, 'postponed');
        assert.equal(clock.now(), 500);
      });
    });

    test('rescheduling into the past fires on the next turn', async () => {
      await run(async () => {
        await assert.rejects(
          timeout(10_000, async (cm) => {
            cm.reschedule(now() - 1);
            await sleep(0);
          }),
          TimeoutError,
        );
      });
    });

    // test_timeout_not_entered
    test('reschedule before the Timeout was entered throws InvalidStateError', () => {
      const cm = new Timeout(10);
      assert.throws(() => cm.reschedule(20), InvalidStateError);
      assert.match((thrown(() => cm.reschedule(20)) as Error).message, /not been entered/);
    });

    // test_timeout_expiring
    test('reschedule while the deadline is being delivered throws InvalidStateError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const value = await timeout(10, async (cm) => {
          await assert.rejects(sleep(1000), CancelledError);
          const error = thrown(() => cm.reschedule(now() + 20));
          assert.ok(error instanceof InvalidStateError);
          assert.match(error.message, /expiring/);
          return 'swallowed';
        });
        // The block swallowed the cancel, so no TimeoutError is raised (as in Python).
        assert.equal(value, 'swallowed');
      });
    });

    // test_timeout_expired
    test('reschedule after the Timeout expired throws InvalidStateError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        await assert.rejects(
          timeout(10, async (t) => {
            cm = t;
            await sleep(1000);
          }),
          TimeoutError,
        );
        const error = thrown(() => cm!.reschedule(now() + 20));
        assert.ok(error instanceof InvalidStateError);
        assert.match(error.message, /expired/);
      });
    });

    // test_timeout_finished
    test('reschedule after the block finished throws InvalidStateError', async () => {
      await run(async () => {
        let cm = null as Timeout | null;
        await timeout(10, (t) => {
          cm = t;
        });
        const error = thrown(() => cm!.reschedule(now() + 20));
        assert.ok(error instanceof InvalidStateError);
        assert.match(error.message, /finished/);
      });
    });

    test('reschedule with NaN throws RangeError and keeps the deadline; a non-number throws TypeError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        await timeout(10, (cm) => {
          const before = cm.when();
          assert.throws(() => cm.reschedule(NaN), RangeError);
          assert.throws(() => cm.reschedule('20' as unknown as number), TypeError);
          assert.equal(cm.when(), before);
        });
      });
    });

    // test_timeout_double_enter
    test('running a Timeout a second time after it finished throws InvalidStateError, and the block is not called', async () => {
      await run(async () => {
        const cm = new Timeout(now() + 10);
        await cm.run(() => undefined);
        let called = false;
        const error = thrown(
          () =>
            void cm.run(() => {
              called = true;
            }),
        );
        assert.ok(error instanceof InvalidStateError);
        assert.match(error.message, /already.*entered/);
        assert.equal(called, false);
      });
    });

    // test_timeout_already_entered
    test('running a Timeout again from inside its own block throws InvalidStateError', async () => {
      await run(async () => {
        let called = false;
        await timeout(10, (cm) => {
          const error = thrown(
            () =>
              void cm.run(() => {
                called = true;
              }),
          );
          assert.ok(error instanceof InvalidStateError);
          assert.match(error.message, /already.*entered/);
        });
        assert.equal(called, false);
      });
    });

    test('the inspect output shows the state', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let cm = null as Timeout | null;
        assert.match(inspect(new Timeout(5)), /^<Timeout \[created\]/);
        await timeout(10, (t) => {
          cm = t;
          assert.match(inspect(t), /^<Timeout \[active\] when=\d+(\.\d+)?>$/);
        });
        assert.match(inspect(cm), /^<Timeout \[finished\]/);
        await assert.rejects(
          timeout(10, async (t) => {
            cm = t;
            await sleep(1000);
          }),
          TimeoutError,
        );
        assert.match(inspect(cm), /^<Timeout \[expired\]/);
        await timeout(null, (t) => {
          assert.match(inspect(t), /^<Timeout \[active\] when=null>$/);
        });
      });
    });
  });

  describe('nested deadlines and a busy loop (§6.27)', () => {
    // test_nested_timeouts_loop_busy (the loop busy past the inner deadline only)
    test('the outer timeout still fires after an inner one expired while the loop was busy', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        let reached = false;
        await assert.rejects(
          timeout(100, async () => {
            await assert.rejects(
              timeout(10, async () => {
                clock.advance(20); // the loop is busy past the inner deadline
                await sleep(1000);
              }),
              TimeoutError,
            );
            await sleep(10_000); // interrupted by the outer deadline
            reached = true;
          }),
          TimeoutError,
        );
        assert.equal(reached, false);
        assert.equal(clock.now(), 100);
      });
    });

    // test_nested_timeouts_loop_busy (the loop busy past both deadlines)
    test('when the loop was busy past both deadlines, the inner block lets the CancelledError through and the outer one throws TimeoutError', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        let reached = false;
        let inner: unknown = null;
        await assert.rejects(
          timeout(100, async () => {
            try {
              await timeout(10, async () => {
                clock.advance(100); // both deadlines pass before the block yields
                await sleep(1000);
              });
            } catch (error) {
              inner = error;
              throw error;
            }
            await sleep(10_000);
            reached = true;
          }),
          TimeoutError,
        );
        // Both deadlines cancelled the task; the inner one sees a cancel that is not
        // only its own (Python: `uncancel() > cancelling at entry`) and passes it on.
        assert.ok(inner instanceof CancelledError);
        assert.ok(!(inner instanceof TimeoutError));
        assert.equal(reached, false);
        assert.equal(currentTask()!.cancelling(), 0);
      });
    });

    // test_nested_timeouts_concurrent
    test('when only the outer deadline passed, the inner timeout lets the CancelledError through unexpired', async () => {
      using clock = VirtualClock.install();
      await run(async () => {
        let innerCm = null as Timeout | null;
        let inner: unknown = null;
        await assert.rejects(
          timeout(2, async () => {
            try {
              await timeout(100, async (t) => {
                innerCm = t;
                clock.advance(10); // crunching numbers past the outer deadline
                await sleep(1000);
              });
            } catch (error) {
              inner = error;
              throw error;
            }
          }),
          TimeoutError,
        );
        assert.ok(inner instanceof CancelledError);
        assert.equal(innerCm!.expired(), false);
      });
    });

    // test_nested_timeout_in_finally
    test('a timeout inside the finally block of an expiring timeout works, and both throw TimeoutError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let innerError: unknown = null;
        const outerError = await rejection(
          timeout(10, async () => {
            try {
              await sleep(1000);
            } finally {
              innerError = await rejection(timeout(10, () => sleep(10_000)));
            }
          }),
        );
        assert.ok(outerError instanceof TimeoutError);
        assert.ok(outerError.cause instanceof CancelledError);
        assert.ok(innerError instanceof TimeoutError);
        assert.ok(innerError.cause instanceof CancelledError);
        assert.notEqual(innerError.cause, outerError.cause);
      });
    });

    // test_timeout_after_cancellation
    test('a timeout in the cleanup after the task caught a cancellation still fires', async () => {
      await run(async () => {
        try {
          currentTask()!.cancel();
          await sleep(1000); // work that is cancelled
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
        } finally {
          await assert.rejects(
            timeout(0, () => sleep(1000)), // some cleanup
            TimeoutError,
          );
        }
        assert.equal(currentTask()!.uncancel(), 0);
      });
    });

    // test_cancel_in_timeout_after_cancellation
    test('a cancel inside such a cleanup timeout stays a CancelledError', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        try {
          currentTask()!.cancel();
          await sleep(1000);
        } catch (error) {
          if (!(error instanceof CancelledError)) throw error;
        } finally {
          await assert.rejects(
            timeout(1000, async () => {
              currentTask()!.cancel();
              await sleep(2000);
            }),
            (e: unknown) => e instanceof CancelledError && !(e instanceof TimeoutError),
          );
        }
        currentTask()!.uncancel();
        currentTask()!.uncancel();
      });
    });
  });

  describe('error chaining (§6.28): JavaScript has `cause` where Python has __context__', () => {
    // test_foreign_exception_on_timeout
    test('an error thrown while the deadline cancels the block passes through', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const crash = async (): Promise<void> => {
          try {
            await sleep(1000);
          } finally {
            // eslint-disable-next-line no-unsafe-finally
            throw new ZeroDivisionError('division by zero');
          }
        };
        const error = await rejection(timeout(10, crash));
        assert.ok(error instanceof ZeroDivisionError);
        // Python links the TimeoutError as the implicit __context__; JavaScript has no
        // implicit chaining, so an error thrown from `finally` carries no cause.
        assert.equal(error.cause, undefined);
      });
    });

    test('a CancelledError in the cause chain of such an error becomes a TimeoutError caused by it', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        let seen: unknown = null;
        const error = await rejection(
          timeout(10, async () => {
            try {
              await sleep(1000);
            } catch (e) {
              seen = e;
              throw new ZeroDivisionError('cleanup failed', { cause: e });
            }
          }),
        );
        assert.ok(error instanceof ZeroDivisionError);
        assert.ok(error.cause instanceof TimeoutError);
        assert.equal(error.cause.cause, seen);
        assert.ok(seen instanceof CancelledError);
      });
    });

    // test_foreign_exception_on_timeout_2
    test('the CancelledError is found deeper in the cause chain too', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const error = await rejection(
          timeout(10, async () => {
            try {
              await sleep(1000);
            } catch (e) {
              const keyError = new KeyError('while cleaning up', { cause: e });
              throw new ZeroDivisionError('and then', { cause: keyError });
            }
          }),
        );
        assert.ok(error instanceof ZeroDivisionError);
        const keyError = error.cause;
        assert.ok(keyError instanceof KeyError);
        assert.ok(keyError.cause instanceof TimeoutError);
        assert.ok(keyError.cause.cause instanceof CancelledError);
      });
    });

    test('the cause chain is left alone when the deadline did not expire', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const error = await rejection(
          timeout(10_000, async () => {
            try {
              currentTask()!.cancel();
              await sleep(1000);
            } catch (e) {
              throw new ZeroDivisionError('cleanup failed', { cause: e });
            }
          }),
        );
        assert.ok(error instanceof ZeroDivisionError);
        assert.ok(error.cause instanceof CancelledError);
        currentTask()!.uncancel();
      });
    });

    // test_timeout_exception_context
    test('a CancelledError raised while the block handles its own error becomes the TimeoutError (the earlier error is lost: no __context__ in JavaScript)', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const error = await rejection(
          timeout(10, async () => {
            try {
              throw new ZeroDivisionError('first');
            } finally {
              await sleep(1000);
            }
          }),
        );
        assert.ok(error instanceof TimeoutError);
        assert.ok(error.cause instanceof CancelledError);
        assert.equal(error.cause.cause, undefined);
      });
    });

    // test_timeout_taskgroup
    test('a TaskGroup cancelled by the deadline throws an ExceptionGroup whose cause is the TimeoutError, and a member whose cause was its CancelledError gets one too', async () => {
      using _clock = VirtualClock.install();
      await run(async () => {
        const child = async (): Promise<void> => {
          try {
            await sleep(2000); // interrupted when the group is cancelled
          } catch (e) {
            throw new ZeroDivisionError('crash in cleanup', { cause: e });
          }
        };
        const error = await rejection(
          timeout(10, () =>
            TaskGroup.run(async (tg) => {
              tg.createTask(child);
              try {
                throw new ValueError('body failed');
              } finally {
                await sleep(1000);
              }
            }),
          ),
        );
        assert.ok(error instanceof ExceptionGroup);
        // Python: eg.__context__ is a TimeoutError whose __cause__ is the CancelledError.
        assert.ok(error.cause instanceof TimeoutError);
        assert.ok(error.cause.cause instanceof CancelledError);
        assert.equal(error.errors.length, 1);
        const member = error.errors[0];
        assert.ok(member instanceof ZeroDivisionError);
        // The member's own (different) CancelledError is marked as well.
        assert.ok(member.cause instanceof TimeoutError);
        assert.ok(member.cause.cause instanceof CancelledError);
        assert.notEqual(member.cause.cause, error.cause.cause);
      });
    });
  });

  describe('bad input and use outside a task', () => {
    test('a NaN delay or deadline throws RangeError at the call, and the block is not called', () => {
      let called = false;
      const block = (): void => {
        called = true;
      };
      for (const call of [
        () => timeout(NaN, block),
        () => timeoutAt(NaN, block),
        () => new Timeout(NaN),
      ]) {
        const error = thrown(call);
        assert.ok(error instanceof RangeError);
        assert.equal((error as RangeError & { code?: string }).code, 'ERR_OUT_OF_RANGE');
      }
      assert.equal(called, false);
    });

    test('a delay or deadline that is not a number throws TypeError at the call', () => {
      for (const call of [
        () => timeout('10' as unknown as number, () => undefined),
        () => timeout(undefined as unknown as number, () => undefined),
        () => timeoutAt('10' as unknown as number, () => undefined),
        () => new Timeout({} as unknown as number),
      ]) {
        const error = thrown(call);
        assert.ok(error instanceof TypeError);
        assert.equal((error as TypeError & { code?: string }).code, 'ERR_INVALID_ARG_TYPE');
      }
    });

    test('a block that is not a function throws TypeError at the call', () => {
      assert.throws(() => timeout(10, 'soon' as unknown as () => void), TypeError);
      assert.throws(() => new Timeout(10).run(null as unknown as () => void), TypeError);
    });

    // Python raises RuntimeError outside a task (test_timeout_without_task); concur runs
    // the block in a task of its own instead.
    test('called outside a task, timeout runs the block in a task of its own and times it out', async () => {
      using _clock = VirtualClock.install();
      assert.equal(currentTask(), null);
      let inTask = false;
      let cm = null as Timeout | null;
      const pending = timeout(10, async (t) => {
        cm = t;
        inTask = currentTask() !== null;
        await sleep(10_000);
      });
      assert.match(inspect(cm), /\[active\]/, 'entered before timeout() returned');
      const error = await rejection(pending);
      assert.ok(error instanceof TimeoutError);
      assert.ok(error.cause instanceof CancelledError);
      assert.equal(inTask, true);
      assert.equal(cm!.expired(), true);
    });

    test('called outside a task, timeout and Timeout.run return what the block returns', async () => {
      using _clock = VirtualClock.install();
      assert.equal(await timeout(100, () => sleep(10, 'value')), 'value');
      assert.equal(await new Timeout(now() + 100).run(() => 'sync'), 'sync');
      await assert.rejects(
        timeoutAt(now() + 100, () => {
          throw new KeyError('passes through');
        }),
        KeyError,
      );
    });
  });
});
