/**
 * Fuzz target: the KCP session layer's client while it connects and after, fed what the server's
 * address could send back: COOKIE and ACCEPT for its own nonce or another, with any conv, CLOSE
 * and KEEPALIVE for any conv, KCP segments, random bytes, and time passing.
 *
 * What must hold: `receive` never throws; `connect` settles, at the latest when its timeout
 * passes; a session it opens has a conv that KCP segments can carry (not 0, which marks control
 * datagrams); before a session opens it sends only its HELLO and CONNECT, padded as the protocol
 * asks.
 */
import fc from 'fast-check';
import { MemoryLogger } from '../../testing/memory-logger.js';
import { defineFuzzTarget } from '../../testing/fuzz/fuzz-target.js';
import { ManualClock } from '../../timer/clock.js';
import { TimerService } from '../../timer/timer-service.js';
import { CONTROL, COOKIE_BYTES, NONCE_BYTES, PADDED_REQUEST_BYTES, decodeControl, encodeControl } from './control.js';
import { KcpClient } from './kcp-client.js';
import { KCP_HEADER_BYTES, writeSegmentHeader } from './segment.js';

const HANDSHAKE_TIMEOUT_MS = 10_000;

/** One thing the server's address sends, or time passing. */
export type ClientStep =
  | { kind: 'cookie'; ownNonce: boolean; cookie: Uint8Array }
  | { kind: 'accept'; ownNonce: boolean; conv: number }
  | { kind: 'close'; conv: number | 'own'; reason: number }
  | { kind: 'keepalive'; conv: number | 'own' }
  | { kind: 'segment'; conv: number | 'own'; cmd: number; sn: number; una: number; payload: Uint8Array }
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'advance'; ms: number };

const conv = fc.oneof(fc.constantFrom(0, 1, 0xffff_ffff), fc.nat({ max: 0xffff_ffff }));
const target = fc.oneof({ weight: 3, arbitrary: fc.constant<'own'>('own') }, { weight: 1, arbitrary: conv });

const step: fc.Arbitrary<ClientStep> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cookie' as const), ownNonce: fc.boolean(), cookie: fc.uint8Array({ minLength: COOKIE_BYTES, maxLength: COOKIE_BYTES }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('accept' as const), ownNonce: fc.boolean(), conv }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), conv: target, reason: fc.nat({ max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('keepalive' as const), conv: target }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('segment' as const), conv: target, cmd: fc.integer({ min: 80, max: 85 }), sn: fc.nat({ max: 20 }), una: fc.nat({ max: 20 }), payload: fc.uint8Array({ maxLength: 64 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), bytes: fc.uint8Array({ maxLength: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.integer({ min: 0, max: 40_000 })) }) },
);

/** Fuzz target for {@link KcpClient.receive}. */
export const fuzzTarget = defineFuzzTarget<ClientStep[]>({
  name: 'net.kcp-client',
  description: "datagrams from the server's address into a connecting and connected KCP client",
  arbitrary: fc.array(step, { maxLength: 25 }),
  async check(steps) {
    const clock = new ManualClock();
    // A timer callback that throws is logged, not thrown: an error line is a failure too.
    const timerLog = new MemoryLogger();
    const timers = new TimerService({ clock, logger: timerLog });
    // Each step is a turn: the flushes it asked for run at its end.
    const turnEnds: (() => void)[] = [];
    const endTurn = (): void => {
      for (let callback = turnEnds.shift(); callback; callback = turnEnds.shift()) callback();
    };
    let nonce: Uint8Array | undefined;
    const client = new KcpClient({
      clock,
      timers,
      endOfTurn: (callback) => void turnEnds.push(callback),
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      send(datagram) {
        if (client.session) return;
        const request = decodeControl(datagram);
        if (typeof request === 'string' || (request.type !== CONTROL.HELLO && request.type !== CONTROL.CONNECT)) {
          throw new Error(`sent ${datagram.length} bytes before a session opened: ${typeof request === 'string' ? request : `control type ${request.type}`}`);
        }
        if (datagram.length < PADDED_REQUEST_BYTES) throw new Error(`sent a ${datagram.length}-byte request`);
        nonce = request.nonce;
      },
    });
    let settled = false;
    const connecting = client.connect().then(
      () => (settled = true),
      () => (settled = true),
    );
    const startedAt = clock.now();
    const own = (choice: number | 'own'): number => (choice === 'own' ? (client.session?.conv ?? 1) : choice);
    const nonceFor = (ownNonce: boolean): Uint8Array => (ownNonce && nonce ? nonce : new Uint8Array(NONCE_BYTES).fill(9));
    for (const s of steps) {
      switch (s.kind) {
        case 'advance':
          clock.advance(s.ms);
          break;
        case 'cookie':
          client.receive(encodeControl({ type: CONTROL.COOKIE, nonce: nonceFor(s.ownNonce), cookie: s.cookie }));
          break;
        case 'accept':
          client.receive(encodeControl({ type: CONTROL.ACCEPT, nonce: nonceFor(s.ownNonce), conv: s.conv }));
          break;
        case 'close':
          client.receive(encodeControl({ type: CONTROL.CLOSE, conv: own(s.conv), reason: s.reason }));
          break;
        case 'keepalive':
          client.receive(encodeControl({ type: CONTROL.KEEPALIVE, conv: own(s.conv) }));
          break;
        case 'segment': {
          const datagram = new Uint8Array(KCP_HEADER_BYTES + s.payload.length);
          writeSegmentHeader(new DataView(datagram.buffer), 0, { conv: own(s.conv), cmd: s.cmd, frg: 0, wnd: 32, ts: 0, sn: s.sn, una: s.una, len: s.payload.length });
          datagram.set(s.payload, KCP_HEADER_BYTES);
          client.receive(datagram);
          break;
        }
        case 'raw':
          client.receive(s.bytes);
          break;
      }
      endTurn();
      if (client.session && client.session.conv === 0) throw new Error('opened a session of conv 0, which every datagram of it would be taken for control');
    }
    clock.advance(Math.max(0, startedAt + HANDSHAKE_TIMEOUT_MS - clock.now()));
    await connecting;
    if (!settled) throw new Error('connect() did not settle by its timeout');
    client.close();
    timers.stop();
    const failed = timerLog.at('error')[0];
    if (failed) throw new Error(`a timer failed: ${String(failed.meta.err)}`);
  },
});
