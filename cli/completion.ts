/**
 * Shell completion scripts (bash, zsh, fish) generated from the commander declarations, so a
 * new command or flag completes without editing a script. Each shell finds the command path
 * the same way: the words typed so far that name a (sub-)command, e.g. `registry diff`.
 */
import type { Command, Option } from 'commander';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

interface FlagSpec {
  long?: string;
  short?: string;
  description: string;
  takesValue: boolean;
  choices?: string[];
}

/** One command of the tree: its path (`registry diff`), sub-commands and flags. */
export interface CommandSpec {
  path: string;
  description: string;
  subcommands: Array<{ name: string; description: string }>;
  flags: FlagSpec[];
  /** Values of the first argument when it has a fixed set (e.g. `completion <shell>`). */
  argChoices?: string[];
}

/** Every command of the program as it shows in `--help` (hidden flags left out). */
export function commandSpecs(program: Command): CommandSpec[] {
  const specs: CommandSpec[] = [];
  const walk = (cmd: Command, path: string): void => {
    const help = cmd.createHelp();
    const subs = help.visibleCommands(cmd).filter((c) => c.name() !== 'help');
    specs.push({
      path,
      description: firstLine(cmd.description()),
      subcommands: subs.map((c) => ({ name: c.name(), description: firstLine(c.description()) })),
      flags: help.visibleOptions(cmd).map(flagSpec),
      argChoices: cmd.registeredArguments[0]?.argChoices ? [...cmd.registeredArguments[0].argChoices] : undefined,
    });
    for (const c of subs) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, '');
  return specs;
}

const flagSpec = (o: Option): FlagSpec => ({ long: o.long, short: o.short, description: firstLine(o.description), takesValue: o.required || o.optional, choices: o.argChoices ? [...o.argChoices] : undefined });

const firstLine = (text: string): string => {
  const line = text.split('\n')[0].trim();
  return line.length > 90 ? `${line.slice(0, 87)}...` : line;
};

export function completionScript(shell: Shell, program: Command): string {
  const specs = commandSpecs(program);
  const name = program.name();
  if (shell === 'bash') return bashScript(name, specs);
  if (shell === 'zsh') return zshScript(name, specs);
  return fishScript(name, specs);
}

const fnName = (name: string): string => `_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
/** A word quoted for bash and zsh single quotes. */
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const flagWords = (f: FlagSpec): string[] => [f.long, f.short].filter((x): x is string => Boolean(x));
const words = (spec: CommandSpec): string[] => [...spec.subcommands.map((s) => s.name), ...(spec.argChoices ?? []), ...spec.flags.flatMap(flagWords)];
const paths = (specs: CommandSpec[]): string => specs.filter((s) => s.path).map((s) => sq(s.path)).join('|');

/** Shell code (bash and zsh alike) that sets `path` to the command path of the words before the cursor. */
const pathLoop = (specs: CommandSpec[], first: string, last: string, word: string): string => `  local cmdpath='' i w
  for ((i = ${first}; i < ${last}; i++)); do
    w=${word}
    case "\${cmdpath:+$cmdpath }$w" in
      ${paths(specs)}) cmdpath="\${cmdpath:+$cmdpath }$w" ;;
    esac
  done`;

function bashScript(name: string, specs: CommandSpec[]): string {
  const fn = fnName(name);
  const valueCases = specs.flatMap((s) =>
    s.flags.filter((f) => f.takesValue).map((f) => {
      const pattern = flagWords(f).map((w) => sq(`${s.path}:${w}`)).join('|');
      return f.choices ? `      ${pattern}) COMPREPLY=($(compgen -W ${sq(f.choices.join(' '))} -- "$cur")); return ;;` : `      ${pattern}) return ;;`;
    }),
  );
  return `# bash completion for ${name}: eval "$(${name} completion bash)" (e.g. in ~/.bashrc)
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
${pathLoop(specs, '1', 'COMP_CWORD', '"${COMP_WORDS[i]}"')}
  # A flag that takes a value: its choices, or (return with nothing) the shell's default, file names.
  if [[ $COMP_CWORD -gt 1 ]]; then
    case "$cmdpath:$prev" in
${valueCases.join('\n')}
    esac
  fi
  local candidates
  case "$cmdpath" in
${specs.map((s) => `    ${sq(s.path)}) candidates=${sq(words(s).join(' '))} ;;`).join('\n')}
  esac
  COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
}
complete -o default -F ${fn} ${name}
`;
}

function zshScript(name: string, specs: CommandSpec[]): string {
  const fn = fnName(name);
  const describe = (s: CommandSpec): string[] => [
    ...s.subcommands.map((c) => `${c.name}:${c.description}`),
    ...(s.argChoices ?? []).map((c) => `${c}:${c}`),
    ...s.flags.flatMap((f) => flagWords(f).map((w) => `${w}:${f.description}`)),
  ].map((e) => sq(e));
  const valueCases = specs.flatMap((s) =>
    s.flags.filter((f) => f.takesValue).map((f) => {
      const pattern = flagWords(f).map((w) => sq(`${s.path}:${w}`)).join('|');
      return f.choices ? `    ${pattern}) compadd -- ${f.choices.map(sq).join(' ')}; return ;;` : `    ${pattern}) _files; return ;;`;
    }),
  );
  return `#compdef ${name}
# zsh completion for ${name}: eval "$(${name} completion zsh)" after compinit (e.g. in ~/.zshrc)
${fn}() {
${pathLoop(specs, '2', 'CURRENT', '"${words[i]}"')}
  case "$cmdpath:\${words[CURRENT-1]}" in
${valueCases.join('\n')}
  esac
  local -a candidates
  case "$cmdpath" in
${specs.map((s) => `    ${sq(s.path)}) candidates=(${describe(s).join(' ')}) ;;`).join('\n')}
  esac
  _describe -t commands '${name}' candidates
  _files
}
compdef ${fn} ${name}
`;
}

function fishScript(name: string, specs: CommandSpec[]): string {
  const fn = `__${name.replace(/[^A-Za-z0-9_]/g, '_')}_path`;
  const fq = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    `# fish completion for ${name}: ${name} completion fish > ~/.config/fish/completions/${name}.fish`,
    `function ${fn}`,
    `  set -l cmdpath ''`,
    `  for w in (commandline -opc)[2..-1]`,
    `    set -l next (string trim -- "$cmdpath $w")`,
    `    if contains -- $next ${specs.filter((s) => s.path).map((s) => fq(s.path)).join(' ')}`,
    `      set cmdpath $next`,
    `    end`,
    `  end`,
    `  echo $cmdpath`,
    `end`,
    `function ${fn}_is`,
    `  set -l cmdpath (${fn})`,
    `  test "$cmdpath" = "$argv[1]"`,
    `end`,
  ];
  for (const s of specs) {
    const when = `-n ${fq(`${fn}_is ${fq(s.path)}`)}`;
    for (const c of s.subcommands) lines.push(`complete -c ${name} ${when} -f -a ${fq(c.name)} -d ${fq(c.description)}`);
    if (s.argChoices) lines.push(`complete -c ${name} ${when} -f -a ${fq(s.argChoices.join(' '))}`);
    for (const f of s.flags) {
      const parts = [`complete -c ${name} ${when}`];
      if (f.long) parts.push(`-l ${f.long.replace(/^--/, '')}`);
      if (f.short) parts.push(`-s ${f.short.replace(/^-/, '')}`);
      if (f.choices) parts.push(`-x -a ${fq(f.choices.join(' '))}`);
      else if (f.takesValue) parts.push('-r');
      parts.push(`-d ${fq(f.description)}`);
      lines.push(parts.join(' '));
    }
  }
  return `${lines.join('\n')}\n`;
}
