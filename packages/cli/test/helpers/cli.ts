/**
 * Runs the built `endure` CLI as a user does: a child process of `bin/endure.js`, with
 * its own config folder (so env presets of the machine never leak in) and none of the
 * `TEMPORAL_*` variables of the test process unless a test passes them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const binPath = fileURLToPath(new URL('../../bin/endure.js', import.meta.url));
const defaultTimeoutMs = 30_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Extra environment variables (over a cleaned copy of the test's). */
  env?: NodeJS.ProcessEnv;
  /** Written to standard input, which is then closed. */
  stdin?: string;
  timeoutMs?: number;
  /** Close the reading end of standard output at once, as `| head` does when it has read enough. */
  closeStdout?: boolean;
}

/** A scratch config folder for one test file; `cleanup()` removes it. */
export function makeConfigHome(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'endure-cli-config-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let sharedConfigHome: string | undefined;

/** Runs `endure <args>` to completion (bounded) and returns its exit code and output. */
export function runEndure(args: string[], options: RunOptions = {}): Promise<CliResult> {
  sharedConfigHome ??= mkdtempSync(join(tmpdir(), 'endure-cli-config-'));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TEMPORAL_') && key !== 'NO_COLOR' && key !== 'FORCE_COLOR') env[key] = value;
  }
  Object.assign(env, { XDG_CONFIG_HOME: sharedConfigHome }, options.env);
  const child = spawn(process.execPath, [binPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  if (options.closeStdout === true) child.stdout.destroy();
  else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`endure ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `endure <args>`, expects exit code 0, and returns standard output. */
export async function endureOk(args: string[], options: RunOptions = {}): Promise<string> {
  const result = await runEndure(args, options);
  if (result.code !== 0) {
    throw new Error(`endure ${args.join(' ')} exited with ${String(result.code)}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result.stdout;
}

/** Runs `endure <args> -o json` and parses standard output. */
export async function endureJson<T = unknown>(args: string[], options: RunOptions = {}): Promise<T> {
  return JSON.parse(await endureOk([...args, '-o', 'json'], options)) as T;
}
