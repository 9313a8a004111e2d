/** Workflow code that reaches for a Node built-in: bundling must refuse it. */
import fs from 'node:fs';

export async function readsAFile(): Promise<boolean> {
  return Promise.resolve(fs.existsSync('/etc/hostname'));
}
