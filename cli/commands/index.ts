import type { Command } from 'commander';
import { register as run } from './run.js';
import { register as ingest } from './ingest.js';
import { register as parse } from './parse.js';
import { register as lookup } from './lookup.js';
import { register as registry } from './registry.js';
import { register as query } from './query.js';
import { register as serve } from './serve.js';
import { register as replayServer } from './replay-server.js';
import { register as alerts } from './alerts.js';
import { register as portabilityIndex } from './portability-index.js';
import { register as report } from './report.js';
import { register as completion } from './completion.js';
import { register as geo } from './geo.js';

/** Every `portolan` sub-command, in the order `--help` lists them. */
export const commands: Array<(program: Command) => void> = [run, ingest, parse, lookup, registry, query, serve, replayServer, portabilityIndex, report, geo, alerts, completion];
