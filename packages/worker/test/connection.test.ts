/**
 * `NativeConnection.connect`: a worker pointed at an address where no server listens fails
 * at once with a `TransportError` naming the address (as the official worker does), while a
 * connection already made still rides out a server restart.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { EndureServer } from '@endure/server';
import { NativeConnection, TransportError } from '@endure/worker';

/** A loopback port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const socket = net.createServer();
  await new Promise<void>((resolve) => socket.listen(0, '127.0.0.1', resolve));
  const { port } = socket.address() as net.AddressInfo;
  await new Promise<void>((resolve, reject) => socket.close((err) => (err ? reject(err) : resolve())));
  return port;
}

async function connectFailure(options: Parameters<typeof NativeConnection.connect>[0]): Promise<{ error: unknown; elapsedMs: number }> {
  const started = Date.now();
  const error = await NativeConnection.connect(options).then(
    async (connection) => {
      await connection.close();
      return undefined;
    },
    (err: unknown) => err,
  );
  return { error, elapsedMs: Date.now() - started };
}

describe('NativeConnection.connect', () => {
  it('rejects at once with a TransportError naming the address when nothing listens there', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const { error, elapsedMs } = await connectFailure({ address });
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toContain(`Failed to connect to the server at ${address}`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it('rejects at once over the grpc-js transport too', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    const { error, elapsedMs } = await connectFailure({ address, channelArgs: {} });
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toContain(`Failed to connect to the server at ${address}`);
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it('keeps retrying calls on an established connection while the server restarts', async () => {
    let server = await EndureServer.start({ port: 0, inMemory: true, logLevel: 'error' });
    const { port } = server;
    const connection = await NativeConnection.connect({ address: server.address });
    try {
      await server.stop();
      const call = connection.workflowService.getSystemInfo({});
      server = await EndureServer.start({ port, inMemory: true, logLevel: 'error' });
      await expect(call).resolves.toBeDefined();
    } finally {
      await connection.close();
      await server.stop();
    }
  });
});
