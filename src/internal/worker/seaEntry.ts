/**
 * Worker threads in a Node single executable application (SEA). The program is not a file
 * there: it sits inside the executable, which runs it whatever it is asked to run. A child
 * process is fine (it is the executable again); a thread needs the program's code, so it
 * is read once from the executable and handed to the thread as a `data:` URL.
 *
 *   executable ── … NODE_SEA_BLOB note: magic, flags, …, [u64 length][main file's name]
 *                                                     [u64 length][main code] …
 *   main thread: readSeaCode() ──► data:text/javascript;base64,… ──► new Worker(url)
 *   the thread: tasks it defines under the data: URL are known by the executable's URL
 *               (aliasModule), the module the main thread names them by
 *
 * The blob's layout has changed between Node versions (fields between the flags and the
 * code), so the code is found by what it must contain — this very module — rather than by
 * fixed offsets.
 *
 * @module
 */
import { builtin } from '../runtime/runtime.js';
import { nodeBuiltin } from '../runtime/support.js';

/** The note name Node's SEA tooling gives the blob. */
const NOTE = Buffer.from('NODE_SEA_BLOB\0');
/** SEA blob magic (node_sea.h), little-endian. */
const MAGIC = 0x0143da20;
/** Something only concur's own code contains: this module's marker below. */
const MARKER = 'concur:sea-entry-marker';
/** How much of the executable's end to search for the blob. */
const SEARCH_LIMIT = 256 * 1024 * 1024;

interface SeaModule {
  isSea(): boolean;
}

/** True when this program runs as a Node single executable application. */
export function isSea(): boolean {
  return builtin<SeaModule>('node:sea')?.isSea() === true;
}

/** The executable's URL: the `import.meta.url` of a single executable's main module. */
export function seaUrl(): string {
  return nodeBuiltin<typeof import('node:url')>('node:url').pathToFileURL(process.execPath).href;
}

/**
 * The main code embedded in this single executable, or null if it cannot be found. The
 * blob sits near the executable's end: read from there, a larger span each time.
 */
function readSeaCode(): string | null {
  // (Taken when needed: imported, node:fs would load in every worker thread, with fs's
  // promises and streams.)
  const { closeSync, fstatSync, openSync, readSync } =
    nodeBuiltin<typeof import('node:fs')>('node:fs');
  const fd = openSync(process.execPath, 'r');
  try {
    const size = fstatSync(fd).size;
    for (let span = 4 * 1024 * 1024; ; span *= 2) {
      const start = Math.max(0, size - Math.min(span, SEARCH_LIMIT));
      const data = Buffer.allocUnsafe(size - start);
      readSync(fd, data, 0, data.length, start);
      for (
        let at = data.lastIndexOf(NOTE);
        at >= 0;
        at = at > 0 ? data.lastIndexOf(NOTE, at - 1) : -1
      ) {
        const code = codeAfter(data, at + NOTE.length);
        if (code !== null) return code;
      }
      if (start === 0 || span >= SEARCH_LIMIT) return null;
    }
  } finally {
    closeSync(fd);
  }
}

/** The main code of the blob whose note name ends at `from`, or null. */
function codeAfter(data: Buffer, from: number): string | null {
  // The blob starts at the next 4-byte boundary of the note after its name.
  let magicAt = -1;
  for (let i = from; i < from + 8 && i + 4 <= data.length; i++) {
    if (data.readUInt32LE(i) === MAGIC) {
      magicAt = i;
      break;
    }
  }
  if (magicAt < 0) return null;
  // Length-prefixed strings follow: the main file's name (a short path), then its code,
  // which holds the marker. Try each offset of the header's first bytes.
  const marker = Buffer.from(MARKER);
  for (let i = magicAt + 8; i < magicAt + 512 && i + 8 <= data.length; i++) {
    const nameLength = Number(data.readBigUInt64LE(i));
    const codeAt = i + 8 + nameLength + 8;
    if (nameLength === 0 || nameLength > 4096 || codeAt > data.length) continue;
    const name = data.subarray(i + 8, i + 8 + nameLength);
    if (name.some((byte) => byte < 0x20)) continue;
    const codeLength = Number(data.readBigUInt64LE(codeAt - 8));
    if (codeLength < marker.length || codeAt + codeLength > data.length) continue;
    const code = data.subarray(codeAt, codeAt + codeLength);
    if (code.includes(marker)) return code.toString('utf8');
  }
  return null;
}

let entry: string | null | undefined;

/**
 * The URL a worker thread of this single executable starts from (the program's code as
 * a `data:` URL), or null when it cannot be read.
 */
export function seaThreadEntry(): string | null {
  if (entry === undefined) {
    // (The marker, kept in the code by this use, is what readSeaCode looks for.)
    const code = MARKER.length > 0 ? readSeaCode() : null;
    entry =
      code === null
        ? null
        : `data:text/javascript;base64,${Buffer.from(code, 'utf8').toString('base64')}`;
  }
  return entry;
}
