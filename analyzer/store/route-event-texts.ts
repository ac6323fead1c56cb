import type { AsPathSegment, Community, RouteEvent } from '../../collector/models/route-event.js';
import { lanesAfter, writeHash64From, type Lanes } from './hash.js';
import type { ByteSink } from './rowbinary.js';
import { asPathText, communityTexts, eventIdHead, eventIdTail } from './rows.js';

const NO_PATH: AsPathSegment[] = [];

/**
 * The texts and ids of route events as one source gives them, kept from each event to the next.
 * The elements of one UPDATE share their collector, peer, time and type (the id's leading parts)
 * and their path and communities arrays (collector/bgp/elems.ts), so each is made into text, and
 * mixed into the id, once per UPDATE instead of once per element. Events are data: an array is
 * not changed once an event holds it, so the same array has the same text.
 */
export class RouteEventTexts {
  private path: AsPathSegment[] = NO_PATH;
  private pathText = '';
  private communityList: Community[] | undefined;
  private communityTextList: string[] = communityTexts(undefined);
  private communitiesJoined = '';
  private collector = '';
  private peerIp = '';
  private peerAsn = -1;
  private time = Number.NaN;
  private type = '';
  /** The id's lanes after the leading parts of the event they were made for. */
  private readonly head: Lanes = { hi: 0, lo: 0, length: 0, parts: 0 };

  /** asPathText of the event's path. */
  asPath(e: RouteEvent): string {
    const path = e.as_path ?? NO_PATH;
    if (path !== this.path) {
      this.path = path;
      this.pathText = asPathText(path);
    }
    return this.pathText;
  }

  /** communityTexts of the event's communities. */
  communities(e: RouteEvent): string[] {
    const list = e.communities;
    if (list !== this.communityList) {
      this.communityList = list;
      this.communityTextList = communityTexts(list);
      this.communitiesJoined = this.communityTextList.join(' ');
    }
    return this.communityTextList;
  }

  /** Writes the event's id (`hash64Parts(eventIdParts(e, …))`) as a RowBinary UInt64. */
  writeId(out: ByteSink, e: RouteEvent, asPath: string, nextHop: string): void {
    if (e.timestamp !== this.time || e.peer_ip !== this.peerIp || e.peer_asn !== this.peerAsn || e.collector !== this.collector || e.elem_type !== this.type) {
      lanesAfter(this.head, eventIdHead(e));
      this.time = e.timestamp;
      this.peerIp = e.peer_ip;
      this.peerAsn = e.peer_asn;
      this.collector = e.collector;
      this.type = e.elem_type;
    }
    this.communities(e);
    writeHash64From(out, this.head, eventIdTail(e, asPath, nextHop, this.communitiesJoined));
  }
}
