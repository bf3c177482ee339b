/**
 * The task modules of a distributed worker (`--tasks`): where each is, importing it, and
 * the tasks it registers with `defineTask`. Only these tasks ever run on the worker.
 *
 * @module
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { TaskModuleNotFoundError } from '../../errors.js';
import { argTypeError, show } from '../base/validate.js';
import { registeredTasks, type TaskFunction } from '../worker/taskRef.js';

/**
 * Imports the task modules at `urls` and returns the tasks they define, by name. A module
 * that defines none, or two modules defining different tasks of one name, reject with a
 * `TypeError` saying what to change.
 */
export async function loadTaskModules(urls: readonly string[]): Promise<Map<string, TaskFunction>> {
  const tasks = new Map<string, TaskFunction>();
  for (const url of urls) {
    await importTasks(url);
    const defined = registeredTasks(url);
    if (defined.size === 0) {
      throw argTypeError(
        `the module ${url} defines no task: its tasks must be made with defineTask(import.meta.url, fn) at its top level`,
      );
    }
    for (const [name, fn] of defined) {
      const other = tasks.get(name);
      if (other !== undefined && other !== fn) {
        throw argTypeError(
          `two task modules define a task named ${show(name)}; tasks travel by name, so give one of them another name ({ name })`,
        );
      }
      tasks.set(name, fn);
    }
  }
  return tasks;
}

/**
 * Imports a tasks module; one with no file behind it rejects with a
 * `TaskModuleNotFoundError` naming the file (a module that is there but fails to load
 * rejects with the loader's own error).
 */
async function importTasks(url: string): Promise<void> {
  try {
    await import(/* webpackIgnore: true */ url); // (Node's import() in a webpack bundle too)
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND' || !url.startsWith('file:')) {
      throw error;
    }
    const path = fileURLToPath(url);
    if (existsSync(path)) throw error; // what is missing is one of its imports
    throw new TaskModuleNotFoundError(
      `the tasks module ${path} does not exist; give the path of the built module that ` +
        'defines the tasks (e.g. ./dist/tasks.js after building, or the .ts source when ' +
        'running under a TypeScript loader), relative to the current directory or as a file: URL',
      path,
      { cause: error },
    );
  }
}

/** The module URL of a `--tasks` entry: a URL as is, a path resolved and made real. */
export function moduleUrl(entry: string | URL): string {
  if (entry instanceof URL) return entry.href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(entry) && !isAbsolute(entry)) return entry;
  const path = resolve(entry);
  let real = path;
  try {
    real = realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return pathToFileURL(real).href;
}
