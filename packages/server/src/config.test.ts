/** Server options: defaults, and a bad option named in the error. */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveConfig, type EndureServerOptions } from './config.js';

describe('resolveConfig', () => {
  it("has Temporal's limits unless told, and names a bad or unknown limit", () => {
    expect(resolveConfig({}).limits).toMatchObject({
      namespaceRps: 2400,
      namespaceBurstRatio: 2,
      longPollsPerNamespaceMax: 1200,
      memoSizeMaxBytes: 2 * 1024 * 1024,
      historyEventsMax: 51_200,
      historySizeMaxBytes: 50 * 1024 * 1024,
      pendingActivitiesMax: 2000,
      signalsPerRunMax: 10_000,
    });
    expect(resolveConfig({}).payloadSizeMaxBytes).toBe(2 * 1024 * 1024);
    expect(resolveConfig({ limits: { namespaceRps: 5 } }).limits).toMatchObject({ namespaceRps: 5, namespaceBurstRatio: 2 });
    expect(() => resolveConfig({ limits: { pendingActivitiesMax: -1 } })).toThrow('limits.pendingActivitiesMax must be a number >= 0, not -1');
    expect(() => resolveConfig({ limits: { namespaceBurstRatio: 0.5 } })).toThrow('limits.namespaceBurstRatio must be a number >= 1');
    expect(() => resolveConfig({ limits: { rps: 1 } as never })).toThrow(/^limits.rps is not a limit/);
  });

  it('keeps state in SQLite unless the memory store is asked for', () => {
    expect(resolveConfig({}).store).toBe('sqlite');
    expect(resolveConfig({ store: 'memory' }).store).toBe('memory');
  });

  it('names the store option when its value is unknown', () => {
    expect(() => resolveConfig({ store: 'mysql' } as unknown as EndureServerOptions)).toThrow(
      `store must be 'sqlite', 'memory' or 'postgres', not "mysql"`,
    );
  });

  it('keeps state in PostgreSQL when given its URL, and says what is wrong with a bad one', () => {
    const url = 'postgres://endure@db.internal:5432/endure';
    expect(resolveConfig({ postgresUrl: url })).toMatchObject({ store: 'postgres', postgresUrl: url, postgresConnectRetryMs: 60_000 });
    expect(resolveConfig({ store: 'postgres', postgresUrl: url, postgresConnectRetryMs: 0 }).postgresConnectRetryMs).toBe(0);
    expect(() => resolveConfig({ store: 'postgres' })).toThrow(/store 'postgres' needs postgresUrl, e.g. postgres:\/\//);
    expect(() => resolveConfig({ postgresUrl: 'db.internal:5432' })).toThrow(/postgresUrl must start with postgres:\/\/ or postgresql:\/\//);
    expect(() => resolveConfig({ postgresUrl: 'not a url' })).toThrow(/postgresUrl is not a URL/);
    expect(() => resolveConfig({ postgresUrl: 'postgres://db.internal:5432' })).toThrow(/postgresUrl must name a database/);
    expect(() => resolveConfig({ store: 'sqlite', postgresUrl: url })).toThrow(/postgresUrl is set, but store is 'sqlite'/);
    expect(() => resolveConfig({ postgresUrl: url, postgresConnectRetryMs: -1 })).toThrow(/postgresConnectRetryMs must be/);
  });

  it('names the node after the host and port unless told, and checks a given node id and advertise address', () => {
    expect(resolveConfig({ port: 7233 })).toMatchObject({ nodeId: `${hostname()}:7233`, advertiseAddress: '127.0.0.1:7233' });
    expect(resolveConfig({ port: 7233, ip: '0.0.0.0' }).advertiseAddress).toBe(`${hostname()}:7233`);
    expect(resolveConfig({ port: 7233, ip: '::1' }).advertiseAddress).toBe('[::1]:7233');
    expect(resolveConfig({ port: 0 })).toMatchObject({ nodeId: `${hostname()}:0-${process.pid}`, advertiseAddress: null });
    expect(resolveConfig({ nodeId: 'endure-1', advertiseAddress: '[fd00::5]:7233' })).toMatchObject({
      nodeId: 'endure-1',
      advertiseAddress: '[fd00::5]:7233',
    });
    expect(() => resolveConfig({ nodeId: 'node 1' })).toThrow('nodeId must be 1 to 255 letters, digits and . _ - : @, not "node 1"');
    expect(() => resolveConfig({ nodeId: '' })).toThrow(/nodeId must be/);
    for (const bad of ['endure-1', 'endure-1:0', 'endure-1:70000', 'fd00::5:7233', 'bad_host:7233', ':7233']) {
      expect(() => resolveConfig({ advertiseAddress: bad })).toThrow(`advertiseAddress must be host:port, e.g. `);
    }
  });
});
