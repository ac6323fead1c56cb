import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMrtElems } from '../../../collector/mrt/index.js';
import type { RouteEvent } from '../../../collector/models/route-event.js';
import { startReplayServer } from '../../../collector/replay/server.js';
import { FileSource, openSource, RisLiveSource, type RouteSource } from '../../../collector/sources/index.js';
import { hasSharedData, sharedData, sharedDataSkipReason } from '../../helpers/shared-data.js';
import { makeTmpDir } from '../../helpers/tmp.js';
import * as enc from '../../helpers/mrt-encoder.js';
import { REAL_UPDATE, syntheticElements, syntheticMessages, writeCapture } from '../rislive/fixtures.js';

const dir = makeTmpDir('sources');

async function drain(source: RouteSource, limit = 1_000_000): Promise<RouteEvent[]> {
  const out: RouteEvent[] = [];
  for await (const e of source.events()) {
    out.push(e);
    if (out.length >= limit) break;
  }
  return out;
}

describe('sources (self-contained)', () => {
  const msgs = syntheticMessages(40);
  const capture = writeCapture(dir, 'syn.jsonl', msgs);

  it('openSource picks the plug-in from the spec', () => {
    expect(openSource('ws://127.0.0.1:1/v1/ws/')).toBeInstanceOf(RisLiveSource);
    expect(openSource([capture])).toBeInstanceOf(FileSource);
    expect(openSource({ kind: 'files', files: [capture] })).toBeInstanceOf(FileSource);
    expect(() => openSource(['ws://x/', capture])).toThrow(/either/);
    expect(() => openSource([])).toThrow(/no input files/);
  });

  it('FileSource marks the entries of RIB dumps (TABLE_DUMP, TABLE_DUMP_V2) from_rib, and no BGP message\'s element', async () => {
    const attrs = [enc.origin(0), enc.asPath([{ type: 2, asns: [65001, 64500] }]), enc.nextHop('192.0.2.1')];
    const peer = { peerIp: '192.0.2.1', peerAsn: 65001, localIp: '192.0.2.254', localAsn: 65000 };
    const file = join(dir, 'mixed.mrt');
    writeFileSync(
      file,
      enc.concat(
        enc.tableDump('10.0.0.0/8', '192.0.2.1', 65001, attrs),
        enc.peerIndexTable([{ ip: '192.0.2.1', asn: 65001 }, { ip: '192.0.2.2', asn: 65002 }]),
        enc.rib('10.1.0.0/16', [{ peerIndex: 0, attrs }, { peerIndex: 1, attrs }]),
        enc.bgp4mpMessage(peer, enc.update({ attrs, nlri: [enc.prefix('10.2.0.0/16')], withdrawn: [enc.prefix('10.3.0.0/16')] })),
      ),
    );
    const events = await drain(new FileSource([file]));
    expect(events.map((e) => [e.prefix, e.elem_type, e.from_rib ?? false])).toEqual([
      ['10.0.0.0/8', 'announce', true],
      ['10.1.0.0/16', 'announce', true],
      ['10.1.0.0/16', 'announce', true],
      ['10.3.0.0/16', 'withdraw', false],
      ['10.2.0.0/16', 'announce', false],
    ]);
  });

  it('FileSource reads a JSONL capture (recognised by content), counting bad lines', async () => {
    const messy = join(dir, 'messy.capture');
    writeCapture(dir, 'messy.capture', msgs);
    const { appendFileSync } = await import('node:fs');
    appendFileSync(messy, 'garbage line\n{"type":"ris_message","data":{"nope":1}}\n');
    const src = new FileSource([messy]);
    const events = await drain(src);
    expect(events).toHaveLength(syntheticElements(msgs));
    expect(events[0].collector).toBe('rrc00');
    expect(src.stats()).toMatchObject({ messages: msgs.length, elements: events.length, errors: 2 });
  });

  it('FileSource decodes raw once and cross-checks one message in checkEvery against the JSON (same events as checking all)', async () => {
    // 200 copies of a real UPDATE with raw; the JSON of message 64 (the first checked) and of
    // message 100 (not checked) name another prefix, so only the checked one is a disagreement.
    const copies = Array.from({ length: 200 }, (_, i) => ({ ...REAL_UPDATE, timestamp: REAL_UPDATE.timestamp + i, id: `real-${i}` }));
    for (const i of [63, 99]) copies[i] = { ...copies[i], announcements: [{ next_hop: '196.60.9.165', prefixes: ['198.51.100.0/24'] }] };
    const file = writeCapture(dir, 'raw.jsonl', copies);
    const sampled = new FileSource([file]);
    const all = new FileSource([file], { checkEvery: 1 });
    const [got, want] = [await drain(sampled), await drain(all)];
    expect(got).toEqual(want);
    expect(got).toHaveLength(200);
    expect(new Set(got.map((e) => e.prefix))).toEqual(new Set(['196.50.70.0/24']));
    expect(sampled.stats().detail).toMatchObject({ rawDecoded: 200, rawChecked: 3, disagreements: 1 });
    expect(all.stats().detail).toMatchObject({ rawDecoded: 200, rawChecked: 200, disagreements: 2 });
  });

  it('RisLiveSource --record writes frames that FileSource reads back to the same events', async () => {
    const server = await startReplayServer({ files: [capture], speed: 0 });
    const record = join(dir, 'recorded.jsonl');
    const live = new RisLiveSource({ url: server.url, record, lagThresholdSec: 0, overflow: 'pause' });
    const got = await drain(live, syntheticElements(msgs));
    await live.close();
    await server.close();
    expect(live.stats()).toMatchObject({ messages: msgs.length, elements: got.length, dropped: 0, errors: 0 });
    expect(readFileSync(record, 'utf8').trim().split('\n')).toHaveLength(msgs.length);
    const back = await drain(new FileSource([record]));
    expect(back).toEqual(got);
  });
});

describe.skipIf(!hasSharedData)(`sources on real data (${hasSharedData ? 'shared data' : sharedDataSkipReason})`, () => {
  it('FileSource over MRT equals the MRT reader, with the collector from the file name', async () => {
    const file = sharedData('mrt', 'bgpstream-testdata', 'ris.rrc06.updates.1427846400.gz');
    const want = [];
    for await (const e of readMrtElems(file)) want.push(e);
    const src = new FileSource([file]);
    const got = await drain(src);
    expect(got).toEqual(want.map((e) => ({ ...e, collector: 'rrc06' })));
    expect(src.stats().messages).toBe(795);
  });

  it('FileSource over the 1k RIS Live capture', async () => {
    const src = openSource([sharedData('ris-live', 'morrowc-rislive', '1k-msgs.jsonl'), sharedData('ris-live', 'morrowc-rislive', 'fail-as-set.jsonl')]);
    const got = await drain(src);
    expect(got).toHaveLength(3182);
    expect(src.stats()).toMatchObject({ messages: 1001, errors: 0 });
    // 14 collectors in the capture; rrc18 sent only KEEPALIVEs.
    expect(new Set(got.map((e) => e.collector)).size).toBe(13);
  });
});
