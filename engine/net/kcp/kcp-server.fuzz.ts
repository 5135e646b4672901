/**
 * Fuzz target: the KCP session layer's server, fed what clients at a few addresses could send on
 * its port: the handshake done right (HELLO, then CONNECT with the cookie it got), cookies and
 * convs replayed from another address or mutated, every control message with wild fields, KCP
 * segments for the sessions it accepted, random bytes, and time passing.
 *
 * What must hold: `receive` never throws; the answer to a HELLO or a CONNECT is smaller than the
 * request (no amplification for a spoofed source); nothing goes to an address that did not send
 * first; an ACCEPT only answers a CONNECT that echoes a cookie minted for that address and nonce;
 * sessions never pass their cap, and all of them end within the linger of a close.
 */
import fc from 'fast-check';
import { MemoryLogger } from '../../testing/memory-logger.js';
import { defineFuzzTarget } from '../../testing/fuzz/fuzz-target.js';
import { ManualClock } from '../../timer/clock.js';
import { TimerService } from '../../timer/timer-service.js';
import { CONTROL, COOKIE_BYTES, NONCE_BYTES, decodeControl, encodeControl, type ControlMessage } from './control.js';
import { KcpServer } from './kcp-server.js';
import { KCP_CMD, KCP_HEADER_BYTES, writeSegmentHeader } from './segment.js';

const ADDRESSES = ['10.0.0.1:4000', '10.0.0.2:4000', '[::1]:5000'] as const;
const MAX_SESSIONS = 2;

/** Which conv a step aims at: the sender's own (the last it was given), another address's, or any number. */
type ConvChoice = 'own' | { accepted: number } | { any: number };

/** One thing a client does. */
export type ServerStep =
  | { kind: 'hello'; from: number; nonce: number }
  | { kind: 'connect'; from: number; nonce: number; cookieOf: number | null; flip: number | null }
  | { kind: 'handshake'; from: number; nonce: number }
  | { kind: 'control'; from: number; message: ControlMessage; cut: number | null }
  | { kind: 'segment'; from: number; conv: ConvChoice; cmd: number; sn: number; una: number; frg: number; payload: Uint8Array }
  | { kind: 'raw'; from: number; bytes: Uint8Array }
  | { kind: 'advance'; ms: number };

const from = fc.nat({ max: ADDRESSES.length - 1 });
const nonceIndex = fc.nat({ max: 2 });
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });
const u32 = fc.nat({ max: 0xffff_ffff });

const controlMessage: fc.Arbitrary<ControlMessage> = fc.oneof(
  fc.record({ type: fc.constant(CONTROL.HELLO), nonce: bytes(NONCE_BYTES) }),
  fc.record({ type: fc.constant(CONTROL.COOKIE), nonce: bytes(NONCE_BYTES), cookie: bytes(COOKIE_BYTES) }),
  fc.record({ type: fc.constant(CONTROL.CONNECT), nonce: bytes(NONCE_BYTES), cookie: bytes(COOKIE_BYTES) }),
  fc.record({ type: fc.constant(CONTROL.ACCEPT), nonce: bytes(NONCE_BYTES), conv: u32 }),
  fc.record({ type: fc.constant(CONTROL.CLOSE), conv: u32, reason: fc.nat({ max: 255 }) }),
  fc.record({ type: fc.constant(CONTROL.KEEPALIVE), conv: u32 }),
);

const step: fc.Arbitrary<ServerStep> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('hello' as const), from, nonce: nonceIndex }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('connect' as const),
      from,
      nonce: nonceIndex,
      cookieOf: fc.option(from, { freq: 3 }),
      flip: fc.option(fc.nat({ max: COOKIE_BYTES - 1 }), { freq: 4 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('handshake' as const), from, nonce: nonceIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('control' as const), from, message: controlMessage, cut: fc.option(fc.nat({ max: 70 }), { freq: 3 }) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('segment' as const),
      from,
      conv: fc.oneof(
        { weight: 6, arbitrary: fc.constant<ConvChoice>('own') },
        { weight: 1, arbitrary: fc.record<{ accepted: number }>({ accepted: from }) },
        { weight: 1, arbitrary: fc.record<{ any: number }>({ any: u32 }) },
      ),
      cmd: fc.oneof(fc.constantFrom<number>(...Object.values(KCP_CMD)), fc.nat({ max: 255 })),
      sn: fc.nat({ max: 40 }),
      una: fc.nat({ max: 40 }),
      frg: fc.nat({ max: 3 }),
      payload: fc.uint8Array({ maxLength: 64 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), from, bytes: fc.uint8Array({ maxLength: 80 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40_000 })) }) },
);

function nonceFor(index: number): Uint8Array {
  return new Uint8Array(NONCE_BYTES).fill(index + 1);
}

/** Fuzz target for {@link KcpServer.receive}. */
export const fuzzTarget = defineFuzzTarget<ServerStep[]>({
  name: 'net.kcp-server',
  description: 'datagrams from several addresses into a KCP server: control messages, cookies, KCP segments',
  arbitrary: fc.array(step, { maxLength: 30 }),
  check(steps) {
    const clock = new ManualClock();
    // A timer callback that throws is logged, not thrown: an error line is a failure too.
    const timerLog = new MemoryLogger();
    const timers = new TimerService({ clock, logger: timerLog });
    // Each step is a turn: the flushes it asked for run at its end.
    const turnEnds: (() => void)[] = [];
    const endTurn = (): void => {
      for (let callback = turnEnds.shift(); callback; callback = turnEnds.shift()) callback();
    };
    const cookies = new Map<string, Uint8Array>(); // the last cookie sent for each address and nonce
    const accepted = new Map<number, number>(); // the last conv each address was given
    const spoken = new Set<string>(); // addresses that sent something
    let current: { address: string; size: number; type: number | undefined } | undefined;
    const server = new KcpServer({
      clock,
      timers,
      endOfTurn: (callback) => void turnEnds.push(callback),
      logger: new MemoryLogger(),
      maxSessions: MAX_SESSIONS,
      send(datagram, address) {
        if (!spoken.has(address)) throw new Error(`sent ${datagram.length} bytes to ${address}, which never sent anything`);
        if (!current || current.address !== address) return; // a session's own traffic, from a timer
        const reply = decodeControl(datagram);
        const request = current.type;
        if ((request === CONTROL.HELLO || request === CONTROL.CONNECT) && datagram.length >= current.size) {
          throw new Error(`answered a ${current.size}-byte request with ${datagram.length} bytes`);
        }
        if (typeof reply === 'string') return;
        const index = ADDRESSES.indexOf(address as (typeof ADDRESSES)[number]);
        if (reply.type === CONTROL.COOKIE) cookies.set(`${index}/${reply.nonce[0]! - 1}`, reply.cookie);
        if (reply.type === CONTROL.ACCEPT) {
          if (request !== CONTROL.CONNECT) throw new Error(`ACCEPT in answer to control type ${request}`);
          accepted.set(index, reply.conv);
        }
      },
      onSession(session) {
        session.onMessage = (message) => session.send(message);
      },
    });
    const deliver = (index: number, datagram: Uint8Array): void => {
      const address = ADDRESSES[index]!;
      spoken.add(address);
      const control = decodeControl(datagram);
      current = { address, size: datagram.length, type: typeof control === 'string' ? undefined : control.type };
      server.receive(datagram, address);
      current = undefined;
      if (server.stats().sessions > MAX_SESSIONS) throw new Error(`${server.stats().sessions} sessions, cap ${MAX_SESSIONS}`);
    };
    // A CONNECT with the cookie last sent for `cookieOf` and this nonce, one byte of it changed or not.
    const connect = (index: number, nonce: number, cookieOf: number, flip: number | null): void => {
      const cookie = (cookies.get(`${cookieOf}/${nonce}`) ?? new Uint8Array(COOKIE_BYTES)).slice();
      if (flip !== null) cookie[flip]! ^= 0x5a;
      deliver(index, encodeControl({ type: CONTROL.CONNECT, nonce: nonceFor(nonce), cookie }));
    };
    for (const s of steps) {
      switch (s.kind) {
        case 'advance':
          clock.advance(s.ms);
          break;
        case 'hello':
          deliver(s.from, encodeControl({ type: CONTROL.HELLO, nonce: nonceFor(s.nonce) }));
          break;
        case 'handshake':
          deliver(s.from, encodeControl({ type: CONTROL.HELLO, nonce: nonceFor(s.nonce) }));
          connect(s.from, s.nonce, s.from, null);
          break;
        case 'connect':
          connect(s.from, s.nonce, s.cookieOf ?? s.from, s.flip);
          break;
        case 'control': {
          const datagram = encodeControl(s.message);
          deliver(s.from, s.cut === null ? datagram : datagram.subarray(0, s.cut));
          break;
        }
        case 'segment': {
          const conv = s.conv === 'own' ? (accepted.get(s.from) ?? 1) : 'any' in s.conv ? s.conv.any : (accepted.get(s.conv.accepted) ?? 1);
          const datagram = new Uint8Array(KCP_HEADER_BYTES + s.payload.length);
          writeSegmentHeader(new DataView(datagram.buffer), 0, { conv, cmd: s.cmd, frg: s.frg, wnd: 32, ts: 0, sn: s.sn, una: s.una, len: s.payload.length });
          datagram.set(s.payload, KCP_HEADER_BYTES);
          deliver(s.from, datagram);
          break;
        }
        case 'raw':
          deliver(s.from, s.bytes);
          break;
      }
      endTurn();
    }
    // Whatever the steps did, the sessions left must end within the linger.
    void server.close();
    endTurn();
    clock.advance(60_000);
    timers.stop();
    if (server.stats().sessions !== 0) throw new Error(`${server.stats().sessions} sessions left after close`);
    const failed = timerLog.at('error')[0];
    if (failed) throw new Error(`a timer failed: ${String(failed.meta.err)}`);
  },
});
