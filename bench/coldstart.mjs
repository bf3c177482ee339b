// Cold start (P12): how long a fresh `node` takes to import the library, run one task on a
// 2-thread pool and exit; and how long `import()` of a subpath takes in a fresh process.
// Each sample is its own process; the median of `runs` is reported, in ms.
//
//   node bench/coldstart.mjs <mode> [runs]
//   modes: concur-pool (its task module imports concur/task), concur-pool-futures-tasks
//          (concur/futures), piscina-pool (wall time of the whole program);
//          concur-asyncio-import, concur-futures-import, piscina-import (time of the import);
//          pool-pairs: concur-pool and piscina-pool back to back, `runs` times, the order
//          alternating, and the median of the per-pair ratios (a machine whose speed drifts
//          moves both programs of a pair alike; blocks of one program then the other do not)
//          with a bootstrap 90% interval of that median;
//          pool-ab: the same pairs of concur-pool, this build against the build in the
//          checkout named by CONCUR_AB_ROOT (its dist/ and bench/): is a change worth
//          anything? (about 150 pairs tell 1% apart on the 2-core machine)
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [mode = 'concur-pool', runsArg = '15'] = process.argv.slice(2);
const runs = Number(runsArg);
const here = (file) => new URL(file, import.meta.url).href;

/** The concur program, its task in `tasks` (a module of bench/ in the checkout at `at`). */
const concurPool = (tasks, at = new URL('..', import.meta.url)) => `
    import { ThreadPoolExecutor } from ${JSON.stringify(new URL('dist/futures/index.js', at).href)};
    import { square } from ${JSON.stringify(new URL(`bench/${tasks.slice(2)}`, at).href)};
    const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    if ((await pool.submit(square, 3)) !== 9) process.exit(1);
    await pool.shutdown();
  `;
const other = process.env['CONCUR_AB_ROOT'];
const programs = {
  'concur-pool': concurPool('./coldstart-tasks.mjs'),
  ...(other === undefined
    ? {}
    : { 'concur-pool-other': concurPool('./coldstart-tasks.mjs', pathToFileURL(`${other}/`)) }),
  'concur-pool-futures-tasks': concurPool('./coldstart-futures-tasks.mjs'),
  'piscina-pool': `
    import { Piscina } from 'piscina';
    const pool = new Piscina({ filename: ${JSON.stringify(here('./coldstart-piscina-task.mjs'))}, maxThreads: 2 });
    if ((await pool.run(3)) !== 9) process.exit(1);
    await pool.destroy();
  `,
};
const imports = {
  'concur-asyncio-import': here('../dist/asyncio/index.js'),
  'concur-futures-import': here('../dist/futures/index.js'),
  'piscina-import': 'piscina',
};

const root = fileURLToPath(new URL('..', import.meta.url));

/** Wall time of one fresh process running `program`. */
function wall(name) {
  const start = performance.now();
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', programs[name]], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`${name} exited with ${result.status}`);
  return performance.now() - start;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/**
 * `runs` pairs of programs `a` and `b`, the order alternating: the median of each, and the
 * median of the per-pair ratios b/a with a bootstrap 90% interval.
 */
function pairs(a, b) {
  const as = [];
  const bs = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      bs.push(wall(b));
      as.push(wall(a));
    } else {
      as.push(wall(a));
      bs.push(wall(b));
    }
  }
  const ratios = bs.map((ms, i) => ms / as[i]);
  const resampled = Array.from({ length: 2000 }, () =>
    median(ratios.map(() => ratios[Math.floor(Math.random() * ratios.length)])),
  ).sort((x, y) => x - y);
  return {
    msA: median(as),
    msB: median(bs),
    ratio: median(ratios),
    interval90: [resampled[100], resampled[1899]],
  };
}

if (mode === 'pool-pairs') {
  const { msA, msB, ratio, interval90 } = pairs('piscina-pool', 'concur-pool');
  console.log(JSON.stringify({ concurMs: msB, piscinaMs: msA, ratio, interval90, runs }));
  process.exit(0);
}
if (mode === 'pool-ab') {
  if (other === undefined) throw new Error('pool-ab compares with CONCUR_AB_ROOT=<a checkout>');
  const { msA, msB, ratio, interval90 } = pairs('concur-pool-other', 'concur-pool');
  console.log(JSON.stringify({ thisMs: msB, otherMs: msA, ratio, interval90, runs }));
  process.exit(0);
}

const samples = [];
for (let i = 0; i < runs; i++) {
  if (mode in programs) {
    samples.push(wall(mode));
  } else if (mode in imports) {
    const source = `const t = performance.now(); await import(${JSON.stringify(imports[mode])}); console.log(performance.now() - t);`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
      cwd: root,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`${mode} failed: ${result.stderr}`);
    samples.push(Number(result.stdout.trim()));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}
console.log(JSON.stringify({ ms: median(samples), runs }));
