/**
 * One agent against a client protocol in memory, on a manual clock: how its connection's place in
 * the gate's counts follows the handshake and authentication, the deadlines of both, and what a
 * fault of the gate's own code does.
 */
import { describe, expect, it, vi } from 'vitest';
import { encode } from '../engine/codec/msgpack-codec.js';
import { ClientProtocol } from '../engine/protocol/client-protocol.js';
import { MESSAGE_KIND, SYSTEM_ROUTE } from '../engine/protocol/constants.js';
import type { CloseReason } from '../engine/protocol/kick.js';
import type { Message } from '../engine/protocol/message.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import { RouteDictionary } from '../engine/protocol/route-dictionary.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { Agent, type AgentContext } from './agent.js';
import type { ClientTransport } from './client-transport.js';
import { ConnectionAdmission, type AdmissionTicket } from './connection-admission.js';
import { RouteRules } from './route-rules.js';

const HANDSHAKE_TIMEOUT_MS = 5_000;
const AUTH_TIMEOUT_MS = 20_000;

function setup() {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const identity = nodeCryptoSuite.generateKeyPair();
  const admission = new ConnectionAdmission({ maxConnections: 10, maxPending: 10, maxPendingPerAddress: 10, clock, logger });
  const context: AgentContext = {
    protocol: {
      identity,
      crypto: nodeCryptoSuite,
      gateId: 'gate-test',
      timing: { handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS, heartbeatMs: 10_000, timeoutMs: 30_000 },
      limits: { maxPacketBytes: 65_600, maxMessageBytes: 65_536 },
      compression: undefined,
      compressThreshold: 0,
      dictionary: new RouteDictionary([]),
    },
    rules: new RouteRules({}),
    logger,
    now: () => clock.now(),
    rate: { perSecond: 100, burst: 100 },
    authTimeoutMs: AUTH_TIMEOUT_MS,
    maxPending: 8,
    maxBufferedBytes: 1 << 20,
    scheduleFlush: () => undefined,
    scheduleTimer: () => undefined,
    authenticate: async () => new Uint8Array(0),
    forward: async () => undefined,
    closed: () => undefined,
  };
  const toClient: Uint8Array[] = [];
  const transport: ClientTransport = { kind: 'tcp', remote: '10.0.0.1:1', bufferedBytes: 0, write: (bytes) => void toClient.push(bytes), close: () => undefined };
  const ticket = admission.admit(transport.remote) as AdmissionTicket;
  return { clock, logger, identity, admission, context, transport, ticket, toClient };
}

describe('Agent', () => {
  it('counts the handshake deadline from the accept, not from when the agent was made', () => {
    const { clock, context, transport, ticket } = setup();
    // A WebSocket upgrade took most of the time allowed.
    clock.advance(HANDSHAKE_TIMEOUT_MS - 1_000);
    const agent = new Agent(context, transport, ticket, () => ({ code: 0, name: 'X', message: '' }));
    expect(agent.protocol.check()).toBe(ticket.acceptedAt + HANDSHAKE_TIMEOUT_MS);
    clock.advance(1_000);
    agent.protocol.update(clock.now());
    expect(agent.protocol.isOpen).toBe(false);
  });

  it('keeps its connection on the pending count through the handshake, takes it off once authenticated, and keeps it in the total', async () => {
    const { clock, admission, agent, client } = handshaken();
    expect(admission).toMatchObject({ connections: 1, pendingConnections: 1 });
    client.send({ kind: MESSAGE_KIND.REQUEST, id: 1, route: SYSTEM_ROUTE.AUTH, payload: new Uint8Array(0) });
    client.flush(clock.now());
    await vi.waitFor(() => expect(admission).toMatchObject({ connections: 1, pendingConnections: 0 }));
    expect(agent.authDue).toBe(Infinity);
  });

  it('kicks a connection that has not authenticated authTimeoutMs after accept with GATE_ERR_AUTH_TIMEOUT', () => {
    const { clock, agent, closed } = handshaken();
    expect(agent.authDue).toBe(clock.now() + AUTH_TIMEOUT_MS);
    clock.advance(AUTH_TIMEOUT_MS - 1);
    agent.update(clock.now());
    expect(agent.protocol.isOpen).toBe(true);
    clock.advance(1);
    agent.update(clock.now());
    expect(closed).toMatchObject([{ name: 'GATE_ERR_AUTH_TIMEOUT' }]);
  });

  it('closes its connection with GATE_ERR_INTERNAL, logging the fault, when the gate fails handling a message', async () => {
    // A fault of the gate's own code, which no client can cause: the handler throws at once.
    const { clock, logger, client, told } = handshaken({
      authenticate: () => {
        throw new TypeError('session table corrupted');
      },
    });
    client.send({ kind: MESSAGE_KIND.REQUEST, id: 1, route: SYSTEM_ROUTE.AUTH, payload: encode(['token']) });
    client.flush(clock.now());
    // The client is told the catalogue message, never the fault itself.
    await vi.waitFor(() => expect(told).toEqual([expect.objectContaining({ code: 4116, name: 'GATE_ERR_INTERNAL', message: 'the gate failed on this connection' })]));
    expect(logger.at('error')).toEqual([expect.objectContaining({ message: 'gate: internal error on a connection', meta: expect.objectContaining({ remote: '10.0.0.1:1' }) })]);
  });

  it('answers the replies and pushes of one turn in one sealed packet', async () => {
    const { clock, agent, client, received, toClient } = handshaken({ authenticate: async (_, payload) => payload });
    for (let id = 1; id <= 3; id++) client.send({ kind: MESSAGE_KIND.REQUEST, id, route: SYSTEM_ROUTE.AUTH, payload: Uint8Array.of(id) });
    client.flush(clock.now());
    // The lobby's replies all arrive within the turn.
    await new Promise((resolve) => setImmediate(resolve));
    agent.push('news', Uint8Array.of(9));
    // The gate flushes each agent once at the end of the turn, however often it was scheduled.
    agent.protocol.flush(clock.now());
    expect(toClient).toHaveLength(1);
    client.input(toClient[0]!, clock.now());
    expect(received.map((m) => [m.kind, 'id' in m ? m.id : m.route, Array.from(m.payload)])).toEqual([
      [MESSAGE_KIND.RESPONSE, 1, [1]],
      [MESSAGE_KIND.RESPONSE, 2, [2]],
      [MESSAGE_KIND.RESPONSE, 3, [3]],
      [MESSAGE_KIND.PUSH, 'news', [9]],
    ]);
  });
});

/** An agent and a client in memory whose handshake has finished; messages are carried at once. */
function handshaken(patch: Partial<AgentContext> = {}) {
  const { clock, logger, identity, admission, context, transport, ticket, toClient } = setup();
  const closed: CloseReason[] = [];
  const told: CloseReason[] = [];
  const received: Message[] = [];
  const agent = new Agent({ ...context, ...patch, closed: (_, reason) => void closed.push(reason) }, transport, ticket, () => ({ code: 0, name: 'X', message: '' }));
  const toGate: Uint8Array[] = [];
  const carry = (): void => {
    for (let i = 0; i < 5 && (toGate.length > 0 || toClient.length > 0); i++) {
      for (const bytes of toGate.splice(0)) agent.input(bytes);
      agent.protocol.flush(clock.now());
      for (const bytes of toClient.splice(0)) client.input(bytes, clock.now());
    }
  };
  const client = new ClientProtocol(
    { gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], sdk: 'test/1', handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS },
    clock.now(),
    (bytes) => {
      toGate.push(bytes);
      queueMicrotask(carry);
    },
    { onOpen: () => undefined, onMessage: (message) => void received.push(message), onClose: (reason) => void told.push(reason) },
  );
  client.start();
  carry();
  expect(agent.protocol.isOpen).toBe(true);
  return { clock, logger, admission, agent, client, closed, told, received, toClient };
}
