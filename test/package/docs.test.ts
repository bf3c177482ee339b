/**
 * The API reference (`npm run docs`): TypeDoc reads the TSDoc of every public entry point
 * (`src/index.ts`, `src/<subpath>/index.ts`) and must find nothing undocumented and no
 * broken `{@link}`. Validation only here (`--emit none`); `npm run docs` writes `docs/api/`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const TYPEDOC = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');

test('typedoc documents every public symbol without a warning', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [TYPEDOC, '--treatWarningsAsErrors', '--emit', 'none'],
    { cwd: root, timeout: 170_000 },
  ).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    assert.fail(`typedoc failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`);
  });
  assert.doesNotMatch(`${stdout}${stderr}`, /warning|error/i);
});
