/** Input i of a target: a seed, mutated, or (now and then) random bytes or text of a random length. */
import { mutateBytes, mutateText } from './mutate.js';
import { rngFor } from './prng.js';
import type { Input, Target } from './targets.js';

export function generate(target: Target, seeds: Input[], seed: number, iteration: number): Input {
  const rng = rngFor(seed, target.name, iteration);
  if (target.kind === 'bytes') {
    const list = seeds as Uint8Array[];
    if (rng.chance(0.03)) {
      const b = Buffer.alloc(rng.int(rng.chance(0.5) ? 64 : 4096));
      for (let i = 0; i < b.length; i++) b[i] = rng.int(256);
      return b;
    }
    return mutateBytes(rng.pick(list), rng, list);
  }
  const list = seeds as string[];
  if (rng.chance(0.03)) {
    let s = '';
    const len = rng.int(rng.chance(0.5) ? 64 : 2048);
    for (let i = 0; i < len; i++) s += String.fromCharCode(rng.chance(0.9) ? 32 + rng.int(95) : rng.int(0x3000));
    return s;
  }
  return mutateText(rng.pick(list), rng, list);
}
