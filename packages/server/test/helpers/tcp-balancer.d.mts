/** Types for tcp-balancer.mjs. */
export interface TcpBalancer {
  /** host:port to give clients and workers. */
  address: string;
  port: number;
  /** Open client and upstream sockets. */
  connections(): number;
  close(): Promise<void>;
}

export interface TcpBalancerOptions {
  /** Listen on this port (one that refused connections until now, say) instead of a free one. */
  port?: number;
}

export function startTcpBalancer(backends: string[], options?: TcpBalancerOptions): Promise<TcpBalancer>;
