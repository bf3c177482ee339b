// The README's picture of `concur compare --html`, made by the project's own command:
//   npm run screenshot [-- <compare options>]
// runs the built `concur compare --html` with the given options (none: the default run),
// then has headless Chromium (Debian's `chromium`) photograph the top of the page at
// 1280 px into docs/compare-report.png.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = 'docs/compare-report.png';
const dir = mkdtempSync(join(tmpdir(), 'concur-screenshot-'));
try {
  const html = join(dir, 'report.html');
  execFileSync(
    process.execPath,
    ['dist/cli/main.js', 'compare', '--html', html, ...process.argv.slice(2)],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  execFileSync(
    'chromium',
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--screenshot=${join(process.cwd(), out)}`,
      '--window-size=1280,1500',
      pathToFileURL(html).href,
    ],
    { stdio: 'ignore', timeout: 90_000 },
  );
  process.stdout.write(`wrote ${out}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
