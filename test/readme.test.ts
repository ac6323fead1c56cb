/**
 * The README documents every store table and column for analysts (generated from the schema
 * definition: `npm run docs`), the cited RIR policy table (generated from analyzer/classify/policy.ts)
 * and every CLI command; this keeps it in step with the code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { policyRows, withPolicySection } from '../analyzer/classify/policy.js';
import { withSchemaSection } from '../analyzer/store/schema-doc.js';
import { TABLES } from '../analyzer/store/schema.js';
import { declareCommands } from '../cli/commands/index.js';
import { projectRoot } from '../common/paths.js';

const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');

describe('README', () => {
  it('carries the current store schema (run `npm run docs` after changing analyzer/store/schema.ts)', () => {
    expect(withSchemaSection(readme)).toBe(readme);
    for (const table of TABLES) {
      expect(readme).toContain(`### ${table.name}\n`);
      for (const column of table.columns) expect(readme).toContain(`| ${column.name} |`);
    }
  });

  it('carries the current cited RIR policy table (run `npm run docs` after changing analyzer/classify/policy.ts)', () => {
    expect(withPolicySection(readme)).toBe(readme);
    for (const row of policyRows()) {
      expect(readme).toContain(`| ${row.name} | `);
      if (row.quote) expect(readme).toContain(`"${row.quote}"`);
    }
  });

  it('lists every portolan command', async () => {
    const program = new Command('portolan');
    await declareCommands(program);
    for (const c of program.commands) expect(readme, `command ${c.name()} not in the README`).toContain(`portolan ${c.name()}`);
  });
});
