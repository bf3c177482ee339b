/**
 * A user's project in a temporary directory with this package installed from its packed
 * tarball (`npm pack`, then `npm install` of the tarball, as packed.test.ts does), for
 * tests that run a program the way a user runs it: under tsx, vitest, a bundler, another
 * Node. Tools the project needs (tsx, vitest, esbuild …) are linked from this repository's
 * own devDependencies rather than installed again.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const root = fileURLToPath(new URL('../../..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** This package's name, as users import it (read, not assumed: it may be renamed). */
export const packageName = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string }
).name;

export interface ConsumerProject {
  dir: string;
  /** Writes `files` (path relative to the project → text), making directories. */
  write(files: Record<string, string>): Promise<void>;
  /** Runs `file` with `args` in the project; rejects (with its output) if it fails. */
  run(
    file: string,
    args: string[],
    env?: Record<string, string>,
  ): Promise<{ stdout: string; stderr: string }>;
  remove(): Promise<void>;
}

/**
 * A fresh project (`"type": "module"`) with the packed package installed and `tools`
 * (package names from this repository's node_modules) linked into its node_modules.
 */
export async function consumerProject(tools: string[] = []): Promise<ConsumerProject> {
  const dir = await mkdtemp(join(tmpdir(), 'concur-consumer-'));
  // --ignore-scripts: the tarball is packed from the already built dist/.
  await exec(npm, ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root });
  const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
  if (tarball === undefined) throw new Error(`npm pack left no tarball in ${dir}`);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'user-app', type: 'module' }));
  await exec(npm, ['install', '--offline', '--no-audit', '--no-fund', `./${tarball}`], {
    cwd: dir,
  });
  await rm(join(dir, tarball));
  for (const tool of tools) {
    const link = join(dir, 'node_modules', tool);
    await mkdir(dirname(link), { recursive: true });
    await symlink(join(root, 'node_modules', tool), link, 'dir');
  }
  return {
    dir,
    async write(files) {
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), text);
      }
    },
    async run(file, args, env = {}) {
      try {
        return await exec(file, args, {
          cwd: dir,
          // Not this test process's: a child of the test runner would report to it.
          env: { ...withoutTestContext(process.env), ...env },
          timeout: 120_000,
          maxBuffer: 16 * 1024 * 1024,
        });
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(
          `${file} ${args.join(' ')} failed in ${dir}: ${(error as Error).message}\n${stdout}\n${stderr}`,
          { cause: error },
        );
      }
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** `env` without what Node's test runner and the suite put there for their own children. */
function withoutTestContext(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || key === 'NODE_TEST_CONTEXT' || key === 'NODE_OPTIONS') continue;
    if (key.startsWith('VITEST')) continue;
    out[key] = value;
  }
  return out;
}

/**
 * The path of a `node` of major version `major` (this process's own, or one fetched from
 * the npm registry into .cache/runtimes by scripts/runtimes.mjs), or the reason there is
 * none.
 */
export async function nodeRuntime(major: number): Promise<{ node: string } | { missing: string }> {
  try {
    const { stdout } = await exec(
      process.execPath,
      [join(root, 'scripts', 'runtimes.mjs'), String(major)],
      { timeout: 300_000 },
    );
    return { node: stdout.trim().split(' ').slice(1).join(' ') };
  } catch (error) {
    return { missing: `Node ${major} could not be fetched: ${(error as Error).message}` };
  }
}
