import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { createClientErrorHandler } from './http-error-handlers.js';
import { HttpServer } from './http-server.js';

describe('HTTP error answers', () => {
  let server: HttpServer | undefined;
  afterEach(() => server?.stop());

  function setup(bodyLimit?: number) {
    const logger = new MemoryLogger();
    server = new HttpServer({ host: '127.0.0.1', port: 0, logger, ...(bodyLimit ? { bodyLimit } : {}) });
    const { app } = server;
    app.get('/health', async () => ({ status: 'ok' }));
    app.post('/echo', { schema: { body: { type: 'object', properties: { name: { type: 'string', maxLength: 8 } } } } }, async (req) => req.body);
    app.get('/boom', async () => {
      throw new Error('connection to 10.0.0.7:27017 refused at offset 4096');
    });
    return { app, logger };
  }

  const postJson = (app: HttpServer['app'], payload: string) => app.inject({ method: 'POST', url: '/echo', payload, headers: { 'content-type': 'application/json' } });

  it('answers malformed JSON with 400 HTTP_ERR_BAD_JSON and no position, logging the detail at debug', async () => {
    const { app, logger } = setup();
    const res = await postJson(app, '{"name": "al\x01ice", ');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_BAD_JSON', wire: 5202, message: 'body is not valid JSON' } });
    expect(res.body).not.toMatch(/position|column|line|offset|\b2\d\b/i);
    const [line] = logger.at('debug');
    expect(line).toMatchObject({ message: 'http request refused', meta: { code: 'HTTP_ERR_BAD_JSON', cause: 'FST_ERR_CTP_INVALID_JSON_BODY', method: 'POST', url: '/echo' } });
    expect(line!.meta.detail).toContain('not valid JSON');
  });

  it('answers a body over the limit with 413 HTTP_ERR_TOO_LARGE, naming no limit', async () => {
    const { app } = setup(100);
    const res = await postJson(app, JSON.stringify({ name: 'x'.repeat(200) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_TOO_LARGE', wire: 5204, message: 'body is larger than allowed' } });
  });

  it('answers an unsupported content type with 415 HTTP_ERR_UNSUPPORTED_MEDIA_TYPE', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'POST', url: '/echo', payload: '<a/>', headers: { 'content-type': 'application/xml' } });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_UNSUPPORTED_MEDIA_TYPE', wire: 5203, message: 'content type is not supported' } });
  });

  it('answers a schema failure with 400 HTTP_ERR_BAD_REQUEST naming the field and the rule', async () => {
    const { app } = setup();
    const res = await postJson(app, JSON.stringify({ name: 'a much too long name' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_BAD_REQUEST', wire: 5201, message: 'request is malformed: body/name must NOT have more than 8 characters' } });
  });

  it('answers an invalid URL with 400 HTTP_ERR_BAD_REQUEST without echoing it', async () => {
    const { app } = setup();
    const res = await app.inject({ method: 'GET', url: `/%zz${'a'.repeat(1000)}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_BAD_REQUEST', wire: 5201, message: 'request is malformed' } });
  });

  it('answers a handler fault with 500 HTTP_ERR_INTERNAL and an id, and logs the full error at error with that id', async () => {
    const { app, logger } = setup();
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    const { error } = res.json<{ error: { id: string } }>();
    expect(error).toEqual({ code: 'HTTP_ERR_INTERNAL', wire: 5207, message: 'internal error', id: error.id });
    // The random id may hold any digits: the body less its id says nothing of the fault.
    expect(res.body.replace(error.id, '')).not.toMatch(/10\.0\.0\.7|4096|refused/);
    const ids = new Set([error.id, (await app.inject({ method: 'GET', url: '/boom' })).json<{ error: { id: string } }>().error.id]);
    expect(ids.size).toBe(2);
    const [line] = logger.at('error');
    expect(line).toMatchObject({ message: 'http request failed', meta: { id: error.id, method: 'GET', url: '/boom' } });
    expect((line!.meta.err as Error).message).toContain('10.0.0.7:27017');
  });

  it('answers an unknown route with 404 HTTP_ERR_NOT_FOUND, echoing nothing of the URL and logging it bounded', async () => {
    const { app, logger } = setup();
    const url = `/${'<script>'.repeat(1000)}`;
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_NOT_FOUND', wire: 5205, message: 'no such route' } });
    const [line] = logger.at('debug');
    expect(line).toMatchObject({ message: 'http request refused', meta: { code: 'HTTP_ERR_NOT_FOUND' } });
    expect((line!.meta.url as string).length).toBeLessThan(300);
  });

  it('answers a known path with another method with 405 HTTP_ERR_METHOD_NOT_ALLOWED and Allow', async () => {
    const { app } = setup();
    for (const method of ['DELETE', 'PROPFIND'] as const) {
      const res = await app.inject({ method, url: '/health?x=1' });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD');
      expect(res.json()).toEqual({ error: { code: 'HTTP_ERR_METHOD_NOT_ALLOWED', wire: 5206, message: 'method is not allowed on this route' } });
    }
  });
});

describe('createClientErrorHandler', () => {
  // What the handler needs of a socket: enough to see what it writes and that it closes.
  function standInSocket() {
    const written: string[] = [];
    const socket = { destroyed: false, writable: true, remoteAddress: '203.0.113.5', write: (s: string) => written.push(s), destroy: () => (socket.destroyed = true) };
    return { socket, written };
  }

  it('answers a request that took too long with 408 HTTP_ERR_TIMEOUT and closes the connection', () => {
    const logger = new MemoryLogger();
    const { socket, written } = standInSocket();
    createClientErrorHandler(logger)(Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket as unknown as Socket);
    expect(written[0]).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(JSON.parse(written[0]!.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'HTTP_ERR_TIMEOUT', wire: 5208, message: 'request was not received in time' } });
    expect(socket.destroyed).toBe(true);
    expect(logger.at('debug')[0]).toMatchObject({ message: 'http request refused', meta: { code: 'HTTP_ERR_TIMEOUT', ip: '203.0.113.5' } });
  });

  it('writes nothing to a connection the peer reset', () => {
    const { socket, written } = standInSocket();
    createClientErrorHandler(new MemoryLogger())(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), socket as unknown as Socket);
    expect(written).toEqual([]);
  });
});
