import type { Params, QueryRunner, Row } from './query-types.js';

/**
 * A piece of the dashboard's own SQL with the `{name:Type}` parameters it uses. Fragments
 * compose without writing into anyone's parameters: the composite carries the union, and the
 * same name bound to two different values is an error (not a silent overwrite).
 */
export interface Fragment {
  readonly sql: string;
  readonly params: Params;
}

export const frag = (sql: string, params: Params = {}): Fragment => ({ sql, params });

/**
 * `sql\`SELECT … FROM (${inner}) WHERE ${where}\``: fragments are spliced in with their
 * parameters; strings are spliced in as SQL text (the dashboard's own fixed text, never a value).
 */
export function sql(strings: TemplateStringsArray, ...parts: Array<Fragment | string>): Fragment {
  let text = strings[0];
  const pieces: Fragment[] = [];
  parts.forEach((part, i) => {
    const f = typeof part === 'string' ? frag(part) : part;
    pieces.push(f);
    text += f.sql + strings[i + 1];
  });
  return frag(text, mergeParams(pieces));
}

/** The fragments one after another, `separator` between them. */
export function join(fragments: readonly Fragment[], separator: string): Fragment {
  return frag(fragments.map((f) => f.sql).join(separator), mergeParams(fragments));
}

function mergeParams(fragments: readonly Fragment[]): Params {
  const out: Params = {};
  for (const f of fragments) {
    for (const [name, value] of Object.entries(f.params)) {
      if (name in out && !sameValue(out[name], value)) throw new Error(`SQL parameter ${name} is bound to two different values`);
      out[name] = value;
    }
  }
  return out;
}

const sameValue = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((v, i) => sameValue(v, b[i])) : Object.is(a, b);

/** Runs a fragment as one of the dashboard's read queries. */
export const read = (run: QueryRunner, q: Fragment): Promise<Row[]> => run(q.sql, q.params);

/** One bound value: `{name:Type}` with its parameter. */
export const param = (name: string, type: string, value: unknown): Fragment => frag(`{${name}:${type}}`, { [name]: value });
