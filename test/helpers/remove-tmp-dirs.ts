/** Runs before every test file (vitest's setupFiles): its temporary folders go once its tests are done. */
import { afterAll } from 'vitest';
import { removeTmpDirs } from './tmp.js';

afterAll(removeTmpDirs);
