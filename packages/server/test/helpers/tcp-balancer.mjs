/**
 * A TCP load balancer for tests and benchmarks of several Endure nodes, standing in for the
 * one a user puts in front of a cluster: each new connection goes to the next node in turn;
 * a node that refuses the connection is skipped, so clients and workers whose node died
 * reconnect to a live one. Plain ESM so bench/ (bare node) can load it too.
 */
import { createConnection, createServer } from 'node:net';

/**
 * Listen on 127.0.0.1 (`options.port`, or a free port) and forward to `backends` ("host:port").
 * Returns { address, port, connections(), close() }.
 */
export async function startTcpBalancer(backends, options = {}) {
  const targets = backends.map((b) => {
    const i = b.lastIndexOf(':');
    return { host: b.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(b.slice(i + 1)) };
  });
  const sockets = new Set();
  let next = 0;
  // No Nagle on either leg: gRPC's small frames would otherwise wait for delayed ACKs (~40 ms).
  const server = createServer({ noDelay: true }, (client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    connect(client, 0);
  });
  function connect(client, tried) {
    if (tried >= targets.length || client.destroyed) {
      client.destroy();
      return;
    }
    const target = targets[next++ % targets.length];
    const upstream = createConnection({ ...target, noDelay: true });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.once('error', () => connect(client, tried + 1));
  }
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    address: `127.0.0.1:${port}`,
    port,
    connections: () => sockets.size,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
