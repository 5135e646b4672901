import { describe, expect, it } from 'vitest';
import { connectGate } from './node-client.js';

const gateKey = new Uint8Array(32).fill(9);

describe('connectGate', () => {
  it('refuses an endpoint that does not fit its transport with CLIENT_ERR_INVALID_ENDPOINT, before any socket opens', async () => {
    for (const [transport, endpoint] of [['tcp', 'ws://127.0.0.1:3011/'], ['kcp', '127.0.0.1'], ['ws', '127.0.0.1:3011']] as const) {
      await expect(connectGate({ endpoint, transport, gateKey }), `${transport} ${endpoint}`).rejects.toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_INVALID_ENDPOINT' });
    }
  });
});
