/** A value as plain JSON data (typed arrays as arrays, bigints as strings), for comparing results column by column. */
export const plainData = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : typeof v === 'bigint' ? String(v) : v)));
