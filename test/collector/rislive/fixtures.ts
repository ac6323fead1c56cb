/** Small RIS Live fixtures the tests build themselves (no shared data needed). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RisMessageData } from '../../../collector/rislive/protocol.js';

/** A real RIS Live UPDATE (rrc19, 2019-05-23) with its raw BGP message, as published. */
export const REAL_UPDATE: RisMessageData = {
  timestamp: 1558620047.08,
  peer: '196.60.9.165',
  peer_asn: '57695',
  id: '196.60.9.165-1558620047.08-11924763',
  raw: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF003E02000000234001010040020A02020000E15F00009312400304C43C09A5E00808E15F2EE0E15F2EE118C43246',
  host: 'rrc19',
  type: 'UPDATE',
  path: [57695, 37650],
  community: [
    [57695, 12000],
    [57695, 12001],
  ],
  origin: 'igp',
  announcements: [{ next_hop: '196.60.9.165', prefixes: ['196.50.70.0/24'] }],
};

/**
 * `n` synthetic UPDATEs: hosts rrc00/rrc01/rrc02 in turn, peers 10.0.0.1/2001:db8::1 in turn,
 * message i announces 10.(i%256).(i>>8).0/24 via path [65000, 65000+i%5, 100+i%7], every
 * fourth also withdraws 192.0.2.0/24. Timestamps one second apart.
 */
export function syntheticMessages(n: number, t0 = 1_700_000_000): RisMessageData[] {
  const out: RisMessageData[] = [];
  for (let i = 0; i < n; i++) {
    const d: RisMessageData = {
      timestamp: t0 + i,
      peer: i % 2 ? '2001:db8::1' : '10.0.0.1',
      peer_asn: String(65000),
      id: `syn-${i}`,
      host: `rrc0${i % 3}`,
      type: 'UPDATE',
      path: [65000, 65000 + (i % 5), 100 + (i % 7)],
      origin: 'igp',
      announcements: [{ next_hop: '10.0.0.1', prefixes: [`10.${i % 256}.${i >> 8}.0/24`] }],
    };
    if (i % 4 === 0) d.withdrawals = ['192.0.2.0/24'];
    out.push(d);
  }
  return out;
}

/** Elements the synthetic messages carry: one announce each, plus a withdrawal every fourth. */
export const syntheticElements = (msgs: RisMessageData[]): number => msgs.reduce((a, m) => a + m.announcements!.length + (m.withdrawals?.length ?? 0), 0);

export function writeCapture(dir: string, name: string, msgs: RisMessageData[]): string {
  const file = join(dir, name);
  writeFileSync(file, msgs.map((data) => JSON.stringify({ type: 'ris_message', data })).join('\n') + '\n');
  return file;
}
