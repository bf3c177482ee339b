/**
 * The I/O workload's far end: an HTTP server on 127.0.0.1 (a free port) that answers every
 * GET after a fixed latency, with a small page. `concur compare` starts it itself, so the
 * comparison needs no network and measures waiting, not the internet.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyServer {
  /** Base URL, without a trailing slash. */
  url: string;
  /** Requests answered so far. */
  served(): number;
  close(): Promise<void>;
}

/** The page every request gets: about 2 KB, like a small HTML page. */
const PAGE = Buffer.from(`<!doctype html><title>concur</title>${'<p>concur</p>'.repeat(145)}`);

export async function startLatencyServer(latencyMs: number): Promise<LatencyServer> {
  let served = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      served++;
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': PAGE.length });
      response.end(PAGE);
    }, latencyMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served: () => served,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
      server.closeAllConnections();
      await closed;
    },
  };
}
