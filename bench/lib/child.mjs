/**
 * The child side of the orchestrator protocol: marked JSON lines on stdout, CPU time on
 * exit, and exit when the orchestrator goes away (its end of stdin closes).
 */
import { MARK } from './processes.mjs';

export function emit(message) {
  process.stdout.write(`${MARK}${JSON.stringify({ t: Date.now(), ...message })}\n`);
}

/** process.cpuUsage() in seconds. */
export function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return { user: user / 1e6, system: system / 1e6, total: (user + system) / 1e6 };
}

/** Exit with `code` after reporting CPU seconds (stdout flushed first). */
export function exitReporting(code) {
  process.stdout.write(`${MARK}${JSON.stringify({ t: Date.now(), event: 'exit', cpuSeconds: cpuSeconds() })}\n`, () => process.exit(code));
}

/** Exits when the orchestrator closes our stdin (it died or is done with us). */
export function exitWithParent() {
  process.stdin.on('end', () => exitReporting(1));
  process.stdin.resume();
}

/** JSON-line messages the orchestrator sends on stdin. */
export function onParentMessage(fn) {
  let buffer = '';
  process.stdin.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) fn(JSON.parse(line));
    }
  });
}
