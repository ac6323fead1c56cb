/**
 * chDB's allocator settings: an embedded store sets JE_MALLOC_CONF (CHDB_ALLOCATOR) before chDB's
 * library loads, unless the user set it, and the library does read a value set then. Each case
 * runs in its own process: the library reads the variable once, when it loads.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHDB_ALLOCATOR } from '../../../analyzer/store/connection.js';
import { projectRoot } from '../../../common/paths.js';
import { TSX } from '../../helpers/cli.js';
import { makeTmpDir } from '../../helpers/tmp.js';

const dir = makeTmpDir('connection-allocator');

/** Opens an embedded store in a new process; prints JE_MALLOC_CONF as the library loaded with it. */
function openStoreWith(env: string | undefined): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const script = `
    const { connect } = await import(${JSON.stringify(join(projectRoot(), 'analyzer/store/connection.ts'))});
    const c = connect({ db: ${JSON.stringify(join(dir, `db-${Math.random().toString(36).slice(2)}`))} });
    await c.client.query({ query: 'SELECT 1' });
    process.stdout.write(String(process.env.JE_MALLOC_CONF));
    await c.client.close();`;
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.JE_MALLOC_CONF;
  if (env !== undefined) childEnv.JE_MALLOC_CONF = env;
  return spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { cwd: dir, env: childEnv, encoding: 'utf8' });
}

describe('chDB allocator settings', () => {
  it('an embedded store sets CHDB_ALLOCATOR when the user set nothing', () => {
    const r = openStoreWith(undefined);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(CHDB_ALLOCATOR);
  });

  it("leaves the user's own settings", () => {
    const r = openStoreWith('dirty_decay_ms:1000');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('dirty_decay_ms:1000');
  });

  it('the library reads the variable as it loads (an invalid setting with abort_conf stops it)', () => {
    const r = openStoreWith('abort_conf:true,not_an_option:1');
    expect(r.signal).toBe('SIGABRT');
    expect(r.stdout).toBe('');
  });
});
