/**
 * The layout's rules (DESIGN.md, "Layout"), read from the sources' own import statements (the
 * TypeScript compiler's pre-processor, dynamic `import()` included):
 * - arrows only point down: cli → dashboard → analyzer → collector → common;
 * - the data types (`models/`) import no code but other models and common;
 * - no module imports itself back through others (no import cycle), and no folder reaches a
 *   sibling folder that reaches it back (a folder's own files may use its subfolders, which may
 *   use those files: a package and its parts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../common/paths.js';

const ROOT = projectRoot();
const LAYERS = ['common', 'collector', 'analyzer', 'dashboard', 'cli'] as const;
const SKIP = new Set(['node_modules', 'dist']);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each source file's relative imports, as project paths of the .ts files they name. */
function importGraph(): Map<string, string[]> {
  const files = LAYERS.flatMap(sources);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.') && !/\.(css|json|svg)$/.test(spec)) // code, not assets the bundler takes
      .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts'))
      .map((path) => (known.has(path) ? path : path.replace(/\.ts$/, '.tsx')));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The import cycles: strongly connected sets of more than one file, or a file importing itself. */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const set: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      set.push(w);
    } while (w !== v);
    if (set.length > 1 || graph.get(v)?.includes(v)) found.push(set.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** For each folder, the import graph between its subfolders (each with all it holds). */
function siblingGraphs(graph: Map<string, string[]>): Map<string, Map<string, string[]>> {
  const graphs = new Map<string, Map<string, string[]>>();
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = from.split('/');
      const b = to.split('/');
      let i = 0;
      while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
      // Both sides below the shared folder are subfolders (not a file of the shared folder itself).
      if (i >= a.length - 1 || i >= b.length - 1) continue;
      const parent = a.slice(0, i).join('/') || '.';
      const siblings = graphs.get(parent) ?? new Map<string, string[]>();
      graphs.set(parent, siblings);
      const edges = siblings.get(a[i]) ?? [];
      siblings.set(a[i], edges);
      if (!edges.includes(b[i])) edges.push(b[i]);
    }
  }
  return graphs;
}

const layerOf = (file: string): number => LAYERS.indexOf(file.split('/')[0] as (typeof LAYERS)[number]);

describe('the import graph follows the layout', () => {
  const graph = importGraph();
  const edges = [...graph].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

  it('reads every layer, and every relative import names a source file', () => {
    for (const layer of LAYERS) expect([...graph.keys()].filter((f) => f.startsWith(`${layer}/`)).length, layer).toBeGreaterThan(5);
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.filter(({ to }) => !graph.has(to))).toEqual([]);
  });

  it('arrows only point down: cli → dashboard → analyzer → collector → common', () => {
    expect(edges.filter(({ from, to }) => layerOf(to) > layerOf(from)).map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });

  it('the data types (models/) import only other models and common', () => {
    const model = (f: string) => /^(analyzer|collector)\/models\//.test(f);
    const fromModels = edges.filter(({ from }) => model(from));
    expect(fromModels.length).toBeGreaterThan(0);
    expect(fromModels.filter(({ to }) => !model(to) && !to.startsWith('common/')).map(({ from, to }) => `${from} → ${to}`)).toEqual([]);
  });

  it('has no import cycle, between modules or between sibling folders', () => {
    expect(cycles(graph)).toEqual([]);
    const siblings = siblingGraphs(graph);
    expect([...siblings.keys()]).toEqual(expect.arrayContaining(['.', 'analyzer', 'collector', 'cli']));
    expect([...siblings].flatMap(([parent, g]) => cycles(g).map((c) => `${parent}: ${c.join(' ↔ ')}`))).toEqual([]);
  });

  it('finds a cycle and an upward arrow where there is one (the checks themselves)', () => {
    const made = new Map([
      ['collector/a.ts', ['collector/b.ts']],
      ['collector/b.ts', ['common/c.ts', 'collector/a.ts']],
      ['common/c.ts', ['analyzer/d.ts']],
      ['analyzer/d.ts', []],
    ]);
    expect(cycles(made)).toEqual([['collector/a.ts', 'collector/b.ts']]);
    const folders = siblingGraphs(
      new Map([
        ['analyzer/x/a.ts', ['analyzer/y/b.ts', 'analyzer/c.ts']],
        ['analyzer/y/b.ts', ['analyzer/x/deep/d.ts']],
        ['analyzer/c.ts', ['analyzer/x/a.ts']],
      ]),
    );
    expect(cycles(folders.get('analyzer')!)).toEqual([['x', 'y']]);
    expect(layerOf('analyzer/d.ts')).toBeGreaterThan(layerOf('common/c.ts'));
  });
});
