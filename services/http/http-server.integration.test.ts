import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { HttpServer } from './http-server.js';

// Sends `bytes` on a fresh connection and resolves with everything the server wrote before closing.
function exchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()));
  });
}

describe('HttpServer on a real socket', () => {
  let server: HttpServer | undefined;
  afterEach(() => server?.stop());

  async function start(): Promise<string> {
    server = new HttpServer({ host: '127.0.0.1', port: 0, logger: new MemoryLogger() });
    await server.start();
    return server.url;
  }

  it('answers bytes that are not HTTP with 400 HTTP_ERR_BAD_REQUEST and closes', async () => {
    const answer = await exchange(await start(), 'HELLO \x00\x01 WORLD\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'HTTP_ERR_BAD_REQUEST', wire: 5201, message: 'request is malformed' } });
  });

  it('answers headers over the size limit with 431 HTTP_ERR_HEADERS_TOO_LARGE and closes', async () => {
    const answer = await exchange(await start(), `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toEqual({ error: { code: 'HTTP_ERR_HEADERS_TOO_LARGE', wire: 5209, message: 'headers are larger than allowed' } });
  });
});
