/**
 * `ingest --jobs N` splits the work by prefix: shard k of N handles the prefixes whose hash is k
 * modulo N, in every file. A prefix's routing state, visibility, classification and rows never
 * read another prefix's, so the shards together store what one pass over all prefixes stores.
 */
export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

/** The shard of `prefix` among `count`: FNV-1a of its text, the same on every run and machine. */
export function shardOf(prefix: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < prefix.length; i++) h = Math.imul(h ^ prefix.charCodeAt(i), 0x01000193);
  return (h >>> 0) % count;
}

/** The file of a shard's routing state after a chain of files (a whole ingest's: the chain alone). */
export const stateFileName = (chain: string, shard: Shard): string => (shard.count === 1 ? chain : `${chain}.shard-${shard.index}-of-${shard.count}`);

/**
 * Whether a file in the state folder is another shard's of the same run (its state, or one being
 * written: `<name>.tmp-…`), not this shard's to remove.
 */
export function otherShardsFile(name: string, shard: Shard): boolean {
  const m = /\.shard-(\d+)-of-(\d+)(?:\.|$)/.exec(name);
  return m !== null && Number(m[2]) === shard.count && Number(m[1]) !== shard.index;
}
