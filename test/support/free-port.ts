import { createServer } from 'node:net';

/** A loopback port nothing listens on (bound, then let go): to start a server on, or to be refused by. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
