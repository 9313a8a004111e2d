/**
 * The namespaces of this server, read once from the store and kept in memory (they change
 * rarely, and every RPC resolves one). Every change is written to the store first, then
 * applied here, so the registry never shows what is not durable.
 */
import { randomUUID } from 'node:crypto';
import type { NamespaceRecord, Store } from '../persistence/store.js';
import type { SearchAttributeType } from '../common/search-attribute-types.js';
import { PREDEFINED_CUSTOM_SEARCH_ATTRIBUTES, withCustomAttributes } from './search-attributes.js';

export const NamespaceState = { REGISTERED: 1, DEPRECATED: 2, DELETED: 3 } as const;

export interface NewNamespace {
  name: string;
  retentionMs: number;
  description?: string;
  ownerEmail?: string;
  data?: Record<string, string>;
}

export class NamespaceRegistry {
  private readonly byIdMap = new Map<string, NamespaceRecord>();
  /** Namespaces that are not deleted, by name: every RPC resolves one. */
  private readonly byNameMap = new Map<string, NamespaceRecord>();

  private constructor(private readonly store: Store) {}

  /**
   * Loads every namespace, creates those of `names` that do not exist yet, and registers
   * `searchAttributes` in each of them (a name taken with another type, or no free slot, throws).
   */
  static async load(
    store: Store,
    names: readonly string[],
    searchAttributes: Readonly<Record<string, SearchAttributeType>>,
    retentionMs: number,
    nowMs: number,
  ): Promise<NamespaceRegistry> {
    const registry = new NamespaceRegistry(store);
    for (const ns of await store.listNamespaces()) registry.remember(ns);
    const wanted = new Map(Object.entries(searchAttributes));
    for (const name of names) {
      const ns = registry.byName(name) ?? (await registry.registerUnlessRaced({ name, retentionMs }, nowMs));
      if (wanted.size === 0) continue;
      const custom = withCustomAttributes(ns, wanted);
      if (Object.keys(custom).length !== Object.keys(ns.customSearchAttributes).length) {
        await registry.update({ ...ns, customSearchAttributes: custom });
      }
    }
    return registry;
  }

  /** Told after every change this node makes (the other nodes of a cluster reload). */
  onChange: () => void = () => undefined;

  /** Read every namespace again: another node changed one. */
  async reload(): Promise<void> {
    const records = await this.store.listNamespaces();
    const ids = new Set(records.map((ns) => ns.id));
    for (const id of [...this.byIdMap.keys()]) if (!ids.has(id)) this.forget(id);
    for (const ns of records) this.remember(ns);
  }

  /** `register`, except that a node starting beside another may find it registered the name first. */
  private async registerUnlessRaced(spec: NewNamespace, nowMs: number): Promise<NamespaceRecord> {
    try {
      return await this.register(spec, nowMs);
    } catch (err) {
      await this.reload();
      const raced = this.byName(spec.name);
      if (raced) return raced;
      throw err;
    }
  }

  /** A namespace that is not deleted, by name. */
  byName(name: string): NamespaceRecord | undefined {
    return this.byNameMap.get(name);
  }

  /** A namespace by id, deleted ones included (their runs are still being removed). */
  byId(id: string): NamespaceRecord | undefined {
    return this.byIdMap.get(id);
  }

  /** Every namespace, by name; deleted ones only when asked. */
  list(includeDeleted = false): NamespaceRecord[] {
    return [...this.byIdMap.values()]
      .filter((ns) => includeDeleted || ns.state !== NamespaceState.DELETED)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Creates a namespace; the caller checked that the name is free. */
  async register(spec: NewNamespace, nowMs: number): Promise<NamespaceRecord> {
    const ns: NamespaceRecord = {
      id: randomUUID(),
      name: spec.name,
      retentionMs: spec.retentionMs,
      createdMs: nowMs,
      state: NamespaceState.REGISTERED,
      description: spec.description ?? '',
      ownerEmail: spec.ownerEmail ?? '',
      data: { ...spec.data },
      customSearchAttributes: { ...PREDEFINED_CUSTOM_SEARCH_ATTRIBUTES },
    };
    await this.store.createNamespace(ns);
    this.remember(ns);
    this.onChange();
    return ns;
  }

  /** Writes `changed` (same id) and makes it the registry's copy. */
  async update(changed: NamespaceRecord): Promise<NamespaceRecord> {
    await this.store.updateNamespace(changed);
    this.remember(changed);
    this.onChange();
    return changed;
  }

  /** Forgets a namespace whose runs are all gone. */
  async remove(id: string): Promise<void> {
    await this.store.deleteNamespace(id);
    this.forget(id);
    this.onChange();
  }

  private remember(ns: NamespaceRecord): void {
    this.forget(ns.id);
    this.byIdMap.set(ns.id, ns);
    if (ns.state !== NamespaceState.DELETED) this.byNameMap.set(ns.name, ns);
  }

  private forget(id: string): void {
    const old = this.byIdMap.get(id);
    if (old && this.byNameMap.get(old.name) === old) this.byNameMap.delete(old.name);
    this.byIdMap.delete(id);
  }
}
