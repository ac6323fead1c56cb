import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder for one test file (tests never write anywhere else). */
export const makeTmpDir = (label: string): string => mkdtempSync(join(tmpdir(), `portolan-${label}-`));
