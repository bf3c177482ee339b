/**
 * `TaskGroup`: research/async-sync.md §6 items 29–38, ported from CPython's
 * `Lib/test/test_asyncio/test_taskgroups.py` (each test names the CPython test it ports).
 *
 * CPython runs the whole suite twice, with lazy tasks and with the eager task factory
 * (`TestEagerTaskTaskGroup`); so does this file, creating every task with
 * `eagerStart: false` and then `eagerStart: true`.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';

import {
  CancelledError,
  createTask,
  currentTask,
  ExceptionGroup,
  Future,
  InvalidStateError,
  run,
  sleep,
  type Task,
  type TaskFunction,
  TaskGroup,
} from 'concur-ts/asyncio';
import { VirtualClock } from 'concur-ts/testing';

import { rejection, thrown } from '../fixtures/assertions.js';

class ZeroDivisionError extends Error {}
class ValueError extends Error {}
class RuntimeError extends Error {}
class MyExc extends Error {}
/** Stands in for Python's KeyboardInterrupt: JavaScript has no such error. */
class KeyboardInterrupt extends Error {}
/** Stands in for a Python BaseException subclass: JavaScript has no BaseException. */
class MyBaseExc extends Error {}

/** The classes of the members of `error`, which must be an ExceptionGroup. */
function errorTypes(error: unknown): Set<unknown> {
  assert.ok(error instanceof ExceptionGroup, `expected an ExceptionGroup, got ${inspect(error)}`);
  return new Set(error.errors.map((e) => (e as object | null)?.constructor));
}

/** How many children `tg` still holds, from its inspect output (`tasks=N`). */
function tasksIn(tg: TaskGroup): number {
  const match = /tasks=(\d+)/.exec(inspect(tg));
  assert.ok(match, `no task count in ${inspect(tg)}`);
  return Number(match[1]);
}

for (const eagerStart of [false, true]) {
  describe(`TaskGroup with ${eagerStart ? 'eager' : 'lazy'} tasks`, () => {
    const opts = { eagerStart };
    /** Starts a task the way CPython's loop does in this run of the suite. */
    const spawn = <T>(fn: TaskFunction<T>): Task<Awaited<T>> => createTask(fn, opts);

    describe('the group waits for its children (§6.29)', () => {
      // test_taskgroup_01
      test('run() returns once every child is done, and their results are ready', async () => {
        using clock = VirtualClock.install();
        await run(async () => {
          let t1!: Task<number>;
          let t2!: Task<number>;
          await TaskGroup.run((g) => {
            t1 = g.createTask(async () => {
              await sleep(100);
              return 42;
            }, opts);
            t2 = g.createTask(async () => {
              await sleep(200);
              return 11;
            }, opts);
          });
          assert.equal(t1.result(), 42);
          assert.equal(t2.result(), 11);
          assert.equal(clock.now(), 200);
        });
      });

      // test_taskgroup_02
      test('a child created after the body awaited is waited for too', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let t1!: Task<number>;
          let t2!: Task<number>;
          await TaskGroup.run(async (g) => {
            t1 = g.createTask(async () => {
              await sleep(100);
              return 42;
            }, opts);
            await sleep(150);
            t2 = g.createTask(async () => {
              await sleep(200);
              return 11;
            }, opts);
          });
          assert.equal(t1.result(), 42);
          assert.equal(t2.result(), 11);
        });
      });

      test('run() resolves to what the body returns', async () => {
        await run(async () => {
          const value = await TaskGroup.run(async (g) => {
            g.createTask(() => sleep(0), opts);
            return 'body result';
          });
          assert.equal(value, 'body result');
        });
      });

      // test_taskgroup_23
      test('children leave the group as they finish', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          await TaskGroup.run(async (g) => {
            for (let count = 0; count < 10; count++) {
              await sleep(100);
              g.createTask(() => sleep(300), opts);
              if (count === 5) assert.ok(tasksIn(g) < 5);
            }
            await sleep(1350);
            assert.equal(tasksIn(g), 0);
          });
        });
      });

      // test_taskgroup_24
      test('a child can add siblings to the group, and the group waits for them', async () => {
        using clock = VirtualClock.install();
        await run(async () => {
          const finished: number[] = [];
          const coro1 = (delay: number) => async () => {
            await sleep(delay);
            finished.push(delay);
          };
          await TaskGroup.run((g) => {
            g.createTask(async () => {
              await sleep(100);
              g.createTask(coro1(100), opts);
              g.createTask(coro1(200), opts);
            }, opts);
          });
          assert.deepEqual(finished, [100, 200]);
          assert.equal(clock.now(), 300);
        });
      });

      // test_taskgroup_25
      test('children that keep spawning children are all stopped when a sibling fails', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let hydras = 0;
          const hydra = (g: TaskGroup) => async (): Promise<void> => {
            hydras++;
            await sleep(10);
            g.createTask(hydra(g), opts);
            g.createTask(hydra(g), opts);
          };
          const hercules = async (): Promise<void> => {
            while (hydras < 10) await sleep(15);
            throw new ZeroDivisionError('hercules');
          };
          const error = await rejection(
            TaskGroup.run((g) => {
              g.createTask(hydra(g), opts);
              g.createTask(hercules, opts);
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
          assert.ok(hydras >= 10);
        });
      });
    });

    describe('cancelling one child (§6.30)', () => {
      // test_taskgroup_03
      test('cancelling one child explicitly does not affect the group or its siblings', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let t1!: Task<number>;
          let t2!: Task<number>;
          await TaskGroup.run(async (g) => {
            t1 = g.createTask(async () => {
              await sleep(1000);
              return 42;
            }, opts);
            await sleep(150);
            t1.cancel();
            t2 = g.createTask(async () => {
              await sleep(200);
              return 11;
            }, opts);
          });
          assert.equal(t1.cancelled(), true);
          assert.equal(t2.result(), 11);
        });
      });
    });

    describe('cancelling a child whose function returns a future', () => {
      test('the returned future is what the child waits on, so cancelling the child stops it at once', async () => {
        using clock = VirtualClock.install();
        await run(async () => {
          let t1!: Task<number>;
          await TaskGroup.run(async (g) => {
            t1 = g.createTask(() => sleep(10_000, 42), opts);
            await sleep(150);
            t1.cancel();
          });
          assert.equal(t1.cancelled(), true);
          assert.equal(clock.now(), 150);
        });
      });
    });

    describe('a failing child (§6.31)', () => {
      // test_taskgroup_04
      test('a failing child cancels its siblings, and the group throws an ExceptionGroup of only the real error', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let num = 0;
          let t2Cancelled = false;
          let t2!: Task<void>;
          const runner = spawn(async () => {
            await TaskGroup.run((g) => {
              g.createTask(async () => {
                await sleep(100);
                throw new ZeroDivisionError();
              }, opts);
              t2 = g.createTask(async () => {
                try {
                  await sleep(1000);
                } catch (error) {
                  t2Cancelled = error instanceof CancelledError;
                  throw error;
                }
                num += 1;
              }, opts);
            });
            num += 10;
          });
          const error = await rejection(runner);
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
          assert.equal(num, 0);
          assert.equal(t2Cancelled, true);
          assert.equal(t2.cancelled(), true);
        });
      });

      // test_cancel_children_on_child_error
      test('a failing child also cancels the body at its await', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let num = 0;
          let t2Cancelled = false;
          let bodyCancelled = false;
          const foo1 = async (): Promise<void> => {
            await sleep(100);
            throw new ZeroDivisionError();
          };
          const runner = spawn(async () => {
            await TaskGroup.run(async (g) => {
              g.createTask(foo1, opts);
              g.createTask(foo1, opts);
              g.createTask(foo1, opts);
              g.createTask(async () => {
                try {
                  await sleep(5000);
                } catch (error) {
                  t2Cancelled = error instanceof CancelledError;
                  throw error;
                }
                num += 1;
              }, opts);
              try {
                await sleep(10_000);
              } catch (error) {
                bodyCancelled = error instanceof CancelledError;
                throw error;
              }
            });
            num += 10;
          });
          const error = await rejection(runner);
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
          assert.equal(num, 0);
          assert.equal(t2Cancelled, true);
          assert.equal(bodyCancelled, true);
          assert.equal(runner.cancelled(), false, 'the task failed with the group, not cancelled');
        });
      });
    });

    describe('an error in the body (§6.32)', () => {
      // test_taskgroup_09
      test('an error thrown by the body after an await cancels the children and is the only member', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let t1!: Task<number>;
          let t2!: Task<number>;
          const error = await rejection(
            TaskGroup.run(async (g) => {
              t1 = g.createTask(async () => {
                await sleep(1000);
                return 42;
              }, opts);
              t2 = g.createTask(async () => {
                await sleep(2000);
                return 11;
              }, opts);
              await sleep(100);
              throw new ZeroDivisionError();
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
          assert.equal(t1.cancelled(), true);
          assert.equal(t2.cancelled(), true);
        });
      });

      // test_taskgroup_10
      test('an error thrown by the body before it awaits cancels the children too', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let t1!: Task<number>;
          let t2!: Task<number>;
          const error = await rejection(
            TaskGroup.run((g) => {
              t1 = g.createTask(async () => {
                await sleep(1000);
                return 42;
              }, opts);
              t2 = g.createTask(async () => {
                await sleep(2000);
                return 11;
              }, opts);
              throw new ZeroDivisionError();
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
          assert.equal(t1.cancelled(), true);
          assert.equal(t2.cancelled(), true);
        });
      });

      // test_taskgroup_19
      test("the body's own error while it is cancelled joins the child's error in the group", async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const nested = async (): Promise<void> => {
            try {
              await sleep(10_000);
            } finally {
              // eslint-disable-next-line no-unsafe-finally
              throw new MyExc();
            }
          };
          const runner = spawn(() =>
            TaskGroup.run(async (g) => {
              g.createTask(async () => {
                await sleep(100);
                throw new ZeroDivisionError();
              }, opts);
              await nested();
            }),
          );
          const error = await rejection(runner);
          assert.deepEqual(errorTypes(error), new Set([MyExc, ZeroDivisionError]));
        });
      });
    });

    describe('an outside cancel (§6.33)', () => {
      // test_cancellation
      test('cancelling the task running the group cancels every child and throws CancelledError', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let num = 0;
          const foo = async (): Promise<void> => {
            try {
              await sleep(5000);
            } catch (error) {
              if (error instanceof CancelledError) num += 1;
              throw error;
            }
          };
          const r = spawn(() =>
            TaskGroup.run((g) => {
              for (let i = 0; i < 5; i++) g.createTask(foo, opts);
            }),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          await assert.rejects(r, CancelledError);
          assert.equal(r.cancelled(), true);
          assert.equal(num, 5);
        });
      });

      // test_taskgroup_07
      test('an outside cancel reaches the body as well as every child', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let num = 0;
          const foo = async (): Promise<void> => {
            try {
              await sleep(5000);
            } catch (error) {
              if (error instanceof CancelledError) num += 1;
              throw error;
            }
          };
          const r = spawn(() =>
            TaskGroup.run(async (g) => {
              for (let i = 0; i < 5; i++) g.createTask(foo, opts);
              try {
                await sleep(10_000);
              } catch (error) {
                if (error instanceof CancelledError) num += 10;
                throw error;
              }
            }),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          await assert.rejects(r, CancelledError);
          assert.equal(num, 15);
        });
      });

      // test_taskgroup_17
      test('an outside cancel of a group without children throws CancelledError', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let num = 0;
          const r = spawn(() =>
            TaskGroup.run(async () => {
              try {
                await sleep(10_000);
              } catch (error) {
                if (error instanceof CancelledError) num += 10;
                throw error;
              }
            }),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          await assert.rejects(r, CancelledError);
          assert.equal(num, 10);
        });
      });

      // test_taskgroup_22
      test('an outside cancel while the group waits for its children throws CancelledError', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const r = spawn(() =>
            TaskGroup.run((g) => {
              g.createTask(() => sleep(1000, 42), opts);
              g.createTask(() => sleep(2000, 11), opts);
            }),
          );
          await sleep(50);
          r.cancel();
          await assert.rejects(r, CancelledError);
          assert.equal(r.cancelled(), true);
        });
      });

      // test_taskgroup_08
      test('if the children fail while they are being cancelled, the ExceptionGroup wins over the CancelledError', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const foo = async (): Promise<void> => {
            try {
              await sleep(10_000);
            } finally {
              // eslint-disable-next-line no-unsafe-finally
              throw new ZeroDivisionError();
            }
          };
          const r = spawn(() =>
            TaskGroup.run(async (g) => {
              for (let i = 0; i < 5; i++) g.createTask(foo, opts);
              await sleep(10_000);
            }),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          const error = await rejection(r);
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
          assert.equal((error as ExceptionGroup).errors.length, 5);
          assert.equal(r.cancelled(), false, 'the task failed with the group');
        });
      });

      // test_taskgroup_15
      test('a child that fails while the body handles an outside cancel makes the group throw an ExceptionGroup', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const r = spawn(() =>
            TaskGroup.run(async (g) => {
              g.createTask(async () => {
                await sleep(300);
                throw new ZeroDivisionError();
              }, opts);
              try {
                await sleep(10_000);
              } catch (error) {
                await sleep(500);
                throw error;
              }
            }),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          const error = await rejection(r);
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
        });
      });

      // test_taskgroup_16
      test('the same holds when the group runs in a task awaited by the cancelled one', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const nestedRunner = (): Promise<void> =>
            TaskGroup.run(async (g) => {
              g.createTask(async () => {
                await sleep(300);
                throw new ZeroDivisionError();
              }, opts);
              try {
                await sleep(10_000);
              } catch (error) {
                await sleep(500);
                throw error;
              }
            });
          const r = spawn(async () => {
            const t = spawn(nestedRunner);
            await t;
          });
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          const error = await rejection(r);
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
        });
      });

      // test_taskgroup_18
      test('a body that turns the outside cancel into an error of its own makes the group throw an ExceptionGroup of it', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let num = 0;
          const r = spawn(() =>
            TaskGroup.run(async () => {
              try {
                await sleep(10_000);
              } catch (error) {
                if (!(error instanceof CancelledError)) throw error;
                num += 10;
                throw new MyExc(); // not a good idea, but it must work
              }
            }),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          const error = await rejection(r);
          assert.deepEqual(errorTypes(error), new Set([MyExc]));
          assert.equal(num, 10);
        });
      });
    });

    describe('nested groups (§6.34)', () => {
      const crashInCleanup = async (): Promise<void> => {
        try {
          await sleep(10_000);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new ZeroDivisionError();
        }
      };
      const crashAfter = (ms: number) => async (): Promise<void> => {
        await sleep(ms);
        throw new ValueError(String(ms));
      };

      // test_taskgroup_11
      test('the inner group’s ExceptionGroup is nested in the outer one', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const r = spawn(() =>
            TaskGroup.run(() =>
              TaskGroup.run(async (g2) => {
                for (let i = 0; i < 5; i++) g2.createTask(crashInCleanup, opts);
                await sleep(10_000);
              }),
            ),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          const error = await rejection(r);
          assert.deepEqual(errorTypes(error), new Set([ExceptionGroup]));
          const inner = (error as ExceptionGroup).errors[0];
          assert.deepEqual(errorTypes(inner), new Set([ZeroDivisionError]));
        });
      });

      // test_taskgroup_12
      test('the nesting holds when the outer group has children of its own', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let outerChild!: Task<undefined>;
          const r = spawn(() =>
            TaskGroup.run(async (g1) => {
              outerChild = g1.createTask(() => sleep(10_000), opts);
              await TaskGroup.run(async (g2) => {
                for (let i = 0; i < 5; i++) g2.createTask(crashInCleanup, opts);
                await sleep(10_000);
              });
            }),
          );
          await sleep(100);
          assert.equal(r.done(), false);
          r.cancel();
          const error = await rejection(r);
          assert.deepEqual(errorTypes(error), new Set([ExceptionGroup]));
          assert.deepEqual(
            errorTypes((error as ExceptionGroup).errors[0]),
            new Set([ZeroDivisionError]),
          );
          assert.equal(outerChild.cancelled(), true);
        });
      });

      // test_taskgroup_13
      test('an outer child that fails first cancels the inner group, which adds nothing to the error', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const error = await rejection(
            spawn(() =>
              TaskGroup.run(async (g1) => {
                g1.createTask(crashAfter(100), opts);
                await TaskGroup.run((g2) => {
                  g2.createTask(crashAfter(10_000), opts);
                });
              }),
            ),
          );
          assert.deepEqual(errorTypes(error), new Set([ValueError]));
        });
      });

      // test_taskgroup_14
      test('an inner child that fails first gives the outer group the inner ExceptionGroup', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const error = await rejection(
            spawn(() =>
              TaskGroup.run(async (g1) => {
                g1.createTask(crashAfter(10_000), opts);
                await TaskGroup.run((g2) => {
                  g2.createTask(crashAfter(100), opts);
                });
              }),
            ),
          );
          assert.deepEqual(errorTypes(error), new Set([ExceptionGroup]));
          assert.deepEqual(errorTypes((error as ExceptionGroup).errors[0]), new Set([ValueError]));
        });
      });
    });

    // Python lets KeyboardInterrupt/SystemExit propagate bare and wraps other
    // BaseExceptions in a BaseExceptionGroup. JavaScript has neither: every thrown value
    // is an ordinary member of the ExceptionGroup.
    describe('errors Python treats as fatal or as BaseException (§6.35)', () => {
      const crashSoon = async (): Promise<void> => {
        await sleep(100);
        throw new ZeroDivisionError();
      };

      // test_taskgroup_20
      test('an error standing for KeyboardInterrupt is an ordinary member of the ExceptionGroup', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const error = await rejection(
            TaskGroup.run(async (g) => {
              g.createTask(crashSoon, opts);
              try {
                await sleep(10_000);
              } finally {
                // eslint-disable-next-line no-unsafe-finally
                throw new KeyboardInterrupt();
              }
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([KeyboardInterrupt, ZeroDivisionError]));
        });
      });

      // test_taskgroup_20a
      test('an error standing for a BaseException from the body joins the child error in one ExceptionGroup', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const error = await rejection(
            TaskGroup.run(async (g) => {
              g.createTask(crashSoon, opts);
              try {
                await sleep(10_000);
              } finally {
                // eslint-disable-next-line no-unsafe-finally
                throw new MyBaseExc();
              }
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([MyBaseExc, ZeroDivisionError]));
        });
      });

      // test_taskgroup_21a
      test('an error standing for a BaseException from a child joins the body error in one ExceptionGroup', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const error = await rejection(
            TaskGroup.run(async (g) => {
              g.createTask(async () => {
                await sleep(100);
                throw new MyBaseExc();
              }, opts);
              try {
                await sleep(10_000);
              } finally {
                // eslint-disable-next-line no-unsafe-finally
                throw new TypeError();
              }
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([MyBaseExc, TypeError]));
        });
      });

      test('a thrown value that is not an Error is a member as it is', async () => {
        await run(async () => {
          const error = await rejection(
            TaskGroup.run((g) => {
              g.createTask(async () => {
                await sleep(0);
                throw 'a string';
              }, opts);
            }),
          );
          assert.ok(error instanceof ExceptionGroup);
          assert.deepEqual(error.errors, ['a string']);
        });
      });
    });

    describe('misuse (§6.36)', () => {
      // test_taskgroup_no_create_task_after_failure
      test('createTask while the group is shutting down after a failure throws InvalidStateError and never calls the function', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          let called = false;
          let refused: unknown = null;
          const error = await rejection(
            TaskGroup.run((g) => {
              g.createTask(async () => {
                await sleep(1);
                throw new ZeroDivisionError();
              }, opts);
              g.createTask(async () => {
                try {
                  await sleep(1000);
                } catch (e) {
                  if (!(e instanceof CancelledError)) throw e;
                  refused = thrown(() =>
                    g.createTask(() => {
                      called = true;
                    }, opts),
                  );
                }
              }, opts);
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([ZeroDivisionError]));
          assert.ok(refused instanceof InvalidStateError);
          assert.match(refused.message, /shutting down/);
          assert.equal(called, false);
        });
      });

      // test_taskgroup_finished, test_coro_closed_when_tg_closed
      test('createTask after the group finished throws InvalidStateError and never calls the function', async () => {
        await run(async () => {
          const tg = new TaskGroup();
          await tg.run(() => undefined);
          let called = false;
          const error = thrown(() =>
            tg.createTask(() => {
              called = true;
            }, opts),
          );
          assert.ok(error instanceof InvalidStateError);
          assert.match(error.message, /is finished/);
          await sleep(0);
          assert.equal(called, false);
        });
      });

      test('createTask after the group failed and finished throws InvalidStateError', async () => {
        await run(async () => {
          const tg = new TaskGroup();
          await assert.rejects(
            tg.run(() => {
              throw new MyExc();
            }),
            ExceptionGroup,
          );
          assert.throws(() => tg.createTask(() => undefined, opts), /is finished/);
        });
      });

      // test_taskgroup_not_entered
      test('createTask before the group was entered throws InvalidStateError and never calls the function', async () => {
        let called = false;
        const tg = new TaskGroup();
        const error = thrown(() =>
          tg.createTask(() => {
            called = true;
          }, opts),
        );
        assert.ok(error instanceof InvalidStateError);
        assert.match(error.message, /has not been entered/);
        await sleep(0);
        assert.equal(called, false);
      });

      // test_taskgroup_already_entered
      test('running a TaskGroup again from inside its own body throws InvalidStateError', async () => {
        await run(async () => {
          let called = false;
          const tg = new TaskGroup();
          await tg.run(() => {
            const error = thrown(
              () =>
                void tg.run(() => {
                  called = true;
                }),
            );
            assert.ok(error instanceof InvalidStateError);
            assert.match(error.message, /has already been entered/);
          });
          assert.equal(called, false);
        });
      });

      // test_taskgroup_double_enter
      test('running a TaskGroup a second time after it finished throws InvalidStateError', async () => {
        await run(async () => {
          let called = false;
          const tg = new TaskGroup();
          await tg.run(() => undefined);
          const error = thrown(
            () =>
              void tg.run(() => {
                called = true;
              }),
          );
          assert.ok(error instanceof InvalidStateError);
          assert.match(error.message, /has already been entered/);
          assert.equal(called, false);
        });
      });

      test('a body or task function that is not a function throws TypeError at the call', async () => {
        assert.throws(() => TaskGroup.run('body' as unknown as () => void), TypeError);
        await run(async () => {
          await TaskGroup.run((g) => {
            assert.throws(() => g.createTask(42 as unknown as () => void, opts), TypeError);
          });
        });
      });

      test('createTask with a bad option throws TypeError, never calls the function, and leaves the group working', async () => {
        await run(async () => {
          let called = false;
          const value = await TaskGroup.run(async (g) => {
            assert.throws(
              () =>
                g.createTask(
                  () => {
                    called = true;
                  },
                  { ...opts, name: 5 as unknown as string },
                ),
              TypeError,
            );
            return g.createTask(() => sleep(0, 'fine'), opts).then((v) => ({ v }));
          });
          assert.deepEqual(value, { v: 'fine' });
          assert.equal(called, false);
        });
      });

      // test_taskgroup_without_parent_task: Python raises RuntimeError; concur starts a
      // task of its own to be the parent.
      test('TaskGroup.run called outside a task runs the body in a task of its own', async () => {
        using _clock = VirtualClock.install();
        assert.equal(currentTask(), null);
        let parent: unknown = null;
        let child!: Task<number>;
        const value = await TaskGroup.run((g) => {
          parent = currentTask();
          child = g.createTask(() => sleep(10, 7), opts);
          return 'done';
        });
        assert.equal(value, 'done');
        assert.ok(parent !== null);
        assert.equal(child.result(), 7);
      });

      test('outside a task, a failing child still cancels its siblings and the body', async () => {
        using _clock = VirtualClock.install();
        let sibling!: Task<undefined>;
        let bodyCancelled = false;
        const error = await rejection(
          TaskGroup.run(async (g) => {
            sibling = g.createTask(() => sleep(10_000), opts);
            g.createTask(async () => {
              await sleep(10);
              throw new MyExc();
            }, opts);
            try {
              await sleep(10_000);
            } catch (e) {
              bodyCancelled = e instanceof CancelledError;
              throw e;
            }
          }),
        );
        assert.deepEqual(errorTypes(error), new Set([MyExc]));
        assert.equal(sibling.cancelled(), true);
        assert.equal(bodyCancelled, true);
      });
    });

    describe('cancellation accounting (§6.37)', () => {
      const raiseAfter =
        (gate: PromiseLike<unknown>, make: () => Error) => async (): Promise<void> => {
          await gate;
          throw make();
        };

      // test_cancelling_level_preserved
      test('after the group absorbed its own cancel, the task is not left cancelling', async () => {
        await run(async () => {
          const error = await rejection(
            TaskGroup.run((tg) => {
              tg.createTask(
                raiseAfter(sleep(0), () => new RuntimeError()),
                opts,
              );
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([RuntimeError]));
          assert.equal(currentTask()!.cancelling(), 0);
        });
      });

      // test_cancellation_does_not_leak_out_of_tg
      test('no stray cancel reaches the next await after the group', async () => {
        await run(async () => {
          const error = await rejection(
            TaskGroup.run((tg) => {
              tg.createTask(() => {
                throw new MyExc();
              }, opts);
            }),
          );
          assert.deepEqual(errorTypes(error), new Set([MyExc]));
          await sleep(0); // would throw CancelledError if the group's cancel leaked
          await sleep(1);
        });
      });

      // test_nested_groups_both_cancelled. Python fails both children in the same loop
      // iteration with sleep(0); concur's sleep(0) lets every ready task run first, so
      // the children wait on one gate instead.
      test('nested groups that both cancelled the task keep the count right', async () => {
        await run(async () => {
          const gate = new Future<void>();
          const task = currentTask()!;
          let between = -1;
          const outerError = await rejection(
            TaskGroup.run(async (outerTg) => {
              const innerError = await rejection(
                TaskGroup.run((innerTg) => {
                  innerTg.createTask(
                    raiseAfter(gate, () => new RuntimeError()),
                    opts,
                  );
                  outerTg.createTask(
                    raiseAfter(gate, () => new ValueError()),
                    opts,
                  );
                  gate.setResult(undefined);
                }),
              );
              assert.deepEqual(errorTypes(innerError), new Set([RuntimeError]));
              between = task.cancelling();
            }),
          );
          assert.equal(between, 1, 'the outer group’s cancel is still pending');
          assert.deepEqual(errorTypes(outerError), new Set([ValueError]));
          assert.equal(task.cancelling(), 0);
          await sleep(0);
        });
      });

      // test_error_and_cancel. The child fails in the same turn as the outside cancel
      // (Python: after one sleep(0)); a gate gives that ordering here.
      test('an outside cancel plus a child error leaves the task cancelled after the group', async () => {
        await run(async () => {
          const started = new Future<void>();
          const gate = new Future<void>();
          let inGroupHandler = -1;
          let afterGroup = -1;
          let reachedEnd = false;
          const t = spawn(async () => {
            try {
              await TaskGroup.run(async (tg) => {
                tg.createTask(async () => {
                  started.setResult(undefined);
                  await gate;
                  throw new RuntimeError();
                }, opts);
                await sleep(1000);
                assert.fail('the sleep in the group should have been cancelled');
              });
            } catch (error) {
              assert.deepEqual(errorTypes(error), new Set([RuntimeError]));
              inGroupHandler = currentTask()!.cancelling();
            }
            afterGroup = currentTask()!.cancelling();
            await sleep(1000);
            reachedEnd = true;
          });
          await started;
          assert.equal(t.cancelling(), 0);
          gate.setResult(undefined);
          t.cancel();
          assert.equal(t.cancelling(), 1);
          await assert.rejects(t, CancelledError);
          assert.equal(t.cancelled(), true);
          assert.equal(inGroupHandler, 1);
          assert.equal(afterGroup, 1);
          assert.equal(reachedEnd, false, 'the sleep after the group was cancelled');
        });
      });

      // test_taskgroup_context_manager_exit_raises (gh-95289)
      test('an error from a cleanup inside the body joins the child error, and the task is not left cancelling', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          class CustomException extends Error {}
          const main = spawn(async () => {
            const task = currentTask()!;
            const error = await rejection(
              TaskGroup.run(async (tg) => {
                try {
                  tg.createTask(() => {
                    throw new CustomException('child');
                  }, opts);
                  await sleep(1000);
                } finally {
                  // a resource whose cleanup fails, like the database() context manager
                  // eslint-disable-next-line no-unsafe-finally
                  throw new CustomException('cleanup');
                }
              }),
            );
            assert.deepEqual(errorTypes(error), new Set([CustomException]));
            assert.equal((error as ExceptionGroup).errors.length, 2);
            assert.equal(task.cancelling(), 0);
          });
          await main;
        });
      });
    });

    describe('children created while the group aborts, names and contexts (§6.38)', () => {
      // test_cancels_task_if_created_during_creation (gh-128550)
      test('a child created by a sibling that fails at once still gets its creator cancelled', async () => {
        await run(async () => {
          let ran = false;
          const error = await rejection(
            TaskGroup.run((tg) => {
              tg.createTask(async () => {
                tg.createTask(() => {
                  throw new MyExc('third task failed');
                }, opts);
                try {
                  await sleep(0);
                  await sleep(0);
                } catch (e) {
                  if (!(e instanceof CancelledError)) throw e;
                  ran = true;
                }
              }, opts);
            }),
          );
          assert.equal(ran, true);
          assert.deepEqual(errorTypes(error), new Set([MyExc]));
        });
      });

      test('an outside cancel reaches the body, not a child whose function returned a future', async () => {
        using clock = VirtualClock.install();
        await run(async () => {
          let child!: Task<string>;
          let reached = false;
          let release!: () => void;
          const foreign = new Promise<void>((resolve) => (release = resolve));
          const runner = spawn(() =>
            TaskGroup.run(async (tg) => {
              child = tg.createTask(() => sleep(10_000, 'child'), opts);
              await foreign; // not a cancellation point
              await sleep(0); // the cancel is delivered here
              reached = true;
            }),
          );
          await sleep(0);
          runner.cancel();
          release();
          await assert.rejects(runner, CancelledError);
          assert.equal(reached, false);
          assert.equal(child.cancelled(), true, 'cancelled by the group as it aborted');
          assert.equal(clock.now(), 0, "the child's sleep was cancelled, not waited out");
        });
      });

      // test_taskgroup_task_name, test_name
      test('a child gets the name it was given', async () => {
        await run(async () => {
          let seen: string | null = null;
          await TaskGroup.run((g) => {
            const t = g.createTask(
              async () => {
                seen = currentTask()!.name;
                await sleep(0);
              },
              { ...opts, name: 'yolo' },
            );
            assert.equal(t.name, 'yolo');
          });
          assert.equal(seen, 'yolo');
        });
      });

      // test_taskgroup_task_context: Python passes a contextvars.Context; the JavaScript
      // analogue is the AsyncLocalStorage context in which the child is created.
      test('a child runs in the AsyncLocalStorage context in which it was created', async () => {
        await run(async () => {
          const cvar = new AsyncLocalStorage<string>();
          const seen: string[] = [];
          const record = (label: string) => async (): Promise<void> => {
            seen.push(`${label}:${cvar.getStore()}`);
            await sleep(0);
            seen.push(`${label} after await:${cvar.getStore()}`);
          };
          await TaskGroup.run((g) => {
            cvar.run('one', () => g.createTask(record('t1'), opts));
            cvar.run('two', () => g.createTask(record('t2'), opts));
            g.createTask(record('t3'), opts);
          });
          assert.deepEqual(seen.sort(), [
            't1 after await:one',
            't1:one',
            't2 after await:two',
            't2:two',
            't3 after await:undefined',
            't3:undefined',
          ]);
        });
      });
    });

    describe('inspection', () => {
      test('the inspect output shows the state, the children and the errors', async () => {
        using _clock = VirtualClock.install();
        await run(async () => {
          const tg = new TaskGroup();
          assert.match(inspect(tg), /^<TaskGroup new/);
          await tg.run((g) => {
            g.createTask(() => sleep(10), opts);
            assert.match(inspect(g), /^<TaskGroup entered tasks=1/);
          });
          assert.match(inspect(tg), /^<TaskGroup finished tasks=0/);
        });
      });
    });
  });
}
