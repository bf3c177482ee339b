/**
 * A stand-in for the internet for the CLI's I/O demos: an HTTP server on 127.0.0.1 (a free
 * port) that serves each page after a delay. The CLI never leaves the machine.
 *
 * The twin of `examples/asyncio/page-server.ts` (the package cannot import examples).
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A page to serve: its path (`/www.python.org`), delay and body length in characters. */
export interface PageSpec {
  path: string;
  latencyMs: number;
  size: number;
}

/** A running page server. */
export interface PageServer {
  /** The local URL of `path`. */
  url(path: string): string;
  /** The most requests the server was holding at the same time. */
  maxInFlight(): number;
  /** Stops the server and drops open connections (also a pending slow page). */
  close(): Promise<void>;
}

/** Starts a server for `pages` on 127.0.0.1, on a port chosen by the system. */
export async function startPageServer(pages: readonly PageSpec[]): Promise<PageServer> {
  const byPath = new Map(pages.map((page) => [page.path, page]));
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((request, response) => {
    const page = byPath.get(request.url ?? '');
    if (page === undefined) {
      response.writeHead(404).end(`no page ${request.url}`);
      return;
    }
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const timer = setTimeout(() => {
      const head = `<html><title>${page.path.slice(1)} (local copy)</title>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(head.padEnd(page.size, '.'));
    }, page.latencyMs);
    // Finished or abandoned by the client (a timeout): either way, stop holding it.
    response.on('close', () => {
      clearTimeout(timer);
      inFlight--;
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    maxInFlight: () => maxInFlight,
    close: async () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
      server.closeAllConnections(); // fetch keeps connections alive for reuse
      await closed;
    },
  };
}
