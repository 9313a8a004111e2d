/**
 * The README's "Use the SDK in your project", done as a user does it: the packed
 * tarballs installed in an empty folder, the README's files compiled by the
 * user's own `tsc` (NodeNext, no skipLibCheck), its test run with
 * @endure/testing and its hello workflow run against a server. Commands and
 * files come from the README itself (between `install-test` markers), so the
 * README cannot drift from what works.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EndureServer } from '../packages/server/src/index.js';

const run = promisify(execFile);
const rootDir = fileURLToPath(new URL('..', import.meta.url));
const COMMAND_TIMEOUT_MS = 120_000;
/** What the README calls the checkout's path in its commands. */
const CHECKOUT_PLACEHOLDER = '/path/to/endure';

interface ReadmeSnippets {
  commandBlocks: string[];
  files: Map<string, string>;
}

/** The code blocks that follow `<!-- install-test: commands -->` and `<!-- install-test: file <path> -->`. */
function readmeSnippets(): ReadmeSnippets {
  const readme = readFileSync(join(rootDir, 'README.md'), 'utf8');
  const snippets: ReadmeSnippets = { commandBlocks: [], files: new Map() };
  for (const m of readme.matchAll(/<!-- install-test: (commands|file (\S+)) -->\n```\w*\n([\s\S]*?)```/g)) {
    const [, kind, path, body] = m;
    if (kind === 'commands') snippets.commandBlocks.push(body!);
    else snippets.files.set(path!, body!);
  }
  return snippets;
}

/**
 * This test runs under `npm test`: the npm that started it describes its own
 * project in the environment, which must not leak into the user's project.
 */
function userEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix|config_workspace)/.test(key) || key === 'INIT_CWD') delete env[key];
  }
  return { ...env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' };
}

async function shell(script: string, cwd: string, env: NodeJS.ProcessEnv = userEnvironment()) {
  return run('sh', ['-e', '-c', script], { cwd, env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
}

describe("README: Use the SDK in your project", () => {
  const snippets = readmeSnippets();
  let workDir: string;
  let appDir: string;

  beforeAll(async () => {
    // `npm test` has just built the packages; pack what the other tests ran against.
    await run(process.execPath, [join(rootDir, 'scripts/pack.mjs'), '--no-build'], {
      cwd: rootDir,
      timeout: COMMAND_TIMEOUT_MS,
    });
    workDir = mkdtempSync(join(tmpdir(), 'endure-install-'));
    appDir = join(workDir, 'my-app');
  }, COMMAND_TIMEOUT_MS);

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('has the commands and files the test needs', () => {
    expect(snippets.commandBlocks).toHaveLength(2);
    expect([...snippets.files.keys()]).toEqual(
      expect.arrayContaining(['tsconfig.json', 'src/activities.ts', 'src/workflows.ts', 'src/hello.test.ts', 'src/hello.ts']),
    );
    const tsconfig = JSON.parse(snippets.files.get('tsconfig.json')!) as { compilerOptions: Record<string, unknown> };
    expect(tsconfig.compilerOptions.module).toBe('NodeNext');
    expect(tsconfig.compilerOptions.skipLibCheck).toBeUndefined();
  });

  it('installs the SDK from the tarballs in an empty folder, with nothing native', async () => {
    const install = snippets.commandBlocks[0]!.replaceAll(CHECKOUT_PLACEHOLDER, rootDir.replace(/\/$/, ''));
    await shell(install, workDir);
    const installed = readdirSync(join(appDir, 'node_modules/@endure')).sort();
    expect(installed).toEqual(['activity', 'client', 'common', 'server', 'testing', 'worker', 'workflow']);
    // Every @endure package came from a tarball of this checkout, none from a registry.
    const lock = JSON.parse(readFileSync(join(appDir, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    for (const name of installed) {
      expect(lock.packages[`node_modules/@endure/${name}`]?.resolved).toMatch(/^file:.*dist-packages\/endure-.*\.tgz$/);
    }
    expect(existsSync(join(appDir, 'node_modules/better-sqlite3'))).toBe(false);
  }, COMMAND_TIMEOUT_MS);

  it("compiles the README's files with the user's tsc and passes their @endure/testing test", async () => {
    for (const [path, body] of snippets.files) {
      mkdirSync(dirname(join(appDir, path)), { recursive: true });
      writeFileSync(join(appDir, path), body);
    }
    const { stdout } = await shell(snippets.commandBlocks[1]!, appDir);
    expect(stdout).toMatch(/^# pass 1$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  }, COMMAND_TIMEOUT_MS);

  it('needs better-sqlite3 only for a SQLite store, and says so', async () => {
    const script = "import { EndureServer } from '@endure/server'; await EndureServer.start({ port: 0, logLevel: 'silent' });";
    const failure = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: appDir,
      timeout: COMMAND_TIMEOUT_MS,
    }).then(
      () => ({ stderr: 'started a SQLite store without better-sqlite3' }),
      (err: { stderr: string }) => err,
    );
    expect(failure.stderr).toContain('the SQLite store needs the package better-sqlite3 (npm install better-sqlite3)');
  }, COMMAND_TIMEOUT_MS);

  it('runs the hello workflow against a server', async () => {
    const server = await EndureServer.start({ port: 0, store: 'memory', logLevel: 'warn' });
    try {
      const { stdout } = await shell('node dist/hello.js', appDir, { ...userEnvironment(), TEMPORAL_ADDRESS: server.address });
      expect(stdout.trim()).toBe('Hello, Endure!');
    } finally {
      await server.stop();
    }
  }, COMMAND_TIMEOUT_MS);
});
