/**
 * `endure workflow …`: start, inspect and operate workflow executions, as `temporal workflow`.
 * Each verb lives in its own file.
 */
import type { Command } from 'commander';
import { registerCancel } from './cancel.js';
import { registerCount } from './count.js';
import { registerDescribe } from './describe.js';
import { registerList } from './list.js';
import { registerResult } from './result.js';
import { registerShow } from './show.js';
import { registerStack } from './stack.js';
import { registerTrace } from './trace.js';
import { registerDelete } from './delete.js';
import { registerExecute } from './execute.js';
import { registerQuery } from './query.js';
import { registerReset } from './reset.js';
import { registerSignal } from './signal.js';
import { registerStart } from './start.js';
import { registerTerminate } from './terminate.js';
import { registerUpdate } from './update.js';

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
  registerStart(workflow);
  registerExecute(workflow);
  registerSignal(workflow);
  registerCancel(workflow);
  registerTerminate(workflow);
  registerQuery(workflow);
  registerUpdate(workflow);
  registerReset(workflow);
  registerDelete(workflow);
}
