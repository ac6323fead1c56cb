import { ApiError } from '../api.js';
import { h, section, note, fill } from '../dom.js';
import { compact, integer } from '../format.js';
import { errorBox, loading } from './common.js';

interface Health {
  feed: Record<string, unknown> | null;
  feedNote?: string;
  live: { clients: number; published: number; dropped: number; disconnected: number };
  store: { ok: boolean; error?: string; pingMs: number };
  uptimeSeconds: number;
}

const dl = (pairs: Array<[string, string]>): HTMLElement => h('dl', { class: 'kv' }, pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));

export function healthView(main: HTMLElement): () => void {
  const holder = h('div', {}, loading());
  main.append(h('h1', {}, 'Feed health'), holder);
  const load = async (): Promise<void> => {
    let d: Health;
    const res = await fetch('/api/health');
    d = (await res.json()) as Health;
    if (!('store' in d)) throw new ApiError(res.status, 'http', 'unexpected answer');
    const f = d.feed;
    fill(holder, 
      section(
        'Collector',
        f
          ? dl([
              ['Connected', f.connected ? 'yes' : 'no'],
              ['Messages/s', compact(Number(f.messagesPerSecond ?? 0))],
              // The server words the lag (a replay's is the age of its data, not a delay).
              ['Lag', typeof f.lagText === 'string' ? f.lagText : f.lagSeconds === null || f.lagSeconds === undefined ? '–' : `${Number(f.lagSeconds).toFixed(1)} s`],
              ...(f.overload ? [['Overload mode', String(f.overload)] as [string, string]] : []),
              ['Reconnects', integer(Number(f.reconnects ?? 0))],
              ['Drops', integer(Number(f.drops ?? 0))],
              ...(f.shed !== undefined ? [['Shed (withdrawals of unknown routes not stored)', integer(Number(f.shed))] as [string, string]] : []),
              ...(f.source ? [['Source', String(f.source)] as [string, string]] : []),
            ])
          : note(d.feedNote ?? 'No collector.'),
      ),
      section(
        'Store',
        dl([
          ['Status', d.store.ok ? 'up' : `down: ${d.store.error ?? ''}`],
          ['Ping', `${d.store.pingMs} ms`],
        ]),
      ),
      section(
        'Live feed (this server)',
        dl([
          ['Browsers connected', integer(d.live.clients)],
          ['Events published', integer(d.live.published)],
          ['Events dropped for slow browsers', integer(d.live.dropped)],
          ['Uptime', `${integer(d.uptimeSeconds)} s`],
        ]),
      ),
    );
  };
  const tick = (): void => void load().catch((err) => fill(holder, errorBox(err)));
  tick();
  const timer = window.setInterval(tick, 5000);
  return () => window.clearInterval(timer);
}
