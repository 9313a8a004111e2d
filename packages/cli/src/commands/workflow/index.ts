/**
 * `endure workflow …`: start, inspect and operate workflow executions, as `temporal workflow`.
 * Each verb lives in its own file.
 */
import type { Command } from 'commander';
import { registerCount } from './count.js';
import { registerDescribe } from './describe.js';
import { registerList } from './list.js';
import { registerResult } from './result.js';
import { registerShow } from './show.js';
import { registerStack } from './stack.js';
import { registerTrace } from './trace.js';

export function registerWorkflowCommands(program: Command): void {
  const workflow = program
    .command('workflow')
    .description('Start, list, inspect and operate workflow executions')
    .addHelpText('after', '\nExamples:\n  endure workflow list -q "ExecutionStatus = \'Running\'"\n  endure workflow describe -w order-42\n');
  registerCount(workflow);
  registerList(workflow);
  registerDescribe(workflow);
  registerShow(workflow);
  registerResult(workflow);
  registerStack(workflow);
  registerTrace(workflow);
}
