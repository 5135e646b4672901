import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserWebSocketTransport } from './browser-transport.js';

const events = { onData: () => {}, onClose: () => {} };

describe('browserWebSocketTransport', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('refuses an endpoint that is not a ws:// or wss:// URL with CLIENT_ERR_INVALID_ENDPOINT', async () => {
    await expect(browserWebSocketTransport()('http://127.0.0.1:3011/', events)).rejects.toMatchObject({ name: 'ClientError', code: 'CLIENT_ERR_INVALID_ENDPOINT' });
  });

  it('fails with CLIENT_ERR_NO_WEBSOCKET in a runtime without a WebSocket class, naming the option to pass', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const opening = browserWebSocketTransport()('ws://127.0.0.1:3011/', events);
    await expect(opening).rejects.toMatchObject({ code: 'CLIENT_ERR_NO_WEBSOCKET' });
    await expect(opening).rejects.toThrow(/pass one as the WebSocket option/);
  });
});
