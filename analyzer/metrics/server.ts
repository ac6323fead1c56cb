import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleOpsRequest, type OpsHandlerDeps } from './http.js';

/** /metrics and /healthz alone, for a collector that runs without the dashboard. */
export async function startOpsServer(deps: OpsHandlerDeps, port: number, host: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void handleOpsRequest(req, res, deps).then((done) => {
      if (!done) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only /metrics and /healthz here (the dashboard is off)\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
