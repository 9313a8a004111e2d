/**
 * The cluster bus on PostgreSQL's LISTEN/NOTIFY: one connection listens on the `endure`
 * channel, another sends. Messages are gathered for a moment and sent as a few
 * notifications (PostgreSQL caps a payload under 8000 bytes), one flush at a time, so a
 * node's messages arrive in the order it sent them. A dropped listening connection is
 * reopened with backoff; since notifications sent meanwhile are lost, the resync handlers
 * run once it listens again. A message that cannot be sent is dropped: the receivers'
 * periodic sweeps find what it would have told them.
 */
import type pg from 'pg';
import type { Logger } from '../common/logger.js';
import { loadPg } from '../persistence/postgres/connection.js';
import type { ClusterBus, ClusterMessage } from './cluster-bus.js';

const CHANNEL = 'endure';
/** Under PostgreSQL's 8000-byte payload limit, with room for the envelope. */
const PAYLOAD_MAX_BYTES = 7000;
const FLUSH_DELAY_MS = 2;
const RECONNECT_FIRST_MS = 200;
const RECONNECT_MAX_MS = 5_000;

interface Envelope {
  /** The sending node. */
  n: string;
  m: ClusterMessage[];
}

export class PostgresBus implements ClusterBus {
  private listener: pg.Client | null = null;
  private readonly sender: pg.Pool;
  private readonly handlers: ((message: ClusterMessage) => void)[] = [];
  private readonly resyncHandlers: (() => void)[] = [];
  private outbox: string[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private reconnectMs = RECONNECT_FIRST_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;

  private constructor(
    readonly nodeId: string,
    private readonly url: string,
    private readonly log: Logger,
  ) {
    const { Pool } = loadPg();
    this.sender = new Pool({ connectionString: url, max: 1 });
    this.sender.on('error', (err) => this.log.warn({ err }, 'cluster bus: sending connection lost'));
  }

  /** Connects and listens; the database was reachable a moment ago (the store opened). */
  static async open(nodeId: string, url: string, log: Logger): Promise<PostgresBus> {
    const bus = new PostgresBus(nodeId, url, log);
    await bus.listen();
    return bus;
  }

  publish(message: ClusterMessage): void {
    if (this.closed) return;
    this.outbox.push(JSON.stringify(message));
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = null;
      this.flushing = this.flushing.then(() => this.flush());
    }, FLUSH_DELAY_MS);
  }

  subscribe(handler: (message: ClusterMessage) => void): void {
    this.handlers.push(handler);
  }

  onResync(handler: () => void): void {
    this.resyncHandlers.push(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.flushing;
    await this.flush();
    const listener = this.listener;
    this.listener = null;
    await Promise.allSettled([listener?.end(), this.sender.end()]);
  }

  private async flush(): Promise<void> {
    const messages = this.outbox;
    this.outbox = [];
    if (messages.length === 0) return;
    const payloads: string[] = [];
    const prefix = `{"n":${JSON.stringify(this.nodeId)},"m":[`;
    const prefixBytes = Buffer.byteLength(prefix);
    let current: string[] = [];
    let size = prefixBytes;
    for (const m of messages) {
      const bytes = Buffer.byteLength(m) + 1;
      if (prefixBytes + bytes > PAYLOAD_MAX_BYTES) {
        // Alone over the limit, it would fail the whole notification: left to the sweeps.
        this.log.warn({ bytes }, 'cluster bus: a message over the notification size limit was not sent');
        continue;
      }
      if (size + bytes > PAYLOAD_MAX_BYTES) {
        payloads.push(`${prefix}${current.join(',')}]}`);
        current = [];
        size = prefixBytes;
      }
      current.push(m);
      size += bytes;
    }
    if (current.length > 0) payloads.push(`${prefix}${current.join(',')}]}`);
    if (payloads.length === 0) return;
    try {
      await this.sender.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [CHANNEL, payloads]);
    } catch (err) {
      this.log.warn({ err, messages: messages.length }, 'cluster bus: could not notify the other nodes; their sweeps will catch up');
    }
  }

  private async listen(): Promise<void> {
    const { Client } = loadPg();
    const client = new Client({ connectionString: this.url });
    client.on('notification', (n) => {
      if (n.channel === CHANNEL && n.payload) this.receive(n.payload);
    });
    client.on('error', (err) => {
      this.log.warn({ err }, 'cluster bus: listening connection lost; reconnecting');
      this.reopen(client);
    });
    client.on('end', () => this.reopen(client));
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
    this.reconnectMs = RECONNECT_FIRST_MS;
  }

  private reopen(dead: pg.Client): void {
    if (this.closed || this.listener !== dead) return;
    this.listener = null;
    dead.end().catch(() => undefined);
    const attempt = () => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.listen().then(
        () => {
          this.log.info('cluster bus: listening again; resynchronising');
          for (const handler of this.resyncHandlers) handler();
        },
        (err: unknown) => {
          this.log.warn({ err, retryInMs: this.reconnectMs }, 'cluster bus: cannot listen yet');
          this.reconnectTimer = setTimeout(attempt, this.reconnectMs);
          this.reconnectMs = Math.min(this.reconnectMs * 2, RECONNECT_MAX_MS);
        },
      );
    };
    this.reconnectTimer = setTimeout(attempt, this.reconnectMs);
  }

  private receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch (err) {
      this.log.warn({ err }, 'cluster bus: unreadable notification ignored');
      return;
    }
    if (envelope.n === this.nodeId || !Array.isArray(envelope.m)) return;
    for (const message of envelope.m) {
      for (const handler of this.handlers) {
        try {
          handler(message);
        } catch (err) {
          this.log.error({ err, message: message.t }, 'cluster bus: handling a message failed');
        }
      }
    }
  }
}
