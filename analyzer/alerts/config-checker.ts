import { isMap, isScalar, isSeq, type LineCounter, type Node, type YAMLMap } from 'yaml';
import { parseDuration, TimeParseError } from '../../common/time.js';

/** One problem in alerts.yml, located at a line and column (1-based). */
export interface ConfigProblem {
  line: number;
  col: number;
  message: string;
}

/** The type of one option of a channel (or of the file), checked against the YAML node. */
export type FieldType = 'string' | 'boolean' | 'integer' | 'number' | 'duration' | 'string-list' | 'url';

export interface FieldSpec {
  type: FieldType;
  required?: boolean;
  enum?: readonly string[];
  min?: number;
  max?: number;
}

export type FieldSpecs = Record<string, FieldSpec>;

/** Collects problems with their position; the validators return undefined after reporting one. */
export class Checker {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly lines: LineCounter) {}

  report(node: Node | null | undefined, message: string, fallbackOffset = 0): void {
    const offset = node?.range?.[0] ?? fallbackOffset;
    const { line, col } = this.lines.linePos(offset);
    this.problems.push({ line, col, message });
  }

  /** The map's keys, reporting those not in `allowed`. */
  entries(map: YAMLMap, allowed: readonly string[], where: string): Map<string, { key: Node; value: Node | null }> {
    const out = new Map<string, { key: Node; value: Node | null }>();
    for (const pair of map.items) {
      const keyNode = pair.key as Node;
      const key = isScalar(keyNode) ? String(keyNode.value) : '';
      if (!allowed.includes(key)) {
        this.report(keyNode, `unknown key "${key}" in ${where} (allowed: ${allowed.join(', ')})`);
        continue;
      }
      if (out.has(key)) this.report(keyNode, `duplicate key "${key}" in ${where}`);
      out.set(key, { key: keyNode, value: (pair.value as Node | null) ?? null });
    }
    return out;
  }

  lineOf(node: Node | null | undefined): number {
    return this.lines.linePos(node?.range?.[0] ?? 0).line;
  }

  map(node: Node | null, where: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.report(node, `${where} must be a mapping`);
    return undefined;
  }

  /** A list of scalars; a single scalar is accepted as a one-item list. */
  list(node: Node | null, where: string): Array<{ node: Node; value: unknown }> | undefined {
    if (isSeq(node)) {
      const out: Array<{ node: Node; value: unknown }> = [];
      for (const item of node.items) {
        if (isScalar(item)) out.push({ node: item, value: item.value });
        else this.report(item as Node, `${where}: every entry must be a single value`);
      }
      return out;
    }
    if (isScalar(node) && node.value !== null) return [{ node, value: node.value }];
    this.report(node, `${where} must be a list`);
    return undefined;
  }

  field(node: Node | null, spec: FieldSpec, where: string): unknown {
    if (spec.type === 'string-list') {
      const items = this.list(node, where);
      if (!items) return undefined;
      const bad = items.find((i) => typeof i.value !== 'string');
      if (bad) return this.report(bad.node, `${where}: entries must be strings`);
      return items.map((i) => i.value as string);
    }
    if (!isScalar(node) || node.value === null) return this.report(node, `${where} must be a ${spec.type}`);
    const v = node.value;
    switch (spec.type) {
      case 'string':
      case 'url': {
        if (typeof v !== 'string' && typeof v !== 'number') return this.report(node, `${where} must be a string`);
        const s = String(v);
        if (spec.enum && !spec.enum.includes(s)) return this.report(node, `${where} must be one of ${spec.enum.join(', ')} (got "${s}")`);
        if (spec.type === 'url') {
          try {
            const u = new URL(s);
            if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
          } catch {
            return this.report(node, `${where} must be an http(s) URL (got "${s}")`);
          }
        }
        return s;
      }
      case 'boolean':
        if (typeof v !== 'boolean') return this.report(node, `${where} must be true or false`);
        return v;
      case 'integer':
      case 'number': {
        if (typeof v !== 'number' || !Number.isFinite(v) || (spec.type === 'integer' && !Number.isInteger(v))) {
          return this.report(node, `${where} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}`);
        }
        if (spec.min !== undefined && v < spec.min) return this.report(node, `${where} must be at least ${spec.min}`);
        if (spec.max !== undefined && v > spec.max) return this.report(node, `${where} must be at most ${spec.max}`);
        return v;
      }
      case 'duration': {
        try {
          return parseDuration(v, { name: where });
        } catch (err) {
          if (!(err instanceof TimeParseError)) throw err;
          return this.report(node, err.message);
        }
      }
    }
  }

  /** Converts the keys of `specs` (from `entries`, which default to `map`'s keys checked against `specs`). */
  fields(map: YAMLMap, specs: FieldSpecs, where: string, entries = this.entries(map, Object.keys(specs), where)): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(specs)) {
      const entry = entries.get(key);
      if (!entry) {
        if (spec.required) this.report(map, `${where || 'the file'}: "${key}" is required`);
        continue;
      }
      const value = this.field(entry.value, spec, where ? `${where}.${key}` : key);
      if (value !== undefined) out[key] = value;
    }
    return out;
  }
}
