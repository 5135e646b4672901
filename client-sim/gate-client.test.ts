import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../engine/protocol/constants.js';
import { GateProtocol } from '../engine/protocol/gate-protocol.js';
import type { Message } from '../engine/protocol/message.js';
import { nodeCryptoSuite } from '../engine/protocol/node-crypto-suite.js';
import { RouteDictionary } from '../engine/protocol/route-dictionary.js';
import { ManualClock } from '../engine/timer/clock.js';
import type { ClientTransportFactory } from './client-transport.js';
import { ClientError } from './errors.js';
import { GateClient } from './gate-client.js';

const identity = nodeCryptoSuite.generateKeyPair();

/** A gate protocol in memory behind a transport; what it receives lands in `received`. */
function memoryGate() {
  const received: Message[] = [];
  let opened = 0;
  const transport: ClientTransportFactory = async (_endpoint, events) => {
    opened++;
    const gate = new GateProtocol(
      {
        identity,
        crypto: nodeCryptoSuite,
        gateId: 'gate-test-0',
        timing: { handshakeTimeoutMs: 5_000, heartbeatMs: 60_000, timeoutMs: 120_000 },
        limits: DEFAULT_LIMITS,
        compression: undefined,
        compressThreshold: 0,
        dictionary: new RouteDictionary([]),
      },
      0,
      (bytes) => queueMicrotask(() => events.onData(bytes)),
      { onOpen: () => {}, onMessage: (m) => received.push(m), onClose: () => {} },
    );
    return { write: (bytes) => queueMicrotask(() => gate.input(bytes, 0)), close: () => {} };
  };
  return { transport, received, opened: () => opened };
}

describe('GateClient input checks', () => {
  it('refuses a malformed gate key with CLIENT_ERR_INVALID_GATE_KEY before it opens a connection', async () => {
    const gate = memoryGate();
    const connecting = GateClient.connect({ endpoint: 'memory', transport: gate.transport, gateKey: 'not base64!', crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock() });
    await expect(connecting).rejects.toThrow(ClientError);
    await expect(connecting).rejects.toMatchObject({ code: 'CLIENT_ERR_INVALID_GATE_KEY' });
    expect(gate.opened()).toBe(0);
  });

  it('refuses a token that is not a string with CLIENT_ERR_INVALID_TOKEN and sends nothing', async () => {
    const gate = memoryGate();
    const client = await GateClient.connect({ endpoint: 'memory', transport: gate.transport, gateKey: identity.publicKey, crypto: nodeCryptoSuite, compressions: [], clock: new ManualClock() });
    await expect(client.auth(undefined as unknown as string)).rejects.toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_INVALID_TOKEN' });
    await expect(client.auth('')).rejects.toMatchObject({ code: 'CLIENT_ERR_INVALID_TOKEN' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(gate.received).toEqual([]);
  });
});
