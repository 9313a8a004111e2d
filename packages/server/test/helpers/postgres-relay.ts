/**
 * A PostgreSQL database a test can take away and bring back while a server uses it: the
 * server is given the database's URL on another port, where a TCP relay to the real one listens
 * (a balancer of one backend). Closing the relay ends every connection through it and refuses
 * new ones, as a database that went down would; starting it again on the port brings it back.
 */
import { startTcpBalancer, type TcpBalancer } from './tcp-balancer.mjs';

/** `databaseUrl` with its port replaced: the database as seen through a relay on `port`. */
export function urlOnPort(databaseUrl: string, port: number): string {
  const url = new URL(databaseUrl);
  url.port = String(port);
  return url.toString();
}

/** Relays every connection on 127.0.0.1:`port` to the database of `databaseUrl`, until closed. */
export function startPostgresRelay(databaseUrl: string, port: number): Promise<TcpBalancer> {
  const target = new URL(databaseUrl);
  return startTcpBalancer([`${target.hostname}:${target.port || '5432'}`], { port });
}
