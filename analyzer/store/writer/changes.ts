/** A wake-up for whoever waits on the writer's state (batches held, spool depth, a replay running). */
export class Changes {
  private waiters: Array<() => void> = [];

  /** Resolves at the next `wake`. */
  next(): Promise<void> {
    return new Promise<void>((r) => this.waiters.push(r));
  }

  wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
