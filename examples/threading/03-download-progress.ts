/**
 * Download a file in one thread while another draws a progress bar of dots.
 *
 * Mirrors seeds 000 (`000_6aef720855712969.txt`) and 001 (the same tutorial in Chinese),
 * "2. threading — download the file and display the progress bar":
 *
 *   download_complete = False
 *   def download_file(url):
 *       global download_complete
 *       print("Start downloading files...")
 *       response = requests.get(url)
 *       with open("file", "wb") as f: f.write(response.content)
 *       download_complete = True
 *       print("\nDownload is complete!")
 *   def show_progress():
 *       while not download_complete:
 *           print(".", end="", flush=True)
 *           time.sleep(0.5)
 *   download_thread = threading.Thread(target=download_file, args=(url,))
 *   progress_thread = threading.Thread(target=show_progress)
 *   download_thread.start(); progress_thread.start()
 *   download_thread.join(); progress_thread.join()
 *
 * Threads share no variables here: `download_complete` becomes a cell of shared memory
 * (`Int32Array` on a `SharedArrayBuffer`) both threads see. The file comes from a local
 * server this program starts (127.0.0.1, a free port), sent in slow chunks; it is saved
 * to a temporary file, removed at the end.
 *
 * A worker thread's output reaches the terminal through the main thread, on a channel of
 * its own: the lines of the two threads interleave in no fixed order, so a dot may land
 * before "Start downloading files..." or after "Download is complete!" (in Python too, a
 * dot can slip in between setting the flag and the last print, if rarely).
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/threading/03-download-progress.js
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Thread } from 'concur-ts/threading';

import { startSlowServer } from './slow-server.js';
import { BYTES, DOTS, downloadFile, showProgress } from './tasks.js';

export interface Options {
  /** The threads stay silent. */
  quiet?: boolean;
}

export interface Result {
  /** Bytes the download thread saved. */
  bytes: number;
  /** Bytes the server sent. */
  served: number;
  /** Dots the progress thread drew. */
  dots: number;
}

const FILE = { path: '/big-file.bin', size: 64 * 1024, chunks: 8, chunkDelayMs: 40 };

export async function main(options: Options = {}): Promise<Result> {
  const quiet = options.quiet === true;
  const server = await startSlowServer([FILE]);
  const path = join(tmpdir(), `concur-download-${process.pid}.bin`);
  const cells = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  try {
    const downloadThread = new Thread({
      target: downloadFile,
      args: [server.url(FILE.path), path, cells, quiet],
    });
    const progressThread = new Thread({ target: showProgress, args: [cells, 50, quiet] });
    downloadThread.start();
    progressThread.start();
    await downloadThread.join();
    await progressThread.join();
  } finally {
    await server.close();
    await rm(path, { force: true });
  }
  return { bytes: Atomics.load(cells, BYTES), served: FILE.size, dots: Atomics.load(cells, DOTS) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
