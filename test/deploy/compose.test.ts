import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { COMMON_OPTIONS, envName } from '../../common/config.js';
import { projectRoot } from '../../common/paths.js';

const root = projectRoot();
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
// Compose supports YAML merge keys (`<<: *anchor`); the file uses them for the shared Portolan settings.
const compose = parseYaml(composeText, { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  profiles?: string[];
  healthcheck?: { test?: string[]; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
}

/** Compose's `${NAME:-default}` interpolation with an empty environment: the defaults. */
const interpolate = (s: string): string => s.replace(/\$\{(\w+):-([^}]*)\}/g, (_m, _n, d: string) => d).replace(/\$\$/g, '$');

const portolanServices = Object.entries(compose.services).filter(([, s]) => s.build === '.');
/** Variables Portolan reads that are not flags. */
const NON_FLAG_VARS = new Set(['PORTOLAN_LOG_FORMAT', 'PORTOLAN_CONFIG', 'PORTOLAN_SHUTDOWN_TIMEOUT_MS']);

describe('docker-compose.yml', () => {
  it('has ClickHouse, the registry download, a collector, a dashboard and an optional second collector', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['clickhouse', 'collector', 'collector-b', 'dashboard', 'registry-update']);
    expect(portolanServices.map(([n]) => n).sort()).toEqual(['collector', 'collector-b', 'dashboard', 'registry-update']);
  });

  it('runs the official ClickHouse image with a data volume, a healthcheck and db/user from the environment', () => {
    const ch = compose.services.clickhouse;
    expect(ch.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(ch.volumes).toContain('clickhouse-data:/var/lib/clickhouse');
    expect(compose.volumes).toHaveProperty('clickhouse-data');
    expect(ch.healthcheck?.test?.join(' ')).toMatch(/clickhouse-client .*SELECT 1|\/ping/);
    expect(Object.keys(ch.environment ?? {})).toEqual(expect.arrayContaining(['CLICKHOUSE_DB', 'CLICKHOUSE_USER', 'CLICKHOUSE_PASSWORD']));
  });

  it('points every Portolan service at that server with the same database and credentials', () => {
    const ch = compose.services.clickhouse.environment!;
    for (const [name, s] of portolanServices) {
      const url = new URL(interpolate(s.environment!.PORTOLAN_CLICKHOUSE));
      expect(url.hostname, name).toBe('clickhouse');
      expect(url.port, name).toBe('8123');
      expect(url.pathname, name).toBe(`/${interpolate(ch.CLICKHOUSE_DB)}`);
      expect(url.username, name).toBe(interpolate(ch.CLICKHOUSE_USER));
      expect(url.password, name).toBe(interpolate(ch.CLICKHOUSE_PASSWORD));
    }
  });

  it('uses only PORTOLAN_* variables that common/config.ts defines', () => {
    const known = new Set(Object.keys(COMMON_OPTIONS).map(envName));
    const used = portolanServices.flatMap(([, s]) => Object.keys(s.environment ?? {}).filter((k) => k.startsWith('PORTOLAN_')));
    expect(used.length).toBeGreaterThan(0);
    for (const v of used) expect(known.has(v) || NON_FLAG_VARS.has(v), v).toBe(true);
  });

  it('starts collectors and the dashboard only after ClickHouse is healthy and the registry is downloaded', () => {
    for (const name of ['collector', 'collector-b', 'dashboard']) {
      const deps = compose.services[name].depends_on!;
      expect(deps.clickhouse, name).toEqual({ condition: 'service_healthy' });
      expect(deps['registry-update'], name).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(compose.services['registry-update'].command).toEqual(['registry', 'update']);
  });

  it('runs the collector without dashboard and the dashboard with serve on 8080', () => {
    const collector = compose.services.collector.command!.map(interpolate);
    expect(collector.slice(0, 2)).toEqual(['run', '--no-dashboard']);
    expect(collector).toContain('--hosts');
    const dashboard = compose.services.dashboard;
    expect(dashboard.command!.slice(0, 1)).toEqual(['serve']);
    expect(dashboard.command).toEqual(expect.arrayContaining(['--host', '0.0.0.0', '--port', '8080']));
    expect(dashboard.ports!.map(interpolate)).toContain('8080:8080');
  });

  it('puts the second collector under a profile, sharded by RIS collector', () => {
    const b = compose.services['collector-b'];
    expect(b.profiles).toEqual(['sharded']);
    const cmd = b.command!.map(interpolate);
    expect(cmd[cmd.indexOf('--hosts') + 1]).toBe('rrc00,rrc01');
    expect(compose.services.collector.profiles).toBeUndefined();
  });

  it('gives each collector its own data volume (spools are per process)', () => {
    const dataVolume = (n: string) => compose.services[n].volumes!.find((v) => v.endsWith(':/app/data'));
    const volumes = ['collector', 'collector-b', 'dashboard'].map(dataVolume);
    expect(new Set(volumes).size).toBe(3);
    for (const v of volumes) expect(compose.volumes).toHaveProperty(v!.split(':')[0]);
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const instructions = text.split('\n').filter((l) => /^[A-Z]+\s/.test(l));

  it('builds in one stage and runs production dependencies in node:20-bookworm-slim as a non-root user', () => {
    const froms = instructions.filter((l) => l.startsWith('FROM'));
    expect(froms.length).toBe(2);
    expect(text).toMatch(/ARG NODE_IMAGE=node:20-bookworm-slim/);
    expect(text).toMatch(/RUN npm ci --ignore-scripts\n/);
    expect(text).toMatch(/RUN npm run build/);
    expect(text).toMatch(/npm ci --omit=dev/);
    const user = instructions.filter((l) => l.startsWith('USER'));
    expect(user).toEqual(['USER portolan']);
  });

  it('has the CLI as entrypoint, a data volume and port 8080', () => {
    expect(instructions).toContain('ENTRYPOINT ["node", "bin/portolan.js"]');
    expect(instructions).toContain('EXPOSE 8080');
    expect(instructions).toContain('VOLUME ["/app/data"]');
  });

  it('keeps local data, dependencies and builds out of the build context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', 'dist', 'data', '.git']) expect(ignored).toContain(p);
  });
});

/** `docker compose` (v2 plugin), else the standalone `docker-compose`; null when neither runs. */
function findCompose(): { cmd: string; args: string[] } | null {
  for (const c of [{ cmd: 'docker', args: ['compose'] }, { cmd: 'docker-compose', args: [] }]) {
    const r = spawnSync(c.cmd, [...c.args, 'version'], { encoding: 'utf8', timeout: 15_000 });
    if (r.status === 0) return c;
  }
  return null;
}
const composeCli = findCompose();
const noComposeReason = 'neither `docker compose` nor `docker-compose` runs here';

describe('docker compose config', () => {
  it.skipIf(!composeCli)(`validates the file with every profile${composeCli ? ` (${[composeCli.cmd, ...composeCli.args].join(' ')})` : ` — skipped: ${noComposeReason}`}`, () => {
    for (const profile of [[], ['--profile', 'sharded']]) {
      const r = spawnSync(composeCli!.cmd, [...composeCli!.args, ...profile, '-f', join(root, 'docker-compose.yml'), 'config', '-q'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status, r.stderr).toBe(0);
    }
  });

});
