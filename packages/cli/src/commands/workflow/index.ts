/**
 * `endure workflow …`: start, inspect and operate workflow executions, as `temporal workflow`.
 * Each verb lives in its own file.
 */
import type { Command } from 'commander';
import { registerCancel } from './cancel.js';
import { registerCount } from './count.js';
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
