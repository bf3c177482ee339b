// The build's last step: what tsc does not emit. The CLI is made executable, and the
// Python side of `concur compare` (plain .py files) is copied beside the compiled code.
import { chmodSync, cpSync } from 'node:fs';

chmodSync('dist/cli/main.js', 0o755);
cpSync('src/cli/compare/python', 'dist/cli/compare/python', {
  recursive: true,
  filter: (source) => !source.includes('__pycache__'),
});
