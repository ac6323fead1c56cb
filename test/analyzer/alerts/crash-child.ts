/**
 * Child process of crash-safety.test.ts: runs the alerting with a state file, feeds one start,
 * waits until the state file holds the pair, says `saved`, then idles until it is killed.
 * Never closes the alerting: only what was written while running survives.
 * Usage: node --import tsx crash-child.ts <alerts.yml> <state.json>
 */
import { existsSync, readFileSync } from 'node:fs';
import { createAlerting } from '../../../analyzer/alerts/index.js';
import { finding, started } from './fixtures.js';

const [file, statePath] = process.argv.slice(2);
const T = 1_700_000_000;
const alerting = createAlerting({ file, statePath, watch: false, deadLetterPath: `${statePath}.dl.jsonl` });
alerting.handle([started(T, finding()), started(T + 30, finding({ prefix: '198.51.100.0/24' }))]);

const saved = (): boolean => {
  if (!existsSync(statePath)) return false;
  try {
    const s = JSON.parse(readFileSync(statePath, 'utf8')) as { pairs: Array<[string, { active: boolean }]> };
    return s.pairs.filter(([, p]) => p.active).length === 2;
  } catch {
    return false;
  }
};
let polls = 0;
const poll = setInterval(() => {
  if (saved()) {
    clearInterval(poll);
    process.stdout.write('saved\n');
    setInterval(() => {}, 60_000); // idle until SIGKILL
  } else if (++polls > 1000) {
    process.stdout.write('timeout\n');
    process.exit(2);
  }
}, 10);
