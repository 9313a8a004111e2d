#!/usr/bin/env node
/**
 * Checks that the workspace packages can be installed on their own, as a user
 * installs them: every module a published file imports is a declared
 * dependency, every package a published `.d.ts` imports ships types (or its
 * `@types/…` package is a dependency, else a user's `tsc` fails without
 * `skipLibCheck`), and all packages carry one version that their dependencies
 * on each other pin exactly.
 *
 *   node scripts/check-packages.mjs [rootDir]
 *
 * Prints one line per problem and exits 1 when there is any. `scripts/pack.mjs`
 * runs it before packing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const PUBLISHED_FILE = /\.(?:m?js|cjs|d\.m?ts|d\.cts)$/;
const TYPES_FILE = /\.d\.[mc]?ts$/;

/** @typedef {{ dir: string, manifest: Record<string, any> }} Workspace */

/** @returns {Workspace[]} the workspace packages of the repository at `rootDir`. */
export function readWorkspaces(rootDir) {
  const root = readJson(join(rootDir, 'package.json'));
  return (root.workspaces ?? []).map((path) => {
    const dir = resolve(rootDir, path);
    return { dir, manifest: readJson(join(dir, 'package.json')) };
  });
}

/** @returns {string[]} every problem found, as one readable line each. */
export function checkPackages(rootDir) {
  const workspaces = readWorkspaces(rootDir);
  return [...checkVersionsInStep(workspaces), ...workspaces.flatMap((w) => checkImports(w))];
}

function checkVersionsInStep(workspaces) {
  const [first] = workspaces;
  const versions = new Map(workspaces.map((w) => [w.manifest.name, w.manifest.version]));
  const problems = [];
  for (const { manifest } of workspaces) {
    if (manifest.version !== first.manifest.version) {
      problems.push(`${manifest.name}: version ${manifest.version}, but ${first.manifest.name} has ${first.manifest.version}`);
    }
    for (const [dep, spec] of Object.entries(declaredDependencies(manifest))) {
      if (versions.has(dep) && spec !== versions.get(dep)) {
        problems.push(`${manifest.name}: depends on ${dep}@${spec}, but ${dep} is at ${versions.get(dep)}`);
      }
    }
  }
  return problems;
}

function checkImports({ dir, manifest }) {
  const declared = declaredDependencies(manifest);
  const problems = new Set();
  for (const file of publishedFiles(dir, manifest)) {
    const where = `${manifest.name}: ${relative(dir, file)}`;
    for (const specifier of importedModules(file)) {
      const name = packageName(specifier);
      if (name === null || name === manifest.name) continue;
      if (!(name in declared)) {
        problems.add(`${where} imports ${specifier}, but ${name} is not in its dependencies`);
      } else if (TYPES_FILE.test(file) && !shipsTypes(name, dir)) {
        const typesName = `@types/${name.replace(/^@/, '').replace('/', '__')}`;
        if (!(typesName in declared)) {
          problems.add(`${where} imports types from ${name}, which ships none: add ${typesName} to its dependencies`);
        }
      }
    }
  }
  return [...problems];
}

function declaredDependencies(manifest) {
  return { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
}

/** Files under the manifest's `files` entries that a user's runtime or `tsc` loads. */
function publishedFiles(dir, manifest) {
  const files = [];
  const walk = (path) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const entry of readdirSync(path)) walk(join(path, entry));
    } else if (PUBLISHED_FILE.test(path)) {
      files.push(path);
    }
  };
  for (const entry of manifest.files ?? []) if (!entry.startsWith('!')) walk(join(dir, entry));
  return files;
}

/** Static imports, re-exports, `import()` and `require()` of a file; comments are not code. */
function importedModules(file) {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return [...info.importedFiles, ...info.typeReferenceDirectives.map((d) => ({ fileName: `@types/${d.fileName}` }))]
    .map((f) => f.fileName);
}

/** The package a bare specifier names; null for relative paths and Node's built-ins. */
function packageName(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('/')) return null;
  if (specifier.startsWith('node:') || builtinModules.includes(specifier)) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Whether the installed copy of `name` (as Node would find it from `fromDir`) has its own types. */
function shipsTypes(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const manifestPath = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = readJson(manifestPath);
      return Boolean(manifest.types || manifest.typings || JSON.stringify(manifest.exports ?? {}).includes('"types"')) ||
        existsSync(join(dirname(manifestPath), 'index.d.ts'));
    }
    if (dirname(dir) === dir) return false;
  }
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rootDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const problems = checkPackages(rootDir);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) process.exit(1);
  console.log(`${readWorkspaces(rootDir).length} packages: dependencies declared, versions in step`);
}
