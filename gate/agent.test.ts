/**
 * One agent against a client protocol in memory, on a manual clock: how its connection's place in
 * the gate's counts follows the handshake.
 */
import { describe, expect, it } from 'vitest';
import { ClientProtocol } from '../engine/protocol/client-protocol.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import { RouteDictionary } from '../engine/protocol/route-dictionary.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { Agent, type AgentContext } from './agent.js';
import type { ClientTransport } from './client-transport.js';
import { ConnectionAdmission, type AdmissionTicket } from './connection-admission.js';
import { RouteRules } from './route-rules.js';

const HANDSHAKE_TIMEOUT_MS = 5_000;

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
  return { clock, identity, admission, context, transport, ticket, toClient };
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

  it('takes its connection off the pending count once the handshake finishes, and keeps it in the total', () => {
    const { clock, identity, admission, context, transport, ticket, toClient } = setup();
    const agent = new Agent(context, transport, ticket, () => ({ code: 0, name: 'X', message: '' }));
    const toGate: Uint8Array[] = [];
    const client = new ClientProtocol(
      { gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], sdk: 'test/1', handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS },
      clock.now(),
      (bytes) => void toGate.push(bytes),
      { onOpen: () => undefined, onMessage: () => undefined, onClose: () => undefined },
    );
    client.start();
    for (let i = 0; i < 5 && (toGate.length > 0 || toClient.length > 0); i++) {
      for (const bytes of toGate.splice(0)) agent.input(bytes);
      for (const bytes of toClient.splice(0)) client.input(bytes, clock.now());
    }
    expect(agent.protocol.isOpen).toBe(true);
    expect(admission).toMatchObject({ connections: 1, pendingConnections: 0 });
  });
});
