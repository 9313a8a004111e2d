/**
 * Empties deleted namespaces in the background: running workflows are terminated (their
 * parents and children hear of it as of any termination), then every run is removed, a
 * bounded batch at a time, yielding to live traffic between batches. The namespace row goes
 * last, so a restart midway resumes where it stopped.
 */
import type { Logger } from '../common/logger.js';
import type { ExecutionStore } from '../history/engine.js';
import { deleteWorkflow } from '../history/delete.js';
import { NamespaceState, type NamespaceRegistry } from './namespace-registry.js';

export class NamespaceDeleter {
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly es: ExecutionStore,
    private readonly registry: NamespaceRegistry,
    private readonly batchSize: number,
    private readonly log: Logger,
  ) {}

  /** Resume the namespaces a previous process marked deleted and did not finish. */
  resume(): void {
    for (const ns of this.registry.list(true)) if (ns.state === NamespaceState.DELETED) this.schedule(ns.id);
  }

  schedule(namespaceId: string): void {
    if (this.running.has(namespaceId) || this.stopped) return;
    const work = this.empty(namespaceId)
      .catch((err: unknown) => this.log.error({ err, namespaceId }, 'deleting a namespace failed; it resumes at the next start'))
      .finally(() => this.running.delete(namespaceId));
    this.running.set(namespaceId, work);
  }

  /** Stop after the current batch; resolves when no batch is running. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running.values());
  }

  private async empty(namespaceId: string): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const runs = await this.es.store.listNamespaceRuns(namespaceId, this.batchSize);
      if (runs.length === 0) break;
      for (const run of runs) await deleteWorkflow(this.es, { namespaceId, ...run }, 'namespace deletion');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const name = this.registry.byId(namespaceId)?.name;
    await this.registry.remove(namespaceId);
    this.log.info({ namespace: name, namespaceId }, 'namespace deleted');
  }
}
