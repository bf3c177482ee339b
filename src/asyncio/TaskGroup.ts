/**
 * `TaskGroup`: structured concurrency — children never outlive the block that made them.
 *
 * The algorithm is asyncio's (3.14 `taskgroups.py`): the first child error cancels the
 * other children *and the body* (by cancelling the parent task, a cancel the group takes
 * back with `uncancel()` when it exits), the block waits for every child, and real errors
 * leave as one `ExceptionGroup`; cancellations are never members.
 *
 * @module
 */
import { inspectCustom } from '../internal/runtime/inspect.js';

import { CancelledError, ExceptionGroup, InvalidStateError } from '../errors.js';
import { Future } from '../internal/loop/Future.js';
import { callExceptionHandler } from '../internal/loop/loop.js';
import { checkFunction } from '../internal/base/validate.js';
import { currentTask, Task, type TaskFunction, type TaskOptions } from './Task.js';

/**
 * A scope for child tasks: `TaskGroup.run(async (tg) => { tg.createTask(…); … })`.
 *
 * Python equivalent: `async with asyncio.TaskGroup() as tg:`. `run` resolves to what the
 * body returns once every child is done.
 *
 * - A child that fails cancels its siblings and the body; `run` then rejects with an
 *   `ExceptionGroup` of the real errors (the body's own error included). Cancellations
 *   are never members.
 * - Cancelling the task running the group cancels every child, and `run` rejects with
 *   `CancelledError` — unless a child failed, when the `ExceptionGroup` wins (and the
 *   task stays cancelled).
 * - A child cancelled on its own does not affect the group.
 * - When a cancellation stopped the group (a deadline, an outside cancel, or the group's
 *   own after a child failed), it is the `cause` of the `ExceptionGroup`; an enclosing
 *   `timeout()` that expired replaces it with a `TimeoutError` caused by it. (Python
 *   keeps it as the group's implicit `__context__`.)
 *
 * Differences: a callback instead of `async with`, because `Symbol.asyncDispose` cannot
 * see the body's error. Called outside a task, `run` starts a task of its own to be the
 * parent (Python raises `RuntimeError`). JavaScript has no `KeyboardInterrupt` or
 * `SystemExit` exceptions, so every error is a member of the group; none propagates bare.
 *
 * @example
 * ```ts
 * const [a, b] = await TaskGroup.run(async (tg) => {
 *   const t1 = tg.createTask(() => fetchPage('/a'));
 *   const t2 = tg.createTask(() => fetchPage('/b'));
 *   await sleep(0);
 *   return [t1, t2];
 * }).then((ts) => ts.map((t) => t.result()));
 * ```
 */
export class TaskGroup {
  private entered = false;
  private exiting = false;
  private aborting = false;
  private parentCancelRequested = false;
  private parent: Task<unknown> | null = null;
  private readonly tasks = new Set<Task<unknown>>();
  private readonly errors: unknown[] = [];
  private onCompleted: Future<void> | null = null;
  private readonly onTaskDone = (task: Future<unknown>): void =>
    this.taskDone(task as Task<unknown>);

  /**
   * Runs `body` with a new group and waits for every child. See the class docs.
   *
   * @throws ExceptionGroup of the errors of the children and the body; CancelledError if
   * the enclosing task was cancelled.
   */
  static run<T>(body: (tg: TaskGroup) => T | PromiseLike<T>): Promise<T> {
    return new TaskGroup().run(body);
  }

  /**
   * Enters this group, runs `body`, and waits for every child.
   *
   * @throws InvalidStateError if this group was already entered.
   */
  run<T>(body: (tg: TaskGroup) => T | PromiseLike<T>): Promise<T> {
    checkFunction('the TaskGroup body', body);
    if (this.entered) throw new InvalidStateError(`${this.describe()} has already been entered`);
    const parent = currentTask();
    if (parent === null) {
      return Promise.resolve(
        new Task<T>((own) => this.enterAndRun(own, body), { eagerStart: true }),
      );
    }
    return this.enterAndRun(parent, body);
  }

  /**
   * Starts `fn` as a child task of this group and returns it.
   *
   * Python equivalent: `TaskGroup.create_task(coro, name=, eager_start=)`.
   *
   * @throws InvalidStateError (and `fn` never runs) before the group was entered, once it
   * finished, or while it is shutting down after a failure.
   */
  createTask<T>(fn: TaskFunction<T>, options?: TaskOptions): Task<Awaited<T>> {
    checkFunction('the task function', fn);
    if (!this.entered) throw new InvalidStateError(`${this.describe()} has not been entered`);
    if (this.exiting && this.tasks.size === 0) {
      throw new InvalidStateError(`${this.describe()} is finished`);
    }
    if (this.aborting) throw new InvalidStateError(`${this.describe()} is shutting down`);
    const task = new Task(fn as TaskFunction<Awaited<T>>, options);
    // Always add the callback, even to a task that finished eagerly, so its error is
    // handled like any other (gh-128550).
    this.tasks.add(task);
    task.addDoneCallback(this.onTaskDone);
    return task;
  }

  private async enterAndRun<T>(
    parent: Task<any>,
    body: (tg: TaskGroup) => T | PromiseLike<T>,
  ): Promise<T> {
    this.entered = true;
    this.parent = parent;
    let value: T;
    try {
      value = await body(this);
    } catch (error) {
      await this.exit(true, error);
      throw error; // unreachable: exit() always throws when the body failed
    }
    await this.exit(false, undefined);
    return value;
  }

  private async exit(failed: boolean, error: unknown): Promise<void> {
    this.exiting = true;
    const parent = this.parent!;
    let propagateCancellation: CancelledError | null =
      failed && error instanceof CancelledError ? error : null;
    // The cancellation that stopped the group, if any: it becomes the `cause` of the
    // ExceptionGroup, where Python has it as the group's implicit `__context__`. That
    // is what lets an enclosing `timeout()` mark the group with a TimeoutError.
    let interruptedBy = propagateCancellation;
    if (failed && !this.aborting) {
      // The body failed or the parent was cancelled: cancel the children.
      this.abort();
    }
    // A loop: the wait can itself be cancelled more than once when the parent is
    // cancelled repeatedly.
    while (this.tasks.size > 0) {
      this.onCompleted ??= new Future<void>();
      try {
        await this.onCompleted;
      } catch (caught) {
        if (!(caught instanceof CancelledError)) throw caught;
        interruptedBy ??= caught;
        if (!this.aborting) {
          // The parent was cancelled from outside while the children still ran.
          propagateCancellation = caught;
          this.abort();
        }
      }
      this.onCompleted = null;
    }

    if (this.parentCancelRequested) {
      // We cancelled the parent to stop the body; take that cancel back. If no other
      // cancel is pending, the CancelledError it caused is ours to swallow.
      if (parent.uncancel() === 0) propagateCancellation = null;
    }
    // Errors have priority over a cancellation.
    if (propagateCancellation !== null && this.errors.length === 0) throw propagateCancellation;
    if (failed && !(error instanceof CancelledError)) this.errors.push(error);
    if (this.errors.length > 0) {
      // If the parent is also being cancelled from outside, keep that request counted
      // (uncancel, then cancel again) so it is not lost with this group's error.
      if (parent.cancelling() > 0) {
        parent.uncancel();
        parent.cancel();
      }
      const errors = this.errors.splice(0);
      throw new ExceptionGroup(
        'unhandled errors in a TaskGroup',
        errors,
        interruptedBy === null ? undefined : { cause: interruptedBy },
      );
    }
  }

  private abort(): void {
    this.aborting = true;
    for (const task of this.tasks) if (!task.done()) task.cancel();
  }

  private taskDone(task: Task<unknown>): void {
    this.tasks.delete(task);
    if (this.onCompleted !== null && this.tasks.size === 0 && !this.onCompleted.done()) {
      this.onCompleted.setResult();
    }
    if (task.cancelled()) return;
    const error = task.exception();
    if (error === null) return;
    this.errors.push(error);
    const parent = this.parent!;
    if (parent.done()) {
      callExceptionHandler({
        message: `Task ${task.name} has errored out but its parent task ${parent.name} is already completed`,
        exception: error,
        task,
      });
      return;
    }
    if (!this.aborting && !this.parentCancelRequested) {
      // Stop the body wherever it waits: cancel the parent now, uncancel it on exit.
      this.abort();
      this.parentCancelRequested = true;
      parent.cancel();
    }
  }

  private describe(): string {
    return `TaskGroup${this.parent === null ? '' : ` of ${this.parent.name}`}`;
  }

  /** How `util.inspect` and `console.log` show the group. */
  [inspectCustom](): string {
    const state = !this.entered
      ? 'new'
      : this.exiting && this.tasks.size === 0
        ? 'finished'
        : 'entered';
    const flags = [
      `tasks=${this.tasks.size}`,
      this.errors.length > 0 ? `errors=${this.errors.length}` : '',
      this.aborting ? 'cancelling' : '',
    ].filter(Boolean);
    return `<TaskGroup ${state} ${flags.join(' ')}>`;
  }
}
