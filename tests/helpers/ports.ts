import { createServer, type AddressInfo } from 'node:net';

/**
 * A loopback port free right now: bound, then released. For a peer that must be told its port
 * before it starts (a provider's registered redirect URI, a child process's --port), or for a
 * port nobody listens on.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
