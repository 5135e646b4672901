import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, MESSAGE_KIND } from '../engine/protocol/constants.js';
import type { CloseReason } from '../engine/protocol/kick.js';
import type { Message } from '../engine/protocol/message.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import { ManualClock } from '../engine/timer/clock.js';
import type { ClientTransportFactory } from './client-transport.js';
import type { ConnectionClosed } from './connection-closed.js';
import { HEARTBEAT_TIMEOUT_MS, identity, memoryGate, settle, type MemoryGate } from './fixtures/memory-gate-transport.js';
import { GateConnection } from './gate-connection.js';

function connection(gate: Pick<MemoryGate, 'transport'>, handshakeTimeoutMs = 5_000) {
  const clock = new ManualClock();
  const messages: Message[] = [];
  const closes: { reason: CloseReason; error: ConnectionClosed }[] = [];
  const conn = new GateConnection({
    endpoint: 'memory',
    gateKey: identity.publicKey,
    transport: gate.transport,
    crypto: nodeCryptoSuite,
    compressions: [],
    handshakeTimeoutMs,
    clock,
    onMessage: (message) => messages.push(message),
    onClose: (reason, error) => closes.push({ reason, error }),
  });
  return { conn, clock, messages, closes };
}

describe('GateConnection', () => {
  it('opens the transport, completes the handshake, sends messages and hands over those of the gate', async () => {
    const gate = memoryGate();
    const { conn, messages } = connection(gate);
    expect(conn.isOpen).toBe(false);
    await conn.open();
    expect(conn.isOpen).toBe(true);
    expect(conn.hello.maxMessageBytes).toBe(DEFAULT_LIMITS.maxMessageBytes);
    conn.send({ kind: MESSAGE_KIND.REQUEST, id: 1, route: 'Bag.list', payload: new Uint8Array([0x90]) });
    conn.send({ kind: MESSAGE_KIND.NOTIFY, route: 'Bag.touch', payload: new Uint8Array([0x90]) });
    await settle();
    expect(gate.received.map((m) => (m.kind === MESSAGE_KIND.REQUEST || m.kind === MESSAGE_KIND.NOTIFY ? m.route : m.kind))).toEqual(['Bag.list', 'Bag.touch']);
    gate.answer(0, MESSAGE_KIND.RESPONSE, new Uint8Array([0xc0]));
    await settle();
    expect(messages).toMatchObject([{ kind: MESSAGE_KIND.RESPONSE, id: 1 }]);
  });

  it('refuses a message over the gate limit with CLIENT_ERR_MESSAGE_TOO_LARGE naming it, and stays open', async () => {
    const gate = memoryGate();
    const { conn } = connection(gate);
    await conn.open();
    const payload = new Uint8Array(DEFAULT_LIMITS.maxMessageBytes + 1);
    expect(() => conn.send({ kind: MESSAGE_KIND.NOTIFY, route: 'Bag.dump', payload })).toThrow(/^CLIENT_ERR_MESSAGE_TOO_LARGE: .*Bag\.dump: .*\(the gate takes \d+ bytes\)$/);
    expect(conn.isOpen).toBe(true);
  });

  it('fails open() with CLIENT_ERR_HANDSHAKE_TIMEOUT when the gate never answers, and reports the close once', async () => {
    const gate = memoryGate({ silent: true });
    const { conn, clock, closes } = connection(gate, 1_000);
    const opening = conn.open();
    const failure = opening.catch((err: unknown) => err);
    await settle();
    clock.advance(1_000);
    expect(await failure).toMatchObject({ code: 'CLIENT_ERR_HANDSHAKE_TIMEOUT' });
    expect(closes).toHaveLength(1);
    expect(closes[0]!.error.code).toBe('CLIENT_ERR_HANDSHAKE_TIMEOUT');
    expect(conn.isClosed).toBe(true);
  });

  it('runs the protocol timers on its clock: a gate gone silent is noticed, and the timers stop with the close', async () => {
    const gate = memoryGate();
    const { conn, clock, closes } = connection(gate);
    await conn.open();
    // This gate never says a word once open: the client closes after the silence its hello allows.
    clock.advance(HEARTBEAT_TIMEOUT_MS);
    await settle();
    expect(closes.map((c) => c.error.code)).toEqual(['CLIENT_ERR_CONNECTION_LOST']);
    expect(clock.pendingCount).toBe(0);
  });

  it('tells the gate when closed; when left, drops its transport without a word, stops its timers, and the gate keeps the session open', async () => {
    const closing = memoryGate();
    const a = connection(closing);
    await a.conn.open();
    a.conn.close('client closed');
    await settle();
    expect(a.closes.map((c) => c.error.code)).toEqual(['CLIENT_ERR_CLOSED']);
    expect(closing.gate().isClosed).toBe(true);

    const leaving = memoryGate();
    let pipesClosed = 0;
    const counted: ClientTransportFactory = async (endpoint, events) => {
      const pipe = await leaving.transport(endpoint, events);
      return { write: (bytes) => pipe.write(bytes), close: () => void pipesClosed++ };
    };
    const b = connection({ ...leaving, transport: counted });
    await b.conn.open();
    b.conn.leave();
    await settle();
    expect(pipesClosed).toBe(1);
    expect(b.clock.pendingCount).toBe(0);
    expect(leaving.gate().isClosed).toBe(false);
    expect(leaving.received).toEqual([]);
  });
});
