/**
 * The benches' CPU by thread: a child process spends known CPU time (by its own threads' clocks,
 * not the wall's) on its main thread, a worker thread, chDB's threads and a process it starts;
 * the sampler must put each in its group.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuByGroup, readThreads, sampleThreadCpu } from '../../bench/thread-cpu.js';
import { projectRoot } from '../../common/paths.js';
import { makeTmpDir } from '../helpers/tmp.js';

/** Spins the calling thread until its own CPU time (Linux: /proc/thread-self/stat) reaches `seconds`. */
const SPIN = `const spin = (seconds) => {
  const { readFileSync } = require('node:fs');
  const used = () => { const s = readFileSync('/proc/thread-self/stat', 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
  const start = used();
  while (used() - start < seconds) for (let i = 0; i < 1e5; i++);
};`;

// Bounded, so that a /proc it cannot read never leaves it spinning after the test.
const BASH_SPIN = 'for ((i = 0; i < 1000000; i++)); do read -r s < /proc/$$/stat; set -- ${s##*) }; (( ${12} + ${13} >= 50 )) && break; done';

const childScript = (db: string): string => `${SPIN}
const SPIN = ${JSON.stringify(SPIN)};
const { Worker } = require('node:worker_threads');
const { execFileSync } = require('node:child_process');
const worker = new Worker(\`\${SPIN}; spin(0.5)\`, { eval: true });
spin(0.5);
worker.on('exit', () => {
  const { Session } = require(${JSON.stringify(join(projectRoot(), 'node_modules', 'chdb'))});
  const session = new Session(${JSON.stringify(db)});
  session.query('SELECT sum(cityHash64(toString(number))) FROM numbers(100000000)', 'CSV');
  // A process other than Node's (as lbzip2 is): counted apart. Bash spins on its own CPU clock too.
  execFileSync('bash', ['-c', ${JSON.stringify(BASH_SPIN)}]);
  setTimeout(() => process.exit(0), 300); // a last reading before the threads end
});
`;

describe('bench CPU by thread', () => {
  it('puts the main thread, worker threads, the engine and other processes in their groups', async () => {
    const child = spawn(process.execPath, ['-e', childScript(join(makeTmpDir('thread-cpu'), 'db'))], { stdio: 'inherit' });
    const sampler = sampleThreadCpu(child.pid!);
    const before = readThreads(child.pid!);
    const status = await new Promise((resolve) => child.on('exit', resolve));
    const cpu = sampler.stop();
    expect(status).toBe(0);
    // Each spun 0.5 s of its own CPU; a reading may miss a thread's last 100 ms.
    expect(cpu.main_s).toBeGreaterThanOrEqual(0.35);
    expect(cpu.node_s).toBeGreaterThanOrEqual(0.35);
    expect(cpu.other_processes_s).toBeGreaterThanOrEqual(0.35);
    expect(cpu.other_processes_s).toBeLessThan(1.5);
    expect(cpu.engine_s).toBeGreaterThan(0.05); // the query's hashing ran on chDB's threads, not the main one's
    // A reading less an earlier one counts what was spent in between.
    const since = cpuByGroup(new Map([...before].map(([k, v]) => [k, { ...v, ticks: v.ticks + 10 }])), before);
    expect(since.main_s + since.node_s + since.engine_s + since.other_processes_s).toBeCloseTo(before.size * 0.1, 5);
  }, 60_000);
});
