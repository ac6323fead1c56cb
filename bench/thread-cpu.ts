/**
 * Where a command's CPU goes, by thread: sampled from /proc while it runs (its rusage, which GNU
 * time reports, has the sum only). In a Node process with chDB, the main thread runs the
 * JavaScript (and waits on chDB's calls); the threads chDB names (QueryPipelineEx, MergeMutate…)
 * run the engine's inserts, views and merges; the others named `node` are V8's compiler and
 * garbage-collector helpers, libuv's pool (gunzip) and any worker threads. Linux only: elsewhere
 * every figure is NaN.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** CPU seconds (user + system) of a process tree's threads, by what runs them. */
export interface ThreadCpu {
  /** The Node process's main thread. */
  main_s: number;
  /** chDB's threads: inserts, their views, merges. */
  engine_s: number;
  /** The Node process's other threads. */
  node_s: number;
  /** The tree's other processes: those it started (lbzip2, bzip2), GNU time around it (next to nothing). */
  other_processes_s: number;
}

const TICKS_PER_S = 100; // USER_HZ, the unit of /proc's utime and stime on Linux
const SAMPLE_MS = 100;

/** A thread's group by its process and name. */
function groupOf(pid: number, tid: number, comm: string, processComm: string): keyof ThreadCpu {
  if (processComm !== 'node') return 'other_processes_s';
  if (tid === pid) return 'main_s';
  return comm === 'node' ? 'node_s' : 'engine_s';
}

const read = (path: string): string | null => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null; // gone between listing and reading
  }
};

/** A process's thread ids; none once it has ended. */
function threadsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

/** comm and utime + stime of /proc/…/stat, whose comm is in parentheses and may hold spaces. */
function statOf(path: string): { comm: string; ticks: number } | null {
  const s = read(path);
  if (!s) return null;
  const close = s.lastIndexOf(')');
  const rest = s.slice(close + 2).split(' '); // fields from the 3rd on
  return { comm: s.slice(s.indexOf('(') + 1, close), ticks: Number(rest[11]) + Number(rest[12]) };
}

/** Each thread's group and CPU time (in ticks), by `pid/tid`. */
export type Threads = Map<string, { group: keyof ThreadCpu; ticks: number }>;

/** One reading of the threads of `root` and its descendants, into `into` (a later reading of a thread replaces the earlier). */
export function readThreads(root: number, into: Threads = new Map()): Threads {
  for (const pid of [root, ...descendants(root)]) {
    const processComm = statOf(`/proc/${pid}/stat`)?.comm;
    if (!processComm) continue;
    for (const t of threadsOf(pid)) {
      const st = statOf(`/proc/${pid}/task/${t}/stat`);
      if (st) into.set(`${pid}/${t}`, { group: groupOf(pid, Number(t), st.comm, processComm), ticks: st.ticks });
    }
  }
  return into;
}

/** CPU seconds by group, of the threads as read, less what each had at an earlier reading (`since`). */
export function cpuByGroup(threads: Threads, since?: Threads): ThreadCpu {
  const out: ThreadCpu = { main_s: 0, engine_s: 0, node_s: 0, other_processes_s: 0 };
  for (const [key, { group, ticks }] of threads) out[group] += (ticks - (since?.get(key)?.ticks ?? 0)) / TICKS_PER_S;
  return out;
}

const UNREADABLE: ThreadCpu = { main_s: NaN, engine_s: NaN, node_s: NaN, other_processes_s: NaN };

/**
 * Reads the threads of `root` and its descendants every 100 ms until stopped; each thread
 * counts with the last CPU time seen, so one that ends loses at most its last 100 ms.
 */
export function sampleThreadCpu(root: number): { stop(): ThreadCpu } {
  if (!existsSync(`/proc/${root}`)) return { stop: () => UNREADABLE };
  const last = readThreads(root);
  const timer = setInterval(() => readThreads(root, last), SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return cpuByGroup(last);
    },
  };
}

/** `root`'s descendant processes (not itself), from each thread's children list. */
function descendants(root: number): number[] {
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const pid = todo.pop()!;
    for (const t of threadsOf(pid)) {
      for (const c of (read(`/proc/${pid}/task/${t}/children`) ?? '').split(' ')) {
        if (c) {
          out.push(Number(c));
          todo.push(Number(c));
        }
      }
    }
  }
  return out;
}
