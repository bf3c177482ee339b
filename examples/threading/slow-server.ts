/**
 * A stand-in for a download site, used by the threading examples: an HTTP server on
 * 127.0.0.1 (a free port) that sends each file in chunks with a pause between them, so a
 * download takes visible time. Never the internet.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A file to serve: its path, size in bytes, and how many chunks it is sent in. */
export interface FileSpec {
  path: string;
  size: number;
  chunks: number;
  /** Pause before each chunk, in ms. */
  chunkDelayMs: number;
}

export interface SlowServer {
  url(path: string): string;
  close(): Promise<void>;
}

/** Starts the server for `files`. */
export async function startSlowServer(files: FileSpec[]): Promise<SlowServer> {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const server = createServer((request, response) => {
    const file = byPath.get(request.url ?? '');
    if (file === undefined) {
      response.writeHead(404).end(`no file ${request.url}`);
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(file.size),
    });
    const chunkSize = Math.ceil(file.size / file.chunks);
    let sent = 0;
    const timer = setInterval(() => {
      const n = Math.min(chunkSize, file.size - sent);
      response.write(Buffer.alloc(n, sent % 251));
      sent += n;
      if (sent >= file.size) {
        clearInterval(timer);
        response.end();
      }
    }, file.chunkDelayMs);
    response.on('close', () => clearInterval(timer));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
      server.closeAllConnections();
      await closed;
    },
  };
}
