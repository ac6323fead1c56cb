/**
 * What the RIS Live client has seen and done, as plain numbers: metrics and the dashboard's
 * feed-health view read a snapshot; only the client writes.
 */
export interface RisLiveCounters {
  /** Successful WebSocket opens. */
  connects: number;
  /** Connection attempts after the first one (after a close, an error, a stall or lag). */
  reconnects: number;
  /** Attempts that failed before the socket opened (endpoint unreachable, refused, TLS…). */
  connectFailures: number;
  /** Frames received (every type). */
  frames: number;
  /** ris_message frames received. */
  messages: number;
  /** RouteEvents handed to the consumer. */
  elements: number;
  /** RIS_PEER_STATE `down` messages handed to the consumer. */
  peerDowns: number;
  /** ris_message frames dropped because the queue was full. */
  dropped: number;
  /** Frames that were not valid JSON or not a known message shape. */
  malformed: number;
  /** ris_error frames received. */
  risErrors: number;
  /** ris_message frames whose content could not be decoded (bad prefix, bad path…). */
  decodeErrors: number;
  /** UPDATEs decoded from `raw` with the BGP decoder. */
  rawDecoded: number;
  /** UPDATEs decoded from the JSON projection (no `raw`, or `raw` undecodable). */
  jsonDecoded: number;
  /** `raw` present but not decodable; the JSON projection was used. */
  rawErrors: number;
  /** UPDATEs decoded from `raw` whose JSON projection was decoded too and compared (one in `checkEvery`). */
  rawChecked: number;
  /** Compared messages where `raw` and the JSON projection gave different elements. */
  disagreements: number;
  /** Reconnects because nothing arrived within the idle timeout. */
  idleReconnects: number;
  /** Reconnects because lag stayed above the threshold. */
  lagReconnects: number;
  /** JSON pongs and WebSocket pongs received. */
  pongs: number;
  /** now − timestamp of the last ris_message the consumer took from the queue, in seconds. */
  lagSeconds: number;
  /** Highest lag on arrival (how far the server was behind). */
  maxLagSeconds: number;
  /** The lag watch's threshold in seconds; 0 when there is no lag watch (replays). Health reads it. */
  lagThresholdSec: number;
  queueLength: number;
  queueCapacity: number;
  /** Highest queue length seen. */
  queueHighWater: number;
  connected: boolean;
  /** Wall-clock ms of the last frame, or 0. */
  lastFrameAt: number;
  lastError: string;
}

export function newCounters(queueCapacity = 0, lagThresholdSec = 0): RisLiveCounters {
  return {
    connects: 0,
    reconnects: 0,
    connectFailures: 0,
    frames: 0,
    messages: 0,
    elements: 0,
    peerDowns: 0,
    dropped: 0,
    malformed: 0,
    risErrors: 0,
    decodeErrors: 0,
    rawDecoded: 0,
    jsonDecoded: 0,
    rawErrors: 0,
    rawChecked: 0,
    disagreements: 0,
    idleReconnects: 0,
    lagReconnects: 0,
    pongs: 0,
    lagSeconds: 0,
    maxLagSeconds: 0,
    lagThresholdSec,
    queueLength: 0,
    queueCapacity,
    queueHighWater: 0,
    connected: false,
    lastFrameAt: 0,
    lastError: '',
  };
}

/** A copy that the caller may keep or serialise. */
export const snapshotCounters = (c: RisLiveCounters): RisLiveCounters => ({ ...c });
