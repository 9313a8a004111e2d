/**
 * `endure operator search-attribute create | list | remove`, as `temporal operator
 * search-attribute`: custom search attributes of the namespace of `-n`.
 */
import { Option, type Command } from 'commander';
import { fromProtoJson } from '@endure/client';
import { clientAction } from '../../command-context.js';
import { CliError, usageError } from '../../exit-codes.js';
import { addClientOptions } from '../../global-options.js';
import { enumShortName } from '../../output/format.js';
import { confirm } from '../../confirm.js';
import { examples } from '../../help.js';
import { collectChoice, collectRepeated } from '../../parsers.js';

const OS = 'temporal.api.operatorservice.v1';
/** `temporal`'s type names (IndexedValueType without its prefix), matched case-insensitively. */
const TYPE_NAMES = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;
const TYPE_PREFIX = 'INDEXED_VALUE_TYPE_';


/** `KeywordList` → `INDEXED_VALUE_TYPE_KEYWORD_LIST`. */
function enumName(type: string): string {
  return TYPE_PREFIX + type.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

interface ListResponseJson {
  customAttributes?: Record<string, string>;
  systemAttributes?: Record<string, string>;
}

export function registerSearchAttributeCommands(operator: Command): void {
  const searchAttribute = operator
    .command('search-attribute')
    .description('Create, list and remove custom search attributes')
    .addHelpText('after', examples('endure operator search-attribute create --name CustomerId --type Keyword', 'endure operator search-attribute list'));

  const create = searchAttribute
    .command('create')
    .description('Add custom search attributes to the namespace')
    .addOption(new Option('--name <name>', 'search attribute name (repeatable, one per --type)').argParser(collectRepeated).makeOptionMandatory())
    .addOption(new Option('--type <type>', `search attribute type: ${TYPE_NAMES.join(', ')} (repeatable, one per --name)`).argParser(collectChoice(TYPE_NAMES)).makeOptionMandatory())
    .addHelpText('after', examples('endure operator search-attribute create --name CustomerId --type Keyword', 'endure operator search-attribute create --name Amount --type Double --name Tags --type KeywordList -n billing'));
  addClientOptions(create).action(
    clientAction<{ name: string[]; type: string[] }>(async (ctx, flags) => {
      if (flags.name.length !== flags.type.length) {
        throw usageError(`give one --type per --name (got ${flags.name.length} names and ${flags.type.length} types)`);
      }
      const connection = await ctx.connection();
      const existing = await connection.operatorService.listSearchAttributes({ namespace: ctx.namespace });
      const existingJson = ctx.printer.protoJson(`${OS}.ListSearchAttributesResponse`, existing) as ListResponseJson;
      const wanted: Record<string, string> = {};
      flags.name.forEach((name, i) => {
        const type = enumName(flags.type[i]!);
        const current = existingJson.customAttributes?.[name];
        if (current !== undefined && current !== type) {
          throw new CliError(`search attribute ${name} already exists with another type, ${enumShortName({}, TYPE_PREFIX, current)}`);
        }
        wanted[name] = type;
      });
      const request = fromProtoJson(`${OS}.AddSearchAttributesRequest`, { namespace: ctx.namespace, searchAttributes: wanted });
      await connection.operatorService.addSearchAttributes(request as object);
      ctx.printer.line(ctx.printer.style('green', 'Search attributes have been added'));
    }),
  );

  const list = searchAttribute
    .command('list')
    .description('List the search attributes of the namespace, system ones first')
    .addHelpText('after', examples('endure operator search-attribute list', 'endure operator search-attribute list -n billing -o json'));
  addClientOptions(list).action(
    clientAction(async (ctx) => {
      const connection = await ctx.connection();
      const response = await connection.operatorService.listSearchAttributes({ namespace: ctx.namespace });
      if (ctx.printer.isJson) {
        ctx.printer.proto(`${OS}.ListSearchAttributesResponse`, response);
        return;
      }
      const json = ctx.printer.protoJson(`${OS}.ListSearchAttributesResponse`, response) as ListResponseJson;
      const rows = (attributes: Record<string, string> | undefined) =>
        Object.entries(attributes ?? {})
          .map(([name, type]) => ({ name, type: enumShortName({}, TYPE_PREFIX, type) }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      ctx.printer.table(
        [
          { header: 'Name', value: (row) => row.name },
          { header: 'Type', value: (row) => row.type },
        ],
        [...rows(json.systemAttributes), ...rows(json.customAttributes)],
      );
    }),
  );

  const remove = searchAttribute
    .command('remove')
    .description('Remove custom search attributes from the namespace')
    .addOption(new Option('--name <name>', 'search attribute name (repeatable)').argParser(collectRepeated).makeOptionMandatory())
    .option('-y, --yes', "don't ask for confirmation")
    .addHelpText('after', examples('endure operator search-attribute remove --name CustomerId', 'endure operator search-attribute remove --name CustomerId --name Amount --yes'));
  addClientOptions(remove).action(
    clientAction<{ name: string[]; yes?: boolean }>(async (ctx, flags) => {
      const confirmed = await confirm(ctx, {
        question: `You are about to remove search attribute${flags.name.length > 1 ? 's' : ''} ${flags.name.join(', ')}. Are you sure? y/N`,
        yes: flags.yes === true,
      });
      if (!confirmed) throw new CliError('not confirmed: nothing removed');
      const connection = await ctx.connection();
      await connection.operatorService.removeSearchAttributes({ namespace: ctx.namespace, searchAttributes: flags.name });
      ctx.printer.line(ctx.printer.style('green', 'Search attributes have been removed'));
    }),
  );
}
