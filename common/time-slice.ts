/**
 * Cooperative time slicing for a hot loop on the main thread (the pipeline's consumer loop in
 * `run` and `ingest`). A source whose input is already buffered (a file, a RIS Live backlog)
 * hands events over in microtasks only, so without a break the loop holds the thread for
 * seconds: HTTP requests (/metrics, /healthz, the API), timers (the writer's batch cuts) and
 * insert callbacks all wait. `tick()`, called once per item, returns a promise resolved on
 * `setImmediate` once the loop has run `sliceMs` since its last break, and undefined otherwise
 * (no promise, no microtask: the common case costs a counter increment).
 */
export class TimeSlicer {
  private count = 0;
  private started = performance.now();

  constructor(
    /** Longest stretch of work between breaks. */
    private readonly sliceMs = 10,
    /**
     * Items between clock reads (a read costs ~50 ns, an event ~10 µs warm but up to ~1 ms while
     * the code is still cold: at 64, the first slices of a run lasted 60+ ms).
     */
    private readonly checkEvery = 8,
  ) {}

  tick(): Promise<void> | undefined {
    if (++this.count < this.checkEvery) return undefined;
    this.count = 0;
    if (performance.now() - this.started < this.sliceMs) return undefined;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.started = performance.now();
        resolve();
      }),
    );
  }
}
