// The build's step after tsc: the library's code in dist/ becomes a few ES modules instead
// of about a hundred. Node pays for every file a program imports (resolve, read, link):
// concur/asyncio was 41 files and concur/futures 47, plus as many again in each worker.
//
// rollup bundles every entry point; the code lands in a few chunks in dist/internal/chunks/,
// one per part of the library, each module in the chunk of the first part (in the order of
// PARTS) that reaches it by static imports. A module is in exactly one chunk, so a class or
// a registry is one object whichever entry reaches it; an entry is a small file that
// re-exports its names from the chunks; what is loaded lazily (import()) stays lazy.
//
// Entry points: the package's exports (Node and browser), the worker entries (started by
// path), the distributed worker's start-up, and the engine modules the white-box tests load
// by path (test/internal/). The compiled files the bundle replaces are deleted; their .d.ts
// stay, for the types. The CLI (dist/cli/) and the examples stay as tsc wrote them: they
// reach the library through the entries only (checked here), and start in a process of
// their own, where a few more files matter less.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { rollup } from 'rollup';
import { minify } from 'terser';

const dist = resolve('dist');
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

/**
 * The chunks, each with the entries whose static imports fill it, in order (and modules
 * that are no entry, whose imports fill it too).
 */
const PARTS = [
  // What a worker's runtime and the browser's core both need (errors, task references,
  // transfer, the runtime seam): portable, so a browser bundle may reach it.
  [
    'base',
    [],
    [
      'errors.js',
      'internal/worker/taskRef.js',
      'futures/transfer.js',
      'internal/runtime/asyncioSignal.js',
      'internal/runtime/support.js',
      'internal/runtime/clock.js',
    ],
  ],
  // A worker's runtime, and concur/task (a module of tasks that imports only it loads
  // nothing more in a worker): a worker thread compiles ~50 KB before its first task.
  ['worker', ['internal/worker/threadMain.js', 'internal/worker/processMain.js', 'task/index.js']],
  ['core', ['futures/index.browser.js', 'task/index.browser.js']],
  ['asyncio', ['asyncio/index.browser.js', 'index.browser.js']],
  ['futures', ['futures/index.js']],
  ['threading', ['threading/index.js']],
  ['multiprocessing', ['multiprocessing/index.js']],
  ['distributed', ['distributed/index.js', 'distributed/runWorker.js']],
  ['testing', ['testing/index.js', 'index.js']],
];

/** Loaded by path by the white-box tests (test/internal/internals.ts and its neighbours). */
const WHITE_BOX = [
  'internal/base/Deque.js',
  'internal/base/Heap.js',
  'internal/loop/loop.js',
  'internal/runtime/inspect.js',
  'internal/runtime/taskContext.js',
  'internal/shm/futex.js',
  'internal/shm/itemStore.js',
  'internal/shm/monitor.js',
  'internal/shm/mutex.js',
  'internal/shm/owners.js',
  'internal/shm/waitList.js',
];

/** Files under dist/ (relative, with forward slashes) whose name ends with `suffix`. */
function files(dir, suffix, out = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files(path, suffix, out);
    else if (name.endsWith(suffix)) out.push(relative(dist, path).split('\\').join('/'));
  }
  return out;
}

const exported = Object.values(pkg.exports)
  .filter((target) => typeof target === 'object' && target !== null)
  .flatMap((target) => [target.default, target.browser])
  .filter((target) => typeof target === 'string')
  .map((target) => target.replace(/^\.\/dist\//, ''));
const entries = [...new Set([...exported, ...PARTS.flatMap(([, from]) => from), ...WHITE_BOX])];
for (const entry of entries) {
  if (!existsSync(join(dist, entry))) throw new Error(`bundle: no entry dist/${entry}`);
}

// The CLI and the examples stay unbundled, so they must import entries only.
const unbundled = (file) => file.startsWith('cli/') || file.startsWith('examples/');
for (const file of files(dist, '.js').filter(unbundled)) {
  const source = readFileSync(join(dist, file), 'utf8');
  for (const [, specifier] of source.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)) {
    const target = relative(dist, resolve(dist, dirname(file), specifier))
      .split('\\')
      .join('/');
    if (!unbundled(target) && !entries.includes(target)) {
      throw new Error(
        `dist/${file} imports ${specifier}, which the bundle replaces: import an entry (futures/index.js, …)`,
      );
    }
  }
}

/** The part each module belongs to, found once rollup knows the module graph. */
const partOf = new Map();
const entryIds = new Set(
  entries.filter((entry) => !WHITE_BOX.includes(entry)).map((entry) => join(dist, entry)),
);
function sortIntoParts(getModuleInfo) {
  for (const [part, from, modules = []] of PARTS) {
    const stack = [...from, ...modules].map((file) => join(dist, file));
    while (stack.length > 0) {
      const id = stack.pop();
      if (partOf.has(id)) continue;
      // An exported or worker entry keeps a file of its own (rollup would make the chunk
      // that holds it that entry, its exports the chunk's); a white-box module goes to its
      // part like any other, and its entry file re-exports it from there.
      partOf.set(id, entryIds.has(id) ? null : part);
      stack.push(...(getModuleInfo(id)?.importedIds ?? []).filter((dep) => dep.startsWith(dist)));
    }
  }
}

// webpack leaves alone an `import()` that says `/* webpackIgnore: true */` (the task
// modules', tsx's and the distributed worker's, whose specifiers are only known at run
// time); the minifier drops every comment. Such an import() goes through it as a call of
// a placeholder name of the same length (the source map's columns hold) and comes back
// after it.
const IGNORED_IMPORT = /import\(\s*\/\* webpackIgnore: true \*\/\s*/g;
const IGNORED = 'import(/* webpackIgnore: true */';
const PLACEHOLDER_NAME = '__webpackIgnore';
const PLACEHOLDER = /__webpackIgnore_+\(/g;

function hideIgnoredImports(code) {
  return code.replace(IGNORED_IMPORT, (call) =>
    PLACEHOLDER_NAME.padEnd(call.length - 1, '_').concat('('),
  );
}

function restoreIgnoredImports(code) {
  return code.replace(PLACEHOLDER, (call) => IGNORED.padEnd(call.length, ' '));
}

const bundle = await rollup({
  input: Object.fromEntries(entries.map((file) => [file.replace(/\.js$/, ''), join(dist, file)])),
  // The runtime's built-ins and the peers (bullmq, ioredis, tsx) are the program's.
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  preserveEntrySignatures: 'strict',
  onwarn(warning, warn) {
    if (warning.code !== 'CIRCULAR_DEPENDENCY') warn(warning);
  },
  plugins: [
    {
      // tsc's source maps, so that the bundle's maps reach src/.
      name: 'tsc-source-maps',
      load(id) {
        const code = readFileSync(id, 'utf8');
        const map = `${id}.map`;
        return existsSync(map) ? { code, map: JSON.parse(readFileSync(map, 'utf8')) } : code;
      },
    },
    {
      // The comments and the layout go, and a function's own variables get short names:
      // a worker reads and compiles its chunks before its first task, and every byte of a
      // chunk's source is a byte the program allocates at import (Node decodes each file
      // into a string) and V8 parses. Without whitespace the chunks were 30% smaller (and
      // 40% more without comments); a one-task pool program allocates ~50 KB less before
      // its first thread starts, which on Node 26 moves the main thread's first scavenge
      // (~4 ms) after the thread's start instead of before it: P12 0.975 [0.965, 0.989]
      // against the chunks with their layout (151 pairs), import('concur-ts/asyncio')
      // 0.96. Short local names take 12% more off: P12 0.990 [0.987, 0.996] (151 pairs),
      // import('concur-ts/asyncio') 0.862 [0.852, 0.889] and concur/futures 0.978 (41
      // pairs each, Node 26). Top-level, function and class names stay (they are the
      // API's `name`s, and stack traces show them), and the comments stay in the .d.ts
      // files and in src/, which the source maps (with the sources inlined) lead back to:
      // `node --enable-source-maps` shows src/ lines. The lines stay short (~120
      // characters): Node prints the whole source line an uncaught error was thrown from.
      // Strings are printed in ASCII: one character that is not would make V8 hold the
      // whole chunk as a two-byte string, and decode it slowly.
      name: 'minify',
      async renderChunk(code) {
        const out = await minify(hideIgnoredImports(code), {
          // Not `module`: it would rename the top-level names too.
          compress: false,
          mangle: { toplevel: false, keep_fnames: true, keep_classnames: true },
          format: { comments: false, ascii_only: true, max_line_len: 120 },
          sourceMap: { asObject: true },
        });
        return { code: restoreIgnoredImports(out.code), map: out.map };
      },
    },
    {
      // rollup renames a top-level name that two modules of a chunk both declare (`wait`
      // in asyncio and in futures becomes `wait$1`); a function's or class's `name` is
      // part of the API (reprs, messages, task names), so it gets its own name back.
      name: 'keep-names',
      renderChunk(code) {
        const renamed = [
          ...code.matchAll(/\b(?:function\*?|class|const|let|var)\s+([\w$]+?)\$\d+\b/g),
        ]
          .map((match) => match[0].split(/\s+/).pop())
          .filter((name, i, all) => all.indexOf(name) === i);
        if (renamed.length === 0) return null;
        const restore = renamed.map((name) => {
          const original = name.replace(/\$\d+$/, '');
          return `if (typeof ${name} === 'function' && ${name}.name === '${name}') Object.defineProperty(${name}, 'name', { value: '${original}' });`;
        });
        // Appended after the code, so the chunk's mappings stay as they are (map: null).
        return { code: `${code}\n${restore.join('\n')}`, map: null };
      },
    },
  ],
});
const { output } = await bundle.generate({
  dir: dist,
  format: 'es',
  entryFileNames: '[name].js',
  chunkFileNames: 'internal/chunks/[name]-[hash].js',
  sourcemap: true,
  manualChunks(id, { getModuleInfo }) {
    if (partOf.size === 0) sortIntoParts(getModuleInfo);
    return partOf.get(id) ?? undefined;
  },
});
await bundle.close();

const replaced = files(dist, '.js').filter((file) => !unbundled(file));
for (const file of replaced) {
  rmSync(join(dist, file), { force: true });
  rmSync(join(dist, `${file}.map`), { force: true });
}
for (const file of output) {
  const path = join(dist, file.fileName);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.type === 'chunk' ? file.code : file.source);
  if (file.type === 'chunk' && file.map !== null) {
    writeFileSync(`${path}.map`, file.map.toString());
    appendMapComment(path);
  }
}

function appendMapComment(path) {
  const code = readFileSync(path, 'utf8');
  const comment = `//# sourceMappingURL=${path.split('/').pop()}.map`;
  if (!code.includes(comment)) writeFileSync(path, `${code.trimEnd()}\n${comment}\n`);
}

const chunks = output.filter((file) => file.type === 'chunk');
console.log(
  `bundle: ${replaced.length} compiled modules → ${entries.length} entries and ${chunks.length - entries.length} chunks`,
);
