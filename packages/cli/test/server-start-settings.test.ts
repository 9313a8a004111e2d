/**
 * How `endure server start` and `migrate` refuse bad settings, wherever they come from (a
 * flag, an `ENDURE_*` variable, the `--config` file): one line naming the flag, variable or
 * key and the value, and exit code 2, before anything connects to a database. Also: the
 * configuration examples of docs/operations.md and the README pass those checks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { exitCodeOf, killServerProcesses, runServerCli } from './helpers/server-process.js';

const dir = mkdtempSync(join(tmpdir(), 'endure-settings-'));
/** A database nothing listens on: if a bad setting were let through, the command would fail fast with exit code 1, not hang. */
const unreachableDb = ['--db', 'postgres://127.0.0.1:1/endure', '--db-connect-retry', '0s', '--port', '0'];

afterEach(killServerProcesses);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
function configFile(text: string): string {
  const path = join(dir, `endure-${++fileCount}.yaml`);
  writeFileSync(path, text);
  return path;
}

async function refusal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const run = runServerCli(args, env);
  const code = await exitCodeOf(run.child);
  expect(run.stdout()).toBe('');
  expect({ code, stderr: run.stderr() }).toMatchObject({ code: 2 });
  return run.stderr().split('\n')[0]!;
}

describe('a bad key or value in the config file', () => {
  it.each([
    ['port: 70000\n', "key 'port' value '70000' is invalid. Expected an integer from 0 to 65535."],
    ['log-level: loud\n', "key 'log-level' value 'loud' is invalid. Allowed choices are debug, info, warn, error."],
    ['db-connect-retry: 10\n', "key 'db-connect-retry' value '10' is invalid. Expected a duration with units, e.g. 30s, 5m, 1h30m or 250ms."],
    ['node-id: node one\n', "key 'node-id' value 'node one' is invalid. Expected 1 to 255 letters, digits and . _ - : @ (e.g. endure-1)."],
    ['advertise-address: 10.0.0.5\n', "key 'advertise-address' value '10.0.0.5' is invalid. Expected host:port that other nodes and clients can reach, e.g. endure-1.internal:7233 or [fd00::5]:7233."],
    ['db: mysql://h/db\n', "key 'db' value 'mysql://h/db' is invalid. Expected a postgres:// or postgresql:// URL."],
    ['search-attribute: [CustomerId=Number]\n', "key 'search-attribute' value 'CustomerId=Number' is invalid. Expected <name>=<type> with a type among Keyword, Text, Int, Double, Bool, Datetime, KeywordList."],
    ['port: [1, 2]\n', "key 'port' value '[1,2]' is invalid. Expected a single value."],
    ['namespace: [orders, {a: 1}]\n', `key 'namespace' value '["orders",{"a":1}]' is invalid. Expected a value or a list of values.`],
    ['headless: "yes"\n', "key 'headless' value 'yes' is invalid. Expected true or false."],
    ['- port\n', 'expected a mapping of settings (key: value lines), e.g. "port: 7233"'],
    ['port: [1\n', /^is not valid YAML: .* at line 2, column 1$/],
    ['port: 1\nport: 2\n', /^is not valid YAML: Map keys must be unique at line 2, column 1$/],
  ])('%j is refused with the key and the value', async (text, message) => {
    const path = configFile(text);
    const line = await refusal(['server', 'start', ...unreachableDb, '--config', path]);
    const prefix = `error: config file ${path}: `;
    expect(line.startsWith(prefix), line).toBe(true);
    if (typeof message === 'string') expect(line.slice(prefix.length)).toBe(message);
    else expect(line.slice(prefix.length)).toMatch(message);
  });

  it('names an unknown key and lists the known ones', async () => {
    const path = configFile('db: postgres://127.0.0.1:1/endure\nprot: 7233\n');
    expect(await refusal(['server', 'start', '--config', path])).toBe(
      `error: config file ${path}: unknown key 'prot' (known keys: advertise-address, auth, auth-admin-api-key-file, auth-jwks-path, ` +
        'auth-jwks-url, auth-jwt-audience, auth-jwt-issuer, auth-permissions-claim, db, db-connect-retry, db-pool-size, dynamic-config-value, headless, ip, ' +
        'log-format, log-level, metrics-port, namespace, node-id, port, search-attribute, tls-cert-path, tls-client-ca-path, tls-key-path, ui-ip, ui-port)',
    );
  });

  it('is refused by migrate too, and when named by ENDURE_CONFIG', async () => {
    const path = configFile('db: postgres://127.0.0.1:1/endure\nui-port: http\n');
    const expected = `error: config file ${path}: key 'ui-port' value 'http' is invalid. Expected an integer from 0 to 65535.`;
    expect(await refusal(['server', 'migrate', '--config', path])).toBe(expected);
    expect(await refusal(['server', 'start'], { ENDURE_CONFIG: path })).toBe(expected);
  });

  it('names a file that cannot be read', async () => {
    const path = join(dir, 'missing.yaml');
    expect(await refusal(['server', 'start', ...unreachableDb, '--config', path])).toBe(`error: config file ${path}: cannot be read (ENOENT)`);
  });
});

describe('a bad ENDURE_* variable or flag', () => {
  it.each([
    [{ ENDURE_PORT: 'abc' }, "error: option '-p, --port <port>' value 'abc' from env 'ENDURE_PORT' is invalid. Expected an integer from 0 to 65535."],
    [{ ENDURE_LOG_LEVEL: 'loud' }, "error: option '--log-level <level>' value 'loud' from env 'ENDURE_LOG_LEVEL' is invalid. Allowed choices are debug, info, warn, error."],
    [{ ENDURE_NODE_ID: 'a/b' }, "error: option '--node-id <id>' value 'a/b' from env 'ENDURE_NODE_ID' is invalid. Expected 1 to 255 letters, digits and . _ - : @ (e.g. endure-1)."],
    [{ ENDURE_ADVERTISE_ADDRESS: 'endure-1:0' }, "error: option '--advertise-address <host:port>' value 'endure-1:0' from env 'ENDURE_ADVERTISE_ADDRESS' is invalid. Expected host:port that other nodes and clients can reach, e.g. endure-1.internal:7233 or [fd00::5]:7233."],
    [{ ENDURE_HEADLESS: 'yes' }, "error: option '--headless' value 'yes' from env 'ENDURE_HEADLESS' is invalid. Expected true or false (or 1 or 0)."],
    [{ ENDURE_NAMESPACE: 'orders, ' + 'x'.repeat(1001) }, `error: option '-n, --namespace <name>' value '${'x'.repeat(1001)}' from env 'ENDURE_NAMESPACE' is invalid. Expected a name of 1 to 1000 characters.`],
    [{ ENDURE_SEARCH_ATTRIBUTE: 'CustomerId=Keyword,Score=Number' }, "error: option '--search-attribute <name=type>' value 'Score=Number' from env 'ENDURE_SEARCH_ATTRIBUTE' is invalid. Expected <name>=<type> with a type among Keyword, Text, Int, Double, Bool, Datetime, KeywordList."],
    [{ ENDURE_UI_IP: 'everywhere' }, "error: option '--ui-ip <address>' value 'everywhere' from env 'ENDURE_UI_IP' is invalid. Expected an IPv4 or IPv6 address, or localhost."],
  ])('%j is refused with the variable and the value', async (env, message) => {
    // The port comes from the variable under test when it is ENDURE_PORT, so no --port flag here.
    expect(await refusal(['server', 'start', '--db', 'postgres://127.0.0.1:1/endure', '--db-connect-retry', '0s'], env)).toBe(message);
  });

  it.each([
    [['--node-id', 'node one'], "error: option '--node-id <id>' argument 'node one' is invalid. Expected 1 to 255 letters, digits and . _ - : @ (e.g. endure-1)."],
    [['--advertise-address', '[fd00::5]'], "error: option '--advertise-address <host:port>' argument '[fd00::5]' is invalid. Expected host:port that other nodes and clients can reach, e.g. endure-1.internal:7233 or [fd00::5]:7233."],
  ])('flag %j is refused with the flag and the value', async (flags, message) => {
    expect(await refusal(['server', 'start', ...unreachableDb, ...flags])).toBe(message);
  });

  it('asks for the database when no flag, variable or file gives one', async () => {
    const expected = "error: required option '--db <url>' not specified (nor ENDURE_DB, nor db in a --config file)";
    expect(await refusal(['server', 'start', '--port', '0'])).toBe(expected);
    expect(await refusal(['server', 'migrate'])).toBe(expected);
  });
});

describe('the documented configuration files', () => {
  it.each(['docs/operations.md', 'README.md'])('the YAML example of %s is accepted', async (document) => {
    const text = readFileSync(fileURLToPath(new URL(`../../../${document}`, import.meta.url)), 'utf8');
    const example = /```yaml\n([\s\S]*?)```/.exec(text)?.[1];
    expect(example).toBeDefined();
    const path = configFile(example!);
    // The variables only keep the server off the example's addresses: every key of the file is still read and checked.
    const run = runServerCli(['server', 'start', '--config', path], {
      ENDURE_DB: 'postgres://127.0.0.1:1/endure',
      ENDURE_DB_CONNECT_RETRY: '0s',
      ENDURE_IP: '127.0.0.1',
      ENDURE_PORT: '0',
      ENDURE_HEADLESS: 'true',
    });
    expect(await exitCodeOf(run.child)).toBe(1);
    expect(run.stderr()).toMatch(/^endure: could not start the server: cannot connect to PostgreSQL at 127\.0\.0\.1:1 /);
  });
});
