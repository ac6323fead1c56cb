import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import type { Finding, MismatchKind } from '../../../analyzer/models/finding.js';
import { handleOpsRequest, type OpsHandlerDeps } from '../../../analyzer/metrics/index.js';

export function event(prefix: string, elem_type: 'announce' | 'withdraw' = 'announce'): RouteEvent {
  return { timestamp: 1_700_000_000, elem_type, peer_ip: '192.0.2.1', peer_asn: 64500, prefix, atomic: false, collector: 'rrc00', origin_asns: [64501] };
}

export function finding(prefix: string, kinds: MismatchKind[]): Finding {
  return {
    time: 1_700_000_000,
    prefix,
    family: 4,
    addresses: 256,
    originAsn: 64501,
    originAsns: [64501],
    prefixRir: 'afrinic',
    registeredCc: 'SC',
    holderId: null,
    ianaRir: 'afrinic',
    legacy: false,
    originRir: 'apnic',
    originCc: 'HK',
    usageRegion: 'apnic',
    mainCountry: 'HK',
    shareAbroad: 0.97,
    geo: [{ cc: 'HK', addresses: 248, share: 0.97 }],
    kinds,
    geoSubkind: kinds.includes('geo-out-of-region') ? 'abroad-inconsistent' : null,
    severity: 'high',
    visibility: 3,
    why: 'test finding',
  };
}

/** A node:http server on 127.0.0.1 (ephemeral port) that mounts only the ops handler; 404 otherwise. */
export async function startOpsServer(deps: OpsHandlerDeps): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    void handleOpsRequest(req, res, deps).then((handled) => {
      if (!handled) res.writeHead(404).end('not here\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The value of one sample line in a Prometheus text exposition, e.g. `portolan_findings_total{kind="legacy"}`. */
export function sample(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    if (line.slice(0, i) === series) return Number(line.slice(i + 1));
  }
  return undefined;
}
