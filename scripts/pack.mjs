#!/usr/bin/env node
/**
 * `npm run pack`: one tarball per workspace package, as a registry would serve
 * them, so a project outside this repository installs the packages the way a
 * user installs a release:
 *
 *   dist-packages/*.tgz            the SDK and the server @endure/testing runs
 *   dist-packages/cli/*.tgz        the `endure` command (needs better-sqlite3, native) and
 *                                  the web UI it serves
 *
 * All packages carry one version and depend on each other at exactly that
 * version, so `npm install dist-packages/*.tgz` satisfies every dependency
 * between them from the tarballs and nothing from the registry. The CLI sits
 * apart so that this glob installs no native module.
 *
 *   node scripts/pack.mjs [--no-build]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackages, readWorkspaces } from './check-packages.mjs';

const rootDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(rootDir, 'dist-packages');
/** Packages that do not belong in a user's project (their tarballs go to a folder of their own). */
const TOOL_PACKAGES = new Map([
  ['@endure/cli', 'cli'],
  ['@endure/ui', 'cli'],
]);

function main() {
  if (!process.argv.includes('--no-build')) run('npm', ['run', 'build'], rootDir);
  const problems = checkPackages(rootDir);
  if (problems.length > 0) {
    throw new Error(`not packing, the packages would not install cleanly:\n${problems.join('\n')}`);
  }
  rmSync(outDir, { recursive: true, force: true });
  const stagingRoot = mkdtempSync(join(tmpdir(), 'endure-pack-'));
  try {
    for (const workspace of readWorkspaces(rootDir)) {
      const destination = join(outDir, TOOL_PACKAGES.get(workspace.manifest.name) ?? '');
      const tarball = pack(workspace, join(stagingRoot, workspace.manifest.name), destination);
      console.log(relative(rootDir, join(destination, tarball)));
    }
  } finally {
    rmSync(stagingRoot, { recursive: true, force: true });
  }
}

/**
 * Packs a copy of the package with the repository's LICENSE beside it (npm takes
 * the LICENSE from the package folder). Returns the tarball's file name.
 */
function pack({ dir, manifest }, stagingDir, destination) {
  mkdirSync(stagingDir, { recursive: true });
  mkdirSync(destination, { recursive: true });
  // npm pack applies the `files` list, negations included, to the copy.
  for (const entry of ['package.json', ...(manifest.files ?? []).filter((f) => !f.startsWith('!'))]) {
    cpSync(join(dir, entry), join(stagingDir, entry), { recursive: true });
  }
  cpSync(join(rootDir, 'LICENSE'), join(stagingDir, 'LICENSE'));
  const output = run('npm', ['pack', '--json', '--pack-destination', destination], stagingDir);
  const [result] = JSON.parse(output);
  return result.filename;
}

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

main();
