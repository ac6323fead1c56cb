/** A one-line progress display on a TTY (stderr), redrawn at most a few times a second; silent otherwise. */
export class ProgressLine {
  private last = 0;
  private shown = false;
  private readonly enabled: boolean;

  constructor(enabled = process.stderr.isTTY === true) {
    this.enabled = enabled;
  }

  update(text: () => string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 250) return;
    this.last = now;
    const columns = process.stderr.columns || 100;
    process.stderr.write(`\r${text().slice(0, columns - 1).padEnd(columns - 1)}`);
    this.shown = true;
  }

  done(): void {
    if (this.shown) process.stderr.write('\n');
    this.shown = false;
  }
}

export const fmtInt = (n: number): string => Math.round(n).toLocaleString('en-US');
