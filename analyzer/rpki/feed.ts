/**
 * The current RPKI data of a long-running job: loaded from a file or URL, refreshed on a
 * schedule. A refresh that fails (unreadable, malformed, no usable VRP) is logged and counted,
 * and the last good index stays in use.
 */
import { log } from '../../common/log.js';
import type { VrpIndex } from './vrp-index.js';
import { loadVrps, type VrpLoadOptions } from './load.js';

export interface RpkiFeedStats {
  loads: number;
  failures: number;
  lastError: string | null;
}

export class RpkiFeed {
  private index: VrpIndex | null = null;
  private timer: NodeJS.Timeout | null = null;
  readonly stats: RpkiFeedStats = { loads: 0, failures: 0, lastError: null };

  constructor(
    /** Files or URLs, merged into one index. */
    readonly sources: readonly string[],
    private readonly opts: VrpLoadOptions & { load?: (sources: readonly string[]) => Promise<VrpIndex> } = {},
  ) {}

  current(): VrpIndex | null {
    return this.index;
  }

  /** Loads the source again; on failure keeps the last good index and returns null. */
  async refresh(): Promise<VrpIndex | null> {
    try {
      const next = await (this.opts.load ?? ((s: readonly string[]) => loadVrps(s, this.opts)))(this.sources);
      this.index = next;
      this.stats.loads++;
      this.stats.lastError = null;
      log.info({ sources: this.sources, vrps: next.size, tas: next.tas, format: next.stats.format }, 'RPKI VRPs loaded');
      return next;
    } catch (err) {
      this.stats.failures++;
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      log.error({ sources: this.sources, err: this.stats.lastError, keeping: this.index ? this.index.size : 0 }, this.index ? 'RPKI refresh failed; the last good VRPs stay in use' : 'RPKI VRPs could not be loaded');
      return null;
    }
  }

  /** Refreshes every `intervalMs` (timer unref'd), calling `onUpdate` with each new index. */
  schedule(intervalMs: number, onUpdate: (index: VrpIndex) => void | Promise<void>): void {
    this.stop();
    this.timer = setInterval(() => {
      void this.refresh().then((next) => (next ? onUpdate(next) : undefined)).catch((err) => log.error({ err }, 'RPKI update failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
