/**
 * The collector an MRT archive file came from, read from its path as the archives lay files
 * out: RIS `…/rrc06/2015.04/updates.20150401.0000.gz` (or BGPStream's
 * `ris.rrc06.updates.1427846400.gz`), RouteViews `…/route-views.jinx/bgpdata/2015.04/UPDATES/
 * updates.20150401.0000.bz2` (or `routeviews.route-views.jinx.updates.1427846400.bz2`), and
 * route-views2, whose archive is `archive.routeviews.org/bgpdata/…` with no folder of its own.
 *
 * A path that names no collector gets one shared label, never its file name: the routing
 * state keys a peer by (collector, peer IP, peer AS), so a label per file would make each
 * 5-minute file of one collector a new set of peers, whose withdrawals never reach the routes
 * of the files before it, and whose peers count again towards the index's --min-peers.
 */

/** The collector of files whose path names none (`--collector` names it). */
export const UNNAMED_COLLECTOR = 'unknown';

const RIS = /(?:^|[^a-z0-9])(rrc\d{2,3})(?![0-9])/i;
/** route-views2, route-views.jinx, route-views2.saopaulo…; a dot then a dump type ends the name. */
const ROUTE_VIEWS = /(?:^|[^a-z0-9-])(route-views\d*(?:\.(?!(?:updates|ribs?|bview|bgpdata)(?![a-z0-9]))[a-z0-9]+)?)(?![a-z0-9-])/i;

/** The collector named by `file`'s path (the file name first, then its folders, innermost first), or UNNAMED_COLLECTOR. */
export function collectorFromPath(file: string): string {
  const parts = file.split(/[\\/]/).filter(Boolean).reverse();
  for (const [i, part] of parts.entries()) {
    const m = RIS.exec(part) ?? ROUTE_VIEWS.exec(part);
    if (m) return m[1].toLowerCase();
    if (part === 'bgpdata' && parts[i + 1]?.toLowerCase() === 'archive.routeviews.org') return 'route-views2';
  }
  return UNNAMED_COLLECTOR;
}
