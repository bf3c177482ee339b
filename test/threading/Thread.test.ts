/**
 * Thread: a function in its own worker thread, with Python's lifecycle (start, isAlive,
 * join) and excepthook, plus the thread introspection functions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import { threadId } from 'node:worker_threads';

import { InvalidStateError, RemoteError, SerializationError } from 'concur-ts';
import {
  activeCount,
  currentThread,
  enumerate,
  mainThread,
  setExcepthook,
  Thread,
  type ExceptHookArgs,
} from 'concur-ts/threading';

import { runScript } from '../fixtures/children.js';
import { addToCell, blockUntil, checkName, exitMidTask, fail } from '../fixtures/tasks.js';
import { makeCells, release, until } from '../fixtures/sync.js';

/** Collects what reaches the excepthook while `body` runs, then restores the hook. */
async function withHook(body: (seen: ExceptHookArgs[]) => Promise<void>): Promise<void> {
  const seen: ExceptHookArgs[] = [];
  const previous = setExcepthook((args) => seen.push(args));
  try {
    await body(seen);
  } finally {
    setExcepthook(previous);
  }
}

describe('Thread', () => {
  test('a thread runs its target with its args in another thread, and join resolves true once it ended', async () => {
    const cells = makeCells();
    const thread = new Thread({ target: addToCell, args: [cells, 0, 5] });
    assert.equal(thread.ident, null);
    thread.start();
    assert.equal(typeof thread.ident, 'number');
    assert.notEqual(thread.ident, threadId);
    assert.equal(await thread.join(), true);
    assert.equal(Atomics.load(cells, 0), 5);
    assert.equal(thread.isAlive(), false);
  });

  test('isAlive is false before start, true while the target runs, false after join (LT test_various_ops)', async () => {
    const cells = makeCells();
    const thread = new Thread({ target: blockUntil, args: [cells, 0, 1] });
    assert.equal(thread.isAlive(), false);
    thread.start();
    try {
      await until(cells, 0);
      assert.equal(thread.isAlive(), true);
    } finally {
      release(cells, 1);
    }
    await thread.join();
    assert.equal(thread.isAlive(), false);
  });

  test('join(ms) resolves false while the thread still runs, and true once it ended (LT test_join_nondaemon_on_shutdown)', async () => {
    const cells = makeCells();
    const thread = new Thread({ target: blockUntil, args: [cells, 0, 1] });
    thread.start();
    try {
      await until(cells, 0);
      assert.equal(await thread.join(20), false);
      assert.equal(await thread.join(0), false);
    } finally {
      release(cells, 1);
    }
    assert.equal(await thread.join(10_000), true);
    assert.equal(await thread.join(0), true);
  });

  test('start twice throws InvalidStateError, and so does join before start (LT test_start_twice, test_join_before_start)', async () => {
    const thread = new Thread({ target: addToCell, args: [makeCells(), 0, 1] });
    assert.throws(() => thread.join(), InvalidStateError);
    thread.start();
    assert.throws(() => thread.start(), /threads can only be started once/);
    await thread.join();
  });

  test('daemon is settable before start only', async () => {
    const thread = new Thread({ target: addToCell, args: [makeCells(), 0, 1] });
    assert.equal(thread.daemon, false, 'inherited from the main thread');
    thread.daemon = true;
    thread.start();
    assert.throws(() => {
      thread.daemon = false;
    }, InvalidStateError);
    await thread.join();
  });

  test('an error thrown by the target goes to the excepthook and never reaches the main thread (LT ExceptHookTests)', () =>
    withHook(async (seen) => {
      const thread = new Thread({ target: fail, args: ['from the thread'], name: 'failing' });
      thread.start();
      await thread.join();
      assert.equal(seen.length, 1);
      const [args] = seen;
      assert.equal(args!.thread, thread);
      assert.equal(args!.excType, 'TypeError');
      assert.ok(args!.excValue instanceof RemoteError);
      assert.equal(args!.excValue.message, 'from the thread');
      assert.match(args!.excValue.remoteStack ?? '', /at fail /);
    }));

  test('the default excepthook prints "Exception in thread <name>:" and the stack to stderr', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (chunk: string) => {
      written.push(String(chunk));
      return true;
    };
    try {
      const thread = new Thread({ target: fail, args: ['printed'], name: 'printer' });
      thread.start();
      await thread.join();
    } finally {
      process.stderr.write = write;
    }
    const text = written.join('');
    assert.match(text, /^Exception in thread printer:\n/);
    assert.match(text, /printed/);
  });

  test('a thread that calls process.exit() simply ends, unreported (Python’s SystemExit)', () =>
    withHook(async (seen) => {
      const thread = new Thread({ target: exitMidTask, args: [0] });
      thread.start();
      assert.equal(await thread.join(), true);
      assert.deepEqual(seen, []);
    }));

  test('a self-contained function can be the target', async () => {
    const cells = makeCells();
    const thread = new Thread({
      target: (c: Int32Array) => {
        Atomics.store(c, 0, 7);
      },
      args: [cells],
    });
    thread.start();
    await thread.join();
    assert.equal(Atomics.load(cells, 0), 7);
  });

  test('bad construction throws at once: no target, args not an array, args that cannot be cloned', () => {
    assert.throws(() => new Thread({} as never), TypeError);
    assert.throws(() => new Thread({ target: addToCell, args: 'x' as never }), TypeError);
    assert.throws(
      () => new Thread({ target: addToCell, args: [() => 1] as never }),
      SerializationError,
    );
  });

  test('threads get Python-style names, and show their state when inspected', async () => {
    const thread = new Thread({ target: addToCell, args: [makeCells(), 0, 1] });
    assert.match(thread.name, /^Thread-\d+ \(addToCell\)$/);
    const named = new Thread({ target: addToCell, args: [makeCells(), 0, 1], name: 'worker-a' });
    assert.equal(inspect(named), '<Thread(worker-a, initial)>');
    named.start();
    assert.equal(inspect(named), `<Thread(worker-a, started ${named.ident})>`);
    await named.join();
    assert.equal(inspect(named), '<Thread(worker-a, stopped)>');
    void thread;
  });
});

describe('currentThread, mainThread, enumerate, activeCount', () => {
  test('on the main thread, currentThread() is mainThread(): MainThread, ident 0', () => {
    assert.equal(currentThread(), mainThread());
    assert.equal(mainThread().name, 'MainThread');
    assert.equal(mainThread().ident, 0);
    assert.equal(mainThread().isAlive(), true);
    assert.throws(() => mainThread().join(), /cannot join current thread/);
  });

  test('inside a thread, currentThread() carries that thread’s name', async () => {
    const cells = makeCells();
    const thread = new Thread({
      target: checkName,
      args: [cells, 0, 'named-inside'],
      name: 'named-inside',
    });
    thread.start();
    await thread.join();
    assert.equal(Atomics.load(cells, 0), 1);
  });

  test('enumerate lists the main thread and every running thread, and activeCount counts them (LT test_enumerate_after_join)', async () => {
    const before = activeCount();
    assert.deepEqual(enumerate(), [mainThread()]);
    const cells = makeCells();
    const threads = [0, 1].map((i) => new Thread({ target: blockUntil, args: [cells, i, 7] }));
    for (const t of threads) t.start();
    try {
      await Promise.all([until(cells, 0), until(cells, 1)]);
      assert.deepEqual(enumerate(), [mainThread(), ...threads]);
      assert.equal(activeCount(), before + 2);
    } finally {
      release(cells, 7);
    }
    await Promise.all(threads.map((t) => t.join()));
    assert.equal(activeCount(), before);
  });
});

describe('Thread and the process lifetime', () => {
  const script = (daemon: boolean) => `
    import { Thread } from 'concur-ts/threading';
    const t = new Thread({
      daemon: ${daemon},
      target: async () => {
        await new Promise((r) => setTimeout(r, ${daemon ? 60_000 : 50}));
        console.log('thread finished');
      },
    });
    t.start();
    console.log('main finished');
  `;

  test('a non-daemon thread keeps the process alive until it ends', async () => {
    const { stdout } = await runScript(script(false), [], { timeout: 30_000 });
    assert.deepEqual(stdout.trim().split('\n'), ['main finished', 'thread finished']);
  });

  test('what a thread printed comes before what the program prints after join(), even when the pipe to the parent is full', async () => {
    const { stdout } = await runScript(
      `import { Thread } from 'concur-ts/threading';
      const t = new Thread({ target: (n) => { for (let i = 0; i < n; i++) console.log('line ' + i); }, args: [20000] });
      t.start();
      await t.join();
      console.log('joined');`,
      [],
      { timeout: 30_000 },
    );
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, 20001);
    assert.deepEqual(lines.slice(-2), ['line 19999', 'joined']);
  });

  test('a daemon thread never keeps the process alive', async () => {
    const { stdout } = await runScript(script(true), [], { timeout: 30_000 });
    assert.deepEqual(stdout.trim().split('\n'), ['main finished']);
  });
});
