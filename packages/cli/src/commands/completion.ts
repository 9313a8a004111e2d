/**
 * `endure completion bash | zsh | fish`: a shell completion script for every noun, verb and
 * flag, generated at run time from the command tree (so commands added later complete too),
 * with the allowed values of flags that have a fixed set (`-o json`, `--overlap-policy`).
 *
 * The script walks the words typed so far: a word naming a subcommand of the current path
 * extends it, a flag that takes a value skips the next word, and anything else (positional
 * arguments, values) is passed over.
 */
import type { Command, Option } from 'commander';
import { addDisplayOptions } from '../global-options.js';
import { examples } from '../help.js';

interface CommandInfo {
  /** The words after `endure`, e.g. `operator namespace create` (`''` for the root). */
  path: string;
  subcommands: string[];
  flags: string[];
  valueFlags: string[];
  choices: { flags: string[]; values: string[] }[];
}

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

export function registerCompletionCommands(program: Command): void {
  const completion = program
    .command('completion')
    .description('Print a shell completion script (bash, zsh or fish)')
    .addHelpText(
      'after',
      examples(
        'source <(endure completion bash)            # in ~/.bashrc',
        'source <(endure completion zsh)             # in ~/.zshrc',
        'endure completion fish > ~/.config/fish/completions/endure.fish',
      ),
    );
  for (const shell of SHELLS) {
    const command = completion.command(shell).description(`Print the ${shell} completion script`);
    addDisplayOptions(command).action((...actionArgs: unknown[]) => {
      const tree = collect(rootOf(actionArgs.at(-1) as Command));
      process.stdout.write(SCRIPTS[shell](tree));
    });
  }
}

function rootOf(command: Command): Command {
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root;
}

function flagsOf(option: Option): string[] {
  return [option.short, option.long].filter((f): f is string => f !== undefined);
}

/** Every command of the tree, depth first. */
function collect(command: Command, path: string[] = []): CommandInfo[] {
  const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  const options = command.options.filter((o) => !o.hidden);
  const info: CommandInfo = {
    path: path.join(' '),
    subcommands: visible.flatMap((c) => [c.name(), ...c.aliases()]),
    flags: [...options.flatMap(flagsOf), '-h', '--help'],
    valueFlags: options.filter((o) => o.required || o.optional).flatMap(flagsOf),
    choices: options.filter((o) => o.argChoices !== undefined).map((o) => ({ flags: flagsOf(o), values: o.argChoices! })),
  };
  return [info, ...visible.flatMap((c) => collect(c, [...path, c.name()]))];
}

/** A shell `case` over command paths, each branch printing `words(info)`. */
function caseByPath(tree: CommandInfo[], words: (info: CommandInfo) => string[]): string {
  return tree
    .map((info) => ({ info, list: words(info) }))
    .filter(({ list }) => list.length > 0)
    .map(({ info, list }) => `    "${info.path}") echo "${list.join(' ')}" ;;`)
    .join('\n');
}

function choicesCase(tree: CommandInfo[]): string {
  return tree
    .flatMap((info) => info.choices.map((c) => `    "${info.path}|${c.flags.join(`"|"${info.path}|`)}") echo "${c.values.join(' ')}" ;;`))
    .join('\n');
}

const bashScript = (tree: CommandInfo[]): string => `# endure completion for bash: source <(endure completion bash)
_endure_subcommands() {
  case "$1" in
${caseByPath(tree, (i) => i.subcommands)}
  esac
}
_endure_flags() {
  case "$1" in
${caseByPath(tree, (i) => i.flags)}
  esac
}
_endure_value_flags() {
  case "$1" in
${caseByPath(tree, (i) => i.valueFlags)}
  esac
}
_endure_choices() {
  case "$1|$2" in
${choicesCase(tree)}
  esac
}
# The command path typed before word $1 (subcommand names only).
_endure_path() {
  local path="" skip=0 i w
  for ((i = 1; i < $1; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      --*=*) ;;
      -*) case " $(_endure_value_flags "$path") " in *" $w "*) skip=1 ;; esac ;;
      *) case " $(_endure_subcommands "$path") " in *" $w "*) path="\${path:+$path }$w" ;; esac ;;
    esac
  done
  echo "$path"
}
_endure() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" path
  ((COMP_CWORD > 1)) && prev="\${COMP_WORDS[COMP_CWORD - 1]}"
  path="$(_endure_path "$COMP_CWORD")"
  local choices
  choices="$(_endure_choices "$path" "$prev")"
  if [[ -n "$choices" ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$choices" -- "$cur")
  elif [[ "$cur" == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$(_endure_flags "$path")" -- "$cur")
  else
    mapfile -t COMPREPLY < <(compgen -W "$(_endure_subcommands "$path")" -- "$cur")
  fi
}
complete -o default -F _endure endure
`;

// zsh runs the bash function through its bash completion layer.
const zshScript = (tree: CommandInfo[]): string => `#compdef endure
# endure completion for zsh: source <(endure completion zsh)
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashScript(tree).split('\n').slice(1).join('\n')}`;

function fishSwitch(name: string, tree: CommandInfo[], words: (info: CommandInfo) => string[]): string {
  const branches = tree
    .map((info) => ({ info, list: words(info) }))
    .filter(({ list }) => list.length > 0)
    .map(({ info, list }) => `        case '${info.path}'\n            printf '%s\\n' ${list.join(' ')}`)
    .join('\n');
  return `function ${name}\n    switch "$argv[1]"\n${branches}\n    end\nend`;
}

const fishScript = (tree: CommandInfo[]): string => {
  const lines = [
    '# endure completion for fish: endure completion fish > ~/.config/fish/completions/endure.fish',
    fishSwitch('__endure_subcommands', tree, (i) => i.subcommands),
    fishSwitch('__endure_value_flags', tree, (i) => i.valueFlags),
    `function __endure_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $t
            case '--*=*'
            case '-*'
                if contains -- $t (__endure_value_flags "$path")
                    set skip 1
                end
            case '*'
                if contains -- $t (__endure_subcommands "$path")
                    set -a path $t
                end
        end
    end
    echo "endure $path" | string trim
end`,
    'complete -c endure -f',
  ];
  for (const info of tree) {
    const at = `'test (__endure_path) = "${`endure ${info.path}`.trim()}"'`;
    if (info.subcommands.length > 0) lines.push(`complete -c endure -n ${at} -a '${info.subcommands.join(' ')}'`);
    for (const flag of info.flags) {
      const takesValue = info.valueFlags.includes(flag);
      const choices = info.choices.find((c) => c.flags.includes(flag))?.values;
      const spec = flag.startsWith('--') ? `-l ${flag.slice(2)}` : `-s ${flag.slice(1)}`;
      lines.push(`complete -c endure -n ${at} ${spec}${takesValue ? ' -r' : ''}${choices ? ` -a '${choices.join(' ')}'` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
};

const SCRIPTS: Record<Shell, (tree: CommandInfo[]) => string> = { bash: bashScript, zsh: zshScript, fish: fishScript };
