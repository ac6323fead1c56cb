/** `npm run docs`: regenerates the README's store schema section from analyzer/store/schema.ts. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withSchemaSection } from '../analyzer/store/schema-doc.js';
import { projectRoot } from '../common/paths.js';

const path = join(projectRoot(), 'README.md');
writeFileSync(path, withSchemaSection(readFileSync(path, 'utf8')));
process.stdout.write(`updated the schema section of ${path}\n`);
