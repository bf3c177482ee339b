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
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [mode = 'concur-pool', runsArg = '15'] = process.argv.slice(2);
const runs = Number(runsArg);
const here = (file) => new URL(file, import.meta.url).href;

/** The concur program, its task in `tasks` (a module of bench/). */
const concurPool = (tasks) => `
    import { ThreadPoolExecutor } from ${JSON.stringify(here('../dist/futures/index.js'))};
    import { square } from ${JSON.stringify(here(tasks))};
    const pool = new ThreadPoolExecutor({ maxWorkers: 2 });
    if ((await pool.submit(square, 3)) !== 9) process.exit(1);
    await pool.shutdown();
  `;
const programs = {
  'concur-pool': concurPool('./coldstart-tasks.mjs'),
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

if (mode === 'pool-pairs') {
  const concur = [];
  const piscina = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      concur.push(wall('concur-pool'));
      piscina.push(wall('piscina-pool'));
    } else {
      piscina.push(wall('piscina-pool'));
      concur.push(wall('concur-pool'));
    }
  }
  const ratio = median(concur.map((ms, i) => ms / piscina[i]));
  console.log(
    JSON.stringify({ concurMs: median(concur), piscinaMs: median(piscina), ratio, runs }),
  );
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
