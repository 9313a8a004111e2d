/**
 * `endure operator …`: manage the server, as `temporal operator`: namespaces, search
 * attributes, the cluster, and (Endure's own) API keys. Each noun lives in its own file. (`nexus` is left out: Endure
 * has no Nexus endpoints.)
 */
import type { Command } from 'commander';
import { registerApiKeyCommands } from './api-key.js';
import { registerClusterCommands } from './cluster.js';
import { registerNamespaceCommands } from './namespace.js';
import { registerSearchAttributeCommands } from './search-attribute.js';

export function registerOperatorCommands(program: Command): void {
  const operator = program
    .command('operator')
    .description('Manage namespaces, search attributes, API keys and the server')
    .addHelpText('after', '\nExamples:\n  endure operator namespace list\n  endure operator search-attribute create --name CustomerId --type Keyword\n  endure operator cluster health\n');
  registerNamespaceCommands(operator);
  registerSearchAttributeCommands(operator);
  registerClusterCommands(operator);
  registerApiKeyCommands(operator);
}
