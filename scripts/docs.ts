/**
 * `npm run docs`: regenerates the README's generated sections: the store schema (from
 * analyzer/store/schema.ts) and the cited RIR policy table (from analyzer/classify/policy.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withPolicySection } from '../analyzer/classify/policy.js';
import { withSchemaSection } from '../analyzer/store/schema-doc.js';
import { projectRoot } from '../common/paths.js';

const path = join(projectRoot(), 'README.md');
writeFileSync(path, withPolicySection(withSchemaSection(readFileSync(path, 'utf8'))));
process.stdout.write(`updated the schema and policy table sections of ${path}\n`);
