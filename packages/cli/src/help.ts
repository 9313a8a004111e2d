/** Help text shared by commands. */

/** The "Examples:" section every command's help ends with, one command per line. */
export function examples(...lines: string[]): string {
  return ['', 'Examples:', ...lines.map((line) => `  ${line}`), ''].join('\n');
}
