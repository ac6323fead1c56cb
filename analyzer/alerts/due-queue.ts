/** A min-heap of (due time, key): the engine's pending catch-ups, so finding the due ones costs log n. */
export class DueQueue {
  private readonly heap: Array<{ due: number; key: string }> = [];

  get size(): number {
    return this.heap.length;
  }

  push(due: number, key: string): void {
    const h = this.heap;
    h.push({ due, key });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].due <= h[i].due) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  peekDue(): number {
    return this.heap.length ? this.heap[0].due : Infinity;
  }

  pop(): { due: number; key: string } | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l].due < h[m].due) m = l;
        if (r < h.length && h[r].due < h[m].due) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}
