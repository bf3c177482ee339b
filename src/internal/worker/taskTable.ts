/**
 * A worker's table of the tasks it was told of, by the number the pool gave each: the
 * function, once its module is imported (or its source compiled), or why it cannot run.
 *
 *   RUN message's definitions ──define(num, def)──► import(module) ──► lookupTask ──► fns[num]
 *                                                    (or compileSource)   └──────► failures[num]
 *
 * A task module is imported under the bootstrapping check (bootstrap.ts): a module that
 * starts workers of its own at its top level fails its tasks with `BootstrapError`.
 *
 * @module
 */
import { inspect } from '../runtime/inspect.js';

import type { SerializedError } from '../../errors.js';
import { beginTaskImport, endTaskImport } from './bootstrap.js';
import { serializeError } from './codec.js';
import { loadFailureAdvice } from './loaderPlan.js';
import { LOCAL_BOOTSTRAP, LOCAL_UNKNOWN_TASK } from './protocol.js';
import {
  compileSource,
  DEF_SOURCE,
  lookupTask,
  type TaskDef,
  type TaskFunction,
} from './taskRef.js';

/** The local error for a task the runtime itself could not run or answer. */
export type LocalFailure = [kind: number, message: string, cause: SerializedError | undefined];

export class TaskTable {
  /** Each task's function, once known. Read on every task (plain arrays: the hot path). */
  readonly fns: (TaskFunction | undefined)[] = [];
  /** Why a task cannot run, once known. */
  readonly failures: (LocalFailure | undefined)[] = [];
  /** True for a function sent by source (its `ReferenceError`s get advice). */
  readonly bySource: boolean[] = [];
  private readonly loads = new Map<number, Promise<void>>();

  /**
   * Learns what task number `num` means. Returns a promise while its module is being
   * imported (the task is registered, or marked failed, when it settles), else `null`.
   */
  define(num: number, def: TaskDef): Promise<void> | null {
    if (this.fns[num] !== undefined || this.failures[num] !== undefined) return null;
    const loading = this.loads.get(num);
    if (loading !== undefined) return loading;
    if (def[0] === DEF_SOURCE) {
      this.bySource[num] = true;
      try {
        this.fns[num] = compileSource(def[1]);
      } catch (error) {
        this.failures[num] = [
          LOCAL_UNKNOWN_TASK,
          `the function sent by source could not be compiled in the worker: ${String(error)}`,
          serializeError(error),
        ];
      }
      return null;
    }
    const [, module, name] = def;
    const known = lookupTask(module, name);
    if (known !== undefined) {
      this.fns[num] = known;
      return null;
    }
    beginTaskImport(module, name);
    // Node's own import() of the module's URL, also in a program bundled by webpack, which
    // would otherwise make it a lookup among the modules it bundled (and warn of it).
    const load = import(/* webpackIgnore: true */ module).then(
      () => {
        this.loads.delete(num);
        const refused = endTaskImport();
        const fn = lookupTask(module, name);
        if (refused !== null) {
          // The module caught the refusal or hit it in a promise it did not await.
          this.failures[num] = [LOCAL_BOOTSTRAP, refused.message, undefined];
        } else if (fn !== undefined) this.fns[num] = fn;
        else {
          this.failures[num] = [
            LOCAL_UNKNOWN_TASK,
            `task ${JSON.stringify(name)} is not defined in ${module}: importing that module in the worker did not register it. Call defineTask(import.meta.url, fn) at the top level of that module (not inside a function or a condition), under the same name`,
            undefined,
          ];
        }
      },
      (error: unknown) => {
        this.loads.delete(num);
        const refused = endTaskImport();
        if (refused !== null) {
          this.failures[num] = [LOCAL_BOOTSTRAP, refused.message, undefined];
          return;
        }
        this.failures[num] = [
          LOCAL_UNKNOWN_TASK,
          `the module of task ${JSON.stringify(name)} (${module}) failed to load in the worker: ${error instanceof Error ? error.message : inspect(error)}. ${loadFailureAdvice(error)}`,
          serializeError(error),
        ];
      },
    );
    this.loads.set(num, load);
    return load;
  }
}
