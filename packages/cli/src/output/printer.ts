/**
 * Everything a command writes to standard output goes through a Printer, which knows the
 * output format (`-o text|json|jsonl|none`), the time format and whether to colour.
 *
 * - Text output is for people: `card` (aligned "Key  value" lines), `table` (aligned
 *   columns with a header), `line`. In JSON modes these write nothing.
 * - Structured output is for scripts: `json` writes a value (indented with `-o json`, one
 *   line with `-o jsonl`), `proto` and `protoList` write API messages in Temporal's JSON form
 *   (see `@endure/client`'s `toProtoJson`). In text mode these write nothing.
 * - `none` writes no data at all; errors still go to standard error.
 */
import { styleText } from 'node:util';
import { toProtoJson } from '@endure/client';
import type { ColorMode, OutputFormat, TimeFormat } from '../global-options.js';
import { centring, formatTime, type TimestampLike } from './format.js';

type Style = Parameters<typeof styleText>[0];

export interface PrinterOptions {
  output: OutputFormat;
  timeFormat: TimeFormat;
  color: ColorMode;
  shorthandPayloads: boolean;
  stdout?: NodeJS.WriteStream;
  /** The clock for relative times; tests fix it. */
  now?: () => number;
}

/** One column of a text table. */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Right-align (numbers). */
  alignRight?: boolean;
}

/** Whether text written to `stream` may carry colour: `always`, or `auto` on a terminal; never with NO_COLOR set. */
export function colorEnabled(mode: ColorMode, stream: NodeJS.WriteStream): boolean {
  const noColor = process.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return mode === 'always' || (mode === 'auto' && stream.isTTY === true);
}

export class Printer {
  readonly output: OutputFormat;
  readonly timeFormat: TimeFormat;
  readonly shorthandPayloads: boolean;
  readonly colored: boolean;
  private readonly stdout: NodeJS.WriteStream;
  private readonly now: () => number;

  constructor(options: PrinterOptions) {
    this.output = options.output;
    this.timeFormat = options.timeFormat;
    this.shorthandPayloads = options.shorthandPayloads;
    this.stdout = options.stdout ?? process.stdout;
    this.colored = colorEnabled(options.color, this.stdout);
    this.now = options.now ?? Date.now;
  }

  /** True for `-o text`: commands build their human output only then. */
  get isText(): boolean {
    return this.output === 'text';
  }

  /** True for `-o json` and `-o jsonl`. */
  get isJson(): boolean {
    return this.output === 'json' || this.output === 'jsonl';
  }

  /** `text` in the given style when colour is on, else as is. */
  style(style: Style, text: string): string {
    return this.colored && text !== '' ? styleText(style, text) : text;
  }

  /** A time as `--time-format` asks (`''` when unset). */
  time(value: TimestampLike | Date | number | null | undefined): string {
    return formatTime(value, this.timeFormat, this.now());
  }

  /** A line of text output. */
  line(text = ''): void {
    if (this.isText) this.write(`${text}\n`);
  }

  /**
   * Aligned `Key  value` lines; entries whose value is `undefined` or `''` are left out,
   * as `temporal` leaves out empty optional fields of a card. The lines of a multi-line
   * value line up under its first one, except a value that starts with a line break (a
   * failure chain): that one is written as it is, under its label, as `temporal` writes it.
   */
  card(entries: [label: string, value: string | number | undefined][], indent = ''): void {
    if (!this.isText) return;
    const shown = entries.filter(([, value]) => value !== undefined && value !== '') as [string, string | number][];
    const width = Math.max(0, ...shown.map(([label]) => label.length));
    for (const [label, value] of shown) {
      if (typeof value === 'string' && value.startsWith('\n')) {
        this.write(`${indent}${this.style('bold', label)}${value}\n`);
        continue;
      }
      const lines = String(value).split('\n');
      const pad = ' '.repeat(width + 2 + indent.length);
      this.write(`${indent}${this.style('bold', label.padEnd(width))}  ${lines.join(`\n${pad}`)}\n`);
    }
  }

  /**
   * A table as `temporal` draws one: every column after two spaces (the left margin
   * included), as wide as its widest cell, titles centred in magenta, no trailing spaces.
   * `header: false` leaves the title row out (e.g. for the second page of a list).
   */
  table<Row>(columns: Column<Row>[], rows: Row[], options: { header?: boolean } = {}): void {
    if (!this.isText) return;
    const cells = rows.map((row) => columns.map((column) => column.value(row)));
    const widths = columns.map((column, i) => Math.max(visibleLength(column.header), ...cells.map((r) => visibleLength(r[i]!))));
    const render = (values: string[]): string => values.map((value) => `  ${value}`).join('').replace(/ +$/, '');
    if (options.header !== false) {
      const titles = columns.map((column, i) => {
        const [left, right] = centring(column.header, widths[i]!);
        return `${' '.repeat(left)}${this.style('magenta', column.header)}${' '.repeat(right)}`;
      });
      this.write(`${render(titles)}\n`);
    }
    for (const row of cells) {
      const padded = row.map((value, i) => {
        const padding = ' '.repeat(widths[i]! - visibleLength(value));
        return columns[i]!.alignRight ? padding + value : value + padding;
      });
      this.write(`${render(padded)}\n`);
    }
  }

  /** A JSON value: indented with `-o json`, on one line with `-o jsonl`. */
  json(value: unknown): void {
    if (this.output === 'json') this.write(`${JSON.stringify(value, null, 2)}\n`);
    else if (this.output === 'jsonl') this.write(`${JSON.stringify(value)}\n`);
  }

  /** An API message in Temporal's JSON form, e.g. `printer.proto('temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse', response)`. */
  proto(typeName: string, message: object): void {
    if (this.isJson) this.json(this.protoJson(typeName, message));
  }

  /** Several messages of one type: a JSON array with `-o json`, one line each with `-o jsonl`. */
  protoList(typeName: string, messages: object[]): void {
    const values = messages.map((message) => this.protoJson(typeName, message));
    if (this.output === 'json') this.json(values);
    else if (this.output === 'jsonl') for (const value of values) this.json(value);
  }

  /** The JSON value of an API message, for commands that combine several into one object. */
  protoJson(typeName: string, message: object): unknown {
    return toProtoJson(typeName, message, { shorthandPayloads: this.shorthandPayloads });
  }

  private write(text: string): void {
    this.stdout.write(text);
  }
}

// eslint-disable-next-line no-control-regex -- matches the escape sequences colour adds
const ANSI = /\u001b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}
