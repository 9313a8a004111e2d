/** Types for tcp-balancer.mjs. */
export interface TcpBalancer {
  /** host:port to give clients and workers. */
  address: string;
  port: number;
  /** Open client and upstream sockets. */
  connections(): number;
  close(): Promise<void>;
}

export function startTcpBalancer(backends: string[]): Promise<TcpBalancer>;
