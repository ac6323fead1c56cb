/** `portolan completion SHELL`: what the declaration in completion.ts runs. */
import type { Command } from 'commander';
import { completionScript, type Shell } from '../completion.js';

export const completion = (shell: Shell, _opts: unknown, command: Command): void => {
  let root = command;
  while (root.parent) root = root.parent;
  process.stdout.write(completionScript(shell, root));
};
