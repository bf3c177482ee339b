/**
 * The seeds' threading examples (`examples/threading/`): each runs and shows what its
 * seed says it shows. In-process runs check the facts (idents, overlap, bytes); a run of
 * the compiled script checks what the threads print.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';

import * as twoThreads from '../../examples/threading/01-two-threads.js';
import * as fiveThreads from '../../examples/threading/02-five-threads.js';
import * as downloadProgress from '../../examples/threading/03-download-progress.js';
import * as downloadImages from '../../examples/threading/04-download-images.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs a compiled example as a program and returns its stdout lines. */
async function runExample(name: string): Promise<string[]> {
  const { stdout } = await exec(process.execPath, [`build/examples/threading/${name}.js`], {
    cwd: root,
    timeout: 60_000,
  });
  return stdout.trim().split('\n');
}

describe('examples/threading/01-two-threads (seed 002 §2)', () => {
  test('two threads with distinct idents work at the same time: the total is the longest, not the sum', async () => {
    const { idents, intervals, elapsedMs, lines } = await twoThreads.main({ quiet: true });
    assert.equal(new Set(idents).size, 2);
    assert.ok(!idents.includes(threadId));
    // Each thread works only once both have started (a Barrier of both in the example):
    // their overlap is a handshake, not two boots that happen to come close in time.
    const [startA, endA] = intervals[0]!;
    const [startB, endB] = intervals[1]!;
    assert.ok(startB < endA && startA < endB, `the threads overlap: ${JSON.stringify(intervals)}`);
    // The overlap above is what "the total is the longest" means; the wall time itself
    // depends on the machine (thread start-up), so only its lower bound is checked.
    assert.ok(elapsedMs >= 300, `total ${elapsedMs} ms covers the longer thread`);
    assert.match(
      lines.at(-1)!,
      /^--- Multithreading example ended, total time: \d+\.\d\d seconds ---$/,
    );
  });

  test('both threads print the PID of this one process, start and end', async () => {
    const lines = await runExample('01-two-threads');
    assert.equal(lines[0], '--- Starting multithreading example ---');
    const pids = new Set(lines.flatMap((line) => /PID: (\d+)/.exec(line)?.[1] ?? []));
    assert.equal(pids.size, 1);
    for (const name of ['A', 'B']) {
      assert.ok(lines.some((l) => new RegExp(`^Thread Thread ${name} .* started, taking`).test(l)));
      assert.ok(lines.some((l) => new RegExp(`^Thread Thread ${name} .* ended$`).test(l)));
    }
    assert.match(lines.at(-1)!, /total time/);
  });
});

describe('examples/threading/02-five-threads (seed 003)', () => {
  test('five threads each run their task, each on its own thread', async () => {
    const { idents, ranOn } = await fiveThreads.main({ quiet: true });
    assert.equal(new Set(idents).size, 5);
    assert.deepEqual(ranOn, idents, 'task i ran on thread i');
  });

  test('every task prints that it is running', async () => {
    const lines = await runExample('02-five-threads');
    assert.deepEqual(
      [...lines].sort(),
      [0, 1, 2, 3, 4].map((i) => `Task ${i} is running...`),
    );
  });
});

describe('examples/threading/03-download-progress (seeds 000/001)', () => {
  test('one thread downloads the whole file while the other draws dots until it is done', async () => {
    const { bytes, served, dots } = await downloadProgress.main({ quiet: true });
    assert.equal(bytes, served);
    assert.ok(dots >= 1, `${dots} dots`);
  });

  test('it prints the start, the dots and the end', async () => {
    // Each thread's output reaches this process on a channel of its own, so the lines of
    // the two threads interleave in no fixed order (a dot can land after the end line):
    // the pieces are checked, not their order.
    const text = (await runExample('03-download-progress')).join('\n');
    assert.match(text, /^\.*Start downloading files\.\.\.$/m);
    assert.match(text, /^Download is complete!$/m);
    const rest = text
      .replace('Start downloading files...', '')
      .replace('Download is complete!', '');
    assert.match(
      rest,
      /^[.\n]*\.[.\n]*$/,
      `the rest is the progress dots: ${JSON.stringify(text)}`,
    );
  });
});

describe('examples/threading/04-download-images (seed 004)', () => {
  test('three threads download three files in full', async () => {
    const { sizes, served, lines } = await downloadImages.main({ quiet: true });
    assert.deepEqual(sizes, served);
    assert.deepEqual(lines, ['All downloads finished!']);
  });

  test('each thread announces its download and its end, and the program its total', async () => {
    const lines = await runExample('04-download-images');
    assert.equal(lines.filter((l) => l.startsWith('Downloading ')).length, 3);
    assert.equal(lines.filter((l) => l.startsWith('Finished downloading ')).length, 3);
    assert.equal(lines.at(-1), 'All downloads finished!');
  });
});
