/** `portolan completion bash|zsh|fish`: a completion script generated from the command declarations. */
import { Argument, type Command } from 'commander';
import { lazy } from '../lazy.js';
import { SHELLS } from '../completion.js';

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script for every command and flag (bash, zsh or fish)')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText('after', '\nExamples:\n  eval "$(portolan completion bash)"            # in ~/.bashrc\n  eval "$(portolan completion zsh)"             # in ~/.zshrc, after compinit\n  portolan completion fish > ~/.config/fish/completions/portolan.fish')
    .action(lazy(() => import('./completion.action.js'), 'completion'));
}
