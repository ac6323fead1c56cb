import { HttpError } from './http.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../../common/log.js';
import { matchesFilter, type FeedFilter } from './feed-filter.js';
import { toFeedItem, type FeedItem, type Publishable } from './feed-item.js';

export interface LiveFeedOptions {
  /** Events kept per slow client before newer ones are dropped (counted). */
  clientBuffer?: number;
  /** Recent events kept for new clients and `/api/feed/recent`. */
  backlog?: number;
  /** Milliseconds between heartbeat comments (keeps proxies from closing idle streams). */
  heartbeatMs?: number;
  /** SSE clients at most (default 100); past it /api/feed answers 503 with Retry-After. */
  maxClients?: number;
}

export interface FeedStats {
  clients: number;
  published: number;
  /** Events not delivered because a client's buffer was full, summed over all clients. */
  dropped: number;
  /** Clients disconnected so far. */
  disconnected: number;
}

interface Client {
  res: ServerResponse;
  filter: FeedFilter;
  /** Frames waiting while the socket is not writable. */
  queue: string[];
  blocked: boolean;
  dropped: number;
  /** Drops not yet reported to this client. */
  unreported: number;
}

/**
 * Fan-out of lifecycle events and findings to Server-Sent-Events clients. Each item is
 * serialised once; a client whose socket cannot keep up gets a bounded queue, and
 * events past it are dropped and counted (reported to it as an `event: dropped`).
 */
export class LiveFeed {
  private readonly clients = new Set<Client>();
  private readonly recentItems: FeedItem[] = [];
  private readonly clientBuffer: number;
  private readonly backlog: number;
  private readonly timer: NodeJS.Timeout;
  private seq = 0;
  private publishedCount = 0;
  private droppedCount = 0;
  private disconnectedCount = 0;

  /** SSE clients at most; `attach` refuses past it (FeedFull). */
  readonly maxClients: number;

  constructor(opts: LiveFeedOptions = {}) {
    this.maxClients = opts.maxClients ?? 100;
    this.clientBuffer = opts.clientBuffer ?? 1000;
    this.backlog = opts.backlog ?? 200;
    this.timer = setInterval(() => this.heartbeat(), opts.heartbeatMs ?? 15_000);
    this.timer.unref();
  }

  /** Called by the pipeline for every lifecycle event or finding. Never throws, never blocks. */
  publish(item: Publishable): void {
    const feedItem = toFeedItem(++this.seq, item);
    this.publishedCount++;
    this.recentItems.push(feedItem);
    if (this.recentItems.length > this.backlog) this.recentItems.shift();
    let frame: string | undefined;
    for (const client of this.clients) {
      if (!matchesFilter(feedItem, client.filter)) continue;
      frame ??= sseFrame(feedItem);
      this.send(client, frame);
    }
  }

  /** The most recent items matching a filter, oldest first. */
  recent(filter: FeedFilter, limit = this.backlog): FeedItem[] {
    const out = this.recentItems.filter((i) => matchesFilter(i, filter));
    return out.slice(Math.max(0, out.length - limit));
  }

  stats(): FeedStats {
    return { clients: this.clients.size, published: this.publishedCount, dropped: this.droppedCount, disconnected: this.disconnectedCount };
  }

  /** Takes over an HTTP request as an SSE stream; `backlog` recent matching items are sent first. */
  attach(req: IncomingMessage, res: ServerResponse, filter: FeedFilter, backlog: number): void {
    if (this.clients.size >= this.maxClients) throw new FeedFull(this.maxClients);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client: Client = { res, filter, queue: [], blocked: false, dropped: 0, unreported: 0 };
    this.clients.add(client);
    res.write(`retry: 3000\n: connected\n\n`);
    for (const item of this.recent(filter, backlog)) this.send(client, sseFrame(item));
    res.on('drain', () => this.flush(client));
    const gone = (): void => {
      if (this.clients.delete(client)) this.disconnectedCount++;
    };
    req.on('close', gone);
    res.on('close', gone);
    res.on('error', (err) => {
      log.debug({ err }, 'feed client error');
      gone();
    });
  }

  close(): void {
    clearInterval(this.timer);
    for (const client of this.clients) client.res.end();
    this.clients.clear();
  }

  private send(client: Client, frame: string): void {
    if (client.blocked) {
      if (client.queue.length >= this.clientBuffer) {
        client.dropped++;
        client.unreported++;
        this.droppedCount++;
        return;
      }
      client.queue.push(frame);
      return;
    }
    if (!client.res.write(frame)) client.blocked = true;
  }

  private flush(client: Client): void {
    client.blocked = false;
    if (client.unreported > 0) {
      const note = `event: dropped\ndata: ${JSON.stringify({ dropped: client.unreported, total: client.dropped })}\n\n`;
      client.unreported = 0;
      if (!client.res.write(note)) {
        client.blocked = true;
        return;
      }
    }
    while (client.queue.length > 0) {
      const frame = client.queue.shift() as string;
      if (!client.res.write(frame)) {
        client.blocked = true;
        return;
      }
    }
  }

  private heartbeat(): void {
    const beat = `: heartbeat ${Math.floor(Date.now() / 1000)}\n\n`;
    for (const client of this.clients) if (!client.blocked) client.res.write(beat);
  }
}

function sseFrame(item: FeedItem): string {
  return `id: ${item.id}\nevent: ${item.type}\ndata: ${JSON.stringify(item)}\n\n`;
}

/** The live feed has its maximum of SSE clients: 503 with Retry-After. */
export class FeedFull extends HttpError {
  constructor(max: number) {
    super(503, 'feed-full', `the live feed has its maximum of ${max} clients; retry later (or use GET /api/feed/recent)`, { 'retry-after': '30' });
  }
}
