/**
 * Three threads, each downloading one file.
 *
 * Mirrors seed 004 (`004_53add79d7037f66c.txt`), "Multithreading (threading module)":
 *
 *   def download_image(url, filename):
 *       print(f"Downloading {url}...")
 *       response = requests.get(url, stream=True)
 *       if response.status_code == 200:
 *           with open(filename, 'wb') as f:
 *               for chunk in response.iter_content(1024):
 *                   f.write(chunk)
 *       print(f"Finished downloading {url}")
 *   for i, url in enumerate(urls):
 *       thread = threading.Thread(target=download_image, args=(url, f"image_{i+1}.jpg"))
 *       threads.append(thread); thread.start()
 *   for thread in threads: thread.join()
 *   print("All downloads finished!")
 *
 * The "images" come from a local server this program starts, in slow chunks, and are
 * saved to a temporary directory that is removed at the end.
 *
 * Run: npx tsc -p tsconfig.test.json && node build/examples/threading/04-download-images.js
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Thread } from 'concur-ts/threading';

import { startSlowServer } from './slow-server.js';
import { downloadImage } from './tasks.js';

export interface Options {
  /** Collect the main thread's lines without printing them; the threads stay silent. */
  quiet?: boolean;
}

export interface Result {
  lines: string[];
  /** Bytes each thread saved, in url order. */
  sizes: number[];
  /** Bytes the server holds for each url. */
  served: number[];
}

const IMAGES = [1, 2, 3].map((n) => ({
  path: `/image${n}.jpg`,
  size: 8 * 1024 * n,
  chunks: 4,
  chunkDelayMs: 30,
}));

export async function main(options: Options = {}): Promise<Result> {
  const quiet = options.quiet === true;
  const lines: string[] = [];
  const print = (line: string): void => {
    lines.push(line);
    if (!quiet) console.log(line);
  };
  const server = await startSlowServer(IMAGES);
  const dir = await mkdtemp(join(tmpdir(), 'concur-images-'));
  const sizes = new Int32Array(new SharedArrayBuffer(IMAGES.length * Int32Array.BYTES_PER_ELEMENT));
  try {
    const threads: Thread[] = [];
    IMAGES.forEach((image, i) => {
      const filename = join(dir, `image_${i + 1}.jpg`);
      const thread = new Thread({
        target: downloadImage,
        args: [server.url(image.path), filename, sizes, i, quiet],
      });
      threads.push(thread);
      thread.start();
    });
    for (const thread of threads) await thread.join();
    print('All downloads finished!');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
  return { lines, sizes: [...sizes], served: IMAGES.map((image) => image.size) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
