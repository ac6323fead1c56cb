/**
 * `portolan completion bash|zsh|fish`: each script names every command and visible flag of the
 * declarations, the shells accept it, and completing real command lines gives the right words.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { completionScript, SHELLS, type Shell } from '../../cli/completion.js';
import { declareCommands } from '../../cli/commands/index.js';
import { runCli } from '../helpers/cli.js';
import { makeTmpDir } from '../helpers/tmp.js';

const program = new Command('portolan').version('0.0.0');
await declareCommands(program);

/** Every command path and its visible long and short flags, walked here apart from the generator. */
function declared(cmd: Command, path: string[] = []): Array<{ path: string[]; flags: string[] }> {
  const flags = cmd.options.filter((o) => !o.hidden).flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)));
  return [{ path, flags }, ...cmd.commands.flatMap((c) => declared(c, [...path, c.name()]))];
}

const has = (shell: string): boolean => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
const dir = makeTmpDir('completion');
const scriptFile = (shell: Shell): string => {
  const file = join(dir, `portolan.${shell}`);
  if (!existsSync(file)) writeFileSync(file, completionScript(shell, program));
  return file;
};

describe('completion scripts', () => {
  it.each(SHELLS)('%s: names every command and every visible flag', (shell) => {
    const script = completionScript(shell, program);
    const all = declared(program);
    expect(all.length).toBeGreaterThan(20);
    for (const { path, flags } of all) {
      for (const name of path) expect(script, `${shell}: command ${path.join(' ')}`).toContain(name);
      if (path.length) expect(script).toContain(path.join(' '));
      for (const flag of flags) expect(script, `${shell}: ${path.join(' ')} ${flag}`).toMatch(shell === 'fish' ? new RegExp(`-[ls] ${flag.replace(/^--?/, '')}\\b`) : new RegExp(`${flag}\\b`));
    }
    // Hidden flags (fault injection, test mirrors) stay out.
    expect(script).not.toContain('--close-after');
    expect(script).not.toContain('--base-url');
  });

  it('bash accepts the script (bash -n) and completes commands, sub-commands, flags and choices', () => {
    const file = scriptFile('bash');
    execFileSync('bash', ['-n', file]);
    const complete = (...words: string[]): string[] => {
      const line = words.map((w) => `'${w}'`).join(' ');
      const out = execFileSync('bash', ['-c', `source '${file}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _portolan; printf '%s\\n' "\${COMPREPLY[@]}"`]).toString();
      return out.split('\n').filter(Boolean).sort();
    };
    expect(complete('portolan', 're')).toEqual(['registry', 'replay-server', 'report']);
    expect(complete('portolan', 'registry', 'd')).toEqual(['diff']);
    expect(complete('portolan', 'registry', 'diff', '--fr')).toEqual(['--from', '--from-dir']);
    expect(complete('portolan', 'parse', '--format', '')).toEqual(['bgpdump', 'jsonl']);
    expect(complete('portolan', 'completion', '')).toEqual(['--help', '-h', 'bash', 'fish', 'zsh']);
    // A flag's value is the shell's default (file names), not more flags.
    expect(complete('portolan', 'ingest', '--db', '')).toEqual([]);
    // A flag of another command is not offered.
    expect(complete('portolan', 'parse', '--js')).toEqual([]);
  });

  it.skipIf(!has('zsh'))(`zsh accepts the script and completes the same words ${has('zsh') ? '' : '(skipped: zsh not installed)'}`, () => {
    const file = scriptFile('zsh');
    execFileSync('zsh', ['-n', file]);
    // The completion system's functions stubbed to print what they are given.
    const complete = (...words: string[]): string => {
      const line = words.map((w) => `'${w}'`).join(' ');
      return execFileSync('zsh', ['-c', `compdef() {}; _files() { echo FILES }; compadd() { shift; echo "$@" }; _describe() { print -rl -- "\${(@P)4}" }; source '${file}'; words=(${line}); CURRENT=${words.length}; _portolan`]).toString();
    };
    expect(complete('portolan', '')).toMatch(/^registry:the RIR/m);
    expect(complete('portolan', 'registry', 'diff', '')).toMatch(/^--from-dir:a folder/m);
    expect(complete('portolan', 'parse', '--format', '').trim()).toBe('jsonl bgpdump');
  });

  it.skipIf(!has('fish'))(`fish accepts the script and completes the same words ${has('fish') ? '' : '(skipped: fish not installed)'}`, () => {
    const file = scriptFile('fish');
    execFileSync('fish', ['-n', file]);
    const complete = (line: string): string[] =>
      execFileSync('fish', ['-c', `source '${file}'; complete -C '${line}'`]).toString().split('\n').filter(Boolean).map((l) => l.split('\t')[0]).sort();
    expect(complete('portolan re')).toEqual(['registry', 'replay-server', 'report']);
    expect(complete('portolan registry diff --fr')).toEqual(['--from', '--from-dir']);
    expect(complete('portolan parse --format ')).toEqual(['bgpdump', 'jsonl']);
  });

  it('portolan completion prints the script; an unknown shell is refused', async () => {
    const ok = await runCli(['completion', 'bash']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('complete -o default -F _portolan portolan');
    expect(ok.stdout).toContain("'registry diff'");
    const bad = await runCli(['completion', 'tcsh']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/bash, zsh, fish/);
  });
});
