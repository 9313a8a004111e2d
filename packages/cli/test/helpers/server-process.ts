/**
 * `endure server …` in a child process, as an operator runs it: the built CLI with an
 * environment of the test's choosing (no `ENDURE_*` variable of the test process leaks in),
 * its output kept, and bounded waits on what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const binPath = fileURLToPath(new URL('../../bin/endure.js', import.meta.url));
const outputTimeoutMs = 20_000;

export interface ServerProcess {
  child: ChildProcess;
  /** Standard output and error, interleaved as they arrived. */
  output: () => string;
  stdout: () => string;
  stderr: () => string;
}

const started: ChildProcess[] = [];

/** Runs `endure <args>` with the test's environment minus `ENDURE_*`, plus `env`. */
export function runServerCli(args: string[], env: Record<string, string> = {}, cwd?: string): ServerProcess {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('ENDURE_')) childEnv[key] = value;
  }
  const child = spawn(process.execPath, [binPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...childEnv, ...env }, cwd });
  started.push(child);
  let output = '';
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  return { child, output: () => output, stdout: () => stdout, stderr: () => stderr };
}

/** Kills (SIGKILL) every process started here that is still running; for afterEach. */
export function killServerProcesses(): void {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export async function exitCodeOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Resolves when the output matches `pattern`; fails if the process exits first, or after the bound. */
export async function waitForOutput(run: ServerProcess, pattern: RegExp): Promise<RegExpMatchArray> {
  const { child, output } = run;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no ${String(pattern)} within ${outputTimeoutMs} ms:\n${output()}`)), outputTimeoutMs);
    const check = (): void => {
      const match = output().match(pattern);
      if (match) finish(undefined, match);
    };
    const onExit = (): void => finish(new Error(`endure exited with ${String(child.exitCode)}:\n${output()}`));
    function finish(err: Error | undefined, match?: RegExpMatchArray): void {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
      if (match) resolve(match);
      else reject(err ?? new Error('unreachable'));
    }
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

/** The banner's fields (`Endure server`, `Node ID`, …) once it is whole on standard output. */
export async function bannerOf(run: ServerProcess): Promise<Record<string, string>> {
  await waitForOutput(run, /Namespaces: +[^\n]*\n/);
  const fields: Record<string, string> = {};
  for (const line of run.stdout().split('\n')) {
    const match = /^([A-Za-z][A-Za-z ]*): +(.*)$/.exec(line);
    if (match) fields[match[1]!] = match[2]!;
  }
  return fields;
}
