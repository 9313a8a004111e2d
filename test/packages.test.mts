/**
 * scripts/check-packages.mjs: the packages declare what their published files
 * import (types included) and move in step, so a user's install and `tsc`
 * work. Run on this repository, and on a small repository with each mistake.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../scripts/check-packages.mjs', import.meta.url));

async function check(rootDir?: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...(rootDir ? [rootDir] : [])], { timeout: 60_000 });
    return { ok: true, output: stdout + stderr };
  } catch (err) {
    const { stdout, stderr } = err as { stdout: string; stderr: string };
    return { ok: false, output: stdout + stderr };
  }
}

function writeFiles(rootDir: string, files: Record<string, unknown>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(rootDir, path)), { recursive: true });
    writeFileSync(join(rootDir, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
}

describe('check-packages', () => {
  let fixture: string | undefined;
  afterEach(() => {
    if (fixture) rmSync(fixture, { recursive: true, force: true });
  });

  it("passes on this repository's packages", async () => {
    const { ok, output } = await check();
    expect(output).toContain('dependencies declared, versions in step');
    expect(ok).toBe(true);
  });

  it('names an undeclared import, a types-less import in a .d.ts, and a version out of step', async () => {
    fixture = mkdtempSync(join(tmpdir(), 'endure-check-packages-'));
    writeFiles(fixture, {
      'package.json': { private: true, workspaces: ['packages/a', 'packages/b'] },
      'node_modules/untyped/package.json': { name: 'untyped', version: '1.0.0', main: 'index.js' },
      'packages/a/package.json': {
        name: '@x/a', version: '1.0.0', files: ['dist'], dependencies: { untyped: '^1.0.0', '@x/b': '1.0.0' },
      },
      // A comment that mentions import 'commented' is not an import.
      'packages/a/dist/index.js': "// import 'commented';\nimport u from 'untyped';\nimport 'undeclared/sub';\nimport fs from 'node:fs';\nexport { u, fs };\n",
      'packages/a/dist/index.d.ts': "import type { U } from 'untyped';\nexport type { U };\n",
      'packages/b/package.json': { name: '@x/b', version: '1.1.0', files: ['dist'] },
      'packages/b/dist/index.js': 'export {};\n',
    });
    const { ok, output } = await check(fixture);
    expect(ok).toBe(false);
    expect(output.trim().split('\n').sort()).toEqual([
      '@x/a: depends on @x/b@1.0.0, but @x/b is at 1.1.0',
      '@x/a: dist/index.d.ts imports types from untyped, which ships none: add @types/untyped to its dependencies',
      '@x/a: dist/index.js imports undeclared/sub, but undeclared is not in its dependencies',
      '@x/b: version 1.1.0, but @x/a has 1.0.0',
    ]);
  });
});
