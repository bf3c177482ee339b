/**
 * Pins the public surface: the exact names each subpath exports. A change here is a
 * change of the public contract and must be deliberate.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { runScript } from '../fixtures/children.js';

const surface: Record<string, string[]> = {
  'concur-ts': [
    'ALL_COMPLETED',
    'AuthenticationError',
    'BootstrapError',
    'BrokenBarrierError',
    'BrokenExecutor',
    'EOFError',
    'BrokenResourceError',
    'CancelledError',
    'ConcurError',
    'ConnectionLostError',
    'Event',
    'ExceptionGroup',
    'FIRST_COMPLETED',
    'FIRST_EXCEPTION',
    'Future',
    'InvalidStateError',
    'Lock',
    'MissingDependencyError',
    'TaskModuleNotFoundError',
    'Queue',
    'QueueEmpty',
    'QueueFull',
    'ProcessPoolExecutor',
    'QueueShutDown',
    'RemoteError',
    'Semaphore',
    'SerializationError',
    'Task',
    'TaskGroup',
    'TaskLostError',
    'ThreadPoolExecutor',
    'TimeoutError',
    'WorkerCrashedError',
    'WorkerLostError',
    'asCompleted',
    'createTask',
    'currentTask',
    'defineTask',
    'gather',
    'isWorker',
    'run',
    'shield',
    'sleep',
    'taskSignal',
    'timeout',
    'transfer',
    'wait',
    'waitFor',
    'UnsupportedRuntimeError',
  ],
  'concur-ts/asyncio': [
    'ALL_COMPLETED',
    'AsCompletedIterator',
    'Barrier',
    'BoundedSemaphore',
    'BrokenBarrierError',
    'CancelledError',
    'Condition',
    'Event',
    'ExceptionGroup',
    'FIRST_COMPLETED',
    'FIRST_EXCEPTION',
    'Future',
    'InvalidStateError',
    'LifoQueue',
    'Lock',
    'PriorityQueue',
    'Queue',
    'QueueEmpty',
    'QueueFull',
    'QueueShutDown',
    'Semaphore',
    'Task',
    'TaskGroup',
    'Timeout',
    'TimeoutError',
    'allTasks',
    'asCompleted',
    'createTask',
    'currentTask',
    'ensureFuture',
    'gather',
    'getRunningLoop',
    'isFuture',
    'run',
    'shield',
    'shutdownDefaultExecutor',
    'sleep',
    'timeout',
    'timeoutAt',
    'toThread',
    'wait',
    'waitFor',
  ],
  'concur-ts/futures': [
    'ALL_COMPLETED',
    'AsCompletedIterator',
    'BootstrapError',
    'BrokenExecutor',
    'CancelledError',
    'Executor',
    'FIRST_COMPLETED',
    'FIRST_EXCEPTION',
    'Future',
    'InvalidStateError',
    'ProcessPoolExecutor',
    'RemoteError',
    'SerializationError',
    'ThreadPoolExecutor',
    'TimeoutError',
    'Transfer',
    'WorkerCrashedError',
    'asCompleted',
    'defineTask',
    'ensureFuture',
    'isAwaitable',
    'isFuture',
    'isWorker',
    'taskSignal',
    'transfer',
    'wait',
    'UnsupportedRuntimeError',
  ],
  'concur-ts/task': ['Transfer', 'defineTask', 'isWorker', 'taskSignal', 'transfer'],
  'concur-ts/threading': [
    'Array',
    'Barrier',
    'BoundedSemaphore',
    'BrokenBarrierError',
    'BrokenResourceError',
    'Condition',
    'Event',
    'InvalidStateError',
    'LifoQueue',
    'Lock',
    'PriorityQueue',
    'Queue',
    'QueueEmpty',
    'QueueFull',
    'QueueShutDown',
    'RLock',
    'Semaphore',
    'SharedArray',
    'SimpleQueue',
    'Thread',
    'Timer',
    'Value',
    'activeCount',
    'currentThread',
    'decodeShared',
    'encodeShared',
    'enumerate',
    'mainThread',
    'markOwnerDead',
    'setExcepthook',
    'UnsupportedRuntimeError',
  ],
  'concur-ts/distributed': [
    'AuthenticationError',
    'CancelledError',
    'ConnectionLostError',
    'DistributedExecutor',
    'DistributedWorker',
    'InvalidStateError',
    'MissingDependencyError',
    'RemoteError',
    'SerializationError',
    'TaskLostError',
    'TaskModuleNotFoundError',
    'TimeoutError',
    'WorkerLostError',
    'defineTask',
    'runWorker',
    'taskSignal',
  ],
  'concur-ts/multiprocessing': [
    'AsyncResult',
    'Barrier',
    'BoundedSemaphore',
    'BrokenBarrierError',
    'BrokenResourceError',
    'Condition',
    'Connection',
    'DictProxy',
    'EOFError',
    'Empty',
    'Event',
    'Full',
    'InvalidStateError',
    'JoinableQueue',
    'ListProxy',
    'Lock',
    'Manager',
    'NamespaceProxy',
    'Pipe',
    'Pool',
    'Process',
    'Queue',
    'QueueEmpty',
    'QueueFull',
    'RLock',
    'Semaphore',
    'SerializationError',
    'SimpleQueue',
    'TimeoutError',
    'activeChildren',
    'cpuCount',
    'currentProcess',
    'decodeShared',
    'encodeShared',
    'parentProcess',
    'wait',
    'UnsupportedRuntimeError',
  ],
  'concur-ts/testing': ['VirtualClock', 'captureExceptions', 'describeLeaks', 'leakReport'],
};

describe('the public surface', () => {
  for (const [specifier, names] of Object.entries(surface)) {
    test(`${specifier} exports exactly the pinned names`, async () => {
      const mod = (await import(specifier)) as Record<string, unknown>;
      assert.deepEqual(Object.keys(mod).sort(), [...names].sort());
    });
  }

  test('the same class is exported by every subpath that exports it', async () => {
    const root = (await import('concur-ts')) as Record<string, unknown>;
    const asyncio = (await import('concur-ts/asyncio')) as Record<string, unknown>;
    const futures = (await import('concur-ts/futures')) as Record<string, unknown>;
    assert.equal(root.Future, asyncio.Future);
    assert.equal(asyncio.Future, futures.Future);
    assert.equal(root.CancelledError, futures.CancelledError);
    const threading = (await import('concur-ts/threading')) as Record<string, unknown>;
    assert.equal(threading.BrokenResourceError, root.BrokenResourceError);
    assert.equal(threading.QueueShutDown, asyncio.QueueShutDown);
    assert.equal(threading.Array, threading.SharedArray);
    const distributed = (await import('concur-ts/distributed')) as Record<string, unknown>;
    assert.equal(distributed.RemoteError, root.RemoteError);
    assert.equal(distributed.defineTask, root.defineTask);
    const task = (await import('concur-ts/task')) as Record<string, unknown>;
    for (const name of ['defineTask', 'isWorker', 'taskSignal', 'transfer', 'Transfer']) {
      assert.equal(task[name], futures[name], name);
    }
  });

  test('every exported function and class is named as it is exported (the bundle renames none), aliases aside', async () => {
    const aliases = new Map([
      ['concur-ts/threading Array', 'SharedArray'],
      ['concur-ts/multiprocessing Empty', 'QueueEmpty'],
      ['concur-ts/multiprocessing Full', 'QueueFull'],
    ]);
    const misnamed: string[] = [];
    for (const specifier of Object.keys(surface)) {
      const mod = (await import(specifier)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== 'function') continue;
        const expected = aliases.get(`${specifier} ${name}`) ?? name;
        if (value.name !== expected) misnamed.push(`${specifier} ${name}: ${value.name}`);
      }
    }
    assert.deepEqual(misnamed, []);
  });

  test('internal modules cannot be imported through the package exports', async () => {
    // Specifiers held in a variable: TypeScript would (rightly) refuse to resolve them.
    for (const specifier of [
      'concur-ts/internal/loop/loop.js',
      'concur-ts/dist/internal/loop/loop.js',
    ]) {
      await assert.rejects(import(specifier), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
    }
  });

  test('every error class has a stable name and code', async () => {
    const errors = (await import('concur-ts')) as unknown as Record<
      string,
      new (...args: any[]) => Error
    >;
    const expected: Record<string, string> = {
      CancelledError: 'ERR_CONCUR_CANCELLED',
      TimeoutError: 'ERR_CONCUR_TIMEOUT',
      InvalidStateError: 'ERR_CONCUR_INVALID_STATE',
      BrokenExecutor: 'ERR_CONCUR_BROKEN_EXECUTOR',
      BootstrapError: 'ERR_CONCUR_BOOTSTRAP',
      WorkerLostError: 'ERR_CONCUR_WORKER_LOST',
      QueueEmpty: 'ERR_CONCUR_QUEUE_EMPTY',
      QueueFull: 'ERR_CONCUR_QUEUE_FULL',
      QueueShutDown: 'ERR_CONCUR_QUEUE_SHUT_DOWN',
      BrokenBarrierError: 'ERR_CONCUR_BROKEN_BARRIER',
      BrokenResourceError: 'ERR_CONCUR_BROKEN_RESOURCE',
      SerializationError: 'ERR_CONCUR_SERIALIZATION',
      TaskLostError: 'ERR_CONCUR_TASK_LOST',
      ConnectionLostError: 'ERR_CONCUR_CONNECTION_LOST',
      AuthenticationError: 'ERR_CONCUR_AUTHENTICATION',
      MissingDependencyError: 'ERR_CONCUR_MISSING_DEPENDENCY',
      TaskModuleNotFoundError: 'ERR_CONCUR_TASK_MODULE_NOT_FOUND',
      EOFError: 'ERR_CONCUR_EOF',
      UnsupportedRuntimeError: 'ERR_CONCUR_UNSUPPORTED_RUNTIME',
    };
    for (const [name, code] of Object.entries(expected)) {
      const error = new errors[name]!('message');
      assert.equal(error.name, name);
      assert.equal((error as Error & { code: string }).code, code);
      assert.ok(error instanceof errors.ConcurError!);
    }
    const crashed = new errors.WorkerCrashedError!('died', { exitCode: 1, signal: null });
    assert.equal(crashed.name, 'WorkerCrashedError');
    assert.equal((crashed as Error & { code: string }).code, 'ERR_CONCUR_WORKER_CRASHED');
    const group = new errors.ExceptionGroup!('many', [new Error('a')]);
    assert.equal(group.name, 'ExceptionGroup');
    assert.ok(group instanceof AggregateError);
  });
});

describe('what a subpath’s import loads', () => {
  // Each of these takes 0.2–5 ms to load at start-up; the code that needs one loads it
  // at its first use (a pool's first process, a Manager's first shared object, …).
  const LAZY = ['os', 'net', 'crypto', 'module', 'child_process', 'perf_hooks', 'v8'];
  for (const subpath of ['asyncio', 'futures', 'threading', 'multiprocessing', 'task']) {
    test(`importing concur-ts/${subpath} loads none of node:${LAZY.join(', node:')}`, async () => {
      const program = `
        const before = new Set(process.moduleLoadList);
        await import('concur-ts/${subpath}');
        const loaded = process.moduleLoadList.filter((m) => !before.has(m));
        console.log(JSON.stringify(${JSON.stringify(LAZY)}.filter((id) => loaded.includes('NativeModule ' + id))));
      `;
      const { stdout } = await runScript(program);
      assert.deepEqual(JSON.parse(stdout), []);
    });
  }
});
