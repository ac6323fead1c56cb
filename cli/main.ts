import { Command } from 'commander';
import { packageVersion } from '../common/paths.js';
import { declareCommands } from './commands/index.js';

// No top-level await: the bundled start (scripts/bundle-cli.mjs) is a CommonJS script.
async function main(): Promise<void> {
  const program = new Command('portolan')
    .description('Where IP address space is registered, and where it is used: BGP correlated with the five RIRs and geolocation.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: false });

  try {
    // Registering reads portolan.yml (option defaults), so a broken file is reported here.
    await declareCommands(program, process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`portolan: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }

  await program.parseAsync(process.argv);
}

void main();
